"""Issue 14: no task, connection or file outlives its owner, and none waits for the collector.

Every test here runs on trio's virtual clock (``autojump_clock``): "within a
second" is a virtual second, and a server told to stall for 300 s would hold
the old code for 300 virtual seconds, far past the one the test allows.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncGenerator, Iterator
from typing import Any

import pytest
import trio
import trio.testing

import oaitrio
from oaitrio._resource import CallOptions
from oaitrio.pagination import AsyncCursorPage, AsyncPaginator
from oaitrio.testing import FakeOpenAI, SlowFirstByte
from tests.conftest import FAKE_KEY, client_side_tasks

ITEMS = "/v1/fake/items"  # as the server records it


@pytest.fixture
def no_gc() -> Iterator[None]:
    """The cycle collector off: what the tests see happens without it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def items(client: oaitrio.AsyncOpenAI, limit: int = 5) -> AsyncPaginator[Any, AsyncCursorPage[Any]]:
    return client.models._list(
        "/fake/items",
        page=AsyncCursorPage[dict],
        query={"limit": limit},
        options=CallOptions(),  # type: ignore[type-arg]
    )


def page_requests(server: FakeOpenAI) -> int:
    return sum(1 for r in server.requests if r.path == ITEMS)


def in_use(client: oaitrio.AsyncOpenAI) -> int:
    assert client._pool is not None
    return client._pool.statistics().in_use


# -- pagination ----------------------------------------------------------------------


async def test_break_out_of_a_list_leaves_no_prefetch_and_no_connection(
    autojump_clock: trio.testing.MockClock,
    no_gc: None,
    client: oaitrio.AsyncOpenAI,
    server: FakeOpenAI,
) -> None:
    server.set_items(50)
    tasks_before = client_side_tasks()
    with trio.fail_after(30):
        async for _ in items(client):
            # The page ahead would take 300 s: a slow server, or a big page.
            server.add_fault(SlowFirstByte(seconds=300), path=ITEMS)
            break
        await trio.sleep(1)
    assert client_side_tasks() == tasks_before
    assert in_use(client) == 0
    assert page_requests(server) <= 2  # at most the page ahead, and nothing after


async def test_a_dropped_iterator_cancels_the_page_request_in_flight(
    autojump_clock: trio.testing.MockClock,
    no_gc: None,
    client: oaitrio.AsyncOpenAI,
    server: FakeOpenAI,
) -> None:
    server.set_items(50)
    tasks_before = client_side_tasks()
    with trio.fail_after(30):
        iterator = aiter(items(client))
        await anext(iterator)
        server.add_fault(SlowFirstByte(seconds=300), path=ITEMS)
        while page_requests(server) < 2:  # the page ahead is on the wire
            await trio.sleep(0.01)
        assert in_use(client) == 1
        del iterator
        await trio.sleep(1)
    assert client_side_tasks() == tasks_before
    assert in_use(client) == 0


async def test_aclose_stops_the_prefetch_and_ends_the_iteration(
    autojump_clock: trio.testing.MockClock,
    client: oaitrio.AsyncOpenAI,
    server: FakeOpenAI,
) -> None:
    server.set_items(50)
    tasks_before = client_side_tasks()
    with trio.fail_after(30):
        iterator = aiter(items(client))
        await anext(iterator)
        server.add_fault(SlowFirstByte(seconds=300), path=ITEMS)
        while page_requests(server) < 2:
            await trio.sleep(0.01)
        await iterator.aclose()
        await trio.sleep(1)
        assert client_side_tasks() == tasks_before
        assert in_use(client) == 0
        assert [item async for item in iterator] == []


# -- streams -------------------------------------------------------------------------

MESSAGES = [{"role": "user", "content": "tell me about trio nurseries"}]


@pytest.fixture
async def one_connection_client(server: FakeOpenAI) -> AsyncGenerator[oaitrio.AsyncOpenAI]:
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY,
        base_url=server.base_url,
        connection_limits=oaitrio.PoolLimits(max_connections=1),
    ) as client:
        yield client


async def test_a_stream_left_with_break_and_no_block_frees_its_connection(
    autojump_clock: trio.testing.MockClock,
    no_gc: None,
    one_connection_client: oaitrio.AsyncOpenAI,
) -> None:
    client = one_connection_client
    with trio.fail_after(30):  # the pool timeout is 600 s: starving would trip this
        for _ in range(3):
            # The official SDK's README idiom: no `async with`, no name kept.
            async for _chunk in await client.chat.completions.create(
                model="gpt-4o-mini", messages=MESSAGES, stream=True
            ):
                break
            assert in_use(client) == 0
        completion = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert completion.choices[0].message.content
    assert in_use(client) == 0
