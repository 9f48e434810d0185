"""The ``oaitrio`` command: ``oaitrio demo`` and ``oaitrio chat "prompt"``.

With ``OPENAI_API_KEY`` set, both talk to the API (or ``OPENAI_BASE_URL``).
Without one, they start the embedded fake server in their own nursery and talk
to it, so the demo runs on a fresh machine with no network.

A failure ends the command with one line on stderr, ``oaitrio: <Error>:
<message>``, and exit status 1; Ctrl-C ends it with ``oaitrio: interrupted``
and status 130. Never a traceback, never an exception group (several failures
at once are counted on that line), never the API key.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import AsyncGenerator, Sequence

import trio

from actors._groups import leaves, unwrapped_groups

if sys.version_info < (3, 11):  # pragma: no cover - trio depends on the backport there
    from exceptiongroup import BaseExceptionGroup

__all__ = ["main"]

_FAKE_KEY = "sk-fake-demo"


@contextlib.asynccontextmanager
async def _open_client(model: str) -> AsyncGenerator[tuple[object, str]]:
    """A client on the real API when a key is set, else on the embedded fake server."""
    from ._client import AsyncOpenAI

    if os.environ.get("OPENAI_API_KEY"):
        async with AsyncOpenAI() as client:
            yield client, f"{client.base_url} (model {model})"
        return
    from .testing import open_fake_server

    async with (
        open_fake_server() as server,
        AsyncOpenAI(api_key=_FAKE_KEY, base_url=server.base_url) as client,
    ):
        yield client, f"the embedded fake server at {server.base_url} (no OPENAI_API_KEY set)"


async def _chat(prompt: str, model: str) -> None:
    from ._client import AsyncOpenAI

    async with _open_client(model) as (client, where):
        assert isinstance(client, AsyncOpenAI)
        print(f"# {where}", file=sys.stderr)
        stream = await client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": prompt}], stream=True
        )
        async with stream:
            async for chunk in stream:
                if chunk.choices:
                    print(chunk.choices[0].delta.content or "", end="", flush=True)
        print()


async def _demo(model: str, fan_out: int) -> None:
    from ._client import AsyncOpenAI

    async with _open_client(model) as (client, where):
        assert isinstance(client, AsyncOpenAI)
        print(f"oaitrio demo against {where}\n")

        print("1. A streamed chat completion, printed as it arrives:\n   ", end="")
        started = time.perf_counter()
        first: float | None = None
        chunks = 0
        stream = await client.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": "Say hello to trio in one sentence."}],
            stream=True,
        )
        async with stream:
            async for chunk in stream:
                chunks += 1
                if chunk.choices and chunk.choices[0].delta.content:
                    if first is None:
                        first = time.perf_counter() - started
                    print(chunk.choices[0].delta.content, end="", flush=True)
        print(f"\n   {chunks} chunks; first token after {1000 * (first or 0):.1f} ms\n")

        print(f"2. Fan-out: {fan_out} requests at once in a plain trio nursery")
        answers: list[str] = [""] * fan_out

        async def ask(i: int) -> None:
            completion = await client.chat.completions.create(
                model=model,
                messages=[{"role": "user", "content": f"Give me fact number {i} about otters."}],
                max_tokens=24,
            )
            answers[i] = completion.choices[0].message.content or ""

        started = time.perf_counter()
        async with trio.open_nursery() as nursery:
            for i in range(fan_out):
                nursery.start_soon(ask, i)
        elapsed = time.perf_counter() - started
        print(
            f"   {fan_out} completions in {elapsed * 1000:.0f} ms ({fan_out / elapsed:.0f} requests/s)"
        )
        for i, text in enumerate(answers[:3]):
            print(f"   [{i}] {text[:70]}")
        if client.rate_limits is not None:
            remaining = client.rate_limits.headers.get("remaining-requests")
            print(f"   rate limit: {remaining} requests remaining")

        print("\n3. Models and embeddings")
        names = [model_obj.id async for model_obj in client.models.list()]
        print(f"   {len(names)} models, e.g. {', '.join(names[:3])}")
        embeddings = await client.embeddings.create(
            model="text-embedding-3-small", input=["trio", "otters"]
        )
        vector = embeddings.data[0].embedding
        print(f"   2 embeddings of {len(vector)} dimensions; request id {embeddings._request_id}")  # type: ignore[attr-defined]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="oaitrio", description="oaitrio: a trio runtime for the OpenAI API"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="stream a completion and run a small fan-out")
    demo.add_argument("--model", default="gpt-4o-mini")
    demo.add_argument("--fan-out", type=int, default=50)
    chat = commands.add_parser("chat", help="stream the answer to a prompt to the terminal")
    chat.add_argument("prompt")
    chat.add_argument("--model", default="gpt-4o-mini")
    args = parser.parse_args(argv)

    try:
        # The one policy: a lone failure leaves the run as itself.
        with unwrapped_groups():
            if args.command == "demo":
                trio.run(_demo, args.model, args.fan_out)
            else:
                trio.run(_chat, args.prompt, args.model)
    except KeyboardInterrupt:
        return _interrupted()
    except BaseExceptionGroup as group:
        # Several failures at once (a fan-out): report the first, count the rest.
        found = leaves(group)  # pyright: ignore[reportUnknownArgumentType]
        if any(isinstance(leaf, KeyboardInterrupt) for leaf in found):
            return _interrupted()
        real = [leaf for leaf in found if isinstance(leaf, Exception)]
        if not real:
            raise
        more = f" (and {len(real) - 1} more failures)" if len(real) > 1 else ""
        _report(real[0], more)
        return 1
    except Exception as exc:
        _report(exc, "")
        return 1
    return 0


def _interrupted() -> int:
    print("\noaitrio: interrupted", file=sys.stderr)
    return 130


def _report(exc: Exception, suffix: str) -> None:
    """One line on stderr naming the error; the API key, if set, redacted from it."""
    from ._base_client import redact

    text = " ".join(str(exc).split()) or "(no message)"
    line = f"oaitrio: {type(exc).__name__}: {text}{suffix}"
    print(redact(line, os.environ.get("OPENAI_API_KEY")), file=sys.stderr)
