"""The fake server as its own process, and its control endpoints.

:class:`FakeServerProcess` starts ``python -m oaitrio.testing --port 0`` and
reads its CPU time with psutil; :func:`stats` and :func:`reset` talk to the
``/_fake/*`` endpoints with the standard library only, so a benchmark child
can call them without importing an HTTP client it is not measuring.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from types import TracebackType
from typing import Any

from ._common import REPO_ROOT

__all__ = ["FakeServerProcess", "reset", "root_url", "stats"]

_BANNER = "oaitrio fake server listening on "


def root_url(base_url: str) -> str:
    """``http://host:port`` from ``http://host:port/v1``."""
    return base_url.rstrip("/").removesuffix("/v1")


def _control(base_url: str, method: str, path: str) -> Any:
    request = urllib.request.Request(root_url(base_url) + path, method=method, data=None)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def stats(base_url: str) -> dict[str, Any]:
    """``GET /_fake/stats``: first_chunk_times, requests, connections_opened."""
    result: dict[str, Any] = _control(base_url, "GET", "/_fake/stats")
    return result


def reset(base_url: str) -> None:
    """``POST /_fake/reset``: forget recorded requests, connections and timings."""
    _control(base_url, "POST", "/_fake/reset")


class FakeServerProcess:
    """``python -m oaitrio.testing --port 0`` in a child process.

    Use as a context manager; :attr:`base_url` is the ``.../v1`` URL it printed.
    """

    def __init__(self) -> None:
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        import psutil

        self._proc = subprocess.Popen(
            [sys.executable, "-m", "oaitrio.testing", "--port", "0", "--record-limit", "0"],
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline().strip()
        if not line.startswith(_BANNER):
            self.close()
            raise RuntimeError(f"the fake server did not start: {line!r}")
        self.base_url = line.removeprefix(_BANNER)
        self._ps = psutil.Process(self._proc.pid)

    def alive(self) -> bool:
        return self._proc.poll() is None

    def restart(self) -> None:
        """Start a new server (a new port) after this one died."""
        self.close()
        self.restarts += 1
        self._start()

    def cpu_seconds(self) -> float:
        """User plus system CPU time the server process has used so far."""
        times = self._ps.cpu_times()
        return float(times.user + times.system)

    def close(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s)."""
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()

    def __enter__(self) -> FakeServerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
