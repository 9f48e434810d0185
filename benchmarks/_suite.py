"""The benchmarks: which children to run, with what, and what to keep."""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._report import Measurement, number
from ._runner import ChildResult, run_child
from ._server import FakeServerProcess, reset, stats

__all__ = ["BENCHMARKS", "Config"]

Metrics = Mapping[str, tuple[str, str]]
"""Child result key -> (measurement name, unit)."""


@dataclass(frozen=True)
class Config:
    """Sizes of one run; :meth:`for_mode` gives the full or the ``--quick`` set."""

    repetitions: int
    parse_chunks: int
    parse_min_seconds: float
    stream_chunks: int
    fanout_requests: int
    import_runs: int
    first_chunk_streams: int
    many_streams: tuple[tuple[int, int, tuple[str, ...]], ...]
    """``(streams, interval ms, clients)`` per ``many_streams`` configuration."""
    quick: bool

    @classmethod
    def for_mode(cls, quick: bool) -> Config:
        if quick:
            return cls(
                1, 2_000, 0.2, 2_000, 500, 2, 30, ((200, 20, ("oaitrio", "sdk")),), quick=True
            )
        return cls(3, 20_000, 1.0, 20_000, 5_000, 5, 200, MANY_STREAMS, quick=False)


MANY_STREAMS: tuple[tuple[int, int, tuple[str, ...]], ...] = (
    # The SDK runs only where it finishes in reasonable time: at 1,000 x 20 ms it
    # already needs ~10x the ideal (30-60 s a run here); at 5,000 and 10,000
    # streams it would need minutes per repetition.
    (1_000, 20, ("oaitrio", "sdk")),
    (5_000, 100, ("oaitrio",)),
    (10_000, 200, ("oaitrio",)),
    # 5,000 streams 5 ms apart ask for 1,000,000 events/s: the client saturates,
    # and events/s is the most one core reaches with 5,000 sockets open.
    (5_000, 5, ("oaitrio",)),
)
CHUNKS_PER_STREAM = 100


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _attempt(
    bench: str, client: str, run: Callable[[str], ChildResult], server: FakeServerProcess | None
) -> ChildResult | None:
    """One child run; if the server died under it, restart the server and try once more."""
    for attempt in (1, 2):
        try:
            if server is not None:
                reset(server.base_url)
            result = run(client)
            if server is not None:
                counts = stats(server.base_url)
                result.values.setdefault("server_requests", counts["requests"])
                result.values.setdefault("connections_opened", counts["connections_opened"])
            return result
        except (RuntimeError, OSError, ValueError) as exc:
            _say(f"{bench}/{client} failed: {exc}")
            if server is None or server.alive() or attempt == 2:
                return None
            _say("the fake server process is gone; starting a new one and retrying")
            server.restart()
    return None


def _collect(
    bench: str,
    clients: Sequence[str],
    metrics: Metrics,
    repetitions: int,
    run: Callable[[str], ChildResult],
    server: FakeServerProcess | None,
) -> list[Measurement]:
    """Run every client ``repetitions`` times, interleaved, and gather the metrics."""
    found: dict[tuple[str, str], Measurement] = {
        (key, client): Measurement(name, client, unit, [])
        for client in clients
        for key, (name, unit) in metrics.items()
    }
    extras: dict[str, dict[str, list[float]]] = {client: {} for client in clients}
    for rep in range(1, repetitions + 1):
        for client in clients:
            result = _attempt(bench, client, run, server)
            if result is None:
                _say(f"  {bench:<12} {client:<14} {rep}/{repetitions}: FAILED, skipped")
                continue
            for key, value in result.values.items():
                if key in metrics:
                    measurement = found[key, client]
                    measurement.values.append(value)
                    if result.server_cpu_share is not None:
                        measurement.server_cpu_shares.append(result.server_cpu_share)
                else:
                    extras[client].setdefault(key, []).append(value)
            shown = ", ".join(
                f"{found[key, client].name} {number(value)} {found[key, client].unit}"
                for key, value in result.values.items()
                if key in metrics
            )
            share = (
                ""
                if result.server_cpu_share is None
                else f" (server CPU {result.server_cpu_share:.0%})"
            )
            _say(f"  {bench:<12} {client:<14} {rep}/{repetitions}: {shown}{share}")
    for (_, client), measurement in found.items():
        measurement.extras = {
            key: float(statistics.median(values)) for key, values in extras[client].items()
        }
    return [measurement for measurement in found.values() if measurement.values]


