"""oaitrio._files: every FileTypes form, streamed bodies that never hold a file whole."""

from __future__ import annotations

import contextlib
import email
import email.policy
import io
import os
import pathlib
from typing import Any

import httpx
import pytest
import trio

from oaitrio._files import CHUNK_SIZE, FileTypes, iter_multipart_body, to_file_part
from protocols.multipart import FilePart, MultipartEncoder


async def collect(enc: MultipartEncoder, **kwargs: Any) -> list[bytes]:
    pieces: list[bytes] = []
    async with contextlib.aclosing(iter_multipart_body(enc, **kwargs)) as body:
        async for piece in body:
            assert isinstance(piece, bytes)
            pieces.append(piece)
    return pieces


def parts_of(enc: MultipartEncoder, body: bytes) -> list[tuple[str, str | None, str, bytes]]:
    raw = b"Content-Type: " + enc.content_type.encode() + b"\r\n\r\n" + body
    message = email.message_from_bytes(raw, policy=email.policy.HTTP)
    return [
        (
            str(p.get_param("name", header="content-disposition")),
            p.get_filename(),
            p.get_content_type(),
            p.get_payload(decode=True),
        )
        for p in message.iter_parts()
    ]


# -- each accepted form ---------------------------------------------------------------------


async def test_bytes() -> None:
    part = await to_file_part("file", b"abc")
    assert part == FilePart(
        field="file",
        filename="upload",
        content_type="application/octet-stream",
        size=3,
        source=b"abc",
    )


