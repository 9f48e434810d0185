"""``page.next_page_info()``: the SDK's ``PageInfo`` for manual pagination."""

from __future__ import annotations

import httpx
import trio

import oaitrio
from oaitrio.pagination import AsyncCursorPage, PageInfo
from oaitrio.testing import FakeOpenAI


async def test_next_page_info_says_what_get_next_page_asks_for(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_items(5)
    with trio.fail_after(10):
        first = await client.get_api_list(
            "/fake/items", model=object, page=AsyncCursorPage[object],
            options={"params": {"limit": 3}},
        )  # fmt: skip
        info = first.next_page_info()
        assert isinstance(info, PageInfo)
        assert info.params == {"after": "item_0003"}
        assert repr(info) == "PageInfo(params={'after': 'item_0003'})"
        second = await first.get_next_page()
    assert server.requests[-1].query == {"limit": "3", "after": "item_0003"}
    assert len(second.data) == 2
    assert second.next_page_info() is None
    assert not second.has_next_page()


async def test_next_page_info_on_a_generated_list(client: oaitrio.AsyncOpenAI) -> None:
    with trio.fail_after(10):
        models = await client.models.list()
    assert models.next_page_info() is None  # one page only


def test_page_info_reprs_like_the_sdk() -> None:
    assert repr(PageInfo(url=httpx.URL("https://x/v1/a?after=b"))) == (
        "PageInfo(url=https://x/v1/a?after=b)"
    )
    assert repr(PageInfo(json={"after": "b"})) == "PageInfo(json={'after': 'b'})"
    assert isinstance(PageInfo(params={}).url, oaitrio.NotGiven)
