"""One HTTP/1.1 connection: our sans-I/O codec over a trio stream, one exchange at a time.

A :class:`Connection` is owned by exactly one request between checkout and
release (see :mod:`actors.http._pool`), so it needs no lock: the caller's task
writes the request and reads the response itself, with no task or channel in
between. Every blocking step runs under its own timeout from the request's
``httpx.Timeout`` (write, then read between chunks), so a stalled peer is
noticed while a long healthy stream is not cut.

The bytes are framed and parsed by :mod:`protocols.http11` (h11 did this
before; profiles showed its per-event machinery at a fifth of a small
request's cost and half of a token-by-token stream's).

Errors leave this module as httpx exceptions (``ReadTimeout``,
``ReadError``, ``RemoteProtocolError``, ...), the same classes a stock httpx
transport raises, so the layer above maps one exception tree whichever
transport ran the request.
"""

from __future__ import annotations

import select
from types import TracebackType

import httpx
import trio

from protocols._util import LocalProtocolError, RemoteProtocolError
from protocols.http11 import (
    END_OF_BODY,
    END_OF_CHUNKED_BODY,
    NEED_DATA,
    ResponseHead,
    ResponseParser,
    encode_chunk,
    encode_request_head,
)

from ._proxy import Proxy

__all__ = ["Connection", "map_io_errors"]

_READ_SIZE = 64 * 1024


class map_io_errors:  # used like a function: ``with map_io_errors(...):``
    """Translate trio and protocol failures inside the block into httpx exceptions.

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
        if isinstance(exc, RemoteProtocolError):
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        if isinstance(exc, LocalProtocolError):
            raise httpx.LocalProtocolError(str(exc), request=request) from exc


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

    __slots__ = (
        "_done",
        "_parser",
        "_plain",
        "_proxy",
        "_socket",
        "_stream",
        "idle_since",
        "origin",
    )

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
        # Plain TCP talks to the trio socket directly: SocketStream adds a
        # conflict detector and an error-translating generator per call, which
        # at hundreds of requests in flight mostly feed the garbage collector.
        self._plain = raw_socket if isinstance(stream, trio.SocketStream) else None
        self._parser = ResponseParser(request_method=b"GET")
        self._done = False
        self._proxy = proxy
        self.origin = origin
        self.idle_since = 0.0

    # -- request / response -------------------------------------------------

    async def send_request(
        self, request: httpx.Request, timeouts: dict[str, float | None]
    ) -> ResponseHead:
        """Write ``request`` and read the response head.

        Raises:
            httpx.LocalProtocolError: a header name or value cannot be sent (the
                message names the header, never its value).
            httpx.WriteTimeout, httpx.WriteError: sending stalled or failed.
            httpx.ReadTimeout, httpx.ReadError: the head did not arrive.
            httpx.RemoteProtocolError: the peer closed without answering or sent bad HTTP.
        """
        method = request.method.encode("ascii")
        headers = request.headers.raw
        if self._proxy is None:
            target = request.url.raw_path
        else:
            target = str(request.url).encode("ascii")
            headers = [*headers, *self._proxy.headers]
        with map_io_errors(httpx.WriteError, request):
            head = encode_request_head(method, target, headers)
        self._parser.reset(request_method=method)
        self._done = False
        send = self._send_all
        with map_io_errors(httpx.WriteError, request):
            with trio.move_on_after(_timeout(timeouts.get("write"))) as scope:
                body = _buffered_body(request)
                if body is not None:
                    await send(head + body)
                else:
                    await send(head)
                    chunked = request.headers.get("transfer-encoding", "").lower() == "chunked"
                    async for part in request.stream:  # type: ignore[union-attr]
                        part = bytes(part)  # pyright: ignore[reportUnknownArgumentType]
                        if part:
                            await send(encode_chunk(part) if chunked else part)
                    if chunked:
                        await send(END_OF_CHUNKED_BODY)
            if scope.cancelled_caught:
                raise httpx.WriteTimeout(
                    "could not send the request within the write timeout", request=request
                )
        event = await self._next_event(request, _timeout(timeouts.get("read")))
        if type(event) is ResponseHead:
            return event
        raise httpx.RemoteProtocolError("the response has no head", request=request)

    async def receive_body_chunk(self, request: httpx.Request, read_timeout: float | None) -> bytes:
        """The next piece of the response body; ``b""`` once the body is complete.

        A piece holds every body byte already received, so one network read
        full of small chunks costs one call.
        """
        if self._done:
            return b""
        event = await self._next_event(request, _timeout(read_timeout))
        if event is END_OF_BODY:
            self._done = True
            return b""
        if type(event) is bytes:
            return event
        raise httpx.RemoteProtocolError("unexpected event in a response body", request=request)

    async def _next_event(
        self, request: httpx.Request, timeout: float
    ) -> ResponseHead | bytes | object:
        parser = self._parser
        plain = self._plain
        stream = self._stream
        with map_io_errors(httpx.ReadError, request):
            while True:
                event = parser.next_event()
                if event is not NEED_DATA:
                    return event
                data = b""
                with trio.move_on_after(timeout) as scope:
                    if plain is not None:
                        data = await plain.recv(_READ_SIZE)
                    else:
                        data = await stream.receive_some(_READ_SIZE)
                if scope.cancelled_caught:
                    raise httpx.ReadTimeout(
                        "no data from the server within the read timeout", request=request
                    )
                parser.feed(bytes(data))

    async def _send_all(self, data: bytes) -> None:
        plain = self._plain
        if plain is None:
            await self._stream.send_all(data)
            return
        sent = await plain.send(data)
        if sent == len(data):  # the common case: the kernel took it all
            return
        view = memoryview(data)[sent:]
        while view:
            sent = await plain.send(view)
            view = view[sent:]

    # -- lifetime -------------------------------------------------------------

    def finish_cycle(self) -> bool:
        """Whether the exchange ended cleanly and the connection can carry another."""
        return self._done and self._parser.keep_alive

    def looks_dead(self) -> bool:
        """True when an idle connection has become readable (peer closed or sent garbage).

        A healthy idle keep-alive connection has nothing to read; readability
        here means EOF or bytes nobody asked for, so the connection is unusable.
        """
        # poll, not select: select refuses descriptors past 1024, which busy
        # services reach. A closed descriptor reports POLLNVAL: dead too.
        poller = select.poll()
        try:
            poller.register(self._socket.fileno(), select.POLLIN)
        except (OSError, ValueError):
            return True
        return bool(poller.poll(0))

    def close(self) -> None:
        """Close the connection now, without blocking. Idempotent.

        Closing the socket under a TLS stream skips the close_notify alert,
        which HTTPS allows (the body framing already told where it ended), and
        keeps closing possible from synchronous and cancelled code.
        """
        self._socket.close()
