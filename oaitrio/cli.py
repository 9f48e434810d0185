"""The ``oaitrio`` command: ``oaitrio demo`` and ``oaitrio chat "prompt"``.

With ``OPENAI_API_KEY`` set, both talk to the API (or ``OPENAI_BASE_URL``).
Without one, they start the embedded fake server in their own nursery and talk
to it, so the demo runs on a fresh machine with no network.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import AsyncGenerator, Sequence

import trio

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

    from ._exceptions import OpenAIError

    try:
        if args.command == "demo":
            trio.run(_demo, args.model, args.fan_out)
        else:
            trio.run(_chat, args.prompt, args.model)
    except OpenAIError as exc:
        print(f"oaitrio: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
