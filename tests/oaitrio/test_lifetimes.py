"""Issue 14: no task, connection or file outlives its owner, and none waits for the collector.

Every test here runs on trio's virtual clock (``autojump_clock``): "within a
second" is a virtual second, and a server told to stall for 300 s would hold
the old code for 300 virtual seconds, far past the one the test allows.
"""

from __future__ import annotations

import gc
import io
import os
import pathlib
from collections.abc import AsyncGenerator, Iterator
from typing import Any

import httpx
import pytest
import trio
import trio.testing

import oaitrio
from oaitrio._files import CHUNK_SIZE
from oaitrio._resource import CallOptions
from oaitrio.pagination import AsyncCursorPage, AsyncPaginator
from oaitrio.testing import FakeOpenAI, SlowFirstByte
from tests.conftest import FAKE_KEY, client_side_tasks

ITEMS = "/v1/fake/items"  # as the server records it


@pytest.fixture
def no_gc() -> Iterator[None]:
    """The cycle collector off: what the tests see happens without it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def items(client: oaitrio.AsyncOpenAI, limit: int = 5) -> AsyncPaginator[Any, AsyncCursorPage[Any]]:
    return client.models._list(
        "/fake/items",
        page=AsyncCursorPage[dict],
        query={"limit": limit},
        options=CallOptions(),  # type: ignore[type-arg]
    )


def page_requests(server: FakeOpenAI) -> int:
    return sum(1 for r in server.requests if r.path == ITEMS)


def in_use(client: oaitrio.AsyncOpenAI) -> int:
    assert client._pool is not None
    return client._pool.statistics().in_use


# -- pagination ----------------------------------------------------------------------


async def test_break_out_of_a_list_leaves_no_prefetch_and_no_connection(
    autojump_clock: trio.testing.MockClock,
    no_gc: None,
    client: oaitrio.AsyncOpenAI,
    server: FakeOpenAI,
) -> None:
    server.set_items(50)
    tasks_before = client_side_tasks()
    with trio.fail_after(30):
        async for _ in items(client):
            # The page ahead would take 300 s: a slow server, or a big page.
            server.add_fault(SlowFirstByte(seconds=300), path=ITEMS)
            break
        await trio.sleep(1)
    assert client_side_tasks() == tasks_before
    assert in_use(client) == 0
    assert page_requests(server) <= 2  # at most the page ahead, and nothing after


async def test_a_dropped_iterator_cancels_the_page_request_in_flight(
    autojump_clock: trio.testing.MockClock,
    no_gc: None,
    client: oaitrio.AsyncOpenAI,
    server: FakeOpenAI,
) -> None:
    server.set_items(50)
    tasks_before = client_side_tasks()
    with trio.fail_after(30):
        iterator = aiter(items(client))
        await anext(iterator)
        server.add_fault(SlowFirstByte(seconds=300), path=ITEMS)
        while page_requests(server) < 2:  # the page ahead is on the wire
            await trio.sleep(0.01)
        assert in_use(client) == 1
        del iterator
        await trio.sleep(1)
    assert client_side_tasks() == tasks_before
    assert in_use(client) == 0


async def test_aclose_stops_the_prefetch_and_ends_the_iteration(
    autojump_clock: trio.testing.MockClock,
    client: oaitrio.AsyncOpenAI,
    server: FakeOpenAI,
) -> None:
    server.set_items(50)
    tasks_before = client_side_tasks()
    with trio.fail_after(30):
        iterator = aiter(items(client))
        await anext(iterator)
        server.add_fault(SlowFirstByte(seconds=300), path=ITEMS)
        while page_requests(server) < 2:
            await trio.sleep(0.01)
        await iterator.aclose()
        await trio.sleep(1)
        assert client_side_tasks() == tasks_before
        assert in_use(client) == 0
        assert [item async for item in iterator] == []


# -- streams -------------------------------------------------------------------------

MESSAGES = [{"role": "user", "content": "tell me about trio nurseries"}]


@pytest.fixture
async def one_connection_client(server: FakeOpenAI) -> AsyncGenerator[oaitrio.AsyncOpenAI]:
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY,
        base_url=server.base_url,
        connection_limits=oaitrio.PoolLimits(max_connections=1),
    ) as client:
        yield client


async def test_a_stream_left_with_break_and_no_block_frees_its_connection(
    autojump_clock: trio.testing.MockClock,
    no_gc: None,
    one_connection_client: oaitrio.AsyncOpenAI,
) -> None:
    client = one_connection_client
    with trio.fail_after(30):  # the pool timeout is 600 s: starving would trip this
        for _ in range(3):
            # The official SDK's README idiom: no `async with`, no name kept.
            async for _chunk in await client.chat.completions.create(
                model="gpt-4o-mini", messages=MESSAGES, stream=True
            ):
                break
            assert in_use(client) == 0
        completion = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert completion.choices[0].message.content
    assert in_use(client) == 0


# -- upload bodies ---------------------------------------------------------------------

_FILE_OBJECT = (
    b'{"id": "file-1", "bytes": 5, "created_at": 0, "filename": "data.jsonl",'
    b' "object": "file", "purpose": "batch", "status": "uploaded"}'
)


class UploadTransport(httpx.AsyncBaseTransport):
    """A peer that reads ``read_chunks`` pieces of the upload, then acts as told."""

    def __init__(self, *, read_chunks: int | None, then: str) -> None:
        self.read_chunks = read_chunks
        self.then = then  # "answer", "fail" or "hang"
        self.hanging = trio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        stream = request.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        assert request.headers["host"] == "files.example.test"
        seen = 0
        if self.read_chunks != 0:
            async for _ in stream:
                seen += 1
                if self.read_chunks is not None and seen >= self.read_chunks:
                    break
        if self.then == "fail":
            raise httpx.WriteError("connection reset by peer", request=request)
        if self.then == "hang":
            self.hanging.set()
            await trio.sleep_forever()
        return httpx.Response(200, content=_FILE_OBJECT, request=request)


def open_handles(path: pathlib.Path) -> int:
    """How many of this process's file descriptors are open on ``path``."""
    count = 0
    for fd in pathlib.Path("/proc/self/fd").iterdir():
        try:
            if os.readlink(fd) == str(path):
                count += 1
        except OSError:
            pass  # closed while we looked (the listing's own descriptor)
    return count


