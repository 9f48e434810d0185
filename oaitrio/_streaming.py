"""``AsyncStream``: a streamed response, pulled and decoded in the caller's task.

``async for chunk in stream`` reads the socket, feeds the sans-I/O SSE decoder
and decodes each event with msgspec, all in the consumer's own task: no pump
task, no channel, no reschedule per chunk. ``stream.read_ahead()`` is the
opt-in pump actor for consumers that are slower than the network.

Invariants a user can rely on:

* a body that ends, or is cut, before the stream's terminal marker raises
  :class:`APIConnectionError`; it never ends as if complete;
* a stall longer than the read timeout raises :class:`APITimeoutError`;
* an ``error`` payload raises :class:`APIError` with the server's message;
* after ``[DONE]`` the rest of the body is drained (bounded), so the
  connection goes back to the pool;
* leaving the ``async with`` block, or cancelling the consumer, closes the
  response and releases its connection;
* a stream left unfinished with no block and no reference kept (``async for
  chunk in await client.chat.completions.create(..., stream=True): break``,
  the official SDK's idiom) closes its connection when it is freed, which
  CPython does at the ``break`` itself, so a small pool does not starve.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Generic, TypeVar, cast

import httpx
import msgspec
import trio

from actors.sse import open_read_ahead
from protocols._util import RemoteProtocolError
from protocols.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
)
from protocols.sse import ServerSentEvent, SSEDecoder

from ._models import _decoder, lenient

__all__ = ["AsyncStream"]

_T = TypeVar("_T")

_DONE = b"[DONE]"
# After [DONE] the server still owes the chunked body's terminator; read at
# most this much, for at most this long, before giving the connection up.
_DRAIN_MAX_BYTES = 64 * 1024
_DRAIN_SECONDS = 5.0


def _event_type(value: object) -> object:
    if isinstance(value, dict):
        return cast("dict[str, object]", value).get("type")
    return getattr(value, "type", None)


def _enveloped(name: str, data: bytes | memoryview) -> bytes:
    """``{"event": name, "data": data}``: the shape of an assistants stream event."""
    return b'{"event":' + msgspec.json.encode(name) + b',"data":' + bytes(data) + b"}"


class AsyncStream(Generic[_T]):
    """An async iterator of decoded events, and an async context manager.

    ``expect_done``: the stream ends with ``data: [DONE]`` (chat, legacy
    completions). ``terminal``: the ``type`` of the events one of which ends the
    stream (``response.completed``, ...). Either way, a body that ends before
    that raises :class:`APIConnectionError` rather than passing for complete.

    With ``envelope=True`` (the assistants API's run streams) an event is
    the SSE ``event`` name together with its ``data``, decoded as
    ``{"event": name, "data": ...}``.

    Attributes:
        response: the ``httpx.Response`` whose body is being read.
    """

    def __init__(
        self,
        *,
        cast_to: type[_T],
        response: httpx.Response,
        expect_done: bool = True,
        strict: bool = False,
        envelope: bool = False,
        terminal: frozenset[str] | None = None,
    ) -> None:
        self.response = response
        self._cast_to = cast_to
        self._decode = _decoder(cast_to).decode
        self._envelope = envelope
        self._terminal = terminal
        self._terminated = False
        self._strict = strict
        self._expect_done = expect_done
        self._sse = SSEDecoder()
        self._events: list[ServerSentEvent] = []
        self._index = 0
        stream = response.stream
        if hasattr(stream, "drain") and "content-encoding" not in response.headers:
            self._body: AsyncIterator[bytes] = stream  # type: ignore[assignment]
        else:
            self._body = response.aiter_bytes()
        self._finished = False
        self._broken = False
        try:
            self._token: trio.lowlevel.TrioToken | None = trio.lowlevel.current_trio_token()
        except RuntimeError:
            self._token = None

    # -- iteration -------------------------------------------------------------

    def __aiter__(self) -> AsyncStream[_T]:
        return self

    async def __anext__(self) -> _T:
        if self._broken:
            raise APIConnectionError(
                message="this stream was closed after an error; it cannot be read further",
                request=self.response.request,
            )
        try:
            while True:
                events = self._events
                index = self._index
                if index < len(events):
                    self._index = index + 1
                    event = events[index]
                    data = event.data
                    if data == _DONE:
                        await self._finish()
                        raise StopAsyncIteration
                    if event.event is not None:
                        self._check_event_name(event)
                        if self._envelope:
                            data = _enveloped(event.event, data)
                    try:
                        value = self._decode(data)
                    except msgspec.DecodeError:  # also catches ValidationError, its subclass
                        value = self._slow_decode(data)
                    # For model_extra & co. of the chunk in hand (_oaitrio_last_event):
                    # two plain stores; a __dict__ per chunk cost ~20% of the rate.
                    self._last_value = value
                    self._last_data = data
                    if self._terminal is not None and _event_type(value) in self._terminal:
                        self._terminated = True
                    return value  # type: ignore[no-any-return]
                if self._finished:
                    if self._terminal is not None and not self._terminated:
                        raise APIConnectionError(
                            message="the stream ended before its last event ("
                            + " or ".join(sorted(self._terminal))
                            + "); the response is incomplete",
                            request=self.response.request,
                        )
                    raise StopAsyncIteration
                # The read is awaited here, not in a helper coroutine: each
                # coroutine a waiting stream is suspended in is one more new
                # object per event for the garbage collector (see _body_ended).
                try:
                    chunk = await self._body.__anext__()
                except (StopAsyncIteration, httpx.TransportError) as exc:
                    await self._body_ended(exc)
                    continue
                try:
                    self._events = self._sse.feed(chunk)
                except RemoteProtocolError as exc:
                    raise self._malformed(exc) from exc
                self._index = 0
        except StopAsyncIteration:
            raise
        except BaseException:
            # Whatever went wrong (an error event, a cut, a cancel), the
            # response is unusable: give its connection back now, even when
            # the caller did not use ``async with``.
            self._broken = True
            with trio.CancelScope(shield=True):
                await self.aclose()
            raise

    def _oaitrio_last_event(self) -> tuple[object, bytes | memoryview] | None:
        """The event this stream decoded last and the JSON it came from, or None.

        How ``oaitrio._models`` answers ``model_extra``, ``model_fields_set``
        and unknown attributes of a streamed chunk (it finds this stream among
        its caller's local variables), so that nothing is kept per event.
        """
        value = getattr(self, "_last_value", None)
        if value is None:
            return None
        data: bytes | memoryview = self._last_data
        return value, data

    async def next_batch(self) -> list[_T]:
        """Every event already decodable, at least one; ``[]`` at the end.

        The read-ahead and fan-in pumps move these batches, one channel send
        per network read rather than per event.
        """
        batch: list[_T] = []
        while not batch:
            try:
                batch.append(await self.__anext__())
            except StopAsyncIteration:
                return batch
            while self._index < len(self._events) and self._events[self._index].data != _DONE:
                batch.append(await self.__anext__())
        return batch

    async def _body_ended(self, exc: StopAsyncIteration | httpx.TransportError) -> None:
        """The body iterator stopped with ``exc``: take the last events, or raise.

        With thousands of paced streams open, every coroutine a waiting
        stream is suspended in is a new object per event that lives until
        the next one, and those are what the garbage collector walks; so the
        read itself is awaited in ``__anext__`` and only its ends come here.
        """
        if isinstance(exc, StopAsyncIteration):
            self._finished = True
            try:
                self._events = self._sse.end()
            except RemoteProtocolError as error:
                raise self._malformed(error) from error
            self._index = 0
            if self._expect_done and not any(e.data == _DONE for e in self._events):
                await self.aclose()
                raise APIConnectionError(
                    message="the stream ended before its [DONE] marker; the response is incomplete",
                    request=self.response.request,
                ) from None
            return
        await self.aclose()
        if isinstance(exc, httpx.TimeoutException):
            raise APITimeoutError(self.response.request) from exc
        raise APIConnectionError(
            message=f"the stream was cut before it was complete: {exc}",
            request=self.response.request,
        ) from exc

    def _malformed(self, exc: RemoteProtocolError) -> APIConnectionError:
        return APIConnectionError(
            message=f"the server sent a malformed event stream: {exc}",
            request=self.response.request,
        )

    def _check_event_name(self, event: ServerSentEvent) -> None:
        if event.event == "error":
            try:
                raw = msgspec.json.decode(event.data)
            except msgspec.DecodeError:
                raw = {"message": bytes(event.data).decode("utf-8", "replace")}
            self._raise_error(raw)

    def _slow_decode(self, data: bytes | memoryview) -> _T:
        """The payload did not fit the type: an error payload, or lenient decoding."""
        try:
            raw = msgspec.json.decode(data)
        except msgspec.DecodeError as exc:
            raise APIError(
                f"the server sent an event that is not JSON: {exc}",
                self.response.request,
                body=bytes(data).decode("utf-8", "replace"),
            ) from None
        # Truthiness, as the official SDK tests it: ``"error": null`` (or an
        # empty object) on an ordinary event is not an error.
        if isinstance(raw, dict) and cast("dict[str, object]", raw).get("error"):
            self._raise_error(cast("dict[str, object]", raw))
        if self._strict:
            try:
                return msgspec.convert(raw, self._cast_to)
            except msgspec.ValidationError as exc:
                body = cast("object", raw)
                raise APIResponseValidationError(
                    self.response, body, message=f"an event does not fit its type: {exc}"
                ) from exc
        return lenient(raw, self._cast_to)  # type: ignore[no-any-return]

    def _raise_error(self, raw: object) -> None:
        error = raw
        if isinstance(raw, dict):
            mapping = cast("dict[str, object]", raw)
            error = mapping.get("error", mapping)
        message = (
            cast("dict[str, object]", error).get("message") if isinstance(error, dict) else None
        )
        raise APIError(
            str(message) if message else "An error occurred during streaming",
            self.response.request,
            body=cast("object", error),
        )

    async def _finish(self) -> None:
        """Stop reading at the terminal marker, keeping the connection if we can."""
        self._finished = True
        self._events = []
        drain = getattr(self._body, "drain", None)
        if drain is not None:
            await drain(max_bytes=_DRAIN_MAX_BYTES, timeout=_DRAIN_SECONDS)
        else:
            # httpx's own iterator: read what is left, within the same bounds.
            seen = 0
            with trio.move_on_after(_DRAIN_SECONDS):
                with contextlib.suppress(httpx.TransportError):
                    async for piece in self._body:
                        seen += len(piece)
                        if seen > _DRAIN_MAX_BYTES:
                            break
        await self.aclose()

    # -- lifetime --------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the response. Idempotent; an unfinished body closes its connection."""
        self._finished = True
        self._events = []
        close_body = getattr(self._body, "aclose", None)
        if close_body is not None and not hasattr(self._body, "drain"):
            await close_body()  # httpx's async generator, closed before its response
        await self.response.aclose()

    close = aclose  # the official SDK's name

    def __del__(self) -> None:
        # STYLE says no cleanup by garbage collection; this is the exception
        # the SDK's own idiom forces on us. ``async for chunk in await
        # create(..., stream=True): break`` leaves no block and no reference,
        # so nothing else ever learns that the stream is abandoned, and its
        # connection would keep a pool slot until the client closes. CPython
        # frees the stream at the ``break`` (reference counting, not the cycle
        # collector), so this runs right there. It needs no task and no await:
        # the pool's check-in and a socket close are synchronous. It acts only
        # in the trio run that made the stream (the pool belongs to it), and
        # costs the per-chunk path nothing. httpx's own body iterator (a user's
        # http_client, or a compressed body) cannot be closed without awaiting;
        # use ``async with`` there.
        # getattr: __init__ may have failed before setting them.
        if getattr(self, "_finished", True) or getattr(self, "_token", None) is None:
            return
        close_now = getattr(self._body, "close_now", None)
        if close_now is None:
            return
        try:
            same_run = trio.lowlevel.current_trio_token() is self._token
        except RuntimeError:
            same_run = False
        if same_run:
            self._finished = True
            close_now()

    async def __aenter__(self) -> AsyncStream[_T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def read_ahead(
        self, *, max_buffered: int = 16
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[_T]]:
        """Read ahead in a pump actor while the consumer works.

        ``async with stream.read_ahead(max_buffered=...) as chunks: async for c in chunks``.
        The pump reads the socket in its own task and sends batches (every
        event decoded from one network read) over a channel holding at most
        ``max_buffered`` batches, so a slow consumer neither stalls the socket
        nor lets memory grow without bound. Errors (a cut, a timeout) reach the
        consumer as soon as the pump sees them. Leaving the block cancels the
        pump and closes the response.
        """
        return open_read_ahead(self, max_buffered=max_buffered)
