"""What every text-producing route shares: tokens, the test-only headers, SSE framing.

The fake's "tokens" are words with their leading space (``"You"``, ``" said:"``),
the way GPT tokenizers tend to split words. A route that streams text sends one
delta per token; the header ``x-fake-chunks: N`` asks for N deltas instead (the
tokens of the reply cycle until there are N), and ``x-fake-write-mode: token |
coalesced`` chooses one HTTP chunk per event or events batched into ~64 KiB
chunks. Both are checked here, so every route refuses a bad value the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from ._wire import BadRequest, object_or_none

__all__ = [
    "DEFAULT_TEXT",
    "MAX_FAKE_CHUNKS",
    "chunk_count",
    "coalesced",
    "count_tokens",
    "cycled_text",
    "message_text",
    "obfuscation",
    "positive_int",
    "sse_event",
    "split_tokens",
]

_TOKEN_RE = re.compile(r"\s*\S+|\s+")
_OBFUSCATION = "Xq7mZ2pLk9RtVw3nBc"
DEFAULT_TEXT = "Hello! This is the oaitrio fake server."
MAX_FAKE_CHUNKS = 10_000_000


def split_tokens(text: str) -> list[str]:
    """``text`` as the fake's tokens; joined, they give ``text`` back."""
    return _TOKEN_RE.findall(text)


def count_tokens(text: str) -> int:
    """The fake's token count of a text: words with their leading space."""
    return len(_TOKEN_RE.findall(text))


def cycled_text(tokens: list[str], count: int) -> str:
    """The first ``count`` tokens of ``tokens`` repeated without end, joined."""
    if not tokens:
        return ""
    whole, rest = divmod(count, len(tokens))
    return "".join(tokens) * whole + "".join(tokens[:rest])


def chunk_count(headers: Mapping[str, str], natural: int) -> int:
    """How many text deltas to send: ``x-fake-chunks`` when present, else ``natural``."""
    raw = headers.get("x-fake-chunks")
    if raw is None:
        return natural
    try:
        count = int(raw)
    except ValueError:
        count = -1
    if not 0 <= count <= MAX_FAKE_CHUNKS:
        raise BadRequest(
            f"x-fake-chunks must be an integer from 0 to {MAX_FAKE_CHUNKS}.",
            param="x-fake-chunks",
        )
    return count


def coalesced(headers: Mapping[str, str]) -> bool:
    """Whether ``x-fake-write-mode`` asks for events batched into large chunks."""
    mode = headers.get("x-fake-write-mode", "token")
    if mode not in ("token", "coalesced"):
        raise BadRequest(
            "x-fake-write-mode must be 'token' or 'coalesced'.", param="x-fake-write-mode"
        )
    return mode == "coalesced"


def message_text(content: Any) -> str:
    """The text of a message's ``content``: a string, or the ``text`` of its parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts: list[str] = []
        for part in cast("list[Any]", content):
            text = (object_or_none(part) or {}).get("text")
            if isinstance(text, str):
                parts.append(text)
        return "".join(parts)
    return ""


def positive_int(body: Mapping[str, Any], name: str, *, minimum: int = 1) -> int | None:
    """``body[name]`` when it is an integer of at least ``minimum``; None when absent or null."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise BadRequest(
            f"Invalid '{name}': expected an integer of at least {minimum}.",
            param=name,
            code="integer_below_min_value",
        )
    return value


def obfuscation(seed: int) -> str:
    """Padding for the ``obfuscation`` field of delta events, 1 to 17 characters."""
    return _OBFUSCATION[: 1 + seed % (len(_OBFUSCATION) - 1)]


def sse_event(data: bytes, event: str | None = None) -> bytes:
    """One server-sent event: an optional ``event:`` line, the ``data:`` line, a blank line."""
    if event is None:
        return b"data: " + data + b"\n\n"
    return b"event: " + event.encode() + b"\ndata: " + data + b"\n\n"