async def test_a_path(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "cat.png"
    path.write_bytes(b"\x89PNG....")
    part = await to_file_part("image", path)
    assert (part.filename, part.content_type, part.size) == ("cat.png", "image/png", 8)
    assert part.source == path


async def test_a_pathlike_that_is_not_a_pathlib_path(tmp_path: pathlib.Path) -> None:
    class Custom(os.PathLike[str]):
        def __fspath__(self) -> str:
            return str(tmp_path / "data.jsonl")

    (tmp_path / "data.jsonl").write_bytes(b"{}\n")
    part = await to_file_part("file", Custom())
    assert (part.filename, part.size, part.source) == ("data.jsonl", 3, tmp_path / "data.jsonl")


async def test_a_two_tuple() -> None:
    part = await to_file_part("file", ("notes.txt", b"hi"))
    assert (part.filename, part.content_type, part.size) == ("notes.txt", "text/plain", 2)
    unnamed = await to_file_part("file", (None, b"hi"))
    assert (unnamed.filename, unnamed.content_type) == (None, "application/octet-stream")


async def test_a_three_tuple(tmp_path: pathlib.Path) -> None:
    part = await to_file_part("file", ("a.bin", b"x", "application/jsonl"))
    assert part.content_type == "application/jsonl"
    guessed = await to_file_part("file", ("a.mp3", b"x", None))
    assert guessed.content_type == "audio/mpeg"
    path = tmp_path / "on-disk.txt"
    path.write_bytes(b"12345")
    named = await to_file_part("file", ("sent-as.wav", path, None))
    assert (named.filename, named.content_type, named.size, named.source) == (
        "sent-as.wav",
        "audio/x-wav",
        5,
        path,
    )


async def test_a_four_tuple_with_headers() -> None:
    part = await to_file_part(
        "file", ("a.txt", b"x", "text/plain", {"X-Trace": "1", "content-type": "text/csv"})
    )
    # As in httpx, a Content-Type among the headers wins over the third item.
    assert part.content_type == "text/csv"
    assert part.headers == (("X-Trace", "1"),)


async def test_a_binary_file_object(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "audio.mp3"
    path.write_bytes(b"ID3" * 10)
    with path.open("rb") as f:
        f.read(5)
        part = await to_file_part("file", f)
        assert (part.filename, part.content_type, part.size, part.source) == (
            "audio.mp3",
            "audio/mpeg",
            30,
            f,
        )
    bio = await to_file_part("file", io.BytesIO(b"12345"))
    assert (bio.filename, bio.size) == ("upload", 5)


def filled_pipe(data: bytes) -> io.FileIO:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, data)
    os.close(write_fd)
    return io.FileIO(read_fd, "rb")


async def test_an_unseekable_stream_has_no_size() -> None:
    with filled_pipe(b"piped data") as pipe:
        part = await to_file_part("file", pipe)
        assert part.size is None
        enc = MultipartEncoder([], [part], boundary=b"b")
        assert enc.content_length is None
        body = b"".join(await collect(enc))
    # A file object named by a descriptor number gets the default name.
    assert parts_of(enc, body) == [("file", "upload", "application/octet-stream", b"piped data")]


# -- streaming -----------------------------------------------------------------------------


async def test_a_large_path_is_streamed_in_pieces(tmp_path: pathlib.Path) -> None:
    content = os.urandom(5 * 1024 * 1024 + 123)
    path = tmp_path / "big.bin"
    path.write_bytes(content)
    enc = MultipartEncoder(
        [("purpose", "batch")], [await to_file_part("file", path)], boundary=b"BOUNDARY"
    )
    reads: list[int] = []
    real_open = trio.open_file

    async def spying_open(*args: Any, **kwargs: Any) -> Any:
        f = await real_open(*args, **kwargs)
        real_read = f.read

        async def read(n: int = -1) -> bytes:
            reads.append(n)
            return await real_read(n)

        f.read = read  # type: ignore[method-assign]
        return f

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(trio, "open_file", spying_open)
        pieces = await collect(enc)

    assert max(len(p) for p in pieces) <= CHUNK_SIZE
    assert len(pieces) >= len(content) // CHUNK_SIZE
    assert all(0 < n <= CHUNK_SIZE for n in reads)  # never read(-1), never read whole
    body = b"".join(pieces)
    assert len(body) == enc.content_length
    assert parts_of(enc, body) == [
        ("purpose", None, "text/plain", b"batch"),
        ("file", "big.bin", "application/octet-stream", content),
    ]


async def test_a_sync_file_object_is_read_in_a_thread_from_its_start(
    tmp_path: pathlib.Path,
) -> None:
    content = os.urandom(3 * CHUNK_SIZE + 7)
    path = tmp_path / "x.bin"
    path.write_bytes(content)
    threads: list[bool] = []

    class Spy(io.FileIO):
        def read(self, size: int | None = -1) -> bytes:
            try:
                trio.lowlevel.current_task()
                threads.append(False)
            except RuntimeError:
                threads.append(True)
            assert size is not None and 0 < size <= CHUNK_SIZE
            return super().read(size)

    with Spy(path, "rb") as f:
        part = await to_file_part("file", f)
        f.seek(100)  # moved after the size was taken: still sent whole, like httpx
        enc = MultipartEncoder([], [part], boundary=b"b")
        pieces = await collect(enc)
    assert threads and all(threads)
    assert max(len(p) for p in pieces) <= CHUNK_SIZE
    assert parts_of(enc, b"".join(pieces))[0][3] == content


async def test_bytes_are_sliced() -> None:
    content = b"x" * (2 * CHUNK_SIZE + 1)
    enc = MultipartEncoder([], [await to_file_part("file", content)], boundary=b"b")
    pieces = await collect(enc)
    assert max(len(p) for p in pieces) <= CHUNK_SIZE
    assert b"".join(pieces).count(b"x") == len(content)
    small = await collect(enc, chunk_size=1000)
    assert max(len(p) for p in small) <= 1000
    assert b"".join(small) == b"".join(pieces)


async def test_a_body_can_be_sent_twice(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"same")
    f = io.BytesIO(b"again")
    enc = MultipartEncoder(
        [], [await to_file_part("p", path), await to_file_part("f", f)], boundary=b"b"
    )
    assert await collect(enc) == await collect(enc)


async def test_usable_as_an_httpx_request_body(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(b'{"a": 1}\n' * 10_000)
    enc = MultipartEncoder(
        [("purpose", "fine-tune")], [await to_file_part("file", path)], boundary=b"B"
    )
    seen: dict[str, Any] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        seen["body"] = await request.aread()
        seen["headers"] = request.headers
        return httpx.Response(200, json={})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        headers = {"Content-Type": enc.content_type, "Content-Length": str(enc.content_length)}
        await http.post("http://test/files", content=iter_multipart_body(enc), headers=headers)
    assert len(seen["body"]) == enc.content_length
    assert parts_of(enc, seen["body"])[1][3] == path.read_bytes()


async def test_a_file_that_shrinks_or_grows_mid_upload_raises(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "changing.bin"
    path.write_bytes(b"x" * 100)
    part = await to_file_part("file", path)
    path.write_bytes(b"x" * 50)
    with pytest.raises(RuntimeError, match="'file' ended after 50 of its 100 bytes"):
        await collect(MultipartEncoder([], [part]))
    path.write_bytes(b"x" * 101)
    with pytest.raises(RuntimeError, match=r"more than the 100 bytes.*grew"):
        await collect(MultipartEncoder([], [part]))


async def test_stopping_early_closes_the_file(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (4 * CHUNK_SIZE))
    enc = MultipartEncoder([], [await to_file_part("file", path)], boundary=b"b")
    opened: list[Any] = []
    real_open = trio.open_file

    async def spying_open(*args: Any, **kwargs: Any) -> Any:
        f = await real_open(*args, **kwargs)
        opened.append(f)
        return f

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(trio, "open_file", spying_open)
        async with contextlib.aclosing(iter_multipart_body(enc)) as body:
            async for piece in body:
                if len(piece) == CHUNK_SIZE:
                    assert not opened[0].closed
                    break
    assert opened[0].closed

    # Cancelled while reading (no aclosing here): the generator closes the file itself.
    with pytest.MonkeyPatch.context() as mp, trio.CancelScope() as scope:
        mp.setattr(trio, "open_file", spying_open)
        async for piece in iter_multipart_body(enc):
            if len(piece) == CHUNK_SIZE:
                scope.cancel()
    assert scope.cancelled_caught
    assert len(opened) == 2
    assert opened[1].closed


# -- bad input -----------------------------------------------------------------------------


async def test_a_str_is_refused_with_a_hint() -> None:
    with pytest.raises(TypeError, match=r"is a str; pass pathlib.Path\('data.jsonl'\)"):
        await to_file_part("file", "data.jsonl")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"'file' is a str; pass pathlib.Path"):
        await to_file_part("file", ("a.txt", "content as str"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (io.StringIO("text"), "is a text stream; open the file in binary mode"),
        (bytearray(b"x"), "is a bytearray; pass bytes"),
        (42, "is a int; expected bytes, a binary file object, a pathlib.Path"),
        (("a", b"x", None, {}, "extra"), "tuple of 5 items"),
        (("a",), "tuple of 1 items"),
        ((b"a", b"x"), "filename must be a str or None, got bytes"),
        (("a", b"x", 1), "content_type must be a str or None, got int"),
        (("a", b"x", None, [("k", "v")]), "headers must be a mapping"),
        (("a", b"x", None, {"k": 1}), "headers must map str to str"),
    ],
)
async def test_bad_values_are_named(value: Any, message: str) -> None:
    with pytest.raises(TypeError, match=r"file for field 'f'") as info:
        await to_file_part("f", value)
    assert message in str(info.value)


async def test_a_text_mode_file_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("hello")
    with path.open("r") as f, pytest.raises(TypeError, match=r"text stream|text mode"):
        await to_file_part("f", f)  # type: ignore[arg-type]

    class TextModeWrapper:
        mode = "r"

        def read(self, n: int = -1) -> bytes:
            return b""

    with pytest.raises(TypeError, match=r"opened in text mode \('r'\)"):
        await to_file_part("f", TextModeWrapper())  # type: ignore[arg-type]


async def test_a_closed_file_is_refused() -> None:
    f = io.BytesIO(b"x")
    f.close()
    with pytest.raises(ValueError, match="'f' is closed"):
        await to_file_part("f", f)


async def test_a_directory_or_a_missing_path_is_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError, match="is a directory"):
        await to_file_part("f", tmp_path)
    with pytest.raises(FileNotFoundError):
        await to_file_part("f", tmp_path / "missing.bin")


async def test_a_file_object_returning_str_is_named() -> None:
    class Liar:
        def read(self, n: int = -1) -> str:
            return "text"

    part = await to_file_part("f", Liar())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"'f': read\(\) returned str, not bytes"):
        await collect(MultipartEncoder([], [part]))


async def test_every_form_in_one_body(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes(b"from path")
    values: list[FileTypes] = [
        b"raw",
        path,
        io.BytesIO(b"from bytesio"),
        ("two.txt", b"2"),
        ("three.json", b"{}", "application/json"),
        ("four.bin", b"4", None, {"X-A": "b"}),
    ]
    parts = [await to_file_part("files[]", v) for v in values]
    enc = MultipartEncoder([("n", "6")], parts, boundary=b"zz")
    body = b"".join(await collect(enc))
    assert len(body) == enc.content_length
    assert parts_of(enc, body) == [
        ("n", None, "text/plain", b"6"),
        ("files[]", "upload", "application/octet-stream", b"raw"),
        ("files[]", "p.txt", "text/plain", b"from path"),
        ("files[]", "upload", "application/octet-stream", b"from bytesio"),
        ("files[]", "two.txt", "text/plain", b"2"),
        ("files[]", "three.json", "application/json", b"{}"),
        ("files[]", "four.bin", "application/octet-stream", b"4"),
    ]
