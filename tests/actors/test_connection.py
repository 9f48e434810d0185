"""One connection's exchange over plain TCP: the unscoped first write, its rest, the head read."""

from __future__ import annotations

import functools
import math
import socket
import sys
from collections.abc import Awaitable, Callable

import httpx
import pytest
import trio
import trio.testing

from actors.http import ConnectionPool
from actors.http._connection import ReadBuffer, open_tcp

if sys.version_info < (3, 11):  # pragma: no cover - trio depends on the backport there
    from exceptiongroup import ExceptionGroup

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

Handler = Callable[[trio.SocketStream], Awaitable[None]]


async def serve(nursery: trio.Nursery, handle: Handler) -> str:
    """Serve ``handle`` on a loopback port; the base URL."""
    listeners = await nursery.start(functools.partial(trio.serve_tcp, handle, 0, host="127.0.0.1"))
    port: int = listeners[0].socket.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def post(url: str, body: bytes, **timeouts: float) -> httpx.Request:
    timeout = httpx.Timeout(5.0, **timeouts)  # type: ignore[arg-type]
    return httpx.Request("POST", url, content=body, extensions={"timeout": timeout.as_dict()})


async def read_request(stream: trio.SocketStream) -> bytes:
    """One request with a Content-Length body, whole; ``b""`` if the client closed instead."""
    data = b""
    while b"\r\n\r\n" not in data:
        more = await stream.receive_some(65536)
        if not more:
            return b""
        data += more
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += await stream.receive_some(65536)
    return head + b"\r\n\r\n" + body


async def test_a_body_larger_than_the_socket_buffer_is_sent_whole() -> None:
    # The first write takes what the kernel accepts at once; the rest follows
    # under the write timeout.
    received: list[bytes] = []

    async def handle(stream: trio.SocketStream) -> None:
        request = await read_request(stream)
        received.append(request.partition(b"\r\n\r\n")[2])
        await stream.send_all(OK)

    body = bytes(range(256)) * (32 * 1024)  # 8 MiB
    async with trio.open_nursery() as nursery:
        url = await serve(nursery, handle)
        pool = ConnectionPool(trust_env=False)
        response = await pool.handle_async_request(post(url, body))
        assert await response.aread() == b"ok"
        assert received == [body]
        assert pool.statistics().idle == 1
        await pool.aclose()
        nursery.cancel_scope.cancel()


async def test_write_timeout_when_the_peer_stops_reading(
    autojump_clock: trio.testing.MockClock,
) -> None:
    async def handle(stream: trio.SocketStream) -> None:
        await trio.sleep_forever()

    async with trio.open_nursery() as nursery:
        url = await serve(nursery, handle)
        pool = ConnectionPool(trust_env=False)
        with pytest.raises(httpx.WriteTimeout):
            await pool.handle_async_request(post(url, b"x" * (64 * 1024 * 1024), write=1.0))
        assert pool.statistics().in_use == 0
        assert pool.statistics().idle == 0
        await pool.aclose()
        nursery.cancel_scope.cancel()


async def test_read_timeout_when_the_head_does_not_come(
    autojump_clock: trio.testing.MockClock,
) -> None:
    async def handle(stream: trio.SocketStream) -> None:
        await read_request(stream)
        await trio.sleep_forever()

    async with trio.open_nursery() as nursery:
        url = await serve(nursery, handle)
        pool = ConnectionPool(trust_env=False)
        started = trio.current_time()
        with pytest.raises(httpx.ReadTimeout):
            await pool.handle_async_request(post(url, b"{}", read=3.0))
        assert trio.current_time() - started == pytest.approx(3.0)
        assert pool.statistics().in_use == 0
        assert pool.statistics().idle == 0
        await pool.aclose()
        nursery.cancel_scope.cancel()


async def test_peer_closing_before_the_head_is_a_protocol_error() -> None:
    async def handle(stream: trio.SocketStream) -> None:
        await read_request(stream)
        await stream.aclose()

    async with trio.open_nursery() as nursery:
        url = await serve(nursery, handle)
        pool = ConnectionPool(trust_env=False)
        with pytest.raises(httpx.RemoteProtocolError):
            await pool.handle_async_request(post(url, b"{}"))
        assert pool.statistics().in_use == 0
        await pool.aclose()
        nursery.cancel_scope.cancel()


