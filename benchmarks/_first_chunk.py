"""``first_chunk``: latency the client adds before user code sees the first chunk.

``streams`` sequential short streams per client. For each, the child records
``time.monotonic()`` when the first chunk reaches user code (then reads the
stream to its end, so the connection is reused); the fake server records
``time.monotonic()`` just before it sends each stream's first chunk. Both are
CLOCK_MONOTONIC, which is system-wide on Linux, so the difference is the time
from the server's send to user code, including the kernel's loopback hop.
The server's record is reset after the warm-up and fetched after the run; the
two lists are matched by order. Reported: the median, in microseconds.

``httpx`` is a reference floor: a bare ``httpx.AsyncClient.stream`` under trio,
timing the first raw body bytes (no SSE parsing, no decoding).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from ._child import Go
from ._common import API_KEY, MESSAGES, MODEL
from ._server import reset, stats

__all__ = ["CLIENTS"]

_WARMUP = 5

FirstChunk = Callable[[], Awaitable[float]]


def _added_latency(seen: list[float], base_url: str) -> dict[str, float]:
    sent: list[float] = stats(base_url)["first_chunk_times"]
    if len(sent) != len(seen):
        raise RuntimeError(f"{len(seen)} streams read but the server recorded {len(sent)}")
    deltas = [(user - server) * 1e6 for user, server in zip(seen, sent, strict=True)]
    return {
        "median_us": statistics.median(deltas),
        "p90_us": statistics.quantiles(deltas, n=10)[-1],
        "streams": len(deltas),
    }


async def _run(first_chunk: FirstChunk, params: Mapping[str, Any], go: Go) -> dict[str, float]:
    for _ in range(_WARMUP):
        await first_chunk()
    reset(params["base_url"])
    go()
    seen = [await first_chunk() for _ in range(int(params["streams"]))]
    return _added_latency(seen, params["base_url"])


def _oaitrio(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import trio

    import oaitrio

    async def main() -> dict[str, float]:
        async with oaitrio.AsyncOpenAI(api_key=API_KEY, base_url=params["base_url"]) as client:

            async def first_chunk() -> float:
                stream = await client.chat.completions.create(
                    model=MODEL, messages=MESSAGES, stream=True
                )
                seen = 0.0
                async with stream:
                    async for _ in stream:
                        if not seen:
                            seen = time.monotonic()
                return seen

            return await _run(first_chunk, params, go)

    return trio.run(main)


def _sdk(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import asyncio

    import openai

    async def main() -> dict[str, float]:
        async with openai.AsyncOpenAI(api_key=API_KEY, base_url=params["base_url"]) as client:

            async def first_chunk() -> float:
                stream = await client.chat.completions.create(
                    model=MODEL, messages=MESSAGES, stream=True
                )
                seen = 0.0
                async with stream:
                    async for _ in stream:
                        if not seen:
                            seen = time.monotonic()
                return seen

            return await _run(first_chunk, params, go)

    return asyncio.run(main())


def _httpx(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import httpx
    import trio

    body = {"model": MODEL, "messages": MESSAGES, "stream": True}
    headers = {"authorization": f"Bearer {API_KEY}"}

    async def main() -> dict[str, float]:
        async with httpx.AsyncClient(base_url=params["base_url"], headers=headers) as client:

            async def first_chunk() -> float:
                seen = 0.0
                async with client.stream("POST", "/chat/completions", json=body) as response:
                    async for _ in response.aiter_raw():
                        if not seen:
                            seen = time.monotonic()
                return seen

            return await _run(first_chunk, params, go)

    return trio.run(main)


CLIENTS = {"oaitrio": _oaitrio, "sdk": _sdk, "httpx": _httpx}
