"""``with_raw_response`` / ``with_streaming_response`` on each resource, as the SDK's README writes them."""

from __future__ import annotations

import json
from typing import Any

import pytest
import trio

import oaitrio
from oaitrio._response import AsyncAPIResponse, LegacyAPIResponse
from oaitrio.testing import FakeOpenAI
from oaitrio.types.chat import ChatCompletion
from oaitrio.types.model import Model

MESSAGES = [{"role": "user", "content": "Say this is a test"}]
SPEECH: dict[str, Any] = {
    "model": "gpt-4o-mini-tts",
    "voice": "alloy",
    "input": "the quick brown fox",
}


async def test_raw_response_hangs_off_the_resource(client: oaitrio.AsyncOpenAI) -> None:
    with trio.fail_after(10):
        response = await client.chat.completions.with_raw_response.create(
            messages=MESSAGES, model="gpt-5.5"
        )
    assert isinstance(response, LegacyAPIResponse)
    assert response.status_code == 200
    assert response.headers.get("x-request-id", "").startswith("req_")
    completion = response.parse()
    assert isinstance(completion, ChatCompletion)
    assert completion.object == "chat.completion"
    # The view is a copy: the resource itself still returns the parsed result.
    with trio.fail_after(10):
        plain = await client.chat.completions.create(messages=MESSAGES, model="gpt-5.5")
    assert isinstance(plain, ChatCompletion)


async def test_streaming_response_hangs_off_the_resource(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    with trio.fail_after(10):
        whole = await client.audio.speech.create(**SPEECH)
        async with client.audio.speech.with_streaming_response.create(**SPEECH) as response:
            assert isinstance(response, AsyncAPIResponse)
            assert not response.http_response.is_stream_consumed
            pieces = [piece async for piece in response.iter_bytes()]
    assert b"".join(pieces) == whole.content
    assert client._pool is not None
    assert client._pool.statistics().in_use == 0


async def test_sub_resources_of_a_view_stay_in_its_mode(client: oaitrio.AsyncOpenAI) -> None:
    with trio.fail_after(10):
        raw = await client.chat.with_raw_response.completions.create(
            messages=MESSAGES, model="gpt-5.5"
        )
        assert isinstance(raw, LegacyAPIResponse)
        assert isinstance(raw.parse(), ChatCompletion)
        raw = await client.with_raw_response.chat.completions.create(
            messages=MESSAGES, model="gpt-5.5"
        )
        assert isinstance(raw, LegacyAPIResponse)
        async with client.chat.with_streaming_response.completions.create(
            messages=MESSAGES, model="gpt-5.5", stream=True
        ) as streamed:
            lines = [line async for line in streamed.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    assert all(line.startswith("data: ") for line in lines)


async def test_resource_views_of_lists_and_retrieves(client: oaitrio.AsyncOpenAI) -> None:
    with trio.fail_after(10):
        listed = await client.models.with_raw_response.list()
        page = listed.parse()
        assert [m.id async for m in page] == [m.id for m in page.data]
        async with client.models.with_streaming_response.retrieve("gpt-4o") as response:
            model = await response.parse()
    assert isinstance(model, Model)
    assert model.id == "gpt-4o"
    assert json.loads(listed.content)["object"] == "list"


async def test_resource_views_still_raise_error_statuses(client: oaitrio.AsyncOpenAI) -> None:
    with trio.fail_after(10), pytest.raises(oaitrio.NotFoundError):
        await client.models.with_raw_response.retrieve("nope")
    with trio.fail_after(10), pytest.raises(oaitrio.NotFoundError):
        async with client.models.with_streaming_response.retrieve("nope"):
            pass  # pragma: no cover - the call raises on entry
