"""One HTTP/1.1 connection: h11 driven over a trio stream, one exchange at a time.

A :class:`Connection` is owned by exactly one request between checkout and
release (see :mod:`actors.http._pool`), so it needs no lock: the caller's task
writes the request and reads the response itself, with no task or channel in
between. Every blocking step runs under its own timeout from the request's
``httpx.Timeout`` (write, then read between chunks), so a stalled peer is
noticed while a long healthy stream is not cut.

Errors leave this module as httpx exceptions (``ReadTimeout``,
``ReadError``, ``RemoteProtocolError``, ...), the same classes a stock httpx
transport raises, so the layer above maps one exception tree whichever
transport ran the request.
"""

from __future__ import annotations

import re
import select
from types import TracebackType

import h11
import httpx
import trio

from ._proxy import Proxy

__all__ = ["Connection", "map_io_errors"]

_READ_SIZE = 64 * 1024


class map_io_errors:  # used like a function: ``with map_io_errors(...):``
    """Translate trio and h11 failures inside the block into httpx exceptions.

    A class rather than a ``@contextmanager`` generator: it wraps every read of
    a response, and a generator-based manager costs several times more.
    """

    __slots__ = ("_error", "_request")

    def __init__(self, error: type[httpx.TransportError], request: httpx.Request) -> None:
        self._error = error
        self._request = request

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            return
        request = self._request
        if isinstance(exc, (trio.BrokenResourceError, trio.ClosedResourceError, OSError)):
            # trio reports a failed TLS handshake as BrokenResourceError caused
            # by the ssl.SSLError that says why (an untrusted certificate, say).
            cause = exc.__cause__
            reason = str(exc) or (f"TLS: {cause}" if cause else type(exc).__name__)
            raise self._error(reason, request=request) from exc
        if isinstance(exc, h11.RemoteProtocolError):
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        if isinstance(exc, h11.LocalProtocolError):
            raise httpx.LocalProtocolError(str(exc), request=request) from exc


_TOKEN = re.compile(rb"[-!#$%&'*+.^_`|~0-9a-zA-Z]+")
_known_names: set[bytes] = set()


def _check_headers(headers: list[tuple[bytes, bytes]], request: httpx.Request) -> None:
    """Refuse header names that are not tokens and values with CR, LF or NUL.

    Messages name the header but never quote a value: values can hold
    credentials. Valid names are remembered (a client sends the same few).
    """
    for name, value in headers:
        if name not in _known_names:
            if _TOKEN.fullmatch(name) is None:
                raise httpx.LocalProtocolError(
                    f"invalid header name {name[:64]!r}", request=request
                )
            if len(_known_names) < 4096:
                _known_names.add(name)
        if b"\r" in value or b"\n" in value or b"\0" in value:
            raise httpx.LocalProtocolError(
                f"the value of header {name.decode('latin-1')!r} must not contain CR, LF or NUL",
                request=request,
            )


def _buffered_body(request: httpx.Request) -> bytes | None:
    """The body when httpx already holds it in memory, ``None`` for a streamed body."""
    try:
        return request.content
    except httpx.RequestNotRead:
        return None


def _timeout(value: float | None) -> float:
    return float("inf") if value is None else value


