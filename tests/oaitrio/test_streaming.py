"""Streamed chat completions: complete, cut, stalled, failed, cancelled, read ahead, fanned in."""

from __future__ import annotations

import os
import pathlib
import types
from typing import Any

import pytest
import trio
import trio.lowlevel
import trio.testing

import oaitrio
from oaitrio.testing import (
    DelayAfterDone,
    DropMidStream,
    EndBeforeDone,
    ErrorEvent,
    FakeOpenAI,
    MalformedEvent,
    StallMidStream,
)
from oaitrio.types.chat import ChatCompletionChunk
from tests.conftest import FAKE_KEY, client_side_tasks

MESSAGES = [{"role": "user", "content": "tell me about trio nurseries"}]


async def _stream(
    client: oaitrio.AsyncOpenAI, **kwargs: object
) -> oaitrio.AsyncStream[ChatCompletionChunk]:
    return await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=MESSAGES,
        stream=True,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_stream_yields_typed_chunks_that_add_up(client: oaitrio.AsyncOpenAI) -> None:
    plain = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    stream = await _stream(client, stream_options={"include_usage": True})
    async with stream:
        chunks = [chunk async for chunk in stream]
    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert stream.response.headers["content-type"].startswith("text/event-stream")


@pytest.mark.parametrize("mode", ["token", "coalesced"])
async def test_long_streams_in_both_write_modes(client: oaitrio.AsyncOpenAI, mode: str) -> None:
    stream = await _stream(
        client, extra_headers={"x-fake-chunks": "5000", "x-fake-write-mode": mode}
    )
    async with stream:
        count = sum([1 async for _ in stream])
    assert count == 5000 + 2  # role chunk + content chunks + finish chunk


async def test_done_leaves_the_connection_reusable_even_when_the_body_ends_later(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.add_fault(DelayAfterDone(seconds=0.2))
    stream = await _stream(client)
    async with stream:
        assert [chunk async for chunk in stream]
    await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert server.connections_opened == 1
    assert client._pool is not None and client._pool.statistics().in_use == 0


async def test_cut_mid_stream_raises(client: oaitrio.AsyncOpenAI, server: FakeOpenAI) -> None:
    server.add_fault(DropMidStream(after_chunks=3))
    stream = await _stream(client)
    received = []
    with pytest.raises(oaitrio.APIConnectionError):
        async with stream:
            async for chunk in stream:
                received.append(chunk)
    assert len(received) == 3
    assert client._pool is not None and client._pool.statistics().in_use == 0


async def test_body_ending_before_done_raises(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.add_fault(EndBeforeDone())
    stream = await _stream(client)
    with pytest.raises(oaitrio.APIConnectionError, match=r"\[DONE\]"):
        async with stream:
            async for _ in stream:
                pass


async def test_stall_past_the_read_timeout_raises_timeout(server: FakeOpenAI) -> None:
    server.add_fault(StallMidStream(after_chunks=2, seconds=3))
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY, base_url=server.base_url, timeout=oaitrio.Timeout(10, read=0.2)
    ) as client:
        stream = await _stream(client)
        with trio.fail_after(5), pytest.raises(oaitrio.APITimeoutError):
            async with stream:
                async for _ in stream:
                    pass


async def test_a_slow_healthy_stream_is_not_cut_by_the_read_timeout(server: FakeOpenAI) -> None:
    # Ten gaps of 0.1 s each: longer than the read timeout in total, never per read.
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY, base_url=server.base_url, timeout=oaitrio.Timeout(10, read=0.3)
    ) as client:
        stream = await _stream(client, extra_headers={"x-fake-chunks": "10"})
        count = 0
        async with stream:
            async for _ in stream:
                count += 1
                await trio.sleep(0.1)
    assert count == 12


