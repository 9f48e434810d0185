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

import ipaddress
import math
import os
import select
import socket
import sys
from types import TracebackType

import httpx
import trio

from protocols._util import LocalProtocolError, RemoteProtocolError
from protocols.http11 import (
    END_OF_BODY,
    END_OF_CHUNKED_BODY,
    NEED_DATA,
    ParseMemo,
    ResponseHead,
    ResponseParser,
    encode_chunk,
    encode_request_head,
)

from ._proxy import Proxy

if sys.version_info < (3, 11):  # pragma: no cover - trio depends on the backport there
    from exceptiongroup import ExceptionGroup

__all__ = ["Connection", "ReadTimer", "map_io_errors", "open_tcp"]

_READ_SIZE = 64 * 1024
# A read this large suggests the peer writes faster than we read: the next
# read tries the socket before waiting (see ``Connection._receive``).
_EAGER_READ = 4 * 1024
# os.read/os.write on a socket descriptor and select.poll are POSIX; elsewhere
# (Windows) every connection goes through trio's own socket stream.
_DIRECT_IO = sys.platform != "win32"
# Why the pool's actor woke a read waiting without a cancel scope.
_TIMED_OUT = "timed out"
_REARM = "actor stopped"


class map_io_errors:  # used like a function: ``with map_io_errors(...):``
    """Translate trio and protocol failures inside the block into httpx exceptions.

    A class rather than a ``@contextmanager`` generator, which costs several
    times more. The read and write paths map errors with plain ``try`` blocks
    and :func:`_httpx_error` instead (see there).
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
        mapped = _httpx_error(exc, self._error, self._request)
        if mapped is not None:
            raise mapped from exc


def _httpx_error(
    exc: BaseException, error: type[httpx.TransportError], request: httpx.Request
) -> httpx.TransportError | None:
    """The httpx exception ``exc`` becomes (``error`` for I/O failures), or None to let it pass.

    The hot path calls this from plain ``try``/``except`` blocks: a
    :class:`map_io_errors` object and its bound ``__exit__`` would stay alive
    for as long as a request waits for its answer.
    """
    if isinstance(exc, (trio.BrokenResourceError, trio.ClosedResourceError, OSError)):
        # trio reports a failed TLS handshake as BrokenResourceError caused
        # by the ssl.SSLError that says why (an untrusted certificate, say).
        cause = exc.__cause__
        reason = str(exc) or (f"TLS: {cause}" if cause else type(exc).__name__)
        return error(reason, request=request)
    if isinstance(exc, RemoteProtocolError):
        return httpx.RemoteProtocolError(str(exc), request=request)
    if isinstance(exc, LocalProtocolError):
        return httpx.LocalProtocolError(str(exc), request=request)
    return None


async def open_tcp(host: str, port: int) -> trio.SocketStream:
    """``trio.open_tcp_stream(host, port)``, in one step when ``host`` is an IP address.

    An address needs no lookup and offers one target, so trio's happy-eyeballs
    machinery (a nursery, a task, an event and a timed cancel scope per
    connection) has nothing to choose between: connecting directly costs about
    a third of the CPU (measured on loopback: 140 against 390 us), which a
    fan-out opening hundreds of connections at once notices. A host name goes
    through trio as it is. A failure reads as trio's does (an ``OSError``
    saying that all attempts failed, caused by the attempts' errors).

    Cancellation: the socket is closed; nothing is left open.
    """
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return await trio.open_tcp_stream(host, port)
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    sock = trio.socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        await sock.connect((host, port))
    except OSError as exc:
        sock.close()
        target = f"[{host}]:{port}" if address.version == 6 else f"{host}:{port}"
        message = f"all attempts to connect to {target} failed"
        raise OSError(message) from ExceptionGroup(message, [exc])
    except BaseException:
        sock.close()
        raise
    return trio.SocketStream(sock)


def _buffered_body(request: httpx.Request) -> bytes | None:
    """The body when httpx already holds it in memory, ``None`` for a streamed body."""
    try:
        return request.content
    except httpx.RequestNotRead:
        return None


def _timeout(value: float | None) -> float:
    return float("inf") if value is None else value


def _write_now(sock: trio.socket.SocketType, data: bytes | memoryview) -> int:
    """Write what the (non-blocking) socket takes right now; how many bytes it took.

    ``os.write`` on the descriptor is ``send`` without flags. ``fileno()`` is
    asked each time: it is -1 once the socket is closed, never a reused number.
    """
    try:
        return os.write(sock.fileno(), data)
    except BlockingIOError:
        return 0


class ReadBuffer:
    """One scratch buffer that every read of a pool lands in, copied out at its size.

    ``os.read(fd, 65536)`` allocates 64 KiB and shrinks it to what came: with
    thousands of open streams each holding its last small read, the heap
    fills with 64 KiB holes that the next 64 KiB read cannot reuse (measured:
    peak resident memory per open stream at 1,000 paced streams 33.1 and 41.3 KB before, 21.8 and 27.9 after). Reads are
    synchronous, so the tasks of one trio run can share the buffer; it is
    allocated on first use.
    """

    __slots__ = ("_view",)

    def __init__(self) -> None:
        self._view: memoryview | None = None

    def read(self, sock: trio.socket.SocketType) -> bytes | None:
        """What the socket holds right now (``b""`` at EOF), None when a wake-up was spurious."""
        view = self._view
        if view is None:
            view = self._view = memoryview(bytearray(_READ_SIZE))
        try:
            size = os.readv(sock.fileno(), (view,))
        except BlockingIOError:
            return None
        return view[:size].tobytes()


class _WaitQueue:
    """The reads waiting under one timeout length, earliest deadline first."""

    __slots__ = ("head", "tail")

    def __init__(self) -> None:
        self.head: Connection | None = None
        self.tail: Connection | None = None


class ReadTimer:
    """Read timeouts kept by one actor instead of one trio deadline per read.

    Theory of operation: trio keeps a heap entry per timed cancel scope, and
    the entry of a scope that has exited stays in the heap, holding the scope,
    until the heap is pruned past 1,000 entries plus twice the live ones. With
    hundreds of reads in flight those stale entries are the objects that pile
    up between garbage collections, so they alone set how often the collector
    runs, and each run walks every object of every call in flight. Measured at
    256 calls in flight: one generation-0 collection every ~510 calls with a
    timed scope per read, none at all in 4,700 calls with no read deadline;
    and the heap's prune cost ~5 us per call.

    So while the pool's actor runs the timer (:meth:`run_until`), a read is
    linked into the queue of reads with the same timeout (each queue is
    therefore in deadline order; linking and unlinking allocate nothing). The
    actor sleeps until the earliest deadline and ends the reads that reached
    theirs. A read on plain TCP waits with no cancel scope at all (entering
    and leaving one was the largest cost of a read with thousands of slow
    streams open): the actor wakes it with ``trio.lowlevel.notify_closing``
    on its socket and marks it timed out; the read raises
    ``httpx.ReadTimeout`` and the connection is closed, as after any timeout.
    A read through a TLS stream waits in a cancel scope without a deadline,
    which the actor cancels. Either way a read whose data had already woken
    it still completes. When the actor is not running (a pool used without
    its owner's ``async with``), reads have ``trio.move_on_after`` scopes, as
    before; when it stops, the reads it was timing go on under their own
    deadline: nothing depends on the actor for a timeout to fire.
    """

    __slots__ = ("_next_wake", "_queues", "_running", "_wakeup", "buffer")

    def __init__(self) -> None:
        self.buffer = ReadBuffer()
        """The scratch buffer the pool's reads share (one trio run, one pool)."""
        self._queues: dict[float, _WaitQueue] = {}
        self._running = False
        self._wakeup: trio.Event | None = None
        self._next_wake = math.inf

    def scope(self, conn: Connection, timeout: float) -> trio.CancelScope:
        """The cancel scope for one read by ``conn`` that may wait ``timeout`` seconds.

        Enter it right away, and call :meth:`discard` once the read is over
        (also on error): ``scope.cancelled_caught`` says whether it timed out.
        """
        if timeout == math.inf:
            return trio.CancelScope()
        if not self._running:
            return trio.move_on_after(timeout)
        scope = trio.CancelScope()
        self.link(conn, trio.current_time() + timeout, timeout, scope)
        return scope

    @property
    def running(self) -> bool:
        """Whether the actor times reads now (else reads need their own deadline)."""
        return self._running

    def link(
        self,
        conn: Connection,
        deadline: float,
        timeout: float,
        scope: trio.CancelScope | None = None,
    ) -> None:
        """Link ``conn``'s read, due at ``deadline``, into the queue for ``timeout``.

        Only while the timer runs. Without ``scope``, the read must wait on
        ``conn``'s socket: at the deadline the actor wakes it through
        ``notify_closing`` with ``conn._woken`` set. Call :meth:`discard`
        once the read is over (also on error).
        """
        queue = self._queues.get(timeout)
        if queue is None:
            if len(self._queues) >= 32:  # timeouts vary per call: drop the idle queues
                self._queues = {t: q for t, q in self._queues.items() if q.head is not None}
            queue = self._queues[timeout] = _WaitQueue()
        conn._wait_scope = scope
        conn._wait_deadline = deadline
        conn._wait_queue = queue
        conn._wait_prev = tail = queue.tail
        if tail is None:
            queue.head = conn
        else:
            tail._wait_next = conn
        queue.tail = conn
        self.wake_by(deadline)

    def discard(self, conn: Connection) -> None:
        """Unlink ``conn``'s read, if it is linked. Idempotent."""
        queue = conn._wait_queue
        if queue is None:
            return
        prev, after = conn._wait_prev, conn._wait_next
        if prev is None:
            queue.head = after
        else:
            prev._wait_next = after
        if after is None:
            queue.tail = prev
        else:
            after._wait_prev = prev
        conn._wait_queue = conn._wait_prev = conn._wait_next = conn._wait_scope = None

    def wake_by(self, when: float) -> None:
        """Make :meth:`run_until` return by ``when`` (it is sleeping longer)."""
        if when < self._next_wake and self._wakeup is not None:
            self._wakeup.set()

    # -- the actor's side ---------------------------------------------------

    def start(self) -> None:
        """From now on, reads are timed by the actor (see :meth:`run_until`)."""
        self._running = True

    def stop(self) -> None:
        """Hand every linked read back to trio, under its own deadline. Synchronous.

        A scoped read's scope gets its deadline; an unscoped one is woken to
        wait again in a scope of its own.
        """
        self._running = False
        for queue in self._queues.values():
            while queue.head is not None:
                conn = queue.head
                scope = conn._wait_scope
                self.discard(conn)
                if scope is not None:
                    scope.deadline = conn._wait_deadline
                else:
                    conn._woken = _REARM
                    trio.lowlevel.notify_closing(conn._socket)
        self._queues.clear()

    def next_deadline(self) -> float:
        """The earliest deadline of a linked read, ``inf`` when none is."""
        earliest = math.inf
        for queue in self._queues.values():
            head = queue.head
            if head is not None and head._wait_deadline < earliest:
                earliest = head._wait_deadline
        return earliest

    def expire(self, now: float) -> None:
        """Time out (cancel) every linked read whose deadline is ``now`` or earlier."""
        for queue in self._queues.values():
            while queue.head is not None and queue.head._wait_deadline <= now:
                conn = queue.head
                scope = conn._wait_scope
                self.discard(conn)
                if scope is not None:
                    scope.cancel()
                else:
                    conn._woken = _TIMED_OUT
                    trio.lowlevel.notify_closing(conn._socket)

    async def run_until(self, when: float) -> None:
        """Sleep until ``when``, or until a read or :meth:`wake_by` needs an earlier wake-up."""
        self._next_wake = when
        self._wakeup = wakeup = trio.Event()
        try:
            with trio.move_on_at(when):
                await wakeup.wait()
        finally:
            self._wakeup = None
            self._next_wake = math.inf


class Connection:
    """A keep-alive HTTP/1.1 connection to one origin.

    Not safe for concurrent use: the pool hands it to one request at a time.

    Attributes:
        origin: ``(scheme, host, port)`` this connection talks to.
        idle_since: ``trio.current_time()`` when it was last released, for the reaper.
    """

    __slots__ = (
        "_done",
        "_eager",
        "_parser",
        "_plain",
        "_proxy",
        "_socket",
        "_stream",
        "_timer",
        "_wait_deadline",
        "_wait_next",
        "_wait_prev",
        "_wait_queue",
        "_wait_scope",
        "_woken",
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
        timer: ReadTimer | None = None,
        memo: ParseMemo | None = None,
    ) -> None:
        self._stream = stream
        self._socket = raw_socket
        # Plain TCP talks to the socket directly: SocketStream adds a
        # conflict detector and an error-translating generator per call, which
        # at hundreds of requests in flight mostly feed the garbage collector.
        self._plain = raw_socket if _DIRECT_IO and isinstance(stream, trio.SocketStream) else None
        self._eager = False
        # The pool's connections share one memo of header names and chunk sizes.
        self._parser = ResponseParser(request_method=b"GET", memo=memo)
        self._done = False
        self._proxy = proxy
        # Without a pool: a timer of its own, never started, so reads use timed scopes.
        self._timer = ReadTimer() if timer is None else timer
        # This connection's place in its timer's queue while a read waits.
        self._wait_scope: trio.CancelScope | None = None
        self._wait_deadline = 0.0
        self._wait_queue: _WaitQueue | None = None
        self._wait_prev: Connection | None = None
        self._wait_next: Connection | None = None
        self._woken: str | None = None
        self.origin = origin
        self.idle_since = 0.0

    # -- request / response -------------------------------------------------

    async def send_request(
        self, request: httpx.Request, timeouts: dict[str, float | None]
    ) -> ResponseHead:
        """Write ``request`` and read the response head.

        Cancellation: nothing is sent once the caller is cancelled; cancelled
        after that, the connection's state is unknown and the caller closes it.

        Raises:
            httpx.LocalProtocolError: a header name or value cannot be sent (the
                message names the header, never its value).
            httpx.WriteTimeout, httpx.WriteError: sending stalled or failed.
            httpx.ReadTimeout, httpx.ReadError: the head did not arrive.
            httpx.RemoteProtocolError: the peer closed without answering or sent bad HTTP.
        """
        # Everything here stays alive while the request waits for its answer,
        # and at hundreds of requests in flight each object a waiting request
        # holds is walked again by every garbage collection: so no context
        # manager objects, bound methods or header lists are kept across the
        # awaits, and a plain socket is written and waited on directly.
        method = request.method.encode("ascii")
        try:
            if self._proxy is None:
                head = encode_request_head(
                    method, request.url.raw_path, request.headers.raw, self._parser.memo
                )
            else:
                head = encode_request_head(
                    method,
                    str(request.url).encode("ascii"),
                    [*request.headers.raw, *self._proxy.headers],
                    self._parser.memo,
                )
        except LocalProtocolError as exc:
            raise httpx.LocalProtocolError(str(exc), request=request) from exc
        self._parser.reset(request_method=method)
        self._done = False
        body = _buffered_body(request)
        plain = self._plain
        try:
            if plain is not None and body is not None:
                await trio.lowlevel.checkpoint_if_cancelled()
                # One write without a cancel scope: the kernel almost always
                # takes a whole request at once, and a scope (plus its entry
                # in trio's deadline heap) per write is garbage for the
                # collector. Only the rest of a partial write needs the
                # write timeout.
                data = head + body
                sent = _write_now(plain, data)
                if sent < len(data):
                    await self._write_request(request, memoryview(data)[sent:], False, timeouts)
            else:
                await self._write_request(
                    request, head if body is None else head + body, body is None, timeouts
                )
        except Exception as exc:
            mapped = _httpx_error(exc, httpx.WriteError, request)
            if mapped is None:
                raise
            raise mapped from exc
        event = await self._next_event(request, _timeout(timeouts.get("read")))
        if type(event) is ResponseHead:
            return event
        raise httpx.RemoteProtocolError("the response has no head", request=request)

    async def _write_request(
        self,
        request: httpx.Request,
        data: bytes | memoryview,
        streamed_body: bool,
        timeouts: dict[str, float | None],
    ) -> None:
        """Write ``data``, then the request's streamed body if any, within the write timeout."""
        write = self._write
        with trio.move_on_after(_timeout(timeouts.get("write"))) as scope:
            await write(data)
            if streamed_body:
                chunked = request.headers.get("transfer-encoding", "").lower() == "chunked"
                async for part in request.stream:  # type: ignore[union-attr]
                    part = bytes(part)  # pyright: ignore[reportUnknownArgumentType]
                    if part:
                        await write(encode_chunk(part) if chunked else part)
                if chunked:
                    await write(END_OF_CHUNKED_BODY)
        if scope.cancelled_caught:
            raise httpx.WriteTimeout(
                "could not send the request within the write timeout", request=request
            )

    async def _write(self, data: bytes | memoryview) -> None:
        """The one write helper: all of ``data``, waiting while the socket is full.

        Cancellation: part of ``data`` may have been written.
        """
        plain = self._plain
        if plain is None:
            await self._stream.send_all(data)
            return
        await trio.lowlevel.checkpoint_if_cancelled()
        view = memoryview(data)
        while True:
            view = view[_write_now(plain, view) :]
            if not view:
                await trio.lowlevel.cancel_shielded_checkpoint()
                return
            await trio.lowlevel.wait_writable(plain)

    async def receive_body_chunk(self, request: httpx.Request, read_timeout: float | None) -> bytes:
        """The next piece of the response body; ``b""`` once the body is complete.

        A piece holds every body byte already received, so one network read
        full of small chunks costs one call.

        The usual wait of a streamed body (plain TCP, the pool's actor timing
        the read) runs in this frame rather than through :meth:`_receive`:
        every coroutine of the chain a waiting stream is suspended in is a new
        object per event that lives until the next one, so with thousands of
        paced streams open they are what the garbage collector walks (see
        docs/performance.md). Cancellation: as :meth:`_receive`.
        """
        if self._done:
            return b""
        parser = self._parser
        try:
            while True:
                event = parser.next_event()
                if type(event) is bytes:
                    return event
                if event is END_OF_BODY:
                    self._done = True
                    return b""
                if event is not NEED_DATA:
                    raise httpx.RemoteProtocolError(
                        "unexpected event in a response body", request=request
                    )
                timeout = _timeout(read_timeout)
                plain = self._plain
                timer = self._timer
                if (
                    plain is None
                    or self._eager
                    or not timer.running
                    or timeout == math.inf
                    or plain.fileno() < 0  # closed by the pool: _receive says so
                ):
                    parser.feed(await self._receive(request, timeout))
                    continue
                deadline = trio.current_time() + timeout
                rearmed = False
                timer.link(self, deadline, timeout)
                try:
                    await trio.lowlevel.wait_readable(plain)
                except trio.ClosedResourceError:
                    woken, self._woken = self._woken, None
                    if woken is _TIMED_OUT:
                        raise httpx.ReadTimeout(
                            "no data from the server within the read timeout", request=request
                        ) from None
                    if woken is not _REARM:
                        raise
                    rearmed = True  # the actor stopped: wait again under our own deadline
                finally:
                    timer.discard(self)
                data = None if rearmed else timer.buffer.read(plain)
                if data is None:  # the actor stopped, or a spurious wake-up
                    data = await self._receive(request, max(0.0, deadline - trio.current_time()))
                else:
                    self._eager = len(data) >= _EAGER_READ
                parser.feed(data)
        except Exception as exc:
            mapped = _httpx_error(exc, httpx.ReadError, request)
            if mapped is None:
                raise
            raise mapped from exc

    async def _next_event(
        self, request: httpx.Request, timeout: float
    ) -> ResponseHead | bytes | object:
        """The parser's next event, reading as often as it needs data."""
        parser = self._parser
        try:
            while True:
                event = parser.next_event()
                if event is not NEED_DATA:
                    return event
                parser.feed(await self._receive(request, timeout))
        except Exception as exc:
            mapped = _httpx_error(exc, httpx.ReadError, request)
            if mapped is None:
                raise
            raise mapped from exc

    async def _receive(self, request: httpx.Request, timeout: float) -> bytes:
        """The one read helper: what the peer sent next (``b""`` at EOF).

        Waits at most ``timeout`` seconds for it. Cancellation: nothing was
        read, or what was read is lost with the connection's state (the
        caller closes it).

        Raises:
            httpx.ReadTimeout: nothing came within ``timeout``.
            trio.ClosedResourceError, OSError: the connection was closed or broke.
        """
        plain = self._plain
        timer = self._timer
        if plain is not None:
            if plain.fileno() < 0:  # closed by the pool: trio cannot wait on it
                raise trio.ClosedResourceError("the connection was closed")
            if self._eager:
                # The last read was large: more is likely waiting already, and
                # reading first saves an epoll registration and wake-up.
                await trio.lowlevel.checkpoint_if_cancelled()
                data = timer.buffer.read(plain)
                if data is not None:
                    self._eager = len(data) >= _EAGER_READ
                    await trio.lowlevel.cancel_shielded_checkpoint()
                    return data
            if timer.running and timeout != math.inf:
                # Linked into the actor's queue, no cancel scope (see ReadTimer).
                deadline = trio.current_time() + timeout
                while True:
                    timer.link(self, deadline, timeout)
                    try:
                        await trio.lowlevel.wait_readable(plain)
                    except trio.ClosedResourceError:
                        woken, self._woken = self._woken, None
                        if woken is _TIMED_OUT:
                            raise httpx.ReadTimeout(
                                "no data from the server within the read timeout",
                                request=request,
                            ) from None
                        if woken is not _REARM:
                            raise
                        break  # the actor stopped: wait below under our own deadline
                    finally:
                        timer.discard(self)
                    data = timer.buffer.read(plain)
                    if data is not None:
                        self._eager = len(data) >= _EAGER_READ
                        return data
                timeout = max(0.0, deadline - trio.current_time())
        while True:
            data: bytes | None = None
            if plain is not None and timeout == math.inf:
                await trio.lowlevel.wait_readable(plain)
                data = timer.buffer.read(plain)
            else:
                scope = timer.scope(self, timeout)
                try:
                    with scope:
                        if plain is None:
                            data = bytes(await self._stream.receive_some(_READ_SIZE))
                        else:
                            await trio.lowlevel.wait_readable(plain)
                            data = timer.buffer.read(plain)
                finally:
                    timer.discard(self)
                if scope.cancelled_caught:
                    raise httpx.ReadTimeout(
                        "no data from the server within the read timeout", request=request
                    )
            if data is not None:
                self._eager = len(data) >= _EAGER_READ
                return data

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
        # Windows has no poll, and its select takes any socket.
        fd = self._socket.fileno()
        if fd < 0:
            return True
        if not hasattr(select, "poll"):
            return bool(select.select([fd], [], [], 0)[0])
        poller = select.poll()
        try:
            poller.register(fd, select.POLLIN)
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
