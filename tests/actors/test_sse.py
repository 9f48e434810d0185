"""The stream pumps (read-ahead, fan-in), driven directly with scripted sources on the virtual clock."""

from __future__ import annotations

import pytest
import trio
import trio.testing

from actors.sse import open_fan_in, open_read_ahead


class Cut(Exception):
    """The source's connection broke."""


class Source:
    """A scripted batch source: each step is ``(seconds, batch)`` or ``(seconds, exception)``."""

    def __init__(self, *steps: tuple[float, list[str] | Exception]) -> None:
        self.steps = list(steps)
        self.calls = 0
        self.closed = False

    async def next_batch(self) -> list[str]:
        self.calls += 1
        if not self.steps:
            return []
        seconds, step = self.steps.pop(0)
        await trio.sleep(seconds)
        if isinstance(step, Exception):
            raise step
        return step

    async def aclose(self) -> None:
        self.closed = True
        await trio.lowlevel.checkpoint()


async def test_read_ahead_delivers_every_item_in_order_and_closes_the_source(
    autojump_clock: trio.testing.MockClock,
) -> None:
    source = Source((1, ["a", "b"]), (1, ["c"]), (1, ["d", "e", "f"]))
    with trio.fail_after(60):
        async with open_read_ahead(source) as items:
            got = [item async for item in items]
    assert got == ["a", "b", "c", "d", "e", "f"]
    assert source.closed


async def test_read_ahead_stays_within_its_buffer_for_a_slow_consumer(
    autojump_clock: trio.testing.MockClock,
) -> None:
    source = Source(*[(0.01, [str(i)]) for i in range(50)])
    with trio.fail_after(600):
        async with open_read_ahead(source, max_buffered=2) as items:
            consumed = 0
            async for _ in items:
                consumed += 1
                await trio.sleep(1)  # the consumer is far slower than the network
                # Read: what was consumed, the channel's 2, and one batch in hand.
                assert source.calls <= consumed + 2 + 1
    assert consumed == 50


async def test_a_cut_source_raises_from_the_block_at_once_as_itself(
    autojump_clock: trio.testing.MockClock,
) -> None:
    source = Source((1, ["a"]), (1, Cut("reset by peer")))
    with trio.fail_after(60):
        with pytest.raises(Cut, match="reset by peer"):
            async with open_read_ahead(source) as items:
                async for _ in items:
                    await trio.sleep(100)  # busy with the first item when the cut comes
        # The block was cancelled when the pump failed, not after the consumer's 100 s.
        assert trio.current_time() == pytest.approx(2)
    assert source.closed


async def test_leaving_read_ahead_early_stops_the_pump_and_closes_the_source(
    autojump_clock: trio.testing.MockClock,
) -> None:
    source = Source(*[(1, [str(i)]) for i in range(100)])
    with trio.fail_after(60):
        async with open_read_ahead(source) as items:
            async for _ in items:
                break
        calls = source.calls
        await trio.sleep(10)
    assert source.closed
    assert source.calls == calls  # nothing read after the block


async def test_an_error_in_the_consumer_block_leaves_as_itself_and_closes_the_source(
    autojump_clock: trio.testing.MockClock,
) -> None:
    source = Source(*[(0, [str(i)]) for i in range(100)])
    with trio.fail_after(60), pytest.raises(KeyError):
        async with open_read_ahead(source, max_buffered=1) as items:
            async for _ in items:
                raise KeyError("consumer bug")
    assert source.closed


async def test_cancelling_the_block_closes_the_source(
    autojump_clock: trio.testing.MockClock,
) -> None:
    source = Source((1000, ["late"]))
    with trio.move_on_after(5) as scope:
        async with open_read_ahead(source) as items:
            async for _ in items:
                pass
    assert scope.cancelled_caught
    assert trio.current_time() == pytest.approx(5)
    assert source.closed


@pytest.mark.parametrize("bad", [0, -1])
async def test_a_buffer_below_one_is_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="max_buffered must be at least 1"):
        async with open_read_ahead(Source(), max_buffered=bad):
            pass  # pragma: no cover
    with pytest.raises(ValueError, match="max_buffered must be at least 1"):
        async with open_fan_in([Source()], max_buffered=bad):
            pass  # pragma: no cover


async def test_fan_in_tags_items_with_their_source_and_interleaves_by_arrival(
    autojump_clock: trio.testing.MockClock,
) -> None:
    fast = Source((1, ["f1"]), (1, ["f2"]), (1, ["f3"]))
    slow = Source((1.5, ["s1"]), (2, ["s2"]))
    with trio.fail_after(60):
        async with open_fan_in([fast, slow]) as items:
            got = [item async for item in items]
    assert got == [(0, "f1"), (1, "s1"), (0, "f2"), (0, "f3"), (1, "s2")]
    assert fast.closed and slow.closed


async def test_fan_in_of_nothing_ends_at_once() -> None:
    with trio.fail_after(10):
        async with open_fan_in([]) as items:
            assert [item async for item in items] == []


async def test_fan_in_raises_the_first_failure_as_itself_and_closes_every_source(
    autojump_clock: trio.testing.MockClock,
) -> None:
    healthy = Source(*[(1, ["ok"]) for _ in range(100)])
    broken = Source((2.5, Cut("dropped")))
    with trio.fail_after(60):
        with pytest.raises(Cut, match="dropped"):
            async with open_fan_in([healthy, broken]) as items:
                async for _ in items:
                    pass
        assert trio.current_time() == pytest.approx(2.5)
    assert healthy.closed and broken.closed
