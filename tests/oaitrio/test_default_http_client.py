"""``oaitrio.DefaultAsyncHttpxClient``: an httpx client with the SDK's defaults, for ``http_client=``."""

from __future__ import annotations

import httpx
import trio

import oaitrio
from oaitrio.testing import FakeOpenAI
from oaitrio.types.model import Model


async def test_it_starts_from_the_sdk_defaults_not_httpx_ones() -> None:
    async with oaitrio.DefaultAsyncHttpxClient() as http:
        assert http.timeout == oaitrio.DEFAULT_TIMEOUT  # httpx's own default is 5 s
        assert http.follow_redirects is True
        pool = http._transport._pool  # type: ignore[attr-defined]
        assert pool._max_connections == 1000  # type: ignore[attr-defined]
        assert pool._max_keepalive_connections == 100  # type: ignore[attr-defined]
    async with oaitrio.DefaultAsyncHttpxClient(timeout=3.0, follow_redirects=False) as http:
        assert http.timeout == httpx.Timeout(3.0)
        assert http.follow_redirects is False


async def test_a_users_transport_carries_the_calls(server: FakeOpenAI) -> None:
    seen: list[str] = []

    async def proxy(request: httpx.Request) -> httpx.Response:
        # Stands in for a user's proxy or custom transport: it moves the
        # model path, and the client's redirect default follows the move.
        seen.append(request.url.path)
        if request.url.path.endswith("/old-models"):
            return httpx.Response(307, headers={"location": f"{server.base_url}/models/gpt-4o"})
        async with httpx.AsyncClient() as inner:
            response = await inner.send(request)
            return httpx.Response(
                response.status_code, headers=response.headers, content=response.content
            )

    http = oaitrio.DefaultAsyncHttpxClient(transport=httpx.MockTransport(proxy))
    async with (
        http,
        oaitrio.AsyncOpenAI(api_key="sk-x", base_url=server.base_url, http_client=http) as client,
    ):
        with trio.fail_after(10):
            model = await client.get("/old-models", cast_to=Model)
    assert model.id == "gpt-4o"
    assert seen == ["/v1/old-models", "/v1/models/gpt-4o"]


async def test_closing_the_client_closes_the_http_client_it_was_given(
    server: FakeOpenAI,
) -> None:
    # As in the SDK, whose README hands over DefaultAsyncHttpxClient(...) and never closes it.
    http = oaitrio.DefaultAsyncHttpxClient()
    async with oaitrio.AsyncOpenAI(api_key="sk-x", base_url=server.base_url, http_client=http) as c:
        copy = c.with_options(max_retries=0)
        with trio.fail_after(10):
            await copy.models.list()
        await copy.close()
        assert not http.is_closed  # a copy shares it, and does not close it
        with trio.fail_after(10):
            await c.models.list()
    assert http.is_closed
