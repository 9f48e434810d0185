"""``POST /v1/chat/completions``: deterministic replies, plain and streamed.

The reply text is ``"You said: "`` followed by the text of the last ``user``
message, or ``"Hello! This is the oaitrio fake server."`` when there is none.
It is split into tokens the way GPT tokenizers tend to split words: each token
is a word with its leading space (``"You"``, ``" said:"``, ...).

The number of content tokens is the header ``x-fake-chunks: N`` when present
(the tokens of the reply cycle until there are N), else the natural token
count; both are capped by ``max_completion_tokens`` / ``max_tokens``, and a
cut reply ends with ``finish_reason: "length"``. Every one of the ``n``
choices carries the same text.

Streams are built from byte templates: each distinct event is encoded once and
reused, so a stream of 200,000 chunks costs a list lookup per chunk.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any, cast

import attrs

from ._wire import (
    BadRequest,
    Reply,
    StreamReply,
    encode_json,
    json_reply,
    object_or_none,
    random_id,
)

__all__ = ["chat_completion", "count_tokens"]

_TOKEN_RE = re.compile(r"\s*\S+|\s+")
_DEFAULT_TEXT = "Hello! This is the oaitrio fake server."
_FINGERPRINT = "fp_fake0a1b2c"
_OBFUSCATION = "Xq7mZ2pLk9RtVw3nBc"
MAX_FAKE_CHUNKS = 10_000_000


def count_tokens(text: str) -> int:
    """The fake's token count of a text: words with their leading space."""
    return len(_TOKEN_RE.findall(text))


def _message_text(content: Any) -> str:
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


def _positive_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadRequest(
            f"Invalid '{name}': expected an integer of at least 1.",
            param=name,
            code="integer_below_min_value",
        )
    return value


@attrs.frozen
class _Plan:
    """What to answer, decided once from the request."""

    id: str
    created: int
    model: str
    tokens: list[str]
    count: int
    finish_reason: str
    n: int
    prompt_tokens: int
    service_tier: str

    def usage(self) -> dict[str, Any]:
        completion = self.count * self.n
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }

    def content(self) -> str:
        tokens, size = self.tokens, len(self.tokens)
        whole, rest = divmod(self.count, size)
        return "".join(tokens) * whole + "".join(tokens[:rest])


def _plan(body: dict[str, Any], fake_chunks: str | None) -> _Plan:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("you must provide a model parameter")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest(
            "Invalid 'messages': expected a non-empty array of messages.",
            param="messages",
            code="invalid_value",
        )
    last_user = ""
    prompt_tokens = 3
    for entry in cast("list[Any]", messages):
        message = object_or_none(entry)
        if message is None or not isinstance(message.get("role"), str):
            raise BadRequest("Invalid 'messages': each message needs a 'role'.", param="messages")
        text = _message_text(message.get("content"))
        prompt_tokens += 4 + count_tokens(text)
        if message["role"] == "user":
            last_user = text
    text = f"You said: {last_user.strip()}" if last_user.strip() else _DEFAULT_TEXT
    tokens: list[str] = _TOKEN_RE.findall(text)
    if fake_chunks is None:
        count = len(tokens)
    else:
        try:
            count = int(fake_chunks)
        except ValueError:
            count = -1
        if not 0 <= count <= MAX_FAKE_CHUNKS:
            raise BadRequest(
                f"x-fake-chunks must be an integer from 0 to {MAX_FAKE_CHUNKS}.",
                param="x-fake-chunks",
            )
    finish_reason = "stop"
    limit = _positive_int(body, "max_completion_tokens") or _positive_int(body, "max_tokens")
    if limit is not None and count > limit:
        count, finish_reason = limit, "length"
    n = _positive_int(body, "n") or 1
    if n > 128:
        raise BadRequest("Invalid 'n': at most 128.", param="n", code="integer_above_max_value")
    tier = body.get("service_tier")
    return _Plan(
        id=random_id("chatcmpl-"),
        created=int(time.time()),
        model=model,
        tokens=tokens,
        count=count,
        finish_reason=finish_reason,
        n=n,
        prompt_tokens=prompt_tokens,
        service_tier=tier if tier in ("flex", "priority", "scale") else "default",
    )


