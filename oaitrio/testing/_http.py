"""One HTTP/1.1 connection of the fake server: our sans-I/O parser reads, we write.

Requests are read with :class:`protocols.http11_server.RequestParser` (h11
used to do it, and its per-event bookkeeping plus a fresh ``h11.Connection``
per request made parsing most of the server's CPU time under load). For the
same reason responses are formatted here: a status line,
headers we control, then either a ``content-length`` body or chunked framing
(``<hex length>\\r\\n<data>\\r\\n`` ... ``0\\r\\n\\r\\n``) written directly.

One parser serves the whole connection: after each request
:meth:`~protocols.http11_server.RequestParser.next_request` keeps the bytes
received but not processed, so pipelined requests and an EOF already seen
carry over. Keep-alive follows
HTTP/1.1 rules: the connection closes after the response when the request was
HTTP/1.0 or said ``connection: close``, and after a parse error. An HTTP/1.0
peer gets a stream without chunked framing, ended by closing the connection.

In ``token`` write mode each event is one HTTP chunk and one ``send`` system
call, as the real API writes them, issued without a trio checkpoint between
calls (a checkpoint per event would cost an ``epoll`` round per chunk); the
writer waits for writability when the socket buffer is full and checkpoints
every :data:`CHECKPOINT_EVERY` sends, so cancellation and other connections
still get their turn.
"""

from __future__ import annotations

import itertools
import os
import socket
import struct
import sys
from collections.abc import Callable, Iterable
from http import HTTPStatus

import attrs
import trio

from protocols.http11 import END_OF_BODY, NEED_DATA
from protocols.http11_server import CONNECTION_CLOSED, RequestError, RequestHead, RequestParser

from ._faults import (
    DelayAfterDone,
    DropMidStream,
    EndBeforeDone,
    ErrorEvent,
    Fault,
    MalformedEvent,
    StallMidStream,
)
from ._pacing import Pacer
from ._wire import BadRequest, Reply, StreamReply, error_body

__all__ = ["HttpConnection", "IncomingRequest"]

RECEIVE_SIZE = 65536
COALESCE_SIZE = 65536
MAX_HEAD_SIZE = 65536
CHECKPOINT_EVERY = 32
DONE_EVENT = b"data: [DONE]\n\n"
LAST_CHUNK = b"0\r\n\r\n"
_DIRECT_WRITES = sys.platform != "win32"  # os.write on a socket is POSIX only
Headers = list[tuple[str, str]]
_REASONS = {status.value: status.phrase for status in HTTPStatus}


@attrs.frozen
class IncomingRequest:
    """A request read whole from the connection."""

    method: str
    """The method, upper case."""
    path: str
    """The target before ``?``, not percent-decoded."""
    query: str
    """The target after ``?``, or empty."""
    headers: dict[str, str]
    """Lower-cased name to value; repeated headers joined with ``", "``."""
    body: bytes
    """The whole body."""


