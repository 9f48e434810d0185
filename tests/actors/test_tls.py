"""HTTPS through the pool: trio.SSLStream with a verified certificate."""

from __future__ import annotations

import functools
import ssl

import httpx
import pytest
import trio
import trustme

from actors.http import ConnectionPool


async def serve_https(nursery: trio.Nursery, ca: trustme.CA) -> int:
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(server_context)

    async def handle(stream: trio.SSLStream[trio.SocketStream]) -> None:
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                data += await stream.receive_some(4096)
            await stream.send_all(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecure")
            await trio.sleep_forever()
        except trio.BrokenResourceError:
            pass

    listeners = await nursery.start(
        functools.partial(trio.serve_ssl_over_tcp, handle, 0, server_context, host="127.0.0.1")
    )
    return listeners[0].transport_listener.socket.getsockname()[1]  # type: ignore[no-any-return]


def request(port: int) -> httpx.Request:
    return httpx.Request(
        "GET", f"https://localhost:{port}/v1/x", extensions={"timeout": {"connect": 5}}
    )


async def test_https_request_is_verified_and_reuses_the_connection() -> None:
    ca = trustme.CA()
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    async with trio.open_nursery() as nursery:
        port = await serve_https(nursery, ca)
        pool = ConnectionPool(ssl_context=client_context, trust_env=False)
        response = await pool.handle_async_request(request(port))
        assert await response.aread() == b"secure"
        assert pool.statistics().opened == 1
        await pool.aclose()
        nursery.cancel_scope.cancel()


async def test_untrusted_certificate_is_a_connect_error() -> None:
    ca = trustme.CA()
    async with trio.open_nursery() as nursery:
        port = await serve_https(nursery, ca)
        pool = ConnectionPool(trust_env=False)  # the default context: certifi's CAs only
        with pytest.raises(httpx.ConnectError, match="certificate"):
            await pool.handle_async_request(request(port))
        assert pool.statistics().in_use == 0
        await pool.aclose()
        nursery.cancel_scope.cancel()
