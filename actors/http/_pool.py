"""The HTTP pool actor: owns every connection, its limits and its lifetime.

Theory of operation
-------------------
A request checks a connection out, runs its exchange in the caller's own task
and checks it back in when the response body is complete (or closes it when it
is not). The pool's state changes synchronously, so a cancelled caller can
never leave it half-updated:

* capacity is a ``trio.Semaphore`` of ``max_connections`` slots, so waiting for
  a slot is FIFO and costs O(1) however many requests are in flight;
* idle connections sit in one deque per origin; checkout pops the most recently
  used one (warm, least likely to have been closed by the server) and check-in
  appends, so both are O(1) and each deque stays ordered by idle time;
* the reaper (:meth:`ConnectionPool.run`, started by the client's nursery)
  sleeps until the oldest idle connection passes ``keepalive_expiry`` and
  closes it; without a reaper, expired connections are closed when checkout
  meets them, so nothing depends on the reaper for correctness;
* the same actor times the reads of every connection (see
  :class:`actors.http._connection.ReadTimer`): while it runs, a read waiting
  for its data puts no deadline into trio's heap; without it, each read has
  its own ``move_on_after`` scope.

The pool is an ``httpx.AsyncBaseTransport``: requests and responses are httpx
objects, so a user's own ``httpx.AsyncClient`` can wrap it too, but the default
path calls :meth:`ConnectionPool.handle_async_request` directly.
"""

from __future__ import annotations

import collections
import functools
import ssl
import time
from collections.abc import Mapping, Sequence

import attrs
import httpx
import trio

from protocols.http11 import ParseMemo

from ._connection import Connection, ReadTimer, map_io_errors, open_tcp
from ._proxy import ProxyRoutes, open_tunnel

__all__ = [
    "ConnectionPool",
    "HeaderField",
    "PoolLimits",
    "PoolStatistics",
    "RateLimitHeaders",
    "read_body",
    "request_with_body",
]

Origin = tuple[bytes, bytes, int]
_DEFAULT_PORTS = {b"http": 80, b"https": 443}


@attrs.frozen(kw_only=True)
class PoolLimits:
    """How many connections the pool may hold.

    The defaults are the client's (``oaitrio.DEFAULT_CONNECTION_LIMITS`` is
    :meth:`as_httpx` of them): up to 1,000 connections, all kept for reuse,
    since a fan-out at hundreds in flight would otherwise reopen them.
    """

    max_connections: int = 1000
    """Connections open at once, busy or idle; further requests wait (``pool`` timeout)."""
    max_keepalive_connections: int = 1000
    """Idle connections kept for reuse; a connection released beyond this is closed."""
    keepalive_expiry: float = 5.0
    """Seconds an idle connection is kept before the reaper (or checkout) closes it."""

    def as_httpx(self) -> httpx.Limits:
        """The same limits as an ``httpx.Limits`` (what the SDK's constant holds)."""
        return httpx.Limits(
            max_connections=self.max_connections,
            max_keepalive_connections=self.max_keepalive_connections,
            keepalive_expiry=self.keepalive_expiry,
        )


@attrs.frozen(kw_only=True)
class PoolStatistics:
    """A snapshot of the pool, for tests and monitoring."""

    in_use: int
    """Connections checked out by requests right now."""
    idle: int
    """Connections waiting for reuse."""
    opened: int
    """Connections opened since the pool was created."""


@attrs.frozen(kw_only=True)
class RateLimitHeaders:
    """The latest ``x-ratelimit-*`` headers the server sent, as received."""

    headers: Mapping[str, str]
    """Header name without the ``x-ratelimit-`` prefix (``remaining-requests``, ...) to value."""
    observed_at: float
    """``time.monotonic()`` when the response carrying them arrived."""


def _origin(url: httpx.URL) -> Origin:
    scheme = url.raw_scheme
    return (scheme, url.raw_host, url.port or _DEFAULT_PORTS.get(scheme, 80))


HeaderField = tuple[bytes, bytes, bytes]
"""A header as ``httpx.Headers`` keeps it: ``(name, lower-cased name, value)``."""


