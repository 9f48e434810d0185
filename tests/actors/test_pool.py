"""The HTTP pool actor: reuse, limits, keep-alive expiry, dead connections, close."""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator

import httpx
import pytest
import trio
import trio.testing

from actors.http import ConnectionPool, PoolLimits, Proxy, ProxyRoutes
from actors.http._pool import request_with_body
from actors.http._proxy import open_tunnel
from oaitrio.testing import FakeOpenAI

AUTH = {"Authorization": "Bearer sk-test"}


def get(server: FakeOpenAI, path: str = "/models/gpt-4o", **timeouts: float) -> httpx.Request:
    timeout = httpx.Timeout(5.0, **timeouts)  # type: ignore[arg-type]
    return httpx.Request(
        "GET", server.base_url + path, headers=AUTH, extensions={"timeout": timeout.as_dict()}
    )


async def fetch(pool: ConnectionPool, request: httpx.Request) -> httpx.Response:
    response = await pool.handle_async_request(request)
    await response.aread()
    return response


async def test_sequential_requests_reuse_one_connection(server: FakeOpenAI) -> None:
    pool = ConnectionPool()
    for _ in range(5):
        response = await fetch(pool, get(server))
        assert response.status_code == 200
        assert response.json()["id"] == "gpt-4o"
    assert server.connections_opened == 1
    assert pool.statistics().opened == 1
    assert pool.statistics().idle == 1
    assert pool.rate_limits is not None
    assert "remaining-requests" in pool.rate_limits.headers
    await pool.aclose()


async def test_concurrent_requests_open_at_most_max_connections(server: FakeOpenAI) -> None:
    pool = ConnectionPool(limits=PoolLimits(max_connections=4))
    statuses: list[int] = []

    async def one() -> None:
        statuses.append((await fetch(pool, get(server))).status_code)

    async with trio.open_nursery() as nursery:
        for _ in range(40):
            nursery.start_soon(one)
    assert statuses == [200] * 40
    # Exactly the limit: 36 calls waited for a slot instead of opening more.
    assert server.connections_opened == pool.statistics().opened == 4
    assert pool.statistics().in_use == 0
    await pool.aclose()


async def test_pool_timeout_when_every_connection_stays_busy(
    server: FakeOpenAI, autojump_clock: trio.testing.MockClock
) -> None:
    pool = ConnectionPool(limits=PoolLimits(max_connections=1))
    held = await pool.handle_async_request(get(server))  # body unread: the connection stays out
    started = trio.current_time()
    with pytest.raises(httpx.PoolTimeout):
        await pool.handle_async_request(get(server, pool=0.1))
    assert trio.current_time() - started == pytest.approx(0.1)
    await held.aclose()
    assert (await fetch(pool, get(server))).status_code == 200
    await pool.aclose()


async def test_reaper_closes_idle_connections_past_keepalive(
    server: FakeOpenAI, autojump_clock: trio.testing.MockClock
) -> None:
    pool = ConnectionPool(limits=PoolLimits(keepalive_expiry=0.1))
    async with trio.open_nursery() as nursery:
        await nursery.start(pool.run)
        await fetch(pool, get(server))
        released = trio.current_time()
        assert pool.statistics().idle == 1
        await trio.sleep_until(released + 0.099)
        assert pool.statistics().idle == 1  # not before its expiry
        await trio.sleep_until(released + 0.101)
        assert pool.statistics().idle == 0
        await fetch(pool, get(server))
        assert server.connections_opened == 2
        nursery.cancel_scope.cancel()
    assert pool.statistics().idle == 0


async def test_expired_connection_is_not_reused_even_without_reaper(
    server: FakeOpenAI, autojump_clock: trio.testing.MockClock
) -> None:
    pool = ConnectionPool(limits=PoolLimits(keepalive_expiry=0.05))
    await fetch(pool, get(server))
    await trio.sleep(0.1)
    await fetch(pool, get(server))
    assert server.connections_opened == 2
    await pool.aclose()


