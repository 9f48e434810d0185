"""The pagination prefetcher: fetch the next page while the caller reads this one.

One prefetch is one task in a nursery the caller does not own (the client's,
opened by ``async with client:``), fetching exactly one page and parking the
result, value or error, in a one-slot channel. It never blocks on the send (the
slot is free: one prefetch per slot), so a consumer that stops iterating leaves
at most one request running, which ends by itself; closing the client cancels
it. Errors are never raised in the client's nursery: they travel to the
consumer, who sees them when it reaches that page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import outcome
import trio

__all__ = ["Prefetch"]

_T = TypeVar("_T")


class Prefetch(Generic[_T]):
    """A value being fetched in the background; ``await prefetch.get()`` for it."""

    __slots__ = ("_receive", "_send")

    def __init__(self, nursery: trio.Nursery, fetch: Callable[[], Awaitable[_T]]) -> None:
        send, receive = trio.open_memory_channel[outcome.Outcome[_T]](1)
        self._send = send
        self._receive = receive
        nursery.start_soon(self._run, fetch, name="oaitrio pagination prefetch")

    async def _run(self, fetch: Callable[[], Awaitable[_T]]) -> None:
        with self._send:
            result = await outcome.acapture(fetch)
            # A cancellation (the client closing) ends the prefetch quietly;
            # the consumer, if any, is being cancelled too.
            if isinstance(result, outcome.Error) and isinstance(result.error, trio.Cancelled):
                result.unwrap()
            try:
                self._send.send_nowait(result)
            except trio.BrokenResourceError:
                pass  # the consumer stopped waiting (it was cancelled): nobody wants the page

    async def get(self) -> _T:
        """The fetched value, or the fetch's exception raised here.

        Raises:
            RuntimeError: the prefetch was cancelled (its client closed) before it finished.
        """
        try:
            result = await self._receive.receive()
        except trio.EndOfChannel:
            raise RuntimeError("the page prefetch was cancelled: its client was closed") from None
        finally:
            self._receive.close()
        return result.unwrap()
