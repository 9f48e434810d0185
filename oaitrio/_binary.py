"""Binary bodies (file contents, speech audio, video downloads)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import trio

__all__ = ["BinaryResponseContent", "HttpxBinaryResponseContent"]

_PIECE = 64 * 1024


class BinaryResponseContent:
    """A binary response whose body has been read, as the official SDK returns it.

    For bodies too large to hold in memory, call the method through
    ``client.with_streaming_response`` and use ``stream_to_file`` instead.
    """

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    @property
    def content(self) -> bytes:
        return self.response.content

    @property
    def text(self) -> str:
        return self.response.text

    @property
    def encoding(self) -> str | None:
        return self.response.encoding

    def json(self) -> Any:
        return self.response.json()

    async def read(self) -> bytes:
        return await self.response.aread()

    async def write_to_file(self, file: str | os.PathLike[str]) -> None:
        """Write the content to ``file`` without blocking the trio loop."""
        async with await trio.open_file(file, "wb") as out:
            async for piece in self:
                await out.write(piece)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return _Slices(self.response.content)

    async def close(self) -> None:
        await self.response.aclose()


HttpxBinaryResponseContent = BinaryResponseContent
"""The official SDK's name for the same thing."""


class _Slices:
    def __init__(self, data: bytes) -> None:
        self._view = memoryview(data)
        self._offset = 0

    def __aiter__(self) -> _Slices:
        return self

    async def __anext__(self) -> bytes:
        if self._offset >= len(self._view):
            raise StopAsyncIteration
        piece = bytes(self._view[self._offset : self._offset + _PIECE])
        self._offset += len(piece)
        await trio.lowlevel.checkpoint()
        return piece