async def test_nothing_is_sent_once_the_caller_is_cancelled(
    autojump_clock: trio.testing.MockClock,
) -> None:
    requests: list[bytes] = []

    async def handle(stream: trio.SocketStream) -> None:
        while request := await read_request(stream):
            requests.append(request)
            await stream.send_all(OK)

    async with trio.open_nursery() as nursery:
        url = await serve(nursery, handle)
        pool = ConnectionPool(trust_env=False)
        await (await pool.handle_async_request(post(url, b"first"))).aread()
        assert pool.statistics().idle == 1  # the next request takes it without a checkpoint
        with trio.CancelScope() as scope:
            scope.cancel()
            await pool.handle_async_request(post(url, b"second"))
        assert scope.cancelled_caught
        await trio.sleep(1.0)  # virtual: anything sent would have been read by now
        assert len(requests) == 1
        assert pool.statistics().in_use == 0
        await pool.aclose()
        nursery.cancel_scope.cancel()


async def test_a_spurious_wake_up_reads_nothing() -> None:
    left, right = socket.socketpair()
    with left, right:
        sock = trio.socket.from_stdlib_socket(left)
        left.setblocking(False)
        buffer = ReadBuffer()
        assert buffer.read(sock) is None
        right.send(b"data")
        first = buffer.read(sock)
        right.send(b"more")
        assert (first, buffer.read(sock)) == (b"data", b"more")  # a copy, not the buffer
        right.shutdown(socket.SHUT_WR)
        assert buffer.read(sock) == b""


def unused_port(family: socket.AddressFamily = socket.AF_INET) -> int:
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_open_tcp_to_an_address_fails_as_trio_does() -> None:
    port = unused_port()
    with pytest.raises(OSError) as ours:
        await open_tcp("127.0.0.1", port)
    with pytest.raises(OSError) as trios:
        await trio.open_tcp_stream("127.0.0.1", port)
    assert (
        str(ours.value) == str(trios.value) == f"all attempts to connect to 127.0.0.1:{port} failed"
    )
    cause = ours.value.__cause__
    assert isinstance(cause, ExceptionGroup)
    assert [type(error) for error in cause.exceptions] == [ConnectionRefusedError]


async def test_a_refused_connection_is_a_connect_error() -> None:
    port = unused_port()
    pool = ConnectionPool(trust_env=False)
    with pytest.raises(httpx.ConnectError, match=f"127.0.0.1:{port} failed"):
        await pool.handle_async_request(post(f"http://127.0.0.1:{port}", b"{}"))
    assert pool.statistics().in_use == 0
    await pool.aclose()


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
async def test_open_tcp_to_an_ipv6_address() -> None:
    try:
        listeners = await trio.open_tcp_listeners(0, host="::1")
    except OSError:
        pytest.skip("no IPv6 loopback")
    port = listeners[0].socket.getsockname()[1]
    async with listeners[0]:
        stream = await open_tcp("::1", port)
        accepted = await listeners[0].accept()
        async with stream, accepted:
            await stream.send_all(b"ping")
            assert await accepted.receive_some(4) == b"ping"
        with pytest.raises(OSError, match=r"connect to \[::1\]:\d+ failed"):
            await open_tcp("::1", unused_port(socket.AF_INET6))


# -- read timeouts kept by the pool's actor -------------------------------------


async def silent(stream: trio.SocketStream) -> None:
    """Reads each request and never answers."""
    while await read_request(stream):
        pass


async def test_the_actor_times_a_read_out_at_its_deadline(
    autojump_clock: trio.testing.MockClock,
) -> None:
    async with trio.open_nursery() as nursery:
        url = await serve(nursery, silent)
        pool = ConnectionPool(trust_env=False)
        await nursery.start(pool.run)
        started = trio.current_time()
        with trio.fail_after(60), pytest.raises(httpx.ReadTimeout):
            await pool.handle_async_request(post(url, b"{}", read=3.0))
        assert trio.current_time() - started == pytest.approx(3.0)
        assert pool._timer.next_deadline() == math.inf
        assert pool.statistics().in_use == 0
        await pool.aclose()
        nursery.cancel_scope.cancel()


async def test_reads_with_different_timeouts_each_end_at_their_own(
    autojump_clock: trio.testing.MockClock,
) -> None:
    ended: dict[float, float] = {}

    async def read(timeout: float) -> None:
        started = trio.current_time()
        with trio.fail_after(60), pytest.raises(httpx.ReadTimeout):
            await pool.handle_async_request(post(url, b"{}", read=timeout))
        ended[timeout] = trio.current_time() - started

    async with trio.open_nursery() as nursery:
        url = await serve(nursery, silent)
        pool = ConnectionPool(trust_env=False)
        await nursery.start(pool.run)
        async with trio.open_nursery() as reads:
            # The longest first: a later, shorter one must wake the actor sooner.
            for timeout in (10.0, 3.0, 7.0, 3.0):
                reads.start_soon(read, timeout)
                await trio.sleep(0.5)
        assert ended == pytest.approx({10.0: 10.0, 3.0: 3.0, 7.0: 7.0})
        await pool.aclose()
        nursery.cancel_scope.cancel()


