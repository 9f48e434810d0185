"""File uploads: what callers may pass as a file, and the streamed multipart body.

The accepted forms are the official SDK's :data:`FileTypes`: ``bytes``, a binary
file object, an ``os.PathLike`` (a :class:`pathlib.Path`), or a tuple
``(filename, content)``, ``(filename, content, content_type)`` or
``(filename, content, content_type, headers)``.

Nothing here blocks the trio loop: a path is stat'ed through :class:`trio.Path`
and read with :func:`trio.open_file`, a sync file object is probed and read in
a worker thread (:func:`trio.to_thread.run_sync`), and no file is ever read
whole: :func:`iter_multipart_body` sends each in pieces of at most
:data:`CHUNK_SIZE` bytes. Like httpx, a seekable file object is sent from its
start (so a retried request sends the same bytes), and its size is known up
front; a file that changes size while it is sent raises rather than sending a
body that disagrees with its ``Content-Length``.
"""

from __future__ import annotations

import abc
import io
import mimetypes
import os
import pathlib
import stat
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import IO, Protocol, Union

import httpx
import trio

from protocols.multipart import FilePart, MultipartEncoder

__all__ = [
    "CHUNK_SIZE",
    "FileContent",
    "FileTypes",
    "MultipartStream",
    "iter_multipart_body",
    "to_file_part",
]

#: The largest piece :func:`iter_multipart_body` reads and yields at once.
CHUNK_SIZE = 64 * 1024

FileContent = Union[IO[bytes], bytes, "os.PathLike[str]"]
FileTypes = Union[
    # file (or bytes)
    FileContent,
    # (filename, file (or bytes))
    tuple[Union[str, None], FileContent],
    # (filename, file (or bytes), content_type)
    tuple[Union[str, None], FileContent, Union[str, None]],
    # (filename, file (or bytes), content_type, headers)
    tuple[Union[str, None], FileContent, Union[str, None], Mapping[str, str]],
]

_DEFAULT_FILENAME = "upload"  # httpx's name for content that carries none
_DEFAULT_CONTENT_TYPE = "application/octet-stream"


async def to_file_part(field: str, value: FileTypes) -> FilePart:
    """Resolve a user's file argument into a :class:`FilePart` for the encoder.

    The filename is the tuple's, else the path's or file object's base name,
    else ``"upload"``; the content type is the tuple's (or a ``Content-Type``
    in its headers, which wins, as in httpx), else guessed from the filename,
    else ``application/octet-stream``. The size comes from ``len()``, a
    ``stat`` of the path, or seeking a seekable file object to its end (it is
    then left at its start); it is None for a pipe or other unseekable stream.

    Args:
        field: The form field name the file is sent under.
        value: The file, in any of the :data:`FileTypes` forms.

    Returns:
        The part; its ``source`` is the bytes, a :class:`pathlib.Path`, or the
        file object.

    Raises:
        TypeError: ``value`` is not one of the accepted forms (a ``str`` is
            refused: pass a :class:`pathlib.Path` for a path, bytes for data),
            or a file object is in text mode.
        ValueError: The file object is closed, or the path is a directory.
        OSError: The path cannot be stat'ed (e.g. it does not exist).
    """
    filename: str | None
    content_type: str | None = None
    headers: Mapping[str, str] = {}
    if isinstance(value, tuple):
        if len(value) not in (2, 3, 4):
            raise TypeError(
                f"file for field {field!r} is a tuple of {len(value)} items; expected "
                "(filename, content), (filename, content, content_type) or "
                "(filename, content, content_type, headers)"
            )
        filename, content = value[0], value[1]
        if len(value) >= 3:
            content_type = value[2]  # type: ignore[misc]
        if len(value) == 4:
            headers = value[3]  # type: ignore[misc]
        _check_optional_str(field, "filename", filename)
        _check_optional_str(field, "content_type", content_type)
        if not isinstance(headers, Mapping):
            raise TypeError(
                f"file for field {field!r}: headers must be a mapping of str to str, "
                f"got {type(headers).__name__}"
            )
        content = _check_content(field, content)
    else:
        content = _check_content(field, value)
        filename = _default_filename(content)

    size = await _content_size(field, content)
    source: object = pathlib.Path(content) if isinstance(content, os.PathLike) else content

    extra: list[tuple[str, str]] = []
    for name, header_value in headers.items():
        if not (isinstance(name, str) and isinstance(header_value, str)):
            raise TypeError(f"file for field {field!r}: headers must map str to str")
        if name.lower() == "content-type":
            content_type = header_value
        else:
            extra.append((name, header_value))
    if content_type is None:
        content_type = await _guess_content_type(filename)
    return FilePart(
        field=field,
        filename=filename,
        content_type=content_type,
        size=size,
        source=source,
        headers=tuple(extra),
    )