async def one_shot_server(nursery: trio.Nursery, accepted: list[int]) -> int:
    """A server that answers one request per connection, then closes it (no ``Connection: close``)."""

    async def handle(stream: trio.SocketStream) -> None:
        accepted.append(1)
        async with stream:
            data = b""
            while b"\r\n\r\n" not in data:
                data += await stream.receive_some(4096)
            await stream.send_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    listeners = await nursery.start(functools.partial(trio.serve_tcp, handle, 0, host="127.0.0.1"))
    return listeners[0].socket.getsockname()[1]  # type: ignore[no-any-return]


async def test_connection_closed_by_the_server_while_idle_is_discarded(
    autojump_clock: trio.testing.MockClock,
) -> None:
    accepted: list[int] = []
    async with trio.open_nursery() as nursery:
        port = await one_shot_server(nursery, accepted)
        pool = ConnectionPool()
        for _ in range(2):
            request = httpx.Request("GET", f"http://127.0.0.1:{port}/", extensions={"timeout": {}})
            response = await fetch(pool, request)
            assert response.content == b"ok"
            await trio.sleep(0.05)  # let the server's close arrive
        assert len(accepted) == 2
        await pool.aclose()
        nursery.cancel_scope.cancel()


async def test_aclose_closes_everything_and_refuses_new_requests(server: FakeOpenAI) -> None:
    pool = ConnectionPool()
    stream_request = httpx.Request(
        "POST",
        server.base_url + "/chat/completions",
        headers={**AUTH, "x-fake-chunks": "200000"},
        json={"model": "m", "messages": [{"role": "user", "content": "x"}], "stream": True},
        extensions={"timeout": {}},
    )
    held = await pool.handle_async_request(stream_request)
    await fetch(pool, get(server))
    await pool.aclose()
    assert pool.statistics().idle == 0
    with pytest.raises(httpx.ReadError):
        await held.aread()
    with pytest.raises(RuntimeError, match="closed"):
        await pool.handle_async_request(get(server))


async def test_cancelled_request_returns_its_slot(server: FakeOpenAI) -> None:
    from oaitrio.testing import SlowFirstByte

    server.add_fault(SlowFirstByte(seconds=5))
    pool = ConnectionPool(limits=PoolLimits(max_connections=1))
    with trio.move_on_after(0.1):
        await pool.handle_async_request(get(server))
    assert pool.statistics().in_use == 0
    assert (await fetch(pool, get(server))).status_code == 200
    await pool.aclose()


async def test_write_of_a_streamed_body(server: FakeOpenAI) -> None:
    async def body() -> AsyncGenerator[bytes]:
        yield b'{"model": "text-embedding-3-small", '
        yield b'"input": "streamed"}'

    pool = ConnectionPool()
    request = httpx.Request(
        "POST",
        server.base_url + "/embeddings",
        headers={**AUTH, "Content-Type": "application/json"},
        content=body(),
        extensions={"timeout": {}},
    )
    response = await fetch(pool, request)
    assert response.status_code == 200
    assert server.requests[-1].json()["input"] == "streamed"
    await pool.aclose()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/v1/chat/completions",
        "https://api.openai.com/v1/files?purpose=batch&limit=2",
        "http://[::1]/v1/models/a%2Fb",
    ],
)
@pytest.mark.parametrize("method", ["POST", "patch"])
def test_request_with_body_equals_what_httpx_builds(url: str, method: str) -> None:
    pairs = [
        (b"Accept", b"application/json"),
        (b"X-Stainless-Lang", b"python"),
        (b"Authorization", b"Bearer sk-test"),
        (b"x-custom", b"  padded  "),
        (b"x-stainless-retry-count", b"0"),
    ]
    body = b'{"model": "m"}'
    extensions: dict[str, object] = {"timeout": {"read": 1.0, "write": None}}
    expected = httpx.Request(method, url, headers=pairs, content=body, extensions=extensions)
    fields = [(name, name.lower(), value) for name, value in pairs]
    request = request_with_body(method, httpx.URL(url), fields, body, extensions)
    assert request.method == expected.method
    assert request.url == expected.url
    assert request.headers.raw == expected.headers.raw
    assert request.headers.multi_items() == expected.headers.multi_items()
    assert request.content == expected.content == body
    assert type(request.stream) is type(expected.stream)
    assert request.extensions == expected.extensions
    assert request.extensions is not extensions
    assert vars(request).keys() == vars(expected).keys()
    # The tuples are shared with the caller's, not copied.
    assert all(any(field is mine for mine in fields) for field in request.headers._list[1:-1])


