"""``fanout``: many non-stream ``chat.completions.create`` calls, bounded in flight.

Each client sends one warm-up request, then (timed) ``requests`` calls with at
most ``concurrency`` in flight: one task per call behind a semaphore, in a trio
nursery for oaitrio and ``asyncio.gather`` for the SDK, both with their default
connection limits. Reported: requests per second, and the child process's peak
RSS (``ru_maxrss``, which includes the interpreter and imports).
"""

from __future__ import annotations

import resource
import time
from collections.abc import Mapping
from typing import Any

from ._child import Go
from ._common import API_KEY, MESSAGES, MODEL

__all__ = ["CLIENTS"]


def _result(done: int, started: float) -> dict[str, float]:
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"requests_per_s": done / elapsed, "peak_rss_mib": peak_kib / 1024, "requests": done}


def _oaitrio(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import trio

    import oaitrio

    total, limit = int(params["requests"]), int(params["concurrency"])

    async def main() -> dict[str, float]:
        async with oaitrio.AsyncOpenAI(api_key=API_KEY, base_url=params["base_url"]) as client:
            await client.chat.completions.create(model=MODEL, messages=MESSAGES)
            go()
            done = 0
            slots = trio.Semaphore(limit)

            async def one() -> None:
                nonlocal done
                async with slots:
                    await client.chat.completions.create(model=MODEL, messages=MESSAGES)
                done += 1

            started = time.perf_counter()
            async with trio.open_nursery() as nursery:
                for _ in range(total):
                    nursery.start_soon(one)
            return _result(done, started)

    return trio.run(main)


def _sdk(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import asyncio

    import openai

    total, limit = int(params["requests"]), int(params["concurrency"])

    async def main() -> dict[str, float]:
        async with openai.AsyncOpenAI(api_key=API_KEY, base_url=params["base_url"]) as client:
            await client.chat.completions.create(model=MODEL, messages=MESSAGES)
            go()
            slots = asyncio.Semaphore(limit)

            async def one() -> None:
                async with slots:
                    await client.chat.completions.create(model=MODEL, messages=MESSAGES)

            started = time.perf_counter()
            await asyncio.gather(*(one() for _ in range(total)))
            return _result(total, started)

    return asyncio.run(main())


CLIENTS = {"oaitrio": _oaitrio, "sdk": _sdk}