async def test_error_event_raises_api_error_with_the_server_message(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.add_fault(ErrorEvent(after_chunks=2, message="model overloaded", code="overloaded"))
    stream = await _stream(client)
    with pytest.raises(oaitrio.APIError, match="model overloaded") as info:
        async with stream:
            async for _ in stream:
                pass
    assert info.value.code == "overloaded"


async def test_malformed_event_raises_api_error(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.add_fault(MalformedEvent(after_chunks=1))
    stream = await _stream(client)
    with pytest.raises(oaitrio.APIError, match="not JSON"):
        async with stream:
            async for _ in stream:
                pass


async def test_cancelling_the_consumer_leaves_no_task_and_no_connection(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    tasks_before = client_side_tasks()
    received = 0
    with trio.move_on_after(0.3) as scope:
        stream = await _stream(client, extra_headers={"x-fake-chunks": "100000"})
        async with stream:
            async for _ in stream:
                received += 1
                await trio.sleep(0.001)
    assert scope.cancelled_caught and received > 0
    assert client._pool is not None and client._pool.statistics().in_use == 0
    assert client_side_tasks() == tasks_before
    # The pool still works, on a fresh connection (the cut one was closed).
    await client.models.retrieve("gpt-4o")
    assert server.connections_opened == 2


async def test_read_ahead_delivers_every_chunk_in_order(client: oaitrio.AsyncOpenAI) -> None:
    direct = await _stream(client, extra_headers={"x-fake-chunks": "300"})
    async with direct:
        expected = [c.choices[0].delta.content async for c in direct if c.choices]
    stream = await _stream(client, extra_headers={"x-fake-chunks": "300"})
    tasks_before = client_side_tasks()
    async with stream.read_ahead(max_buffered=2) as chunks:
        got = []
        async for chunk in chunks:
            got.append(chunk.choices[0].delta.content if chunk.choices else None)
            await trio.lowlevel.checkpoint()
    assert got == expected
    assert client_side_tasks() == tasks_before


async def test_read_ahead_reports_a_cut_as_itself(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.add_fault(DropMidStream(after_chunks=5))
    stream = await _stream(client, extra_headers={"x-fake-chunks": "50"})
    with pytest.raises(oaitrio.APIConnectionError):
        async with stream.read_ahead() as chunks:
            async for _ in chunks:
                await trio.sleep(0.01)
    assert client._pool is not None and client._pool.statistics().in_use == 0


async def test_leaving_read_ahead_early_closes_the_stream(client: oaitrio.AsyncOpenAI) -> None:
    stream = await _stream(client, extra_headers={"x-fake-chunks": "100000"})
    async with stream.read_ahead(max_buffered=1) as chunks:
        async for _ in chunks:
            break
    assert client._pool is not None and client._pool.statistics().in_use == 0
    with pytest.raises(ValueError, match="max_buffered"):
        async with stream.read_ahead(max_buffered=0):
            pass


async def test_an_error_in_the_read_ahead_block_comes_out_as_itself(
    client: oaitrio.AsyncOpenAI,
) -> None:
    stream = await _stream(client, extra_headers={"x-fake-chunks": "100000"})
    with pytest.raises(KeyError, match="mine"):
        async with stream.read_ahead(max_buffered=1) as chunks:
            async for _ in chunks:
                await trio.sleep(0.01)  # let the pump fill the channel and block
                raise KeyError("mine")
    assert client._pool is not None
    assert client._pool.statistics().in_use == 0


async def test_fan_in_merges_streams_tagged_by_index(client: oaitrio.AsyncOpenAI) -> None:
    counts = [20, 35, 5]
    streams = [await _stream(client, extra_headers={"x-fake-chunks": str(n)}) for n in counts]
    seen: dict[int, int] = {0: 0, 1: 0, 2: 0}
    async with oaitrio.open_fan_in(streams) as merged:
        async for index, chunk in merged:
            assert isinstance(chunk, ChatCompletionChunk)
            seen[index] += 1
    assert seen == {i: n + 2 for i, n in enumerate(counts)}
    assert client._pool is not None and client._pool.statistics().in_use == 0


async def test_fan_in_raises_the_first_failure_and_closes_the_rest(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    healthy = await _stream(client, extra_headers={"x-fake-chunks": "100000"})
    server.add_fault(DropMidStream(after_chunks=2))
    broken = await _stream(client, extra_headers={"x-fake-chunks": "100"})
    with trio.fail_after(5), pytest.raises(oaitrio.APIConnectionError):
        async with oaitrio.open_fan_in([healthy, broken]) as merged:
            async for _ in merged:
                pass
    assert client._pool is not None and client._pool.statistics().in_use == 0


_LAYERS = tuple(
    str(pathlib.Path(oaitrio.__file__).parent.parent / layer) + os.sep
    for layer in ("oaitrio", "actors", "protocols")
)


def _our_frames(task: trio.lowlevel.Task) -> list[str]:
    """The coroutines of our own layers that ``task`` is suspended in, outermost first."""
    names: list[str] = []
    awaited: Any = task.coro
    while awaited is not None:
        code: types.CodeType | None = getattr(awaited, "cr_code", None) or getattr(
            awaited, "gi_code", None
        )
        if code is not None and code.co_filename.startswith(_LAYERS):
            names.append(code.co_qualname)
        awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "gi_yieldfrom", None)
    return names


async def test_a_waiting_stream_holds_three_coroutines_of_ours(server: FakeOpenAI) -> None:
    # Each coroutine a stream waits in is a new object per event that lives
    # until the next one: with thousands of paced streams open, they are
    # what the garbage collector walks. The usual wait (plain TCP, the
    # pool's actor timing the read) is three deep.
    server.add_fault(StallMidStream(after_chunks=2, seconds=30))
    async with oaitrio.AsyncOpenAI(api_key=FAKE_KEY, base_url=server.base_url) as client:
        stream = await _stream(client)
        got_one = trio.Event()
        waiting: list[trio.lowlevel.Task] = []

        async def consume() -> None:
            waiting.append(trio.lowlevel.current_task())
            async with stream:
                async for _ in stream:
                    got_one.set()

        with trio.fail_after(10):
            async with trio.open_nursery() as nursery:
                nursery.start_soon(consume)
                await got_one.wait()
                await trio.testing.wait_all_tasks_blocked()  # it waits for the stalled event
                assert _our_frames(waiting[0]) == [
                    "AsyncStream.__anext__",
                    "_ResponseStream.__anext__",
                    "Connection.receive_body_chunk",
                ]
                nursery.cancel_scope.cancel()
