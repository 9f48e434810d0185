"""The pagination prefetcher, driven directly with fake fetches on the virtual clock."""

from __future__ import annotations

import pytest
import trio
import trio.testing

from actors.prefetch import Prefetch


class Fetch:
    """A fake page fetch that takes ``seconds`` and records how it ended."""

    def __init__(self, seconds: float, value: str = "page", error: Exception | None = None):
        self.seconds = seconds
        self.value = value
        self.error = error
        self.started = False
        self.cancelled = False

    async def __call__(self) -> str:
        self.started = True
        try:
            await trio.sleep(self.seconds)
        except trio.Cancelled:
            self.cancelled = True
            raise
        if self.error is not None:
            raise self.error
        return self.value


async def test_get_returns_the_page_fetched_in_the_background(
    autojump_clock: trio.testing.MockClock,
) -> None:
    fetch = Fetch(2)
    async with trio.open_nursery() as nursery:
        prefetch = Prefetch(nursery, fetch)
        await trio.sleep(1.5)  # the consumer reads its page meanwhile
        start = trio.current_time()
        with trio.fail_after(10):
            assert await prefetch.get() == "page"
        assert trio.current_time() - start == pytest.approx(0.5)


async def test_a_failed_fetch_raises_at_get_not_in_the_nursery(
    autojump_clock: trio.testing.MockClock,
) -> None:
    async with trio.open_nursery() as nursery:
        prefetch = Prefetch(nursery, Fetch(1, error=LookupError("gone")))
        with trio.fail_after(10), pytest.raises(LookupError, match="gone"):
            await prefetch.get()


async def test_cancel_before_the_task_runs_sends_nothing(
    autojump_clock: trio.testing.MockClock,
) -> None:
    fetch = Fetch(300)
    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            prefetch = Prefetch(nursery, fetch)
            prefetch.cancel()
        assert not fetch.started
        with pytest.raises(RuntimeError, match="cancelled"):
            await prefetch.get()


async def test_cancel_stops_a_fetch_in_flight_at_once(
    autojump_clock: trio.testing.MockClock,
) -> None:
    fetch = Fetch(300)
    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            prefetch = Prefetch(nursery, fetch)
            await trio.sleep(1)
            assert fetch.started
            start = trio.current_time()
            prefetch.cancel()
            prefetch.cancel()  # idempotent
        # The nursery closed without waiting out the 300 s fetch.
        assert trio.current_time() == start
        assert fetch.cancelled


async def test_a_cancelled_consumer_cancels_its_fetch(
    autojump_clock: trio.testing.MockClock,
) -> None:
    fetch = Fetch(300)
    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            prefetch = Prefetch(nursery, fetch)
            with trio.move_on_after(1):
                await prefetch.get()
        assert trio.current_time() == pytest.approx(1)
        assert fetch.cancelled


async def test_closing_the_owner_nursery_makes_get_raise(
    autojump_clock: trio.testing.MockClock,
) -> None:
    fetch = Fetch(300)
    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            prefetch = Prefetch(nursery, fetch)
            await trio.sleep(1)
            nursery.cancel_scope.cancel()  # the client closing
        with pytest.raises(RuntimeError, match="cancelled"):
            await prefetch.get()
