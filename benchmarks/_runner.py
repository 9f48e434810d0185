"""Parent side: run one measurement in a fresh child process, and take medians."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._child import READY, RESULT_PREFIX
from ._common import REPO_ROOT
from ._server import FakeServerProcess

__all__ = ["ChildResult", "run_child"]

_TIMEOUT = 300.0


@dataclass(frozen=True)
class ChildResult:
    """What one child reported, plus the server's CPU share over its timed window."""

    values: dict[str, float]
    wall_seconds: float
    server_cpu_share: float | None


def run_child(
    bench: str,
    client: str,
    params: Mapping[str, Any],
    server: FakeServerProcess | None,
) -> ChildResult:
    """Run ``benchmarks._child`` for ``bench``/``client`` and collect its result.

    The server's CPU time is sampled when the child says it is ready (setup
    done) and again when it has printed its result.
    """
    spec = json.dumps({"bench": bench, "client": client, "params": dict(params)})
    with tempfile.TemporaryFile("w+") as errors:
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._child", spec],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        assert proc.stdin is not None
        assert proc.stdout is not None
        try:
            line = proc.stdout.readline().strip()
            if line != READY:
                raise RuntimeError(_failure(bench, client, line, proc, errors))
            cpu_before = server.cpu_seconds() if server else 0.0
            started = time.monotonic()
            proc.stdin.write("go\n")
            proc.stdin.flush()
            line = proc.stdout.readline().strip()
            wall = time.monotonic() - started
            cpu_after = server.cpu_seconds() if server else 0.0
            if not line.startswith(RESULT_PREFIX):
                raise RuntimeError(_failure(bench, client, line, proc, errors))
            proc.wait(timeout=_TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdin.close()
            proc.stdout.close()
    values: dict[str, float] = json.loads(line.removeprefix(RESULT_PREFIX))
    share = (cpu_after - cpu_before) / wall if server and wall > 0 else None
    return ChildResult(values=values, wall_seconds=wall, server_cpu_share=share)


def _failure(bench: str, client: str, line: str, proc: subprocess.Popen[str], errors: Any) -> str:
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    errors.seek(0)
    tail = errors.read()[-2000:]
    return f"{bench}/{client} child failed (exit {proc.returncode}, said {line!r}):\n{tail}"