def _children(
    bench: str,
    clients: Sequence[str],
    metrics: Metrics,
    params: Mapping[str, Any],
    config: Config,
    server: FakeServerProcess,
    *,
    uses_server: bool = True,
) -> list[Measurement]:
    watched = server if uses_server else None
    return _collect(
        bench,
        clients,
        metrics,
        config.repetitions,
        lambda client: run_child(bench, client, {**params, "base_url": server.base_url}, watched),
        watched,
    )


def parse(server: FakeServerProcess, config: Config) -> list[Measurement]:
    from ._parse import fetch_stream_body

    with tempfile.TemporaryDirectory() as scratch:
        body, warmup = Path(scratch, "stream.sse"), Path(scratch, "warmup.sse")
        body.write_bytes(fetch_stream_body(server.base_url, config.parse_chunks))
        warmup.write_bytes(fetch_stream_body(server.base_url, 50))
        params = {
            "path": str(body),
            "warmup_path": str(warmup),
            "piece": 64 * 1024,
            "min_seconds": config.parse_min_seconds,
        }
        return _children(
            "parse",
            ["oaitrio", "sdk", "msgspec", "msgspec_typed"],
            {"chunks_per_s": ("parse", "chunks/s")},
            params,
            config,
            server,
            uses_server=False,
        )


def stream(server: FakeServerProcess, config: Config) -> list[Measurement]:
    found: list[Measurement] = []
    for mode in ("token", "coalesced"):
        params = {"base_url": server.base_url, "chunks": config.stream_chunks, "mode": mode}
        metrics = {
            "chunks_per_s": (f"stream.{mode}", "chunks/s"),
            "cpu_s": (f"stream.{mode}.cpu", "client CPU s"),
        }
        found += _children("stream", ["oaitrio", "sdk"], metrics, params, config, server)
    return found


def fanout(server: FakeServerProcess, config: Config) -> list[Measurement]:
    found: list[Measurement] = []
    for concurrency in (8, 256):
        params = {
            "base_url": server.base_url,
            "requests": config.fanout_requests,
            "concurrency": concurrency,
        }
        metrics = {
            "requests_per_s": (f"fanout.{concurrency}", "requests/s"),
            "peak_rss_mib": (f"fanout.{concurrency}.rss", "peak RSS MiB"),
        }
        found += _children("fanout", ["oaitrio", "sdk"], metrics, params, config, server)
    return found


def startup(server: FakeServerProcess, config: Config) -> list[Measurement]:
    from ._startup import CODE, run_once

    for client in CODE:  # untimed: warm the byte-code caches
        run_once(client)
    metrics = {
        "usable_ms": ("import.usable", "ms"),
        "in_process_ms": ("import.in_process", "ms"),
        "process_ms": ("import.process", "ms"),
    }

    def run(client: str) -> ChildResult:
        return ChildResult(values=run_once(client), wall_seconds=0.0, server_cpu_share=None)

    return _collect("import", list(CODE), metrics, config.import_runs, run, None)


def first_chunk(server: FakeServerProcess, config: Config) -> list[Measurement]:
    params = {"base_url": server.base_url, "streams": config.first_chunk_streams}
    metrics = {"median_us": ("first_chunk", "us added")}
    return _children("first_chunk", ["oaitrio", "sdk", "httpx"], metrics, params, config, server)


def many_streams(server: FakeServerProcess, config: Config) -> list[Measurement]:
    found: list[Measurement] = []
    for streams, interval_ms, clients in config.many_streams:
        params = {
            "streams": streams,
            "interval_ms": interval_ms,
            "chunks": CHUNKS_PER_STREAM,
            "base_url": server.base_url,
        }
        name = f"many.{streams}x{interval_ms}ms"
        metrics = {
            "stretch_p50": (f"{name}.stretch_p50", "x ideal"),
            "stretch_p99": (f"{name}.stretch_p99", "x ideal"),
            "events_per_s": (f"{name}.rate", "events/s"),
            "cpu_share": (f"{name}.cpu", "client CPU share"),
            "events_per_cpu_s": (f"{name}.per_core", "events/CPU-s"),
            "kb_per_stream": (f"{name}.rss", "peak KB/stream"),
        }
        found += _children("many_streams", clients, metrics, params, config, server)
    return found


BENCHMARKS: dict[str, Callable[[FakeServerProcess, Config], list[Measurement]]] = {
    "parse": parse,
    "stream": stream,
    "fanout": fanout,
    "import": startup,
    "first_chunk": first_chunk,
    "many_streams": many_streams,
}
