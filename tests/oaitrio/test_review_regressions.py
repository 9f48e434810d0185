"""Regressions found in review: leaks and wrong error classes on unhappy paths."""

from __future__ import annotations

import os

import pytest
import trio

import oaitrio
from oaitrio._resource import CallOptions
from oaitrio.pagination import AsyncCursorPage
from oaitrio.testing import DropMidStream, ErrorEvent, FakeOpenAI, MalformedEvent, SlowFirstByte
from tests.conftest import FAKE_KEY

MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize("fault", [ErrorEvent(after_chunks=1), MalformedEvent(after_chunks=1)])
async def test_a_failed_stream_without_async_with_returns_its_connection(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI, fault: object
) -> None:
    server.add_fault(fault)  # type: ignore[arg-type]
    stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    with pytest.raises(oaitrio.APIError):
        async for _ in stream:
            pass
    assert client._pool is not None
    assert client._pool.statistics().in_use == 0
    with pytest.raises(oaitrio.APIConnectionError, match="closed after an error"):
        await anext(stream)


async def test_a_cut_seen_through_read_ahead_keeps_its_cause(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.add_fault(DropMidStream(after_chunks=2))
    stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    with pytest.raises(oaitrio.APIConnectionError) as info:
        async with stream.read_ahead() as chunks:
            async for _ in chunks:
                pass
    assert info.value.__cause__ is not None


async def test_a_cancelled_consumer_does_not_break_the_client_block(server: FakeOpenAI) -> None:
    server.set_items(30)
    async with oaitrio.AsyncOpenAI(api_key=FAKE_KEY, base_url=server.base_url) as client:
        pages = client.models._list(
            "/fake/items",
            page=AsyncCursorPage[dict],
            query={"limit": 5},
            options=CallOptions(),  # type: ignore[type-arg]
        )
        iterator = aiter(pages)
        await anext(iterator)  # page 1 read, page 2 being prefetched
        server.add_fault(SlowFirstByte(seconds=0.3), path="/v1/fake/items")
        with trio.move_on_after(0.05):
            for _ in range(10):
                await anext(iterator)  # waits on the slow prefetch, then is cancelled
        await trio.sleep(0.5)  # the prefetch finishes with nobody waiting
        assert (await client.models.retrieve("gpt-4o")).id == "gpt-4o"


async def test_a_bad_header_is_not_retried_and_wastes_no_connection(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    await client.models.retrieve("gpt-4o")
    started = trio.current_time()
    with pytest.raises(oaitrio.APIConnectionError, match="cannot be sent"):
        await client.models.retrieve("gpt-4o", extra_headers={"X-Bad": "a\r\nInjected: 1"})
    assert trio.current_time() - started < 0.5
    await client.models.retrieve("gpt-4o")
    assert server.connections_opened == 1
    assert len(server.requests) == 2


async def test_connections_with_high_descriptors_are_reused(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    pipes = [os.pipe() for _ in range(560)]  # push new descriptors past 1024
    try:
        for _ in range(3):
            await client.models.retrieve("gpt-4o")
        assert server.connections_opened == 1
    finally:
        for read_end, write_end in pipes:
            os.close(read_end)
            os.close(write_end)


async def test_close_under_cancellation_still_closes_checked_out_connections(
    client: oaitrio.AsyncOpenAI,
) -> None:
    stream = await client.chat.completions.create(
        model="m", messages=MESSAGES, stream=True, extra_headers={"x-fake-chunks": "100000"}
    )
    with trio.CancelScope() as scope:
        scope.cancel()
        await client.close()
    assert client._pool is not None
    assert client._pool._open == set()
    with pytest.raises(oaitrio.APIConnectionError):
        async for _ in stream:
            pass


async def test_an_unsupported_proxy_that_no_request_uses_does_not_stop_the_client(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with oaitrio.AsyncOpenAI(api_key=FAKE_KEY, base_url=server.base_url, max_retries=0) as c:
        assert (await c.models.retrieve("gpt-4o")).id == "gpt-4o"
    monkeypatch.setenv("NO_PROXY", "")
    async with oaitrio.AsyncOpenAI(api_key=FAKE_KEY, base_url=server.base_url, max_retries=0) as c:
        with pytest.raises(oaitrio.APIConnectionError, match="only http://"):
            await c.models.retrieve("gpt-4o")
