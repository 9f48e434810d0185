"""Auto-iteration across pages, and the one-page-ahead prefetch actor."""

from __future__ import annotations

from typing import Any

import pytest
import trio

import oaitrio
from oaitrio._resource import CallOptions
from oaitrio.pagination import AsyncCursorPage, AsyncPaginator
from oaitrio.testing import FakeOpenAI, StatusError
from tests.conftest import FAKE_KEY, client_side_tasks


def items(client: oaitrio.AsyncOpenAI, limit: int = 5) -> AsyncPaginator[Any, AsyncCursorPage[Any]]:
    return client.models._list(
        "/fake/items",
        page=AsyncCursorPage[dict],
        query={"limit": limit},
        options=CallOptions(),  # type: ignore[type-arg]
    )


def page_requests(server: FakeOpenAI) -> list[str]:
    return [r.query.get("after", "") for r in server.requests if r.path == "/v1/fake/items"]


async def test_next_page_is_fetched_while_the_current_one_is_read(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_items(12)
    iterator = aiter(items(client))
    first = await anext(iterator)
    assert first["id"] == "item_0001"
    with trio.fail_after(5):
        while len(page_requests(server)) < 2:
            await trio.sleep(0.01)
    assert page_requests(server) == ["", "item_0005"]  # page 2 requested, page 3 not yet
    rest = [item["id"] async for item in iterator]
    assert rest == [f"item_{i:04d}" for i in range(2, 13)]
    assert page_requests(server) == ["", "item_0005", "item_0010"]


async def test_without_a_client_block_pages_come_one_after_the_other(server: FakeOpenAI) -> None:
    server.set_items(12)
    client = oaitrio.AsyncOpenAI(api_key=FAKE_KEY, base_url=server.base_url)
    iterator = aiter(items(client))
    await anext(iterator)
    await trio.sleep(0.1)
    assert page_requests(server) == [""]
    assert len([item async for item in iterator]) == 11
    await client.close()


async def test_an_abandoned_iteration_leaves_nothing_running(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_items(50)
    tasks_before = client_side_tasks()
    async for _ in items(client):
        break
    with trio.fail_after(5):
        while client_side_tasks() != tasks_before:
            await trio.sleep(0.01)
    assert client._pool is not None
    assert client._pool.statistics().in_use == 0
    assert len(page_requests(server)) == 1  # the break cancelled the page ahead before it went out


async def test_a_failed_prefetch_raises_where_its_page_is_reached(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_items(10)
    iterator = aiter(items(client))
    seen = [(await anext(iterator))["id"]]
    # The prefetch of page 2 was started but has not run yet (no checkpoint since).
    server.add_fault(StatusError(status=404, message="gone"), path="/v1/fake/items")
    seen += [(await anext(iterator))["id"] for _ in range(4)]
    assert seen[-1] == "item_0005"
    with pytest.raises(oaitrio.NotFoundError, match="gone"):
        await anext(iterator)
    # The client's nursery did not crash: the client still works.
    assert (await client.models.retrieve("gpt-4o")).id == "gpt-4o"


async def test_iter_pages_and_manual_paging(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_items(7)
    first = await items(client, limit=3)
    assert [i["id"] for i in first.data] == ["item_0001", "item_0002", "item_0003"]
    assert first.has_next_page()
    second = await first.get_next_page()
    assert second.data[0]["id"] == "item_0004"
    sizes = [len(page.data) async for page in first.iter_pages()]
    assert sizes == [3, 3, 1]