class Connection:
    """A keep-alive HTTP/1.1 connection to one origin.

    Not safe for concurrent use: the pool hands it to one request at a time.

    Attributes:
        origin: ``(scheme, host, port)`` this connection talks to.
        idle_since: ``trio.current_time()`` when it was last released, for the reaper.
    """

    __slots__ = ("_conn", "_proxy", "_socket", "_stream", "idle_since", "origin")

    def __init__(
        self,
        stream: trio.abc.Stream,
        raw_socket: trio.socket.SocketType,
        origin: tuple[bytes, bytes, int],
        *,
        proxy: Proxy | None = None,
    ) -> None:
        self._stream = stream
        self._socket = raw_socket
        self._conn = h11.Connection(h11.CLIENT, max_incomplete_event_size=256 * 1024)
        self._proxy = proxy
        self.origin = origin
        self.idle_since = 0.0

    # -- request / response -------------------------------------------------

    async def send_request(
        self, request: httpx.Request, timeouts: dict[str, float | None]
    ) -> h11.Response:
        """Write ``request`` and read the response head.

        Raises:
            httpx.WriteTimeout, httpx.WriteError: sending stalled or failed.
            httpx.ReadTimeout, httpx.ReadError: the head did not arrive.
            httpx.RemoteProtocolError: the peer closed without answering or sent bad HTTP.
        """
        headers = request.headers.raw
        _check_headers(headers, request)
        if self._proxy is None:
            target = request.url.raw_path
        else:
            target = str(request.url).encode("ascii")
            headers = [*headers, *self._proxy.headers]
        conn = self._conn
        try:
            with (
                trio.fail_after(_timeout(timeouts.get("write"))),
                map_io_errors(httpx.WriteError, request),
            ):
                # _parsed=True skips h11's per-header regexes (a third of the
                # cost of a small request); _check_headers did the checks that
                # matter for safety first.
                head = h11.Request(
                    method=request.method.encode("ascii"),
                    target=target,
                    headers=headers,
                    _parsed=True,
                )
                data = conn.send(head)
                body = _buffered_body(request)
                if body is not None:
                    if body:
                        data = (data or b"") + (conn.send(h11.Data(data=body)) or b"")
                    data = (data or b"") + (conn.send(h11.EndOfMessage()) or b"")
                    await self._stream.send_all(data)
                else:
                    await self._stream.send_all(data or b"")
                    async for part in request.stream:  # type: ignore[union-attr]
                        part = bytes(part)  # pyright: ignore[reportUnknownArgumentType]
                        if part:
                            await self._stream.send_all(conn.send(h11.Data(data=part)) or b"")
                    await self._stream.send_all(conn.send(h11.EndOfMessage()) or b"")
        except trio.TooSlowError:
            raise httpx.WriteTimeout(
                "could not send the request within the write timeout", request=request
            ) from None
        read_timeout = _timeout(timeouts.get("read"))
        while True:
            event = await self._next_event(request, read_timeout)
            if isinstance(event, h11.Response):
                return event
            if isinstance(event, h11.InformationalResponse):
                continue
            raise httpx.RemoteProtocolError(
                f"expected a response head, got {type(event).__name__}", request=request
            )

    async def receive_body_chunk(self, request: httpx.Request, read_timeout: float | None) -> bytes:
        """The next piece of the response body; ``b""`` once the body is complete."""
        timeout = _timeout(read_timeout)
        while True:
            event = await self._next_event(request, timeout)
            if isinstance(event, h11.Data):
                if event.data:
                    return bytes(event.data)
                continue
            if isinstance(event, h11.EndOfMessage):
                return b""
            raise httpx.RemoteProtocolError(
                f"unexpected {type(event).__name__} in a response body", request=request
            )

    async def _next_event(
        self, request: httpx.Request, timeout: float
    ) -> h11.Event | type[h11.PAUSED]:
        conn = self._conn
        stream = self._stream
        with map_io_errors(httpx.ReadError, request):
            while True:
                event = conn.next_event()
                if event is not h11.NEED_DATA:
                    break
                data = b""
                with trio.move_on_after(timeout) as scope:
                    data = await stream.receive_some(_READ_SIZE)
                if scope.cancelled_caught:
                    raise httpx.ReadTimeout(
                        "no data from the server within the read timeout", request=request
                    )
                conn.receive_data(bytes(data))
        if isinstance(event, h11.ConnectionClosed):
            raise httpx.RemoteProtocolError(
                "server closed the connection before the response was complete",
                request=request,
            )
        return event  # type: ignore[return-value]

    # -- lifetime -------------------------------------------------------------

    def finish_cycle(self) -> bool:
        """Prepare for the next request; ``False`` when the connection cannot be reused."""
        conn = self._conn
        if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
            conn.start_next_cycle()
            return True
        return False

    def looks_dead(self) -> bool:
        """True when an idle connection has become readable (peer closed or sent garbage).

        A healthy idle keep-alive connection has nothing to read; readability
        here means EOF or bytes nobody asked for, so the connection is unusable.
        """
        try:
            readable, _, _ = select.select([self._socket], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def close(self) -> None:
        """Close the connection now, without blocking. Idempotent.

        Closing the socket under a TLS stream skips the close_notify alert,
        which HTTPS allows (the body framing already told where it ended), and
        keeps closing possible from synchronous and cancelled code.
        """
        self._socket.close()
