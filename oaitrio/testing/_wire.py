"""What a handler hands back to the connection: replies, errors, ids, JSON.

Handlers are plain functions from a parsed request to a :class:`Reply` (a
complete body) or a :class:`StreamReply` (server-sent events written by the
connection); they never touch the socket.
"""

from __future__ import annotations

import os
import random
import re
import string
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast

import attrs
import msgspec

__all__ = [
    "BadRequest",
    "Reply",
    "StreamReply",
    "as_object",
    "decode_json",
    "encode_json",
    "error_body",
    "error_reply",
    "header_items",
    "json_reply",
    "object_or_none",
    "random_id",
    "request_id",
]

_encoder = msgspec.json.Encoder()
encode_json = _encoder.encode
_ALPHANUMERIC = string.ascii_letters + string.digits
_rng = random.Random()
_FORBIDDEN = re.compile(r"[\r\n\0]")


@attrs.frozen
class Reply:
    """A complete response: status, extra headers and body."""

    status: int
    """HTTP status code."""
    body: bytes
    """The response body."""
    headers: tuple[tuple[str, str], ...] = ()
    """Headers besides the common ones (content-type is among them)."""


@attrs.frozen
class StreamReply:
    """A ``text/event-stream`` response; the connection frames and sends it."""

    events: Iterator[bytes]
    """Whole events (``b"data: {...}\\n\\n"``), ``data: [DONE]`` excluded."""
    coalesced: bool
    """Batch events into ~64 KiB HTTP chunks instead of one chunk per event."""
    headers: tuple[tuple[str, str], ...] = ()
    """Headers besides the common ones."""
    done: bool = True
    """End with ``data: [DONE]`` (chat and legacy completions); the other
    streams of the API end at their own terminal event."""


class BadRequest(Exception):
    """Raised by a handler to answer with an OpenAI-shaped error."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.reply = error_reply(status, message, type=type, param=param, code=code)


def error_body(
    message: str, *, type: str, param: str | None = None, code: str | None = None
) -> bytes:
    """Encode ``{"error": {"message", "type", "param", "code"}}``."""
    return encode_json({"error": {"message": message, "type": type, "param": param, "code": code}})


def error_reply(
    status: int,
    message: str,
    *,
    type: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
    headers: tuple[tuple[str, str], ...] = (),
) -> Reply:
    """A JSON error reply shaped like the real API's."""
    return Reply(
        status,
        error_body(message, type=type, param=param, code=code),
        (("content-type", "application/json"), *headers),
    )


def json_reply(value: object, *, status: int = 200) -> Reply:
    """A JSON reply."""
    return Reply(status, encode_json(value), (("content-type", "application/json"),))


def decode_json(body: bytes) -> Any:
    """Decode a JSON request body, or raise :class:`BadRequest`."""
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError:
        raise BadRequest(
            "We could not parse the JSON body of your request. (HINT: This likely means"
            " you aren't using your HTTP library correctly. The OpenAI API expects a JSON"
            " payload, but what was sent was not valid JSON.)"
        ) from None


def as_object(value: Any) -> dict[str, Any]:
    """Check that a decoded body is a JSON object."""
    if not isinstance(value, dict):
        raise BadRequest("The request body must be a JSON object.")
    return cast("dict[str, Any]", value)


def object_or_none(value: Any) -> dict[str, Any] | None:
    """``value`` if it is a JSON object, else None."""
    return cast("dict[str, Any]", value) if isinstance(value, dict) else None


def random_id(prefix: str, length: int = 29) -> str:
    """An id like the real API's: ``prefix`` then random letters and digits."""
    return prefix + "".join(_rng.choices(_ALPHANUMERIC, k=length))


def request_id() -> str:
    """A fresh ``x-request-id`` value, ``req_`` and 32 hex digits."""
    return "req_" + os.urandom(16).hex()


def header_items(
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    """Lower-cased header pairs from a mapping or pairs.

    Raises:
        ValueError: a name or value holds CR, LF or NUL, or a name is empty.
    """
    if isinstance(headers, Mapping):
        pairs: Iterable[tuple[str, str]] = cast("Mapping[str, str]", headers).items()
    else:
        pairs = headers
    checked: list[tuple[str, str]] = []
    for name, value in pairs:
        if not name or _FORBIDDEN.search(name) or " " in name or _FORBIDDEN.search(value):
            raise ValueError(f"invalid header {name!r}: no CR, LF or NUL allowed")
        checked.append((name.lower(), value))
    return tuple(checked)
