"""``python -m benchmarks [--quick] [--only NAME[,NAME]] [--markdown] [--save | --no-save]``."""

from __future__ import annotations

import argparse
import resource
import sys
import time

from ._common import REPO_ROOT
from ._report import Measurement, format_markdown, format_table, source_state, write_results
from ._server import FakeServerProcess
from ._suite import BENCHMARKS, Config

RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="oaitrio (trio) against the official openai SDK (asyncio), side by side.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small counts, one repetition (a smoke run)"
    )
    parser.add_argument(
        "--only", default="", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    save = parser.add_mutually_exclusive_group()
    save.add_argument(
        "--save",
        dest="save",
        action="store_true",
        default=None,
        help="append results to benchmarks/results/<UTC date>.jsonl "
        "(the default, except with --quick)",
    )
    save.add_argument("--no-save", dest="save", action="store_false")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    names = [name.strip() for name in args.only.split(",") if name.strip()] or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    # Thousands of open streams need a descriptor each in the fake server (and
    # in the client child): raise the soft limit to the hard one for both.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    config = Config.for_mode(args.quick)
    measurements: list[Measurement] = []
    source = source_state(REPO_ROOT)  # before the run: the library may change under it
    started = time.monotonic()
    with FakeServerProcess() as server:
        for name in names:
            print(f"{name} ...", file=sys.stderr, flush=True)
            measurements += BENCHMARKS[name](server, config)
    elapsed = time.monotonic() - started
    print()
    print(format_table(measurements))
    if args.markdown:
        print()
        print(format_markdown(measurements))
    print(f"\n{len(measurements)} measurements in {elapsed:.0f} s", end="")
    if args.save if args.save is not None else not args.quick:
        path = write_results(measurements, RESULTS_DIR, source, quick=args.quick)
        print(f"; appended to {path.relative_to(REPO_ROOT)}")
    else:
        print("; not saved (pass --save to keep a quick run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
