"""``parse``: streamed chunks per second, parse only, in memory.

The body of a chat completion stream, fetched once from the fake server (so
the bytes are exactly what it writes), is cut into 64 KiB pieces and fed to:

* ``oaitrio``: a real :class:`oaitrio.AsyncStream` over an ``httpx.Response``
  whose body stream yields the pieces and has ``drain``/``aclose``, as the
  pool's own response stream does (so the stream takes its production path:
  ``protocols.sse.SSEDecoder`` plus the cached msgspec decoder per event);
* ``sdk``: a real ``openai.AsyncStream`` over an ``httpx2.Response`` yielding
  the same pieces, with a real ``openai.AsyncOpenAI`` as its client (its
  ``SSEDecoder``, ``json.loads`` and ``ChatCompletionChunk`` construction);
* ceilings, with no SSE parsing at all: a bare ``msgspec.json.decode`` of every
  event's payload, and the typed ``msgspec`` decode oaitrio uses.

Each child first runs one untimed pass over a short stream (first-use costs
such as lazily built validators), then timed passes over the long one until
``min_seconds`` have passed; the rate is all chunks over all that time.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from ._child import Go

__all__ = ["CLIENTS", "fetch_stream_body"]

_URL = "http://127.0.0.1:9/v1/chat/completions"
_HEADERS = {"content-type": "text/event-stream; charset=utf-8"}


def fetch_stream_body(base_url: str, chunks: int) -> bytes:
    """The de-chunked body of one streamed chat completion from the fake server."""
    import httpx

    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hello"}]}
    with httpx.Client(base_url=base_url, timeout=60) as client:
        response = client.post(
            "/chat/completions",
            json={**body, "stream": True},
            headers={"authorization": "Bearer x", "x-fake-chunks": str(chunks)},
        )
        response.raise_for_status()
        return response.content


def _pieces(params: Mapping[str, Any], key: str = "path") -> list[bytes]:
    data = Path(params[key]).read_bytes()
    size = int(params["piece"])
    return [data[i : i + size] for i in range(0, len(data), size)]


def _payloads(params: Mapping[str, Any]) -> list[bytes]:
    data = Path(params["path"]).read_bytes()
    return [
        block[6:]
        for block in data.split(b"\n\n")
        if block.startswith(b"data: ") and block != b"data: [DONE]"
    ]


async def _timed(one_pass: Callable[[], Awaitable[int]], min_seconds: float) -> dict[str, float]:
    chunks = passes = 0
    cpu = time.process_time()
    started = time.perf_counter()
    while True:
        chunks += await one_pass()
        passes += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            break
    return {
        "chunks_per_s": chunks / elapsed,
        "cpu_s_per_chunk": (time.process_time() - cpu) / chunks,
        "passes": passes,
    }


def _oaitrio(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import httpx
    import trio

    from oaitrio import AsyncStream
    from oaitrio.types.chat import ChatCompletionChunk

    pieces, warmup = _pieces(params), _pieces(params, "warmup_path")

    class Body(httpx.AsyncByteStream):
        """Yields the pieces; ``drain`` marks it as the pool's kind of stream."""

        def __init__(self, pieces: list[bytes]) -> None:
            self._pieces = iter(pieces)

        def __aiter__(self) -> Body:
            return self

        async def __anext__(self) -> bytes:
            for piece in self._pieces:
                return piece
            raise StopAsyncIteration

        async def drain(self, *, max_bytes: int, timeout: float) -> bool:
            for _ in self._pieces:
                pass
            return True

        async def aclose(self) -> None:
            pass

    request = httpx.Request("POST", _URL)

    async def one_pass(pieces: list[bytes] = pieces) -> int:
        response = httpx.Response(200, headers=_HEADERS, stream=Body(pieces), request=request)
        stream = AsyncStream(cast_to=ChatCompletionChunk, response=response)
        count = 0
        async for _ in stream:
            count += 1
        return count

    async def main() -> dict[str, float]:
        await one_pass(warmup)
        go()
        return await _timed(one_pass, float(params["min_seconds"]))

    return trio.run(main)


def _sdk(params: Mapping[str, Any], go: Go) -> dict[str, float]:
    import asyncio

    import httpx2
    import openai
    from openai.types.chat import ChatCompletionChunk

    pieces, warmup = _pieces(params), _pieces(params, "warmup_path")

    class Body(httpx2.AsyncByteStream):
        def __init__(self, pieces: list[bytes]) -> None:
            self._pieces = iter(pieces)

        def __aiter__(self) -> Body:
            return self

        async def __anext__(self) -> bytes:
            for piece in self._pieces:
                return piece
            raise StopAsyncIteration

        async def aclose(self) -> None:
            pass

    client = openai.AsyncOpenAI(api_key="x", base_url=_URL.removesuffix("/chat/completions"))
    request = httpx2.Request("POST", _URL)

    async def one_pass(pieces: list[bytes] = pieces) -> int:
        response = httpx2.Response(200, headers=_HEADERS, stream=Body(pieces), request=request)
        stream = openai.AsyncStream(cast_to=ChatCompletionChunk, response=response, client=client)
        count = 0
        async for _ in stream:
            count += 1
        return count

    async def main() -> dict[str, float]:
        await one_pass(warmup)
        go()
        return await _timed(one_pass, float(params["min_seconds"]))

    return asyncio.run(main())


def _ceiling(typed: bool) -> Callable[[Mapping[str, Any], Go], dict[str, float]]:
    def measure(params: Mapping[str, Any], go: Go) -> dict[str, float]:
        import msgspec

        payloads = _payloads(params)
        if typed:
            from oaitrio._models import _decoder
            from oaitrio.types.chat import ChatCompletionChunk

            decode = _decoder(ChatCompletionChunk).decode
        else:
            decode = msgspec.json.decode

        async def one_pass() -> int:
            for payload in payloads:
                decode(payload)
            return len(payloads)

        async def main() -> dict[str, float]:
            await one_pass()
            go()
            return await _timed(one_pass, float(params["min_seconds"]))

        # A bare coroutine driver: the passes never suspend.
        coro = main()
        try:
            coro.send(None)
        except StopIteration as done:
            result: dict[str, float] = done.value
            return result
        raise RuntimeError("the ceiling pass suspended")

    return measure


CLIENTS = {
    "oaitrio": _oaitrio,
    "sdk": _sdk,
    "msgspec": _ceiling(typed=False),
    "msgspec_typed": _ceiling(typed=True),
}
