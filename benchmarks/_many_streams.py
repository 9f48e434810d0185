"""``many_streams``: N paced streams open at once, as a streaming service holds them.

The child raises its soft open-file limit to the hard one (one descriptor per
connection), opens its client with room for N connections, runs one short
unpaced stream (imports, first connection), reads ``VmRSS``, and opens the N
connections with N short unpaced streams at once, untimed: a streaming
service holds its connections open, and opening 1,000 at once (kernel, fake
server and client work paid once) would otherwise be most of the figure, as
in ``fanout``. Then (timed) it starts N tasks at once. Each calls ``chat.completions.create(stream=True)``
with ``x-fake-chunks`` set so that it yields ``chunks`` chunks (role, text
deltas, finish) and ``x-fake-interval-ms: T``: the fake server writes one
event per tick of T ms, so a stream needs ``chunks x T`` on the server's
schedule (its k-th event leaves at most k ticks after the request reached
the server). Per stream, the *stretch* is the time from its own call to its
last chunk over that ideal: 1.0 means the client kept up (a little under 1.0
is possible, since the first tick comes within one interval).

Both clients get a 60 s connect timeout (the SDK's default of 5 s is too short
for 1,000 connects at once on a loaded 2-core machine) and room for N + 8
connections, busy or idle.

Reported: the stretch's p50 and p99 over the N streams; events per second,
all chunks over the time from the first call to the last chunk (the time
to each stream's first chunk, p50 and p99, is kept as an extra: it holds the
opening of the connections); client CPU
(``time.process_time``) over that time as a share of one core, and events per
client CPU-second (what one core would reach: equal to events/s when the
client saturates its core); and peak RSS
per open stream, ``(VmHWM - VmRSS before opening) / N`` in KB (1,000 bytes).
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Mapping
from typing import Any

from ._child import Go
from ._common import API_KEY, MESSAGES, MODEL

__all__ = ["CLIENTS"]

# Chunks a chat stream yields besides its text deltas: the role chunk and the finish chunk.
_FRAME_CHUNKS = 2


def _raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _status_kib(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return float(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _headers(params: Mapping[str, Any], chunks: int | None = None) -> dict[str, str]:
    headers = {"x-fake-chunks": str((chunks or int(params["chunks"])) - _FRAME_CHUNKS)}
    if chunks is None:
        headers["x-fake-interval-ms"] = str(params["interval_ms"])
    return headers


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _result(
    params: Mapping[str, Any],
    spans: list[tuple[float, float, int]],
    firsts: list[float],
    started: float,
    cpu: float,
    rss_before_kib: float,
) -> dict[str, float]:
    count = int(params["streams"])
    if len(spans) != count:
        raise RuntimeError(f"{count - len(spans)} of {count} streams did not finish")
    interval = float(params["interval_ms"]) / 1000
    stretches = [(last - first) / (chunks * interval) for first, last, chunks in spans]
    finished = max(last for _, last, _ in spans)
    elapsed = finished - started
    cpu_s = time.process_time() - cpu
    events = sum(chunks for _, _, chunks in spans)
    peak_kib = _status_kib("VmHWM")
    return {
        "stretch_p50": _percentile(stretches, 0.5),
        "stretch_p99": _percentile(stretches, 0.99),
        "stretch_max": max(stretches),
        "stretch_mean": statistics.fmean(stretches),
        "events_per_s": events / elapsed,
        "cpu_share": cpu_s / elapsed,
        "events_per_cpu_s": events / cpu_s,
        "cpu_s": cpu_s,
        "kb_per_stream": (peak_kib - rss_before_kib) * 1024 / 1000 / count,
        "first_chunk_p50_s": _percentile(firsts, 0.5),
        "first_chunk_p99_s": _percentile(firsts, 0.99),
        "seconds": elapsed,
        "events": events,
    }


def _oaitrio(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import httpx
    import trio

    import oaitrio

    _raise_file_limit()
    count = int(params["streams"])
    limits = oaitrio.PoolLimits(max_connections=count + 8, max_keepalive_connections=count + 8)
    spans: list[tuple[float, float, int]] = []
    firsts: list[float] = []

    async def consume(client: oaitrio.AsyncOpenAI, headers: dict[str, str]) -> None:
        first = time.perf_counter()
        stream = await client.chat.completions.create(
            model=MODEL, messages=MESSAGES, stream=True, extra_headers=headers
        )
        chunks, last, opened = 0, first, 0.0
        async with stream:
            async for _ in stream:
                chunks += 1
                last = time.perf_counter()
                if chunks == 1:
                    opened = last
        spans.append((first, last, chunks))
        firsts.append(opened - first)

    async def main() -> dict[str, float]:
        async with oaitrio.AsyncOpenAI(
            api_key=API_KEY,
            base_url=params["base_url"],
            connection_limits=limits,
            timeout=httpx.Timeout(600, connect=60),
        ) as client:
            await consume(client, _headers(params, 10))
            rss_before = _status_kib("VmRSS")
            async with trio.open_nursery() as nursery:  # open the N connections, untimed
                for _ in range(count):
                    nursery.start_soon(consume, client, _headers(params, 3))
            spans.clear()
            firsts.clear()
            go()
            cpu, started = time.process_time(), time.perf_counter()
            headers = _headers(params)
            async with trio.open_nursery() as nursery:
                for _ in range(count):
                    nursery.start_soon(consume, client, headers)
            return _result(params, spans, firsts, started, cpu, rss_before)

    return trio.run(main)


def _sdk(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import asyncio

    import httpx2
    import openai

    _raise_file_limit()
    count = int(params["streams"])
    limits = httpx2.Limits(max_connections=count + 8, max_keepalive_connections=count + 8)
    spans: list[tuple[float, float, int]] = []
    firsts: list[float] = []

    async def consume(client: openai.AsyncOpenAI, headers: dict[str, str]) -> None:
        first = time.perf_counter()
        stream = await client.chat.completions.create(
            model=MODEL, messages=MESSAGES, stream=True, extra_headers=headers
        )
        chunks, last, opened = 0, first, 0.0
        async with stream:
            async for _ in stream:
                chunks += 1
                last = time.perf_counter()
                if chunks == 1:
                    opened = last
        spans.append((first, last, chunks))
        firsts.append(opened - first)

    async def main() -> dict[str, float]:
        http_client = openai.DefaultAsyncHttpxClient(limits=limits)
        async with openai.AsyncOpenAI(
            api_key=API_KEY,
            base_url=params["base_url"],
            http_client=http_client,
            timeout=httpx2.Timeout(600, connect=60),
        ) as client:
            await consume(client, _headers(params, 10))
            rss_before = _status_kib("VmRSS")
            # open the N connections, untimed
            await asyncio.gather(*(consume(client, _headers(params, 3)) for _ in range(count)))
            spans.clear()
            firsts.clear()
            go()
            cpu, started = time.process_time(), time.perf_counter()
            headers = _headers(params)
            await asyncio.gather(*(consume(client, headers) for _ in range(count)))
            return _result(params, spans, firsts, started, cpu, rss_before)

    return asyncio.run(main())


CLIENTS = {"oaitrio": _oaitrio, "sdk": _sdk}
