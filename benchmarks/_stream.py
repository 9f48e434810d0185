"""``stream``: one long streamed chat completion, end to end over loopback.

Each client opens its connection with a short warm-up stream, then (timed)
calls ``chat.completions.create(stream=True)`` with
``x-fake-chunks: N`` and ``x-fake-write-mode: token|coalesced`` and iterates to
the end. Reported: chunks per second from the call to the last chunk, and the
client process's CPU time (``time.process_time``) over the same window.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ._child import Go
from ._common import API_KEY, MESSAGES, MODEL

__all__ = ["CLIENTS"]


def _headers(params: Mapping[str, Any], chunks: int) -> dict[str, str]:
    return {"x-fake-chunks": str(chunks), "x-fake-write-mode": str(params["mode"])}


def _result(count: int, started: float, cpu: float) -> dict[str, float]:
    elapsed = time.perf_counter() - started
    return {
        "chunks_per_s": count / elapsed,
        "cpu_s": time.process_time() - cpu,
        "chunks": count,
        "seconds": elapsed,
    }


def _oaitrio(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import trio

    import oaitrio

    async def consume(client: oaitrio.AsyncOpenAI, chunks: int) -> int:
        stream = await client.chat.completions.create(
            model=MODEL, messages=MESSAGES, stream=True, extra_headers=_headers(params, chunks)
        )
        count = 0
        async with stream:
            async for _ in stream:
                count += 1
        return count

    async def main() -> dict[str, float]:
        async with oaitrio.AsyncOpenAI(api_key=API_KEY, base_url=params["base_url"]) as client:
            await consume(client, 10)
            go()
            cpu, started = time.process_time(), time.perf_counter()
            count = await consume(client, int(params["chunks"]))
            return _result(count, started, cpu)

    return trio.run(main)


def _sdk(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import asyncio

    import openai

    async def consume(client: openai.AsyncOpenAI, chunks: int) -> int:
        stream = await client.chat.completions.create(
            model=MODEL, messages=MESSAGES, stream=True, extra_headers=_headers(params, chunks)
        )
        count = 0
        async with stream:
            async for _ in stream:
                count += 1
        return count

    async def main() -> dict[str, float]:
        async with openai.AsyncOpenAI(api_key=API_KEY, base_url=params["base_url"]) as client:
            await consume(client, 10)
            go()
            cpu, started = time.process_time(), time.perf_counter()
            count = await consume(client, int(params["chunks"]))
            return _result(count, started, cpu)

    return asyncio.run(main())


CLIENTS = {"oaitrio": _oaitrio, "sdk": _sdk}