async def iter_multipart_body(
    encoder: MultipartEncoder, *, chunk_size: int = CHUNK_SIZE
) -> AsyncGenerator[bytes]:
    """The encoder's body as bytes, each file streamed in pieces.

    Usable as an httpx request body. Each file is opened (a path) or rewound
    (a seekable file object) when its turn comes and read ``chunk_size``
    bytes at a time; a path's file is closed once sent. A caller that may stop
    early must close the generator (``await body.aclose()``, as the request
    path does after every attempt) so an open file is closed at once rather
    than by the garbage collector; cancellation while reading closes it too.
    A file object the caller passed is read, never closed: it stays theirs,
    as in the official SDK.

    Args:
        encoder: The body to send.
        chunk_size: The most bytes read from a file (and yielded) at once.

    Yields:
        The body, in order.

    Raises:
        ValueError: ``chunk_size`` is not positive.
        RuntimeError: A file's size changed between :func:`to_file_part` and
            the end of its upload.
        TypeError: A file object returned something other than bytes.
        OSError: Reading a file failed.
    """
    if chunk_size <= 0:
        raise ValueError(f"chunk_size must be > 0, got {chunk_size}")
    for frame in encoder.iter_parts():
        if isinstance(frame, bytes):
            yield frame
            continue
        reader = await _open_reader(frame)
        try:
            sent = 0
            while frame.size is None or sent < frame.size:
                want = chunk_size if frame.size is None else min(chunk_size, frame.size - sent)
                chunk = await reader.read(want)
                if not chunk:
                    break
                sent += len(chunk)
                yield chunk
            if frame.size is not None:
                if sent < frame.size:
                    raise RuntimeError(
                        f"file for field {frame.field!r} ended after {sent} of its "
                        f"{frame.size} bytes: it shrank while being uploaded"
                    )
                if await reader.read(1):
                    raise RuntimeError(
                        f"file for field {frame.field!r} has more than the {frame.size} "
                        "bytes it had when the upload started: it grew while being uploaded"
                    )
        finally:
            await reader.aclose()


class MultipartStream(httpx.AsyncByteStream):
    """:func:`iter_multipart_body` as an httpx request stream that can be closed.

    One per attempt: iterated once, by whoever sends the request. Iterating it
    yields the generator itself, with no wrapper generator of httpx's around
    it (a wrapper abandoned mid-body would be left for the garbage collector).

    Cancellation: :meth:`aclose` closes the generator and so the file it has
    open; closing a file is quick, and the caller shields it.
    """

    def __init__(self, encoder: MultipartEncoder, *, chunk_size: int = CHUNK_SIZE) -> None:
        self._body = iter_multipart_body(encoder, chunk_size=chunk_size)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._body

    async def aclose(self) -> None:
        """Close the body and any file it opened. Idempotent."""
        await self._body.aclose()


class _Reader(abc.ABC):
    """Reads a file part's content; ``aclose`` releases what the reader opened."""

    @abc.abstractmethod
    async def read(self, n: int) -> bytes:
        """Up to ``n`` bytes; ``b""`` at the end."""

    async def aclose(self) -> None:
        """Release what the reader opened (nothing, by default)."""
        return


class _BytesReader(_Reader):
    def __init__(self, data: bytes) -> None:
        self._view = memoryview(data)
        self._pos = 0

    async def read(self, n: int) -> bytes:
        await trio.lowlevel.checkpoint()
        chunk = bytes(self._view[self._pos : self._pos + n])
        self._pos += len(chunk)
        return chunk


class _AsyncBinaryFile(Protocol):
    async def read(self, size: int = -1, /) -> bytes: ...

    async def aclose(self) -> None: ...


class _PathReader(_Reader):
    def __init__(self, file: _AsyncBinaryFile) -> None:
        self._file = file

    async def read(self, n: int) -> bytes:
        return await self._file.read(n)

    async def aclose(self) -> None:
        # trio's file wrapper closes the file even when cancelled.
        await self._file.aclose()


class _FileObjectReader(_Reader):
    def __init__(self, file: IO[bytes], field: str) -> None:
        self._file = file
        self._field = field

    async def read(self, n: int) -> bytes:
        chunk: object = await trio.to_thread.run_sync(self._file.read, n)
        if isinstance(chunk, bytes):
            return chunk
        if isinstance(chunk, (bytearray, memoryview)):
            return bytes(chunk)
        raise TypeError(
            f"file for field {self._field!r}: read() returned {type(chunk).__name__}, not "
            "bytes; open the file in binary mode ('rb')"
        )


