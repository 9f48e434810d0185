"""The fake server's paced streams (``x-fake-interval-ms``), on a virtual clock."""

from __future__ import annotations

import itertools
import math
from collections.abc import AsyncIterator

import hypothesis.strategies as st
import pytest
import trio
import trio.testing
from hypothesis import given

import oaitrio
from oaitrio.testing import open_fake_server
from oaitrio.testing._pacing import interval_seconds
from oaitrio.types.chat import ChatCompletionMessageParam

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hi"}]
TIMEOUT = 30


@pytest.fixture
async def client(autojump_clock: trio.testing.MockClock) -> AsyncIterator[oaitrio.AsyncOpenAI]:
    """A client of a fake server, both on the virtual clock (the test names it too)."""
    async with (
        open_fake_server() as fake,
        oaitrio.AsyncOpenAI(api_key="sk-test", base_url=fake.base_url, max_retries=0) as client,
    ):
        yield client


async def _arrivals(client: oaitrio.AsyncOpenAI, chunks: int, interval_ms: float) -> list[float]:
    """When each chunk of one paced stream reached the caller, from the call."""
    started = trio.current_time()
    stream = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=MESSAGES,
        stream=True,
        extra_headers={"x-fake-chunks": str(chunks), "x-fake-interval-ms": f"{interval_ms:g}"},
    )
    times: list[float] = []
    async with stream:
        async for _chunk in stream:
            times.append(trio.current_time() - started)
    return times


async def test_events_arrive_one_per_interval(
    client: oaitrio.AsyncOpenAI, autojump_clock: trio.testing.MockClock
) -> None:
    with trio.fail_after(TIMEOUT):
        times = await _arrivals(client, 8, 50)
    # role chunk + 8 deltas + finish chunk, each on its own tick
    assert len(times) == 10
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(gap == pytest.approx(0.05, abs=1e-6) for gap in gaps)
    assert times[0] <= 0.05 + 1e-6
    assert times[-1] <= 10 * 0.05 + 1e-6  # the schedule's own length: the ideal


async def test_many_streams_share_ticks_and_keep_their_schedule(
    client: oaitrio.AsyncOpenAI, autojump_clock: trio.testing.MockClock
) -> None:
    results: list[list[float]] = []

    async def one(delay: float) -> None:
        await trio.sleep(delay)
        results.append(await _arrivals(client, 18, 20))

    with trio.fail_after(TIMEOUT):
        async with trio.open_nursery() as nursery:
            for n in range(30):
                nursery.start_soon(one, n * 0.003)
    assert len(results) == 30
    for times in results:
        assert len(times) == 20
        assert times[-1] <= 20 * 0.02 + 1e-6
        assert times[-1] >= 19 * 0.02 - 1e-6


async def test_a_bad_interval_is_refused(
    client: oaitrio.AsyncOpenAI, autojump_clock: trio.testing.MockClock
) -> None:
    with (
        trio.fail_after(TIMEOUT),
        pytest.raises(oaitrio.BadRequestError, match="x-fake-interval-ms"),
    ):
        await _arrivals(client, 3, 0)


@given(st.floats(min_value=1e-3, max_value=60_000))
def test_interval_accepts_milliseconds_in_range(value: float) -> None:
    assert interval_seconds(repr(value)) == pytest.approx(value / 1000)


@given(st.one_of(st.text(), st.floats()))
def test_interval_refuses_anything_else(raw: str | float) -> None:
    text = raw if isinstance(raw, str) else repr(raw)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if 0 < value <= 60_000:
        assert interval_seconds(text) == pytest.approx(value / 1000)
    else:
        with pytest.raises(ValueError, match="x-fake-interval-ms"):
            interval_seconds(text)
