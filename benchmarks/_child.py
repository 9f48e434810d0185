"""Child-process side of one measurement: ``python -m benchmarks._child SPEC``.

``SPEC`` is JSON: ``{"bench": NAME, "client": CLIENT, "params": {...}}``. The
child runs ``benchmarks._NAME.CLIENTS[CLIENT](params, go)``. The benchmark does
its setup (imports, client, warm-up), then calls ``go()``: the child prints
``ready`` and blocks until the parent answers, so the parent can sample the
server's CPU time right at the start of the timed window. The benchmark returns
a dict of numbers, printed as ``result {json}``.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Go", "Measure", "main"]

Go = Callable[[], None]
Measure = Callable[[Mapping[str, Any], Go], dict[str, float]]

READY = "ready"
RESULT_PREFIX = "result "


def _go() -> None:
    print(READY, flush=True)
    if not sys.stdin.readline():
        raise SystemExit("the parent went away")


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    module = importlib.import_module(f"benchmarks._{spec['bench']}")
    measure: Measure = module.CLIENTS[spec["client"]]
    result = measure(spec["params"], _go)
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