class HttpConnection:
    """Reads requests from and writes responses to one socket stream.

    Not safe for concurrent use: the server drives it from the one task that
    owns the connection. Write methods raise ``trio.BrokenResourceError``
    when the peer has gone.
    """

    def __init__(self, stream: trio.SocketStream, *, max_body_size: int) -> None:
        self._stream = stream
        self._max_body_size = max_body_size
        self._parser = RequestParser(max_head_size=MAX_HEAD_SIZE)
        self._started = False
        self._keep_alive = False
        self._head_only = False
        self._http10 = False

    async def receive_request(self) -> IncomingRequest | None:
        """The next request, or None when the peer closed between requests.

        Raises:
            BadRequest: the request was malformed or its body too large; send
                its reply, then close the connection.
        """
        parser = self._parser
        if self._started:
            parser.next_request()
        self._started = True
        self._keep_alive = False
        head: RequestHead | None = None
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                event = parser.next_event()
            except RequestError as exc:
                raise BadRequest(f"Malformed HTTP request: {exc}", status=exc.status) from None
            if event is NEED_DATA:
                try:
                    data = await self._stream.receive_some(RECEIVE_SIZE)
                except trio.BrokenResourceError:
                    return None
                parser.feed(data)
            elif event is END_OF_BODY:
                assert head is not None
                return self._finish(
                    parser, head, chunks[0] if len(chunks) == 1 else b"".join(chunks)
                )
            elif event is CONNECTION_CLOSED:
                return None
            elif isinstance(event, RequestHead):
                head = event
            else:
                size += len(event)
                if size > self._max_body_size:
                    raise BadRequest(
                        f"Request body larger than {self._max_body_size} bytes.", status=413
                    )
                chunks.append(event)

    def _finish(self, parser: RequestParser, head: RequestHead, body: bytes) -> IncomingRequest:
        headers: dict[str, str] = {}
        for raw_name, raw_value in head.headers:
            name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        self._http10 = head.http_version == b"1.0"
        # HTTP/1.0 never persists here, even with "connection: keep-alive":
        # the stream writer relies on closing to end an unframed 1.0 stream.
        self._keep_alive = not self._http10 and parser.keep_alive
        self._head_only = head.method == b"HEAD"
        path, _, query = head.target.decode("latin-1").partition("?")
        return IncomingRequest(head.method.decode("ascii"), path, query, headers, body)

    @property
    def keep_alive(self) -> bool:
        """Whether the connection may carry another request after this response."""
        return self._keep_alive

    def _head(self, status: int, headers: Iterable[tuple[str, str]]) -> bytes:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, '')}\r\n"]
        lines.extend(f"{name}: {value}\r\n" for name, value in headers)
        if not self._keep_alive:
            lines.append("connection: close\r\n")
        lines.append("\r\n")
        return "".join(lines).encode("latin-1")

    async def send_reply(self, reply: Reply, headers: Headers) -> None:
        """Send a complete response in one write."""
        body = reply.body
        head = self._head(
            reply.status, [*headers, *reply.headers, ("content-length", str(len(body)))]
        )
        await self._stream.send_all(head if self._head_only else head + body)

    async def send_stream(
        self,
        reply: StreamReply,
        headers: Headers,
        *,
        fault: Fault | None,
        on_first_chunk: Callable[[], None],
        pace: tuple[Pacer, float] | None = None,
    ) -> bool:
        """Send an event stream, applying a stream fault.

        With ``pace`` (the server's pacer and an interval in seconds) the
        events go out one per tick of that interval, ``[DONE]`` included.

        Returns False when the fault dropped the connection.
        """
        framing = [] if self._http10 else [("transfer-encoding", "chunked")]
        if self._http10:
            self._keep_alive = False
        await self._stream.send_all(self._head(200, [*headers, *reply.headers, *framing]))
        if self._head_only:
            return True
        writer = _BodyWriter(
            self._stream,
            chunked=not self._http10,
            coalesced=reply.coalesced,
            on_first_chunk=on_first_chunk,
            pace=pace,
        )
        events = reply.events
        trigger: int | None = getattr(fault, "after_chunks", -1)
        finish = True
        if fault is not None and fault.stream_only and trigger != -1:
            await writer.write(itertools.islice(events, trigger))
            if isinstance(fault, DropMidStream):
                self.abort(reset=fault.reset)
                return False
            if isinstance(fault, StallMidStream):
                await trio.sleep(fault.seconds)
            elif isinstance(fault, MalformedEvent):
                await writer.write([b"data: " + fault.data + b"\n\n"])
            elif isinstance(fault, ErrorEvent):
                error = error_body(
                    fault.message, type=fault.type, param=fault.param, code=fault.code
                )
                await writer.write([b"data: " + error + b"\n\n"])
                finish = False
            elif isinstance(fault, EndBeforeDone):
                finish = False
        if finish:
            await writer.write(itertools.chain(events, (DONE_EVENT,)) if reply.done else events)
        if isinstance(fault, DelayAfterDone):
            await trio.sleep(fault.seconds)
        if not self._http10:
            await self._stream.send_all(LAST_CHUNK)
        return True

    def abort(self, *, reset: bool = False) -> None:
        """Close the socket at once; with ``reset``, send a TCP RST."""
        sock = self._stream.socket
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()


@attrs.define
class _BodyWriter:
    """Frames events as HTTP chunks: one per event, or batched to ~64 KiB."""

    stream: trio.SocketStream
    chunked: bool
    coalesced: bool
    on_first_chunk: Callable[[], None] | None
    pace: tuple[Pacer, float] | None = None
    unchecked_sends: int = 0

    async def _send(self, data: bytes) -> None:
        if self.on_first_chunk is not None:
            self.on_first_chunk()
            self.on_first_chunk = None
        if self.chunked:
            data = b"%x\r\n%b\r\n" % (len(data), data)
        if not _DIRECT_WRITES:
            await self.stream.send_all(data)
            return
        sock = self.stream.socket
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(sock.fileno(), view) :]
            except BlockingIOError:
                await trio.lowlevel.wait_writable(sock)
                self.unchecked_sends = 0
            except OSError as exc:
                raise trio.BrokenResourceError(f"peer closed the connection: {exc}") from exc
        self.unchecked_sends += 1
        if self.unchecked_sends >= CHECKPOINT_EVERY:
            self.unchecked_sends = 0
            await trio.lowlevel.checkpoint()

    async def write(self, events: Iterable[bytes]) -> None:
        """Write ``events``; everything is on the socket when this returns."""
        if self.pace is not None:
            pacer, interval = self.pace
            if self.on_first_chunk is not None:
                self.on_first_chunk()
                self.on_first_chunk = None
            framed = (
                (b"%x\r\n%b\r\n" % (len(e), e) for e in events) if self.chunked else iter(events)
            )
            await pacer.write(self.stream, framed, interval)
            return
        if not self.coalesced:
            for event in events:
                await self._send(event)
            return
        batch: list[bytes] = []
        size = 0
        for event in events:
            batch.append(event)
            size += len(event)
            if size >= COALESCE_SIZE:
                await self._send(b"".join(batch))
                batch.clear()
                size = 0
        if batch:
            await self._send(b"".join(batch))