def chat_completion(body: dict[str, Any], headers: dict[str, str]) -> Reply | StreamReply:
    """Answer a chat completion request (see the module docstring)."""
    plan = _plan(body, headers.get("x-fake-chunks"))
    if body.get("stream") is not True:
        content = plan.content()
        annotations: list[Any] = []
        return json_reply(
            {
                "id": plan.id,
                "object": "chat.completion",
                "created": plan.created,
                "model": plan.model,
                "choices": [
                    {
                        "index": index,
                        "message": {
                            "role": "assistant",
                            "content": content,
                            "refusal": None,
                            "annotations": annotations,
                        },
                        "logprobs": None,
                        "finish_reason": plan.finish_reason,
                    }
                    for index in range(plan.n)
                ],
                "usage": plan.usage(),
                "service_tier": plan.service_tier,
                "system_fingerprint": _FINGERPRINT,
            }
        )
    mode = headers.get("x-fake-write-mode", "token")
    if mode not in ("token", "coalesced"):
        raise BadRequest(
            "x-fake-write-mode must be 'token' or 'coalesced'.", param="x-fake-write-mode"
        )
    raw_options = body.get("stream_options")
    options = object_or_none(raw_options)
    if raw_options is not None and options is None:
        raise BadRequest("Invalid 'stream_options': expected an object.", param="stream_options")
    options = options or {}
    include_usage = bool(options.get("include_usage"))
    obfuscate = options.get("include_obfuscation", True) is not False
    return StreamReply(
        _stream_events(plan, include_usage=include_usage, obfuscate=obfuscate),
        coalesced=mode == "coalesced",
        headers=(("content-type", "text/event-stream; charset=utf-8"),),
    )


def _stream_events(plan: _Plan, *, include_usage: bool, obfuscate: bool) -> Iterator[bytes]:
    head = (
        b'data: {"id":'
        + encode_json(plan.id)
        + b',"object":"chat.completion.chunk","created":%d,"model":' % plan.created
        + encode_json(plan.model)
        + b',"service_tier":'
        + encode_json(plan.service_tier)
        + b',"system_fingerprint":"'
        + _FINGERPRINT.encode()
        + b'","choices":['
    )
    usage_null = b',"usage":null' if include_usage else b""

    def tail(seed: int) -> bytes:
        if not obfuscate:
            return b"}\n\n"
        size = 1 + seed % (len(_OBFUSCATION) - 1)
        return b',"obfuscation":"' + _OBFUSCATION[:size].encode() + b'"}\n\n'

    def choice(index: int, delta: bytes, finish: bytes) -> bytes:
        return b'{"index":%d,"delta":%s,"logprobs":null,"finish_reason":%s}' % (
            index,
            delta,
            finish,
        )

    indexes = range(plan.n)
    for index in indexes:
        delta = b'{"role":"assistant","content":"","refusal":null}'
        yield head + choice(index, delta, b"null") + b"]" + usage_null + tail(index)
    # One pre-built event per (token, choice): the loop below only looks them up.
    templates = [
        head
        + choice(index, b'{"content":' + encode_json(token) + b"}", b"null")
        + b"]"
        + usage_null
        + tail(len(token))
        for token in plan.tokens
        for index in indexes
    ]
    size = len(templates)
    for position in range(plan.count * plan.n):
        yield templates[position % size]
    finish = b'"' + plan.finish_reason.encode() + b'"'
    for index in indexes:
        yield head + choice(index, b"{}", finish) + b"]" + usage_null + tail(index + 3)
    if include_usage:
        yield head + b'],"usage":' + encode_json(plan.usage()) + tail(7)