def request_with_body(
    method: str,
    url: httpx.URL,
    fields: Sequence[HeaderField],
    body: bytes,
    extensions: Mapping[str, object],
) -> httpx.Request:
    """``httpx.Request(method, url, headers=..., content=body, extensions=...)``, built in one pass.

    httpx derives a request's header list three times (from the pairs given,
    again to add ``Content-Length``, again to put ``Host`` in front), each time
    a new tuple per header. Here the list is assembled once from ``fields``,
    whose tuples are shared, not copied: a client's own headers are the same
    tuples on every request, so a request waiting for its answer holds only
    the few that are its own (at hundreds in flight, each one is an object
    every garbage collection walks). ``url``, immutable, is shared too.

    The result equals httpx's: the same headers in the same order (``Host``,
    then ``fields``, then ``Content-Length``), ``content`` readable, an
    ``httpx.ByteStream`` body, a copy of ``extensions``.

    Args:
        method: The request method.
        url: The absolute URL.
        fields: The headers, without ``Host``, ``Content-Length`` or
            ``Transfer-Encoding`` (httpx derives those; the caller asks httpx
            itself when it sets one).
        body: The whole body; not empty (httpx frames an empty body otherwise).
        extensions: The request extensions (``timeout``, ...).
    """
    length = (b"Content-Length", b"content-length", b"%d" % len(body))
    headers = httpx.Headers()
    if url.raw_host:
        headers._list = [_host_field(url.netloc), *fields, length]
    else:
        headers._list = [*fields, length]
    request = httpx.Request(method, url, stream=httpx.ByteStream(body), extensions=extensions)
    request.headers = headers
    request.url = url
    request.read()
    return request


@functools.lru_cache(maxsize=64)
def _host_field(netloc: bytes) -> HeaderField:
    return (b"Host", b"host", netloc)


@functools.lru_cache(maxsize=64)
def _response_extensions(http_version: bytes, reason: bytes) -> dict[str, bytes]:
    """The extensions httpx reads from a response, built once per (version, reason).

    ``httpx.Response`` copies the dict it is given, so sharing one saves only
    building it (and the ``b"HTTP/"`` concatenation) per response; the copy
    each response holds is httpx's.
    """
    return {"http_version": b"HTTP/" + http_version, "reason_phrase": reason}


def _response_headers(fields: list[tuple[bytes, bytes]]) -> httpx.Headers:
    """The ``httpx.Headers`` of a response head, sharing the parser's objects.

    The parser hands out names already lower-cased (and, for the names it
    has seen before, the same object each time), so one object serves as
    both the raw and the lower-cased name: httpx would lower-case each name
    again into a new object, and a streamed response keeps its headers for
    as long as it is open (about 11 objects and 0.6 KB per open stream with
    the API's dozen headers).
    """
    headers = httpx.Headers()
    headers._list = [(name, name, value) for name, value in fields]
    return headers


class _ResponseStream(httpx.AsyncByteStream):
    """A response body read straight from its connection in the caller's task.

    The connection goes back to the pool the moment the body is complete; if
    the stream is closed earlier (or fails), the connection is closed instead,
    since unread bytes would poison the next exchange.
    """

    __slots__ = ("_conn", "_done", "_pool", "_read_timeout", "_released", "_request")

    def __init__(
        self,
        pool: ConnectionPool,
        conn: Connection,
        request: httpx.Request,
        read_timeout: float | None,
    ) -> None:
        self._pool = pool
        self._conn = conn
        self._request = request
        self._read_timeout = read_timeout
        self._done = False
        self._released = False

    def __aiter__(self) -> _ResponseStream:
        return self

    async def __anext__(self) -> bytes:
        if self._done:
            raise StopAsyncIteration
        if self._released:
            raise httpx.StreamClosed()
        try:
            chunk = await self._conn.receive_body_chunk(self._request, self._read_timeout)
        except BaseException:
            await self.aclose()
            raise
        if chunk:
            return chunk
        self._done = True
        self._release()
        raise StopAsyncIteration

    async def drain(self, *, max_bytes: int, timeout: float) -> bool:
        """Read and discard the rest of the body so the connection can be reused.

        Bounded by ``max_bytes`` and ``timeout`` seconds; past either bound the
        connection is closed instead. Returns whether the body was completed.
        """
        seen = 0
        with trio.move_on_after(timeout):
            try:
                while not self._done and seen <= max_bytes:
                    seen += len(await self.__anext__())
            except StopAsyncIteration:
                pass
            except httpx.TransportError:
                return False
        if not self._done:
            await self.aclose()
        return self._done

    def _release(self) -> None:
        if not self._released:
            self._released = True
            self._pool._check_in(self._conn, reusable=self._conn.finish_cycle())

    async def aclose(self) -> None:
        self.close_now()

    def close_now(self) -> None:
        """``aclose()``, synchronously: for owners that cannot await (``__del__``).

        Idempotent. A finished body gives its connection back; an unfinished
        one closes it (a socket close does not block).
        """
        if self._released:
            return
        if self._done:
            self._release()
            return
        self._released = True
        self._pool._check_in(self._conn, reusable=False)