# -- proxies ---------------------------------------------------------------------


def test_proxy_routes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "no_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://user:p%40ss@proxy.local:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example, .corp")
    routes = ProxyRoutes.from_environment()
    proxy = routes.for_origin((b"https", b"api.openai.com", 443))
    assert proxy is not None
    assert (proxy.host, proxy.port) == ("proxy.local", 3128)
    assert proxy.headers == ((b"Proxy-Authorization", b"Basic dXNlcjpwQHNz"),)
    assert routes.for_origin((b"http", b"api.openai.com", 80)) is None
    assert routes.for_origin((b"https", b"internal.example", 443)) is None
    assert routes.for_origin((b"https", b"git.corp", 443)) is None
    with pytest.raises(ValueError, match="only http://"):
        Proxy.from_url("socks5://proxy:1080")


async def test_http_requests_go_to_the_proxy_in_absolute_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines: list[bytes] = []

    async def proxy(stream: trio.SocketStream) -> None:
        async with stream:
            data = b""
            while b"\r\n\r\n" not in data:
                data += await stream.receive_some(4096)
            lines.append(data.split(b"\r\n")[0])
            await stream.send_all(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nproxied")

    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(
            functools.partial(trio.serve_tcp, proxy, 0, host="127.0.0.1")
        )
        port = listeners[0].socket.getsockname()[1]
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        pool = ConnectionPool()
        request = httpx.Request(
            "GET", "http://api.example/v1/models?x=1", extensions={"timeout": {}}
        )
        response = await fetch(pool, request)
        assert response.content == b"proxied"
        assert lines == [b"GET http://api.example/v1/models?x=1 HTTP/1.1"]
        await pool.aclose()
        nursery.cancel_scope.cancel()


async def test_connect_tunnel_handshake() -> None:
    client, proxy_side = trio.testing.memory_stream_pair()
    proxy = Proxy(host="p", port=1, headers=((b"Proxy-Authorization", b"Basic eA=="),))

    async def answer(reply: bytes) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            data += await proxy_side.receive_some()
        await proxy_side.send_all(reply)
        return data

    async with trio.open_nursery() as nursery:
        seen: list[bytes] = []

        async def run_proxy() -> None:
            seen.append(await answer(b"HTTP/1.1 200 Connection established\r\n\r\n"))

        nursery.start_soon(run_proxy)
        await open_tunnel(client, proxy, b"api.openai.com", 443)  # type: ignore[arg-type]
    assert seen[0].startswith(b"CONNECT api.openai.com:443 HTTP/1.1\r\n")
    assert b"Proxy-Authorization: Basic eA==" in seen[0]

    client, proxy_side = trio.testing.memory_stream_pair()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(
            answer, b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"
        )
        with pytest.raises(httpx.ProxyError, match="407"):
            await open_tunnel(client, proxy, b"api.openai.com", 443)  # type: ignore[arg-type]


def test_the_client_constant_is_the_pool_default() -> None:
    from oaitrio import DEFAULT_CONNECTION_LIMITS

    defaults = PoolLimits()
    assert DEFAULT_CONNECTION_LIMITS.max_connections == defaults.max_connections
    assert DEFAULT_CONNECTION_LIMITS.max_keepalive_connections == (
        defaults.max_keepalive_connections
    )
    assert DEFAULT_CONNECTION_LIMITS.keepalive_expiry == defaults.keepalive_expiry


async def test_response_headers_share_one_name_object(server: FakeOpenAI) -> None:
    # A streamed response keeps its headers while it is open: each name is
    # one object serving as raw and lower-cased name (httpx builds a second),
    # and the headers read exactly as httpx's own would.
    pool = ConnectionPool()
    with trio.fail_after(10):
        response = await fetch(pool, get(server))
    fields = response.headers._list
    assert len(fields) > 5
    assert all(raw is lower for raw, lower, _ in fields)
    rebuilt = httpx.Headers(response.headers.raw)
    assert response.headers.multi_items() == rebuilt.multi_items()
    assert response.headers["Content-Type"] == rebuilt["content-type"]
    assert response.headers.get("X-RATELIMIT-LIMIT-REQUESTS") is not None
    await pool.aclose()
