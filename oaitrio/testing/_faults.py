"""Faults the fake server can inject, programmed with ``FakeOpenAI.add_fault``.

Every fault is a frozen attrs class deriving from :class:`Fault`, and each one is
also reachable as an attribute of :class:`Fault` (``Fault.Status`` is
:class:`StatusError`, ``Fault.DropMidStream`` is :class:`DropMidStream`, ...), so
``from oaitrio.testing import Fault`` is the only import a test needs.

A request takes at most one fault: the first queued one whose path matches and
that applies to the request. The *stream faults* (those with ``after_chunks``
and :class:`DelayAfterDone`) apply only to streamed responses and stay queued
while plain requests pass by; the others apply to any request.

``after_chunks`` counts ``data:`` events already sent in this response, the
first being the ``role`` chunk of a chat stream. When a stream has fewer
events than ``after_chunks``, the fault fires just before ``data: [DONE]``,
or after the last event of a stream that has no ``[DONE]`` (responses,
transcriptions, images, speech).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

import attrs

from ._wire import header_items

__all__ = [
    "DelayAfterDone",
    "DropConnection",
    "DropMidStream",
    "EndBeforeDone",
    "ErrorEvent",
    "Fault",
    "MalformedEvent",
    "SlowFirstByte",
    "StallMidStream",
    "StatusError",
]


class Fault:
    """Base class of every fault; the concrete kinds are its attributes."""

    #: Whether the fault only applies to streamed responses.
    stream_only: ClassVar[bool] = False

    Status: ClassVar[type[StatusError]]
    DropConnection: ClassVar[type[DropConnection]]
    SlowFirstByte: ClassVar[type[SlowFirstByte]]
    DropMidStream: ClassVar[type[DropMidStream]]
    StallMidStream: ClassVar[type[StallMidStream]]
    MalformedEvent: ClassVar[type[MalformedEvent]]
    EndBeforeDone: ClassVar[type[EndBeforeDone]]
    ErrorEvent: ClassVar[type[ErrorEvent]]
    DelayAfterDone: ClassVar[type[DelayAfterDone]]


def _headers_converter(
    value: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    return header_items(value)


@attrs.frozen(kw_only=True)
class StatusError(Fault):
    """Answer with an error status and an OpenAI-shaped error body.

    Fields left as ``None`` take the values the real API uses for that status
    (429: ``rate_limit_exceeded``, 5xx: ``server_error``, others:
    ``invalid_request_error``).
    """

    status: int = 500
    """HTTP status code."""
    message: str | None = None
    """``error.message``; a status-specific default when None."""
    type: str | None = None
    """``error.type``; a status-specific default when None."""
    param: str | None = None
    """``error.param``."""
    code: str | None = None
    """``error.code``; a status-specific default when None."""
    retry_after: float | None = None
    """Seconds for a ``retry-after`` header (written as an integer when whole)."""
    retry_after_ms: float | None = None
    """Milliseconds for a ``retry-after-ms`` header."""
    should_retry: bool | None = None
    """Value of an ``x-should-retry`` header (``true``/``false``), or no header."""
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_headers_converter)
    """Extra response headers (a mapping is accepted); they override the defaults."""
    body: bytes | None = None
    """Raw body to send instead of the JSON error (e.g. an HTML page from a proxy)."""


@attrs.frozen(kw_only=True)
class DropConnection(Fault):
    """Read the request, then close the connection without any response."""

    reset: bool = False
    """Close with a TCP RST (``SO_LINGER`` 0) instead of a FIN."""


@attrs.frozen(kw_only=True)
class SlowFirstByte(Fault):
    """Wait before sending the response head; the response is otherwise normal."""

    seconds: float
    """Delay before the status line."""


@attrs.frozen(kw_only=True)
class DropMidStream(Fault):
    """Send ``after_chunks`` events, then close the socket: no terminating chunk."""

    stream_only: ClassVar[bool] = True
    after_chunks: int
    """Events sent before the drop."""
    reset: bool = False
    """Close with a TCP RST instead of a FIN (unread data may then be lost)."""


@attrs.frozen(kw_only=True)
class StallMidStream(Fault):
    """Send ``after_chunks`` events, sleep ``seconds``, then finish normally."""

    stream_only: ClassVar[bool] = True
    after_chunks: int
    """Events sent before the stall."""
    seconds: float
    """Length of the stall."""


@attrs.frozen(kw_only=True)
class MalformedEvent(Fault):
    """After ``after_chunks`` events insert one ``data:`` line that is not JSON.

    The stream then goes on normally.
    """

    stream_only: ClassVar[bool] = True
    after_chunks: int
    """Events sent before the malformed one."""
    data: bytes = b'{"id": "chatcmpl-broken", "choices": [{'
    """What follows ``data: `` in the malformed event."""


@attrs.frozen(kw_only=True)
class EndBeforeDone(Fault):
    """End the body cleanly (terminating chunk) without ``data: [DONE]``.

    On a stream that has no ``[DONE]``, ``after_chunks`` ends it early, cut
    before its terminal event.
    """

    stream_only: ClassVar[bool] = True
    after_chunks: int | None = None
    """Events sent before the end; None sends every event except ``[DONE]``."""


@attrs.frozen(kw_only=True)
class ErrorEvent(Fault):
    """After ``after_chunks`` events send ``data: {"error": {...}}``, then end the body.

    No ``[DONE]`` follows, as with the real API.
    """

    stream_only: ClassVar[bool] = True
    after_chunks: int
    """Events sent before the error event."""
    message: str = "The server had an error while processing your request. Sorry about that!"
    """``error.message``."""
    type: str = "server_error"
    """``error.type``."""
    param: str | None = None
    """``error.param``."""
    code: str | None = None
    """``error.code``."""


@attrs.frozen(kw_only=True)
class DelayAfterDone(Fault):
    """Send ``data: [DONE]``, then wait ``seconds`` before the terminating chunk.

    On a stream that has no ``[DONE]`` the wait follows its last event.

    A client that drains the body before reusing the connection sees the delay.
    """

    stream_only: ClassVar[bool] = True
    seconds: float
    """Delay between ``[DONE]`` and the terminating chunk."""


Fault.Status = StatusError
Fault.DropConnection = DropConnection
Fault.SlowFirstByte = SlowFirstByte
Fault.DropMidStream = DropMidStream
Fault.StallMidStream = StallMidStream
Fault.MalformedEvent = MalformedEvent
Fault.EndBeforeDone = EndBeforeDone
Fault.ErrorEvent = ErrorEvent
Fault.DelayAfterDone = DelayAfterDone
