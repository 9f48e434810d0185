"""``import``: a fresh process to a usable ``client.chat.completions``.

Each run is ``python -c`` in a fresh process that does, between two
``time.perf_counter()`` calls, ``import oaitrio; c = oaitrio.AsyncOpenAI(api_key=...);
c.chat.completions`` (or the same with ``openai``), then prints the in-process
time and ``time.monotonic()``. The parent takes ``time.monotonic()`` just before
it spawns the child, so three numbers come out of each run:

* ``usable``: process start (spawn) to a usable ``client.chat.completions``,
  which includes the interpreter's own start-up;
* ``in_process``: the imports and construction alone;
* ``process``: the whole child run, interpreter shutdown included.

``floor`` is ``import trio, httpx, msgspec``: what oaitrio cannot avoid. One
untimed run per client first (so byte-code caches are warm), then the runs
interleave the clients. The children run without ``PYTHONDONTWRITEBYTECODE``:
an installed package has its byte-code (pip compiles it at install, as it did
for the SDK), and a checkout should get the same chance in its warm-up run
rather than compile every module on every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from ._common import API_KEY, REPO_ROOT

__all__ = ["CODE", "run_once"]

CODE = {
    "oaitrio": f"import oaitrio; c = oaitrio.AsyncOpenAI(api_key={API_KEY!r}); c.chat.completions",
    "sdk": f"import openai; c = openai.AsyncOpenAI(api_key={API_KEY!r}); c.chat.completions",
    "floor": "import trio, httpx, msgspec",
}

_WRAPPER = """\
import time
_t0 = time.perf_counter()
{code}
_t1 = time.perf_counter()
print(_t1 - _t0, time.monotonic())
"""


_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run_once(client: str) -> dict[str, float]:
    """One fresh process for ``client``; times in milliseconds."""
    source = _WRAPPER.format(code=CODE[client])
    spawned = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", source],
        cwd=REPO_ROOT,
        env=_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    ended = time.monotonic()
    in_process, usable_at = (float(word) for word in done.stdout.split())
    return {
        "usable_ms": (usable_at - spawned) * 1000,
        "in_process_ms": in_process * 1000,
        "process_ms": (ended - spawned) * 1000,
    }
