"""``python -m oaitrio.testing [--host HOST] [--port PORT]``: the fake server as a process.

Prints exactly one line, ``oaitrio fake server listening on <base_url>``, then
serves until SIGINT or SIGTERM and exits with status 0.
"""

from __future__ import annotations

import argparse
import signal
import sys

import trio

from ._server import DEFAULT_RECORD_LIMIT, open_fake_server


async def serve(host: str, port: int, record_limit: int = DEFAULT_RECORD_LIMIT) -> None:
    """Serve until SIGINT or SIGTERM arrives."""
    wanted = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    with trio.open_signal_receiver(*wanted) as signals:
        async with open_fake_server(host=host, port=port, record_limit=record_limit) as server:
            print(f"oaitrio fake server listening on {server.base_url}", flush=True)
            async for _ in signals:
                break


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the server; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m oaitrio.testing", description="Run the fake OpenAI API server."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: any free)")
    parser.add_argument(
        "--record-limit",
        type=int,
        default=DEFAULT_RECORD_LIMIT,
        help="requests kept for inspection (0: only count them, as benchmarks want)",
    )
    args = parser.parse_args(argv)
    if args.record_limit < 0:
        parser.error("--record-limit must be 0 or more")
    trio.run(serve, args.host, args.port, args.record_limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
