"""Raw and streamed responses: ``client.with_raw_response`` and ``client.with_streaming_response``.

``client.with_raw_response.<resource>.<method>(...)`` runs the call as usual
but returns a :class:`LegacyAPIResponse`: status, headers and the read body,
with ``.parse()`` for the typed result. ``client.with_streaming_response``
returns an async context manager around an :class:`AsyncAPIResponse` whose
body has not been read: ``async with ... as response:`` then
``iter_bytes()``/``iter_text()``/``iter_lines()`` or ``stream_to_file()``;
leaving the block closes the response.

Both views mirror the client's resource tree: each resource copy carries the
mode, and the request path (:mod:`oaitrio._resource`) returns the matching
wrapper instead of the parsed result.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx
import trio

if TYPE_CHECKING:
    from ._client import AsyncOpenAI

__all__ = [
    "AsyncAPIResponse",
    "AsyncResponseContextManager",
    "LegacyAPIResponse",
    "ResponseView",
]

_T = TypeVar("_T")


class _ResponseBase(Generic[_T]):
    def __init__(self, response: httpx.Response, parse: Callable[[httpx.Response], _T]) -> None:
        self.http_response = response
        self._parse = parse

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_response.request.method

    @property
    def http_version(self) -> str:
        return self.http_response.http_version

    @property
    def request_id(self) -> str | None:
        return self.http_response.headers.get("x-request-id")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.method} {self.url}>"


class LegacyAPIResponse(_ResponseBase[_T]):
    """A response whose body has been read; ``parse()`` decodes it (for a stream, wraps it)."""

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    def json(self) -> Any:
        return self.http_response.json()

    def parse(self) -> _T:
        """The typed result the plain method would have returned."""
        return self._parse(self.http_response)


class AsyncAPIResponse(_ResponseBase[_T]):
    """A response whose body is still on the wire; read it, iterate it, or parse it."""

    async def read(self) -> bytes:
        return await self.http_response.aread()

    async def text(self) -> str:
        await self.read()
        return self.http_response.text

    async def json(self) -> Any:
        await self.read()
        return self.http_response.json()

    async def parse(self) -> _T:
        """Read the body (unless this is an event stream) and decode it."""
        if not self.headers.get("content-type", "").startswith("text/event-stream"):
            await self.read()
        return self._parse(self.http_response)

    def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self.http_response.aiter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        return self.http_response.aiter_text(chunk_size)

    def iter_lines(self) -> AsyncIterator[str]:
        return self.http_response.aiter_lines()

    async def stream_to_file(
        self, file: str | os.PathLike[str], *, chunk_size: int | None = None
    ) -> None:
        """Write the body to ``file`` as it arrives, without holding it in memory."""
        async with await trio.open_file(file, "wb") as out:
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                await out.write(chunk)

    async def close(self) -> None:
        await self.http_response.aclose()


class AsyncResponseContextManager(Generic[_T]):
    """``async with``: send the call on entry, close its response on exit."""

    def __init__(self, call: Callable[[], Awaitable[AsyncAPIResponse[_T]]]) -> None:
        self._call = call
        self._response: AsyncAPIResponse[_T] | None = None

    async def __aenter__(self) -> AsyncAPIResponse[_T]:
        self._response = await self._call()
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.close()


class ResponseView:
    """The client's resource tree in ``raw`` or ``streaming`` mode.

    Attribute access returns the client's resources rebuilt in that mode; in
    streaming mode their methods return :class:`AsyncResponseContextManager`.
    """

    def __init__(self, target: Any, mode: str) -> None:
        self._target = target
        self._mode = mode

    def __getattr__(self, name: str) -> Any:
        from ._resource import AsyncAPIResource

        attr = getattr(self._target, name)
        if isinstance(attr, AsyncAPIResource):
            return ResponseView(attr._in_mode(self._mode), self._mode)
        if callable(attr) and self._mode == "streaming":
            method = cast("Callable[..., Awaitable[AsyncAPIResponse[Any]]]", attr)

            def call(*args: Any, **kwargs: Any) -> AsyncResponseContextManager[Any]:
                return AsyncResponseContextManager[Any](lambda: method(*args, **kwargs))

            return call
        return attr

    def __repr__(self) -> str:
        return f"<{self._mode} responses of {self._target!r}>"


def raw_view(client: AsyncOpenAI) -> Any:
    return ResponseView(client, "raw")


def streaming_view(client: AsyncOpenAI) -> Any:
    return ResponseView(client, "streaming")
