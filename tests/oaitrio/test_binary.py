"""Binary bodies: read whole, written to disk, or streamed through with_streaming_response."""

from __future__ import annotations

import os
import pathlib

import oaitrio
from oaitrio._binary import BinaryResponseContent
from oaitrio._resource import AsyncAPIResource, CallOptions
from oaitrio._response import ResponseView
from oaitrio.testing import FakeOpenAI

PAYLOAD = os.urandom(300_000)


class Downloads(AsyncAPIResource):
    """A stand-in for the generated file/audio/video download methods."""

    async def content(self) -> BinaryResponseContent:
        return await self._binary("GET", "/files/file-1/content", options=CallOptions())  # type: ignore[no-any-return]


async def test_binary_content_is_read_and_written(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI, tmp_path: pathlib.Path
) -> None:
    server.set_response(
        "/v1/files/file-1/content",
        body=PAYLOAD,
        headers={"content-type": "application/octet-stream"},
    )
    content = await Downloads(client).content()
    assert content.content == PAYLOAD
    assert await content.read() == PAYLOAD
    assert server.requests[-1].headers["accept"] == "application/octet-stream"
    pieces = [piece async for piece in content]
    assert b"".join(pieces) == PAYLOAD
    assert max(len(p) for p in pieces) <= 64 * 1024
    target = tmp_path / "out.bin"
    await content.write_to_file(target)
    assert target.read_bytes() == PAYLOAD


async def test_binary_content_streams_to_disk(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI, tmp_path: pathlib.Path
) -> None:
    server.set_response("/v1/files/file-1/content", body=PAYLOAD)
    target = tmp_path / "streamed.bin"
    view = ResponseView(Downloads(client, mode="streaming"), "streaming")
    async with view.content() as response:
        assert not response.http_response.is_stream_consumed
        await response.stream_to_file(target)
    assert target.read_bytes() == PAYLOAD
    assert client._pool is not None
    assert client._pool.statistics().in_use == 0
