"""Measurements, the floors of the issue, the printed table and the results file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "FLOORS",
    "Floor",
    "Measurement",
    "format_markdown",
    "format_table",
    "judge",
    "machine_summary",
    "number",
    "source_state",
    "write_results",
]

CLIENTS = ("oaitrio", "sdk")


@dataclass
class Measurement:
    """One metric of one client over its repetitions (one child process each)."""

    name: str
    client: str
    unit: str
    values: list[float]
    server_cpu_shares: list[float] = field(default_factory=list[float])
    extras: dict[str, float] = field(default_factory=dict[str, float])

    @property
    def median(self) -> float:
        return float(statistics.median(self.values))

    @property
    def server_cpu_share(self) -> float | None:
        if not self.server_cpu_shares:
            return None
        return float(statistics.median(self.server_cpu_shares))


Results = dict[tuple[str, str], Measurement]


def index(measurements: Iterable[Measurement]) -> Results:
    return {(m.name, m.client): m for m in measurements}


# -- floors --------------------------------------------------------------------


@dataclass(frozen=True)
class Floor:
    """``value(results) >= bound`` (or ``<=``), where value is usually oaitrio/SDK."""

    label: str
    bound: float
    at_least: bool
    value: Callable[[Results], float]

    def check(self, results: Results) -> tuple[float, bool] | None:
        try:
            value = self.value(results)
        except (KeyError, ZeroDivisionError):
            return None
        return value, value >= self.bound if self.at_least else value <= self.bound


def _ratio(name: str) -> Callable[[Results], float]:
    return lambda r: r[name, "oaitrio"].median / r[name, "sdk"].median


def _ours(name: str) -> Callable[[Results], float]:
    return lambda r: r[name, "oaitrio"].median


FLOORS = [
    Floor("parse-only chunks/s, oaitrio/SDK", 30, True, _ratio("parse")),
    Floor("end to end, coalesced, chunks/s, oaitrio/SDK", 20, True, _ratio("stream.coalesced")),
    Floor("end to end, token mode, chunks/s, oaitrio/SDK", 6, True, _ratio("stream.token")),
    Floor("fan-out 256 in flight, requests/s, oaitrio/SDK", 6, True, _ratio("fanout.256")),
    Floor("fan-out 256 in flight, peak RSS, oaitrio/SDK", 0.7, False, _ratio("fanout.256.rss")),
    Floor(
        "oaitrio fan-out, rate at 256 / rate at 8",
        0.9,
        True,
        lambda r: r["fanout.256", "oaitrio"].median / r["fanout.8", "oaitrio"].median,
    ),
    Floor("fresh process to usable client, oaitrio/SDK", 0.4, False, _ratio("import.usable")),
    Floor("first-chunk added latency, oaitrio/SDK", 0.6, False, _ratio("first_chunk")),
    Floor(
        "1,000 streams 20 ms apart, p99 stretch", 1.05, False, _ours("many.1000x20ms.stretch_p99")
    ),
    Floor("1,000 streams 20 ms apart, peak KB per stream", 20, False, _ours("many.1000x20ms.rss")),
    Floor(
        "10,000 streams 200 ms apart, p99 stretch",
        1.1,
        False,
        _ours("many.10000x200ms.stretch_p99"),
    ),
    Floor(
        "10,000 streams 200 ms apart, peak KB per stream", 20, False, _ours("many.10000x200ms.rss")
    ),
    Floor("5,000 open streams, saturated, events/s", 100_000, True, _ours("many.5000x5ms.rate")),
]


def judge(results: Results) -> list[tuple[Floor, float | None, bool | None]]:
    """Every floor with its value and verdict; ``None`` when it was not measured."""
    verdicts: list[tuple[Floor, float | None, bool | None]] = []
    for floor in FLOORS:
        checked = floor.check(results)
        verdicts.append((floor, *checked) if checked else (floor, None, None))
    return verdicts


def _verdicts(measurements: Sequence[Measurement], bold: bool) -> list[str]:
    lines: list[str] = []
    for floor, value, passed in judge(index(measurements)):
        sign = ">=" if floor.at_least else "<="
        word = "n/a" if passed is None else "PASS" if passed else "FAIL"
        shown = (
            "not measured" if value is None else number(value) if value >= 100 else f"{value:.2f}"
        )
        if bold:
            lines.append(f"- **{word}** {floor.label}: {shown} (floor {sign} {floor.bound:g})")
        else:
            lines.append(f"{word:<4}  {floor.label}: {shown} (floor {sign} {floor.bound:g})")
    return lines


# -- tables --------------------------------------------------------------------


def number(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _rows(measurements: Sequence[Measurement]) -> list[list[str]]:
    results = index(measurements)
    rows: list[list[str]] = []
    seen: set[str] = set()
    for m in measurements:
        if m.name in seen:
            continue
        seen.add(m.name)
        ours, sdk = results.get((m.name, "oaitrio")), results.get((m.name, "sdk"))
        if ours is not None or sdk is not None:
            ratio = ours.median / sdk.median if ours and sdk and sdk.median else None
            rows.append(
                [
                    m.name,
                    m.unit,
                    number(ours.median if ours else None),
                    number(sdk.median if sdk else None),
                    "-" if ratio is None else f"{ratio:.2f}x",
                    f"{_share(ours.server_cpu_share if ours else None)} / "
                    f"{_share(sdk.server_cpu_share if sdk else None)}",
                ]
            )
        for (name, client), ref in results.items():
            if name == m.name and client not in CLIENTS:
                rows.append(
                    [
                        f"  ref: {client}",
                        ref.unit,
                        number(ref.median),
                        "",
                        "",
                        _share(ref.server_cpu_share),
                    ]
                )
    return rows


_HEAD = ["measurement", "unit", "oaitrio", "SDK", "oaitrio/SDK", "server CPU (oaitrio / SDK)"]


def format_table(measurements: Sequence[Measurement]) -> str:
    """A plain-text table (medians), then one PASS/FAIL line per floor."""
    rows = [_HEAD, *_rows(measurements)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEAD))]
    lines: list[str] = []
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join([*lines, "", *_verdicts(measurements, bold=False)])


def format_markdown(measurements: Sequence[Measurement]) -> str:
    """The same table and verdicts as Markdown, for docs/performance.md."""
    lines = ["| " + " | ".join(_HEAD) + " |", "|" + "---|" * len(_HEAD)]
    for row in _rows(measurements):
        row = [row[0].replace("  ref: ", "&nbsp;&nbsp;ref: "), *row[1:]]
        lines.append("| " + " | ".join(cell or " " for cell in row) + " |")
    return "\n".join([*lines, "", *_verdicts(measurements, bold=True)])


# -- results file --------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def source_state(root: Path) -> dict[str, Any]:
    """The commit measured, and whether library files had local changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "oaitrio", "actors", "protocols"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return {}
    return {"commit": commit or None, "library_modified": bool(dirty)}


def machine_summary() -> dict[str, Any]:
    """CPU count and model, OS and Python; no host names or paths."""
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "platform": platform.platform(terse=True),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
    }


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def write_results(
    measurements: Sequence[Measurement], directory: Path, source: dict[str, Any], *, quick: bool
) -> Path:
    """Append one JSON object per measurement to ``directory/<UTC date>.jsonl``."""
    now = datetime.now(timezone.utc)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{now:%Y-%m-%d}.jsonl"
    common = {
        "run": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "date": now.strftime("%Y-%m-%d"),
        "quick": quick,
        "python": platform.python_version(),
        "machine": machine_summary(),
        "versions": {name: _version(name) for name in ("oaitrio", "openai", "trio", "httpx")},
        "source": source,
    }
    with path.open("a", encoding="utf-8") as out:
        for m in measurements:
            record = {
                "name": m.name,
                "client": m.client,
                "value": m.median,
                "unit": m.unit,
                "repetitions": len(m.values),
                "values": m.values,
                "median": m.median,
                "server_cpu_share": m.server_cpu_share,
                **({"extras": m.extras} if m.extras else {}),
                **common,
            }
            out.write(json.dumps(record) + "\n")
    return path
