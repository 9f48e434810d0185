"""Raw and streamed responses: ``client.with_raw_response`` and ``client.with_streaming_response``.

``client.with_raw_response.<resource>.<method>(...)`` runs the call as usual
but returns a :class:`LegacyAPIResponse`: status, headers and the read body,
with ``.parse()`` for the typed result. ``client.with_streaming_response``
returns an async context manager around an :class:`AsyncAPIResponse` whose
body has not been read: ``async with ... as response:`` then
``iter_bytes()``/``iter_text()``/``iter_lines()`` or ``stream_to_file()``;
leaving the block closes the response.

The same views hang off every resource, as in the official SDK:
``client.chat.completions.with_raw_response.create(...)``,
``client.audio.speech.with_streaming_response.create(...)``; a sub-resource
reached from a view is in the view's mode (``client.chat.with_raw_response.completions``).

Both views mirror the resource tree: each resource copy carries the mode, and
the request path (:mod:`oaitrio._resource`) returns the matching wrapper
instead of the parsed result.
"""

from __future__ import annotations

import codecs
import collections
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, TypeVar, cast

import httpx
import trio

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
        """The body as it arrives (in ``chunk_size`` pieces when given)."""
        return _Bytes(self.http_response, chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        """The body decoded as text as it arrives."""
        return _Text(_Bytes(self.http_response, chunk_size), self.http_response.encoding or "utf-8")

    def iter_lines(self) -> AsyncIterator[str]:
        """The body split into lines (without their endings) as it arrives."""
        return _Lines(self.iter_text())

    async def stream_to_file(
        self, file: str | os.PathLike[str], *, chunk_size: int | None = None
    ) -> None:
        """Write the body to ``file`` as it arrives, without holding it in memory."""
        async with await trio.open_file(file, "wb") as out:
            async for chunk in self.iter_bytes(chunk_size):
                await out.write(chunk)

    async def close(self) -> None:
        await self.http_response.aclose()


class _Bytes:
    """Body pieces, as a plain iterator object rather than an async generator.

    httpx's ``aiter_*`` are nested async generators; one abandoned half-way is
    finalised by the garbage collector (trio warns), and closing the outer one
    does not close the inner. This iterator holds no generator: leaving the
    ``async with`` closes the response, and that is all the cleanup there is.
    """

    def __init__(self, response: httpx.Response, chunk_size: int | None) -> None:
        self._response = response
        self._chunk_size = chunk_size
        self._pending = b""
        self._raw: Any = None
        self._done = False

    def __aiter__(self) -> _Bytes:
        return self

    async def __anext__(self) -> bytes:
        size = self._chunk_size
        while not self._done and (not self._pending or (size and len(self._pending) < size)):
            piece = await self._next_piece()
            if piece is None:
                self._done = True
            else:
                self._pending += piece
        if not self._pending:
            raise StopAsyncIteration
        cut = size or len(self._pending)
        chunk, self._pending = self._pending[:cut], self._pending[cut:]
        return chunk

    async def aclose(self) -> None:
        """Stop iterating (the response itself closes with its ``async with`` block)."""
        self._done = True
        self._pending = b""
        close = getattr(self._raw, "aclose", None)
        if close is not None and self._raw is not self._response.stream:
            await close()

    async def _next_piece(self) -> bytes | None:
        response = self._response
        if self._raw is None:
            if hasattr(response, "_content"):  # already read: hand it out once
                self._raw = iter([response.content])
            elif "content-encoding" in response.headers:
                # Compressed (only with a user's http_client): httpx decodes it.
                self._raw = response.aiter_bytes()
            else:
                self._raw = response.stream
        raw = self._raw
        try:
            if hasattr(raw, "__anext__"):
                return await raw.__anext__()  # type: ignore[no-any-return]
            return next(raw)  # type: ignore[no-any-return]
        except (StopAsyncIteration, StopIteration):
            return None


class _Text:
    def __init__(self, pieces: _Bytes, encoding: str) -> None:
        self._pieces = pieces
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

    def __aiter__(self) -> _Text:
        return self

    async def __anext__(self) -> str:
        while True:
            try:
                piece = await self._pieces.__anext__()
            except StopAsyncIteration:
                tail = self._decoder.decode(b"", final=True)
                if tail:
                    return tail
                raise
            text = self._decoder.decode(piece)
            if text:
                return text


_LINE_END = re.compile(r"\r\n|\r|\n")


class _Lines:
    """Lines split at CR, LF or CRLF (a CR at the end of a piece waits for a possible LF)."""

    def __init__(self, text: AsyncIterator[str]) -> None:
        self._text = text
        # A deque: one piece can hold thousands of lines, handed out from the left.
        self._lines: collections.deque[str] = collections.deque()
        self._partial = ""
        self._done = False

    def __aiter__(self) -> _Lines:
        return self

    async def __anext__(self) -> str:
        while not self._lines:
            if self._done:
                raise StopAsyncIteration
            try:
                buffered = self._partial + await self._text.__anext__()
            except StopAsyncIteration:
                self._done = True
                if self._partial:
                    self._lines.append(self._partial.rstrip("\r"))
                continue
            if buffered.endswith("\r"):
                keep, buffered = "\r", buffered[:-1]
            else:
                keep = ""
            *complete, rest = _LINE_END.split(buffered)
            self._lines.extend(complete)
            self._partial = rest + keep
        return self._lines.popleft()


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
    """A client's or a resource's tree in ``raw`` or ``streaming`` mode.

    ``target`` is the client, or a resource already rebuilt in ``mode``.
    Attribute access returns sub-resources in that mode (wrapped in a view
    again); in streaming mode their methods return
    :class:`AsyncResponseContextManager`.
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
