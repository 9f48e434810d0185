"""Paced streams: the header ``x-fake-interval-ms: T`` sends a stream's events T ms apart.

Theory of operation: a sleep per stream per event (a deadline in trio's heap,
a task switch, then the write) makes the fake server, not the client, the
limit once thousands of slow streams are open. So one *ticker* task per
interval length wakes once per tick and writes the next event of every stream
registered under it, each with one non-blocking ``os.write`` and no task
switch. A stream joins its ticker when its head has been sent; its k-th event
goes out at the k-th tick after that, so at most ``k * T`` after the request
(the first tick comes within one interval). When writing every due event takes
longer than an interval, the ticks run late and the server is the bottleneck
(its CPU share says so).

A stream whose socket does not take a whole event (the client is not reading)
leaves the ticker: its own task waits until the socket is writable, writes the
rest, and joins again at the next tick, so its schedule slips, as a real
server's would. A ticker stops when its last stream has left; the next stream
with that interval starts a new one in the server's nursery.

Where ``os.write`` on a socket is not available (Windows), each stream sleeps
until its own next tick instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import trio

__all__ = ["MAX_INTERVAL_MS", "Pacer", "interval_seconds"]

MAX_INTERVAL_MS = 60_000.0
_DIRECT_WRITES = sys.platform != "win32"


def interval_seconds(raw: str | None) -> float | None:
    """The pace ``x-fake-interval-ms`` asks for, in seconds; None when absent.

    Raises:
        ValueError: not a number of milliseconds above 0 and at most 60,000.
    """
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= MAX_INTERVAL_MS:  # also refuses nan
        raise ValueError(
            f"x-fake-interval-ms must be a number of milliseconds above 0 and at most "
            f"{MAX_INTERVAL_MS:,.0f}."
        )
    return value / 1000


class _Paced:
    """One stream's place in a ticker."""

    __slots__ = ("broken", "events", "fd", "pending", "wake")

    def __init__(self, fd: int, events: Iterator[bytes]) -> None:
        self.fd = fd
        self.events = events
        self.pending: memoryview | None = None
        """What the socket did not take; the stream's own task writes it."""
        self.broken: OSError | None = None
        self.wake = trio.Event()
        """Set by the ticker when the stream ended, broke or has ``pending`` bytes."""


class _Ticker:
    """Writes one event of each of its streams per tick of ``interval`` seconds."""

    __slots__ = ("interval", "streams")

    def __init__(self, interval: float) -> None:
        self.interval = interval
        # A dict as an ordered set: O(1) removal while a tick iterates a copy.
        self.streams: dict[_Paced, None] = {}

    async def run(self, tickers: dict[float, _Ticker]) -> None:
        tick = trio.current_time()
        try:
            while self.streams:
                tick += self.interval
                await trio.sleep_until(tick)
                for paced in list(self.streams):
                    self._step(paced)
        finally:
            # No checkpoint between the emptiness check and this: a stream
            # that arrives next finds no ticker and starts a new one.
            if tickers.get(self.interval) is self:
                del tickers[self.interval]
            for paced in self.streams:  # cancelled with streams left: free their tasks
                paced.broken = OSError("the server is shutting down")
                paced.wake.set()

    def _step(self, paced: _Paced) -> None:
        data = next(paced.events, None)
        if data is None:
            del self.streams[paced]
            paced.wake.set()
            return
        try:
            sent = os.write(paced.fd, data)
        except BlockingIOError:
            sent = 0
        except OSError as exc:
            paced.broken = exc
            del self.streams[paced]
            paced.wake.set()
            return
        if sent < len(data):
            paced.pending = memoryview(data)[sent:]
            del self.streams[paced]
            paced.wake.set()


class Pacer:
    """The tickers of one server, keyed by interval; started in the server's nursery."""

    def __init__(self) -> None:
        self._tickers: dict[float, _Ticker] = {}
        self._nursery: trio.Nursery | None = None

    def attach(self, nursery: trio.Nursery) -> None:
        """Start tickers in ``nursery`` (the server's, so none outlives the server)."""
        self._nursery = nursery

    def _join(self, paced: _Paced, interval: float) -> _Ticker:
        ticker = self._tickers.get(interval)
        if ticker is None:
            if self._nursery is None:
                raise RuntimeError("the pacer is not attached to a running server")
            ticker = self._tickers[interval] = _Ticker(interval)
            ticker.streams[paced] = None
            self._nursery.start_soon(ticker.run, self._tickers)
        else:
            ticker.streams[paced] = None
        return ticker

    async def write(
        self, stream: trio.SocketStream, events: Iterator[bytes], interval: float
    ) -> None:
        """Write ``events`` (already framed) one per tick; return once all are written.

        Cancellation: the stream leaves its ticker at once and no further
        event is written; part of an event may have been written.

        Raises:
            trio.BrokenResourceError: the peer closed the connection.
        """
        if not _DIRECT_WRITES:
            deadline = trio.current_time()
            for data in events:
                deadline += interval
                await trio.sleep_until(deadline)
                await stream.send_all(data)
            return
        sock = stream.socket
        paced = _Paced(sock.fileno(), events)
        ticker = self._join(paced, interval)
        try:
            while True:
                await paced.wake.wait()
                if paced.broken is not None:
                    raise trio.BrokenResourceError(
                        f"peer closed the connection: {paced.broken}"
                    ) from paced.broken
                view = paced.pending
                if view is None:
                    return
                while view:
                    await trio.lowlevel.wait_writable(sock)
                    try:
                        view = view[os.write(paced.fd, view) :]
                    except BlockingIOError:
                        pass
                    except OSError as exc:
                        raise trio.BrokenResourceError(
                            f"peer closed the connection: {exc}"
                        ) from exc
                paced.pending = None
                paced.wake = trio.Event()
                ticker = self._join(paced, interval)
        finally:
            ticker.streams.pop(paced, None)
