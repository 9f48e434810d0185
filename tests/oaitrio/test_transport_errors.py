"""Pool exhaustion and proxy trouble are errors of their own, said plainly, and not retried."""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator

import httpx
import pytest
import trio
import trio.testing

import oaitrio
from oaitrio.testing import FakeOpenAI
from tests.conftest import FAKE_KEY

MESSAGES = [{"role": "user", "content": "hi"}]
FAST_RETRIES = oaitrio.DefaultRetryPolicy(max_retries=2, initial_delay=0.01, max_delay=0.05)
PASSWORD = "pr0xy-s3cret"


async def test_an_exhausted_pool_raises_pool_timeout_error_at_once_without_retrying(
    autojump_clock: trio.testing.MockClock, server: FakeOpenAI
) -> None:
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY,
        base_url=server.base_url,
        connection_limits=oaitrio.PoolLimits(max_connections=1),
        timeout=httpx.Timeout(600, pool=2),
        retry_policy=FAST_RETRIES,
    ) as client:
        with trio.fail_after(60):
            held = await client.chat.completions.create(
                model="gpt-4o-mini", messages=MESSAGES, stream=True
            )
            async with held:  # its connection stays checked out while unread
                start = trio.current_time()
                with pytest.raises(oaitrio.PoolTimeoutError) as info:
                    await client.models.list()
                elapsed = trio.current_time() - start
    error = info.value
    assert isinstance(error, oaitrio.APITimeoutError)  # old handlers still catch it
    assert elapsed == pytest.approx(2)  # one pool timeout: no retry waited again
    message = str(error)
    assert "the only connection of the pool stayed busy for the pool timeout (2 s)" in message
    assert "max_connections" in message and "pool" in message
    assert not any(r.path == "/v1/models" for r in server.requests)


@pytest.fixture
def proxy_env(monkeypatch: pytest.MonkeyPatch) -> functools.partial[None]:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return functools.partial(monkeypatch.setenv, "HTTPS_PROXY")


@pytest.fixture
async def refusing_proxy() -> AsyncGenerator[tuple[int, list[bytes]]]:
    """A proxy that answers every CONNECT with 407; yields its port and the CONNECTs seen."""
    seen: list[bytes] = []

    async def handle(stream: trio.SocketStream) -> None:
        async with stream:
            data = b""
            while b"\r\n\r\n" not in data:
                piece = await stream.receive_some(4096)
                if not piece:
                    return
                data += piece
            seen.append(data)
            await stream.send_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"
            )

    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(
            functools.partial(trio.serve_tcp, handle, 0, host="127.0.0.1")
        )
        yield listeners[0].socket.getsockname()[1], seen
        nursery.cancel_scope.cancel()


def https_client() -> oaitrio.AsyncOpenAI:
    return oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY, base_url="https://api.example.test/v1", retry_policy=FAST_RETRIES
    )


async def test_a_proxy_refusing_the_tunnel_is_a_proxy_error_naming_it_not_its_password(
    proxy_env: functools.partial[None], refusing_proxy: tuple[int, list[bytes]]
) -> None:
    port, seen = refusing_proxy
    proxy_env(f"http://user:{PASSWORD}@127.0.0.1:{port}")
    with trio.fail_after(10), pytest.raises(oaitrio.ProxyError) as info:
        async with https_client() as client:
            await client.models.list()
    message = str(info.value)
    assert isinstance(info.value, oaitrio.APIConnectionError)
    assert f"127.0.0.1:{port}" in message
    assert "407" in message and "proxy authentication required" in message
    assert PASSWORD not in message and PASSWORD not in repr(info.value)
    assert len(seen) == 1  # not retried


async def test_an_unreachable_proxy_is_a_proxy_error(
    proxy_env: functools.partial[None],
) -> None:
    # A port nobody listens on: bind one, then close it.
    sock = trio.socket.socket()
    await sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    proxy_env(f"http://user:{PASSWORD}@127.0.0.1:{port}")
    with trio.fail_after(10), pytest.raises(oaitrio.ProxyError) as info:
        async with https_client() as client:
            await client.models.list()
    message = str(info.value)
    assert f"could not connect to the proxy 127.0.0.1:{port}" in message
    assert PASSWORD not in message


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"http://user:{PASSWORD}@proxy.local:notaport", "proxy.local:notaport is malformed"),
        (f"socks5://user:{PASSWORD}@proxy.local:1080", "proxy.local:1080 is socks5://"),
    ],
)
async def test_a_malformed_proxy_url_is_a_proxy_error(
    proxy_env: functools.partial[None], url: str, says: str
) -> None:
    proxy_env(url)
    with trio.fail_after(10), pytest.raises(oaitrio.ProxyError) as info:
        async with https_client() as client:
            await client.models.list()
    message = str(info.value)
    assert says in message
    assert PASSWORD not in message
    assert info.value.__cause__ is None or PASSWORD not in str(info.value.__cause__)