@pytest.fixture
def big_file(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"x" * (4 * CHUNK_SIZE))
    return path


def upload_client(transport: UploadTransport) -> oaitrio.AsyncOpenAI:
    return oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY,
        base_url="http://files.example.test/v1",
        http_client=httpx.AsyncClient(transport=transport),
        max_retries=1,
    )


needs_proc = pytest.mark.skipif(
    not pathlib.Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc"
)


@needs_proc
@pytest.mark.parametrize(
    ("read_chunks", "then"),
    [(None, "answer"), (2, "answer"), (0, "answer"), (2, "fail")],
    ids=["whole-body", "answered-early", "answered-unread", "cut-mid-body"],
)
async def test_an_upload_from_a_path_closes_its_file_when_the_call_returns(
    no_gc: None,
    big_file: pathlib.Path,
    read_chunks: int | None,
    then: str,
) -> None:
    client = upload_client(UploadTransport(read_chunks=read_chunks, then=then))
    with trio.fail_after(30):
        try:
            created = await client.files.create(file=big_file, purpose="batch")
        except oaitrio.APIConnectionError as exc:
            assert then == "fail"
            failure: BaseException | None = exc  # kept alive: it holds the request
        else:
            assert created.id == "file-1"
            failure = None
        # Both attempts of the failing case opened the file; none is left open.
        assert open_handles(big_file) == 0
    del failure


@needs_proc
async def test_a_cancelled_upload_closes_its_file(no_gc: None, big_file: pathlib.Path) -> None:
    # Files are read in worker threads, so these tests keep the real clock
    # (a virtual one would jump while a read is on its way); nothing is timed.
    transport = UploadTransport(read_chunks=2, then="hang")
    client = upload_client(transport)
    with trio.fail_after(30):
        async with trio.open_nursery() as nursery:

            async def upload() -> None:
                await client.files.create(file=big_file, purpose="batch")

            nursery.start_soon(upload)
            await transport.hanging.wait()  # the head and a first piece sent, the file open
            assert open_handles(big_file) == 1
            nursery.cancel_scope.cancel()
        assert open_handles(big_file) == 0


class RecordingFile(io.BytesIO):
    """A user's file object that records whether someone closed it."""

    closed_by_someone = False

    def close(self) -> None:
        self.closed_by_someone = True
        super().close()


async def test_a_file_object_the_user_passed_is_read_but_stays_theirs(no_gc: None) -> None:
    # Like the official SDK: the caller opened it, the caller closes it (and
    # may upload it again).
    client = upload_client(UploadTransport(read_chunks=2, then="fail"))
    user_file = RecordingFile(b"x" * (4 * CHUNK_SIZE))
    with trio.fail_after(30), pytest.raises(oaitrio.APIConnectionError):
        await client.files.create(file=("data.jsonl", user_file), purpose="batch")
    assert not user_file.closed_by_someone
    assert not user_file.closed
