"""The pagination prefetcher: fetch the next page while the caller reads this one.

One prefetch is one task in a nursery the caller does not own (the client's,
opened by ``async with client:``), fetching exactly one page and parking the
result, value or error, in a one-slot channel. It never blocks on the send (the
slot is free: one prefetch per slot). Errors are never raised in the client's
nursery: they travel to the consumer, who sees them when it reaches that page.

The task runs in a cancel scope of its own, created with the prefetch, so its
owner can stop it at any time with the synchronous :meth:`Prefetch.cancel`: the
page iterator does so when the iteration is closed or abandoned, and a request
still in flight is then cancelled, its connection closed, at once rather than
running on until its read timeout. Closing the client cancels it too.
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

    __slots__ = ("_receive", "_scope", "_send")

    def __init__(self, nursery: trio.Nursery, fetch: Callable[[], Awaitable[_T]]) -> None:
        send, receive = trio.open_memory_channel[outcome.Outcome[_T]](1)
        self._send = send
        self._receive = receive
        # Made here, entered by the task: cancel() works before the task starts too.
        self._scope = trio.CancelScope()
        nursery.start_soon(self._run, fetch, name="oaitrio pagination prefetch")

    async def _run(self, fetch: Callable[[], Awaitable[_T]]) -> None:
        with self._send, self._scope:
            if self._scope.cancel_called:
                return  # cancelled before the task ran: do not even start the request
            result = await outcome.acapture(fetch)
            # A cancellation (ours, or the client closing) ends the prefetch
            # quietly; nobody is waiting for the page any more.
            if isinstance(result, outcome.Error) and isinstance(result.error, trio.Cancelled):
                result.unwrap()
            try:
                self._send.send_nowait(result)
            except trio.BrokenResourceError:
                pass  # the consumer stopped waiting (it was cancelled): nobody wants the page

    def cancel(self) -> None:
        """Stop the fetch now, if it still runs. Idempotent and synchronous.

        The request in flight, if any, is cancelled at its next checkpoint and
        its connection closed by the pool; a later :meth:`get` raises.
        """
        self._scope.cancel()
        self._receive.close()

    async def get(self) -> _T:
        """The fetched value, or the fetch's exception raised here.

        One call per prefetch. Cancellation: cancelling the caller cancels the
        fetch too (its page could no longer be received).

        Raises:
            RuntimeError: the prefetch was cancelled (its client closed, or
                :meth:`cancel`) before it finished.
        """
        try:
            result = await self._receive.receive()
        except (trio.EndOfChannel, trio.ClosedResourceError):
            raise RuntimeError(
                "the page prefetch was cancelled (its iteration was closed, or its client)"
            ) from None
        finally:
            self.cancel()  # a no-op when the page arrived: the task has finished
        return result.unwrap()