async def test_a_read_keeps_its_deadline_when_the_actor_stops(
    autojump_clock: trio.testing.MockClock,
) -> None:
    actor_scope = trio.CancelScope()

    async def run_actor(*, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        with actor_scope:
            await pool.run(task_status=task_status)

    async def stop_the_actor() -> None:
        await trio.sleep(1.0)
        actor_scope.cancel()

    async with trio.open_nursery() as nursery:
        url = await serve(nursery, silent)
        pool = ConnectionPool(trust_env=False)
        await nursery.start(run_actor)
        started = trio.current_time()
        nursery.start_soon(stop_the_actor)
        with trio.fail_after(60), pytest.raises(httpx.ReadTimeout):
            await pool.handle_async_request(post(url, b"{}", read=3.0))
        assert trio.current_time() - started == pytest.approx(3.0)
        assert actor_scope.cancelled_caught
        await pool.aclose()
        nursery.cancel_scope.cancel()


async def test_answered_and_cancelled_reads_leave_nothing_to_time(
    autojump_clock: trio.testing.MockClock,
) -> None:
    async def slow_answer(stream: trio.SocketStream) -> None:
        while await read_request(stream):
            await trio.sleep(2.0)
            await stream.send_all(OK)

    async with trio.open_nursery() as nursery:
        url = await serve(nursery, slow_answer)
        pool = ConnectionPool(trust_env=False)
        await nursery.start(pool.run)
        response = await pool.handle_async_request(post(url, b"{}", read=3.0))
        assert await response.aread() == b"ok"
        with trio.move_on_after(1.0):
            await pool.handle_async_request(post(url, b"{}", read=3.0))
        assert pool._timer.next_deadline() == math.inf
        assert pool.statistics().in_use == 0
        await pool.aclose()
        nursery.cancel_scope.cancel()


async def test_the_actor_times_out_reads_of_a_streamed_body(
    autojump_clock: trio.testing.MockClock,
) -> None:
    async def stalls_mid_body(stream: trio.SocketStream) -> None:
        await read_request(stream)
        await stream.send_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf ")
        await trio.sleep_forever()

    async with trio.open_nursery() as nursery:
        url = await serve(nursery, stalls_mid_body)
        pool = ConnectionPool(trust_env=False)
        await nursery.start(pool.run)
        response = await pool.handle_async_request(post(url, b"{}", read=2.0))
        started = trio.current_time()
        with trio.fail_after(60), pytest.raises(httpx.ReadTimeout):
            await response.aread()
        assert trio.current_time() - started == pytest.approx(2.0)
        assert pool._timer.next_deadline() == math.inf
        await pool.aclose()
        nursery.cancel_scope.cancel()


# -- the portable path: trio's socket stream instead of os.read/os.write ---------


async def test_without_direct_io_a_stream_is_read_through_trio(
    monkeypatch: pytest.MonkeyPatch, autojump_clock: trio.testing.MockClock
) -> None:
    # Where os.read/os.write on a socket are unavailable (Windows) the
    # connection uses trio's SocketStream; the same exchange and the same
    # read timeout hold there.
    from actors.http import _connection

    monkeypatch.setattr(_connection, "_DIRECT_IO", False)

    async def chunks_then_stall(stream: trio.SocketStream) -> None:
        await read_request(stream)
        await stream.send_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for part in (b"one ", b"two"):
            await trio.sleep(0.5)
            await stream.send_all(b"%x\r\n%s\r\n" % (len(part), part))
        await trio.sleep_forever()

    async with trio.open_nursery() as nursery:
        url = await serve(nursery, chunks_then_stall)
        pool = ConnectionPool(trust_env=False)
        await nursery.start(pool.run)
        response = await pool.handle_async_request(post(url, b"{}", read=2.0))
        conn = next(iter(pool._open))
        assert conn._plain is None  # the stream path, not the descriptor
        received = b""
        started = trio.current_time()
        with trio.fail_after(60), pytest.raises(httpx.ReadTimeout):
            async for piece in response.aiter_raw():
                received += piece
        assert received == b"one two"
        assert trio.current_time() - started == pytest.approx(1.0 + 2.0)
        await pool.aclose()
        nursery.cancel_scope.cancel()