async def _open_reader(part: FilePart) -> _Reader:
    source = part.source
    if isinstance(source, bytes):
        return _BytesReader(source)
    if isinstance(source, os.PathLike):
        path: os.PathLike[str] = source  # pyright: ignore[reportUnknownVariableType]
        file: _AsyncBinaryFile = await trio.open_file(path, "rb")
        return _PathReader(file)
    file_obj: IO[bytes] = source  # type: ignore[assignment]
    if part.size is not None:
        # Sent from the start, like httpx, matching the size measured from 0.
        await trio.to_thread.run_sync(file_obj.seek, 0)
    return _FileObjectReader(file_obj, part.field)


def _check_content(field: str, content: object) -> bytes | os.PathLike[str] | IO[bytes]:
    if isinstance(content, bytes):
        return content
    if isinstance(content, os.PathLike):
        return content  # pyright: ignore[reportUnknownVariableType]
    if isinstance(content, str):
        raise TypeError(
            f"file for field {field!r} is a str; pass pathlib.Path({content[:60]!r}) to "
            "upload the file at that path, or bytes to upload data"
        )
    if isinstance(content, (bytearray, memoryview)):
        kind = type(content).__name__  # pyright: ignore[reportUnknownArgumentType]
        raise TypeError(f"file for field {field!r} is a {kind}; pass bytes(...) instead")
    if isinstance(content, io.TextIOBase):
        raise TypeError(
            f"file for field {field!r} is a text stream; open the file in binary mode ('rb') "
            "or pass io.BytesIO"
        )
    read = getattr(content, "read", None)
    if not callable(read):
        raise TypeError(
            f"file for field {field!r} is a {type(content).__name__}; expected bytes, a "
            "binary file object, a pathlib.Path, or a (filename, content[, content_type"
            "[, headers]]) tuple"
        )
    mode = getattr(content, "mode", None)
    if isinstance(mode, str) and "b" not in mode:
        raise TypeError(
            f"file for field {field!r} was opened in text mode ({mode!r}); open it in "
            "binary mode ('rb')"
        )
    if getattr(content, "closed", False) is True:
        raise ValueError(f"file for field {field!r} is closed")
    return content  # type: ignore[return-value]


def _check_optional_str(field: str, what: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(
            f"file for field {field!r}: {what} must be a str or None, got {type(value).__name__}"
        )


def _default_filename(content: bytes | os.PathLike[str] | IO[bytes]) -> str:
    if isinstance(content, bytes):
        return _DEFAULT_FILENAME
    if isinstance(content, os.PathLike):
        return pathlib.Path(content).name
    name: object = getattr(content, "name", None)
    if isinstance(name, (str, os.PathLike)):
        return pathlib.PurePath(name).name or _DEFAULT_FILENAME  # pyright: ignore[reportUnknownArgumentType]
    return _DEFAULT_FILENAME


async def _content_size(field: str, content: bytes | os.PathLike[str] | IO[bytes]) -> int | None:
    if isinstance(content, bytes):
        return len(content)
    if isinstance(content, os.PathLike):
        info = await trio.Path(content).stat()
        if stat.S_ISDIR(info.st_mode):
            raise ValueError(f"file for field {field!r}: {os.fspath(content)!r} is a directory")
        # Only a regular file's st_size is its length (a FIFO says 0).
        return info.st_size if stat.S_ISREG(info.st_mode) else None
    if isinstance(content, io.BytesIO):
        return _seekable_size(content)  # in memory: no I/O to move off the loop
    return await trio.to_thread.run_sync(_seekable_size, content)


def _seekable_size(file: IO[bytes]) -> int | None:
    """The length of a seekable file (left at its start), or None for a stream."""
    seekable = getattr(file, "seekable", None)
    if seekable is not None and not seekable():
        return None
    try:
        end = file.seek(0, os.SEEK_END)
        file.seek(0)
    except (AttributeError, OSError):
        return None
    return end if isinstance(end, int) else None  # pyright: ignore[reportUnnecessaryIsInstance]


async def _guess_content_type(filename: str | None) -> str:
    if not filename:
        return _DEFAULT_CONTENT_TYPE
    if not mimetypes.inited:
        # The first guess reads the system's mime.types files.
        await trio.to_thread.run_sync(mimetypes.init)
    return mimetypes.guess_type(filename)[0] or _DEFAULT_CONTENT_TYPE
