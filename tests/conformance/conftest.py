"""A Stoplight Prism mock server of the vendored OpenAPI spec, started once per test session.

Prism is pinned by ``package.json`` and ``package-lock.json`` beside this file;
``npm ci`` here installs it into ``node_modules/`` (``.ci/run`` does so when npm
is present). Without it the conformance tests skip, saying why.
"""

from __future__ import annotations

import ctypes
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SPEC = ROOT / "protocols" / "openapi" / "openapi.yaml"
PRISM = HERE / "node_modules" / ".bin" / "prism"

# Loading the 3 MB spec takes Prism about 20 s; allow for a slow machine.
START_TIMEOUT = 120.0
POLL_INTERVAL = 0.25
LOG_TAIL_LINES = 30


def _prism_missing_reason() -> str | None:
    """Why Prism cannot run here, or None when it can."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "Prism needs Node.js and npm, and they are not on PATH"
    if not PRISM.exists():
        return "Prism is not installed: run `npm ci` in tests/conformance (.ci/run does)"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _log_tail(log: pathlib.Path) -> str:
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError as exc:
        return f"(cannot read {log}: {exc})"
    return "\n".join(lines[-LOG_TAIL_LINES:])


def _answers(base_url: str) -> bool:
    request = urllib.request.Request(
        base_url + "/models", headers={"Authorization": "Bearer sk-test"}
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    """Linux: have the kernel send Prism SIGTERM when pytest dies, even by SIGKILL."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop Prism (one node process: it does not fork without ``--multiprocess``)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# Package scope: started once per test session, at the first conformance test,
# and stopped when this package's tests are done, not at the end of the session
# (Prism holds ~400 MB once the spec is loaded).
@pytest.fixture(scope="package")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a Prism mock of ``protocols/openapi/openapi.yaml``.

    It has no ``/v1``: Prism mounts the spec's paths at the root. Requests need
    an ``Authorization: Bearer`` header (any key). Prism's output goes to
    ``prism.log`` in a pytest temp directory, whose tail is shown if it fails.
    """
    reason = _prism_missing_reason()
    if reason is not None:
        pytest.skip(reason)
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
            cwd=HERE,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(base_url):
            if process.poll() is not None:
                pytest.fail(
                    f"Prism exited with status {process.returncode} before answering; "
                    f"last lines of {log}:\n{_log_tail(log)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"Prism did not answer GET {base_url}/models within {START_TIMEOUT:.0f} s; "
                    f"last lines of {log}:\n{_log_tail(log)}",
                    pytrace=False,
                )
            time.sleep(POLL_INTERVAL)
        yield base_url
    finally:
        _stop(process)