async def read_body(response: httpx.Response) -> bytes:
    """Read the whole body of ``response`` (as ``await response.aread()`` does).

    A body coming straight from our pool with no content-encoding is joined
    from its chunks without httpx's decoder and chunker layers.
    """
    stream = response.stream
    if type(stream) is _ResponseStream and "content-encoding" not in response.headers:
        if not hasattr(response, "_content"):
            chunks = [chunk async for chunk in stream]
            response._content = b"".join(chunks)  # pyright: ignore[reportAttributeAccessIssue]
            response.is_stream_consumed = True
            response.is_closed = True
        return response.content
    return await response.aread()


class ConnectionPool(httpx.AsyncBaseTransport):
    """HTTP/1.1 connection pool and transport: our sans-I/O codec over trio streams.

    Args:
        limits: connection limits and keep-alive expiry.
        ssl_context: context for ``https`` origins; default: certifi's CA bundle.
        trust_env: honour ``HTTP(S)_PROXY``, ``ALL_PROXY`` and ``NO_PROXY``.

    Cancellation: a request cancelled at any point leaves no connection checked
    out; the connection it held is closed (its state is unknown).
    """

    def __init__(
        self,
        *,
        limits: PoolLimits | None = None,
        ssl_context: ssl.SSLContext | None = None,
        trust_env: bool = True,
    ) -> None:
        self.limits = limits or PoolLimits()
        self._ssl_context = ssl_context
        self._proxies = ProxyRoutes.from_environment() if trust_env else ProxyRoutes()
        self._slots = trio.Semaphore(self.limits.max_connections)
        self._idle: dict[Origin, collections.deque[Connection]] = {}
        self._open: set[Connection] = set()
        self._idle_count = 0
        self._in_use = 0
        self._opened = 0
        self._closed = False
        self._timer = ReadTimer()
        self._memo = ParseMemo()
        # The raw headers of the latest response that carried rate limits, and
        # when it came; decoded only when someone asks (most never do).
        self._rate_limit_source: tuple[list[tuple[bytes, bytes]], float] | None = None
        self._rate_limits: RateLimitHeaders | None = None

    # -- public state -------------------------------------------------------

    @property
    def rate_limits(self) -> RateLimitHeaders | None:
        """The most recent ``x-ratelimit-*`` headers seen on any response, if any."""
        source = self._rate_limit_source
        if source is not None:
            headers, observed_at = source
            values = {
                name[len(b"x-ratelimit-") :].decode("latin-1"): value.decode("latin-1")
                for name, value in headers
                if name.startswith(b"x-ratelimit-")
            }
            self._rate_limits = RateLimitHeaders(headers=values, observed_at=observed_at)
            self._rate_limit_source = None
        return self._rate_limits

    def statistics(self) -> PoolStatistics:
        return PoolStatistics(in_use=self._in_use, idle=self._idle_count, opened=self._opened)

    # -- the actor ------------------------------------------------------------

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Reap idle connections past their keep-alive and time reads out, until cancelled.

        Started with ``await nursery.start(pool.run)`` by the owner of the pool.
        On cancellation it hands the reads it was timing back to trio (each
        gets its own deadline) and closes every idle connection before
        returning.
        """
        timer = self._timer
        expiry = self.limits.keepalive_expiry
        timer.start()
        task_status.started()
        try:
            while True:
                now = trio.current_time()
                timer.expire(now)
                wake = timer.next_deadline()
                oldest = self._oldest_idle_time()
                if oldest is not None:
                    if now - oldest >= expiry:
                        await self._close_expired(now)
                        continue
                    wake = min(wake, oldest + expiry)
                await timer.run_until(wake)
        finally:
            timer.stop()
            await self._close_idle()

    async def aclose(self) -> None:
        """Close every connection and refuse new requests. Idempotent.

        Connections still checked out by unfinished responses are closed too:
        reading such a response afterwards fails with ``httpx.ReadError``.
        """
        self._closed = True
        # Close everything synchronously first, so a cancelled caller cannot
        # stop half-way; the checkpoint comes last.
        self._idle.clear()
        self._idle_count = 0
        for conn in list(self._open):
            conn.close()
        self._open.clear()
        await trio.lowlevel.checkpoint()

    # -- the request path ------------------------------------------------------

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Run one exchange in the caller's task and return the response, body unread."""
        if self._closed:
            raise RuntimeError("the HTTP connection pool is closed; open a new client")
        timeouts: dict[str, float | None] = request.extensions.get("timeout") or {}
        # No local holds the origin tuple: this frame lives until the answer
        # comes, and every object it keeps is one more for the collector.
        conn = await self._check_out(_origin(request.url), timeouts, request)
        try:
            head = await conn.send_request(request, timeouts)
        except httpx.LocalProtocolError:
            # The request could not be encoded (a bad header): nothing was
            # sent, so the connection is as clean as it was.
            self._check_in(conn, reusable=True)
            raise
        except BaseException:
            self._check_in(conn, reusable=False)
            raise
        for name, _ in head.headers:
            if name.startswith(b"x-ratelimit-"):
                self._rate_limit_source = (head.headers, time.monotonic())
                break
        stream = _ResponseStream(self, conn, request, timeouts.get("read"))
        response = httpx.Response(
            status_code=head.status_code,
            stream=stream,
            extensions=_response_extensions(head.http_version, head.reason),
            request=request,
        )
        response.headers = _response_headers(head.headers)
        return response

    async def _check_out(
        self, origin: Origin, timeouts: dict[str, float | None], request: httpx.Request
    ) -> Connection:
        try:
            self._slots.acquire_nowait()
        except trio.WouldBlock:
            pool_timeout = timeouts.get("pool")
            try:
                with trio.fail_after(float("inf") if pool_timeout is None else pool_timeout):
                    await self._slots.acquire()
            except trio.TooSlowError:
                size = self.limits.max_connections
                which = "the only connection" if size == 1 else f"all {size} connections"
                raise httpx.PoolTimeout(
                    f"{which} of the pool stayed busy for the pool timeout ({pool_timeout:g} s)",
                    request=request,
                ) from None
        self._in_use += 1
        try:
            idle = self._idle.get(origin)
            if idle:
                now = trio.current_time()
                expiry = self.limits.keepalive_expiry
                while idle:
                    conn = idle.pop()
                    self._idle_count -= 1
                    if now - conn.idle_since < expiry and not conn.looks_dead():
                        return conn
                    self._discard(conn)
            return await self._connect(origin, timeouts, request)
        except BaseException:
            self._in_use -= 1
            self._slots.release()
            raise

    def _check_in(self, conn: Connection, *, reusable: bool) -> None:
        """Return a connection's slot; keep the connection if it can serve again.

        Synchronous on purpose: it runs from ``aclose`` paths under cancellation.
        A connection that is not kept is closed here, without blocking.
        """
        self._in_use -= 1
        self._slots.release()
        if (
            reusable
            and not self._closed
            and self._idle_count < self.limits.max_keepalive_connections
        ):
            conn.idle_since = trio.current_time()
            self._idle.setdefault(conn.origin, collections.deque()).append(conn)
            self._idle_count += 1
            self._timer.wake_by(conn.idle_since + self.limits.keepalive_expiry)
        else:
            self._discard(conn)

    async def _connect(
        self, origin: Origin, timeouts: dict[str, float | None], request: httpx.Request
    ) -> Connection:
        scheme, host, port = origin
        connect_timeout = timeouts.get("connect")
        try:
            proxy = self._proxies.for_origin(origin)
        except httpx.ProxyError as exc:
            exc.request = request
            raise
        # Until the proxy is reached (and its tunnel open), a failure is the
        # proxy's: it gets its own error, naming the proxy, and is not retried.
        reaching_proxy = proxy is not None
        try:
            with trio.fail_after(float("inf") if connect_timeout is None else connect_timeout):
                with map_io_errors(httpx.ConnectError, request):
                    if proxy is None:
                        tcp = await open_tcp(host.decode("ascii"), port)
                    else:
                        try:
                            tcp = await open_tcp(proxy.host, proxy.port)
                        except OSError as exc:
                            raise httpx.ProxyError(
                                f"could not connect to the proxy {proxy.name}: {exc}",
                                request=request,
                            ) from exc
                    try:
                        if proxy is not None and scheme == b"https":
                            try:
                                await open_tunnel(tcp, proxy, host, port)
                            except httpx.ProxyError as exc:
                                exc.request = request
                                raise
                        reaching_proxy = False
                        stream: trio.abc.Stream = tcp
                        if scheme == b"https":
                            ssl_stream = trio.SSLStream(
                                tcp,
                                self._ssl(),
                                server_hostname=host.decode("ascii"),
                                https_compatible=True,
                            )
                            await ssl_stream.do_handshake()
                            stream = ssl_stream
                    except BaseException:
                        tcp.socket.close()
                        raise
        except trio.TooSlowError:
            if reaching_proxy and proxy is not None:
                raise httpx.ProxyError(
                    f"the proxy {proxy.name} did not answer within the connect timeout",
                    request=request,
                ) from None
            raise httpx.ConnectTimeout(
                f"could not connect to {host.decode('ascii')}:{port} within the connect timeout",
                request=request,
            ) from None
        # No ``except ssl.SSLError``: trio reports a failed handshake as
        # BrokenResourceError caused by the SSLError, which map_io_errors
        # turns into httpx.ConnectError naming the TLS reason.
        self._opened += 1
        # A plain-http request through a proxy names the whole URL in its
        # request line (absolute form); https goes through the CONNECT tunnel.
        forward = proxy if proxy is not None and scheme == b"http" else None
        conn = Connection(
            stream, tcp.socket, origin, proxy=forward, timer=self._timer, memo=self._memo
        )
        self._open.add(conn)
        return conn

    def _discard(self, conn: Connection) -> None:
        conn.close()
        self._open.discard(conn)

    def _ssl(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            import certifi

            context = ssl.create_default_context(cafile=certifi.where())
            context.set_alpn_protocols(["http/1.1"])
            self._ssl_context = context
        return self._ssl_context

    # -- idle bookkeeping -----------------------------------------------------

    def _oldest_idle_time(self) -> float | None:
        oldest = [queue[0].idle_since for queue in self._idle.values() if queue]
        return min(oldest) if oldest else None

    async def _close_expired(self, now: float) -> None:
        expiry = self.limits.keepalive_expiry
        expired: list[Connection] = []
        for queue in self._idle.values():
            while queue and now - queue[0].idle_since >= expiry:
                expired.append(queue.popleft())
        self._idle_count -= len(expired)
        for conn in expired:
            self._discard(conn)
        await trio.lowlevel.checkpoint()

    async def _close_idle(self) -> None:
        idle = [conn for queue in self._idle.values() for conn in queue]
        self._idle.clear()
        self._idle_count = 0
        for conn in idle:
            self._discard(conn)
        await trio.lowlevel.checkpoint()
