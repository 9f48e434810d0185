"""``fanout``: many non-stream ``chat.completions.create`` calls, bounded in flight.

Each client first sends ``concurrency`` calls at once, untimed: that opens the
connections a run at this concurrency uses, so the timed part measures calls in
flight rather than the one-off opening of up to 256 connections (kernel, server
and client work that a long fan-out pays once). The SDK keeps at most 100 idle
connections, so at 256 it still opens some while timed, as it does in use.

Then, timed, ``requests`` calls with exactly ``concurrency`` in flight:
``concurrency`` worker tasks, each sending calls one after another until all
are sent (a trio nursery for oaitrio, ``asyncio.gather`` for the SDK), both
with their default connection limits. Workers rather than one parked task per
call: that is how a fan-out scheduler runs, and 5,000 parked tasks add CPython
garbage-collector work that grows with concurrency for both clients. Reported:
requests per second, and the child process's peak RSS (``VmHWM``, which
includes the interpreter and imports).
"""

from __future__ import annotations

import resource
import time
from collections.abc import Mapping
from typing import Any

from ._child import Go
from ._common import API_KEY, MESSAGES, MODEL

__all__ = ["CLIENTS"]


def _peak_rss_kib() -> float:
    """This process's peak resident set size in KiB: ``VmHWM`` where Linux reports it.

    ``ru_maxrss`` survives ``exec``: a child forked from a larger parent reports
    the parent's size (the harness holds ~47 MiB after the parse benchmark), so
    it is only the fallback.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _result(done: int, started: float) -> dict[str, float]:
    elapsed = time.perf_counter() - started
    peak_kib = _peak_rss_kib()
    return {"requests_per_s": done / elapsed, "peak_rss_mib": peak_kib / 1024, "requests": done}


def _oaitrio(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import trio

    import oaitrio

    total, limit = int(params["requests"]), int(params["concurrency"])

    async def main() -> dict[str, float]:
        async with oaitrio.AsyncOpenAI(api_key=API_KEY, base_url=params["base_url"]) as client:

            async def warm_up() -> None:
                await client.chat.completions.create(model=MODEL, messages=MESSAGES)

            async with trio.open_nursery() as nursery:
                for _ in range(limit):
                    nursery.start_soon(warm_up)
            go()
            left = total
            done = 0

            async def worker() -> None:
                nonlocal left, done
                while left > 0:
                    left -= 1
                    await client.chat.completions.create(model=MODEL, messages=MESSAGES)
                    done += 1

            started = time.perf_counter()
            async with trio.open_nursery() as nursery:
                for _ in range(limit):
                    nursery.start_soon(worker)
            return _result(done, started)

    return trio.run(main)


def _sdk(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import asyncio

    import openai

    total, limit = int(params["requests"]), int(params["concurrency"])

    async def main() -> dict[str, float]:
        async with openai.AsyncOpenAI(api_key=API_KEY, base_url=params["base_url"]) as client:
            await asyncio.gather(
                *(
                    client.chat.completions.create(model=MODEL, messages=MESSAGES)
                    for _ in range(limit)
                )
            )
            go()
            left = total
            done = 0

            async def worker() -> None:
                nonlocal left, done
                while left > 0:
                    left -= 1
                    await client.chat.completions.create(model=MODEL, messages=MESSAGES)
                    done += 1

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(limit)))
            return _result(done, started)

    return asyncio.run(main())


CLIENTS = {"oaitrio": _oaitrio, "sdk": _sdk}
