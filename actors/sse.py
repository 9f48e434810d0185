"""Stream pumps: read-ahead for one slow consumer, fan-in of many streams.

Both are opt-in. The default stream is pulled in the consumer's own task,
which is fastest while the consumer keeps up (every channel hop is a trio
reschedule). A pump pays that hop once per network read, not per event: it
sends a *batch*, every event its source decoded from one read.

A source is anything with ``async next_batch() -> list[T]`` (``[]`` at the
end) and ``async aclose()``; ``oaitrio.AsyncStream`` is one. The pump owns the
source from the moment it starts and closes it when it stops, whatever the
reason.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Sequence
from typing import Generic, Protocol, TypeVar

import trio

from ._groups import open_unwrapped_nursery

__all__ = ["BatchSource", "open_fan_in", "open_read_ahead"]

_T = TypeVar("_T")


class BatchSource(Protocol[_T]):
    """Something a pump can read ahead of its consumer."""

    async def next_batch(self) -> list[_T]: ...

    async def aclose(self) -> None: ...


class _Items(Generic[_T]):
    """The consumer's side: batches off a channel, handed out one item at a time."""

    def __init__(self, receive: trio.MemoryReceiveChannel[list[_T]]) -> None:
        self._receive = receive
        self._batch: list[_T] = []
        self._index = 0

    def __aiter__(self) -> _Items[_T]:
        return self

    async def __anext__(self) -> _T:
        while self._index >= len(self._batch):
            try:
                self._batch = await self._receive.receive()
            except trio.EndOfChannel:
                raise StopAsyncIteration from None
            self._index = 0
        item = self._batch[self._index]
        self._index += 1
        return item


async def _pump(
    source: BatchSource[_T],
    send: trio.MemorySendChannel[list[_T]],
    *,
    task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED,
) -> None:
    task_status.started()
    try:
        with send:
            while batch := await source.next_batch():
                await send.send(batch)
    finally:
        with trio.CancelScope(shield=True):
            await source.aclose()


@contextlib.asynccontextmanager
async def open_read_ahead(
    source: BatchSource[_T], *, max_buffered: int = 16
) -> AsyncGenerator[_Items[_T]]:
    """Run a pump that reads ``source`` ahead into a bounded channel.

    The channel holds at most ``max_buffered`` batches (one per network read);
    past that the pump waits, and TCP flow control slows the server. An error
    in the pump (a cut stream, a read timeout) cancels the block at once and is
    raised from it as itself. Leaving the block cancels the pump and closes the
    source.
    """
    if max_buffered < 1:
        raise ValueError(f"max_buffered must be at least 1, not {max_buffered}")
    send, receive = trio.open_memory_channel[list[_T]](max_buffered)
    async with open_unwrapped_nursery() as nursery:
        await nursery.start(_pump, source, send)
        try:
            yield _Items(receive)
        finally:
            # Cancel before closing our end, so a pump blocked in send() sees
            # Cancelled rather than BrokenResourceError beside the block's error.
            nursery.cancel_scope.cancel()
            receive.close()


class _Tagged(Generic[_T]):
    """A source whose items come tagged with the source's index, for fan-in."""

    def __init__(self, index: int, source: BatchSource[_T]) -> None:
        self._index = index
        self._source = source

    async def next_batch(self) -> list[tuple[int, _T]]:
        return [(self._index, item) for item in await self._source.next_batch()]

    async def aclose(self) -> None:
        await self._source.aclose()


@contextlib.asynccontextmanager
async def open_fan_in(
    sources: Sequence[BatchSource[_T]], *, max_buffered: int = 16
) -> AsyncGenerator[_Items[tuple[int, _T]]]:
    """Merge several sources into one iterator of ``(index, item)``.

    ``index`` is the source's position in ``sources``. Items of one source keep
    their order; sources interleave as their data arrives. The iteration ends
    when every source has ended. The first error of any source cancels the
    others and the block, and is raised from it as itself.
    """
    if max_buffered < 1:
        raise ValueError(f"max_buffered must be at least 1, not {max_buffered}")
    send, receive = trio.open_memory_channel[list[tuple[int, _T]]](max_buffered)
    async with open_unwrapped_nursery() as nursery:
        with send:
            for index, source in enumerate(sources):
                await nursery.start(_pump, _Tagged(index, source), send.clone())
        try:
            yield _Items(receive)
        finally:
            nursery.cancel_scope.cancel()
            receive.close()
