"""``with_raw_response`` and ``with_streaming_response`` over the same resources."""

from __future__ import annotations

import json
import pathlib
import re
from itertools import cycle

import pytest
import trio
from hypothesis import given, settings
from hypothesis import strategies as st

import oaitrio
from oaitrio._response import AsyncAPIResponse, LegacyAPIResponse, _Lines
from oaitrio.testing import FakeOpenAI
from oaitrio.types.chat import ChatCompletion, ChatCompletionChunk
from oaitrio.types.model import Model

MESSAGES = [{"role": "user", "content": "raw please"}]


async def test_raw_response_has_status_headers_and_parses(client: oaitrio.AsyncOpenAI) -> None:
    response = await client.with_raw_response.chat.completions.create(model="m", messages=MESSAGES)
    assert isinstance(response, LegacyAPIResponse)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.request_id is not None
    assert response.request_id.startswith("req_")
    assert json.loads(response.content)["object"] == "chat.completion"
    completion = response.parse()
    assert isinstance(completion, ChatCompletion)
    assert completion._request_id == response.request_id  # type: ignore[attr-defined]


async def test_raw_response_of_a_stream_parses_to_the_stream(client: oaitrio.AsyncOpenAI) -> None:
    response = await client.with_raw_response.chat.completions.create(
        model="m", messages=MESSAGES, stream=True
    )
    stream = response.parse()
    async with stream:
        chunks = [chunk async for chunk in stream]
    assert chunks
    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)


async def test_raw_response_of_a_list_and_of_embeddings(client: oaitrio.AsyncOpenAI) -> None:
    page_response = await client.with_raw_response.models.list()
    page = page_response.parse()
    assert [m.id async for m in page] == [m.id for m in page.data]
    embeddings = await client.with_raw_response.embeddings.create(
        model="text-embedding-3-small", input="x"
    )
    vector = embeddings.parse().data[0].embedding
    assert isinstance(vector, list)
    assert isinstance(vector[0], float)


async def test_raw_response_still_raises_error_statuses(client: oaitrio.AsyncOpenAI) -> None:
    with pytest.raises(oaitrio.NotFoundError):
        await client.with_raw_response.models.retrieve("nope")


async def test_streaming_response_leaves_the_body_unread_until_asked(
    client: oaitrio.AsyncOpenAI, tmp_path: pathlib.Path
) -> None:
    async with client.with_streaming_response.models.retrieve("gpt-4o") as response:
        assert isinstance(response, AsyncAPIResponse)
        assert response.status_code == 200
        assert not response.http_response.is_stream_consumed
        model = await response.parse()
    assert isinstance(model, Model)
    assert model.id == "gpt-4o"

    async with client.with_streaming_response.chat.completions.create(
        model="m", messages=MESSAGES, stream=True
    ) as response:
        lines = [line async for line in response.iter_lines()]
    assert lines[-2:] == ["data: [DONE]", ""] or lines[-1] == "data: [DONE]"

    target = tmp_path / "models.json"
    async with client.with_streaming_response.models.retrieve("gpt-4o") as response:
        await response.stream_to_file(target)
    assert json.loads(target.read_bytes())["id"] == "gpt-4o"


async def test_leaving_a_streaming_response_block_releases_the_connection(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    async with client.with_streaming_response.chat.completions.create(
        model="m", messages=MESSAGES, stream=True, extra_headers={"x-fake-chunks": "100000"}
    ) as response:
        async for first in response.iter_bytes():
            assert first.startswith(b"data: ")
            break  # abandoning the iterator is fine: the block closes the response
    assert client._pool is not None
    assert client._pool.statistics().in_use == 0


class _Pieces:
    def __init__(self, pieces: list[str]) -> None:
        self._pieces = list(pieces)

    def __aiter__(self) -> _Pieces:
        return self

    async def __anext__(self) -> str:
        if not self._pieces:
            raise StopAsyncIteration
        return self._pieces.pop(0)


@settings(deadline=None)
@given(
    st.lists(st.text(alphabet="ab\r\n", max_size=6), max_size=6),
    st.lists(st.integers(min_value=0, max_value=40), max_size=6),
)
def test_lines_split_the_same_whatever_the_pieces(lines: list[str], cuts: list[int]) -> None:
    text = "".join(
        line.replace("\r", "").replace("\n", "") + end
        for line, end in zip(lines, cycle(["\n", "\r\n", "\r"]))
    )
    expected = re.split(r"\r\n|\r|\n", text)
    if expected and expected[-1] == "":
        expected.pop()
    points = sorted({min(c, len(text)) for c in cuts})
    pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]

    async def collect() -> list[str]:
        return [line async for line in _Lines(_Pieces(pieces))]

    assert trio.run(collect) == expected
