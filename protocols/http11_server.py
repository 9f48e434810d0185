"""Sans-I/O HTTP/1.1 request parser: the server side of :mod:`protocols.http11`.

Theory of operation
-------------------
:class:`RequestParser` reads the requests of one connection, one at a time.
It is fed the bytes that arrive (``b""`` at EOF) and hands out, one per
:meth:`RequestParser.next_event` call: one :class:`RequestHead`, then the
body as ``bytes`` (everything buffered in one object), then
:data:`~protocols.http11.END_OF_BODY`. :data:`~protocols.http11.NEED_DATA`
means "feed me". After the end of a request, :meth:`RequestParser.next_request`
starts the next one, keeping the bytes already received: a pipelined request
is parsed from them without waiting for the network.

A connection the client closes *between* requests (EOF before any byte of
the next request) is the normal end of a persistent connection, not an
error: :meth:`RequestParser.next_event` then returns :data:`CONNECTION_CLOSED`.
EOF anywhere inside a request is a :class:`RequestError`.

Everything after the request line (header fields, length and chunked bodies,
trailers, the tolerated leniencies and the bounds) is shared with
:class:`protocols.http11.ResponseParser` and documented there. What differs,
following RFC 9112:

* framing: ``Transfer-Encoding: chunked`` or ``Content-Length``; a request
  with neither has no body (there is no read-until-EOF body for requests).
  Any coding other than exactly ``chunked`` is refused with status 501, as we
  decode none; both framing headers at once is refused (a smuggling hint, RFC
  9112 section 6.1 allows rejecting it), as is Transfer-Encoding in HTTP/1.0;
* empty lines before the request line are skipped (RFC 9112 section 2.2);
* an HTTP/1.1 request must carry exactly one ``Host`` field, any request at
  most one (RFC 9112 section 3.2);
* the version must be ``HTTP/1.x``; another ``HTTP/d.d`` gets status 505.
  An ``HTTP/1.x`` above 1.1 is kept as sent and treated as 1.1;
* ``Expect: 100-continue`` is not acted upon: the parser does not ask the
  caller to send ``100 Continue``, so a client that waits for one before
  sending its body waits for its own timeout. Our clients never send it.

Every error is a :class:`RequestError`, a :class:`RemoteProtocolError` that
carries the status a server should answer with before closing (400 unless
said otherwise above; 431 for an oversized head).
"""

from __future__ import annotations

import enum
from typing import Final

import msgspec

from ._util import LocalProtocolError, RemoteProtocolError
from .http11 import (
    _CHUNKED,
    _DONE,
    _ERROR,
    _HEAD,
    _LENGTH,
    _MAX_LENGTH_DIGITS,
    _OWS,
    _TRAILER,
    _VCHAR,
    END_OF_BODY,
    NEED_DATA,
    EndOfBody,
    NeedData,
    ParseMemo,
    _content_length,
    _MessageParser,
    _remember,
)

__all__ = [
    "CONNECTION_CLOSED",
    "ConnectionClosed",
    "RequestError",
    "RequestHead",
    "RequestParser",
]

_REQUEST_FRAMING_FIELDS = frozenset(
    {b"content-length", b"transfer-encoding", b"connection", b"host"}
)


class ConnectionClosed(enum.Enum):
    """Type of :data:`CONNECTION_CLOSED`: the client closed between requests."""

    CONNECTION_CLOSED = "CONNECTION_CLOSED"


CONNECTION_CLOSED: Final = ConnectionClosed.CONNECTION_CLOSED
"""Returned by :meth:`RequestParser.next_event` (and on every later call) when
EOF came before any byte of a request: the clean end of a connection."""


class RequestError(RemoteProtocolError):
    """The client sent a malformed request or exceeded a bound.

    Attributes:
        status: The status code to answer with (400, 431, 501 or 505) before
            closing the connection.
    """

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class RequestHead(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """The request line and header fields of a request.

    A msgspec Struct for the reason :class:`protocols.http11.ResponseHead` is.

    Attributes:
        method: The method as sent (case-sensitive, e.g. ``b"POST"``).
        target: The request target as sent (not percent-decoded).
        http_version: ``b"1.1"`` or ``b"1.0"`` (another ``b"1.x"`` is kept as
            sent and treated as 1.1).
        headers: ``(name, value)`` pairs in the order received; names
            lower-cased, values stripped of surrounding spaces and tabs.
    """

    method: bytes
    target: bytes
    http_version: bytes
    headers: list[tuple[bytes, bytes]]


def _request_line(line: bytes, names: dict[bytes, bytes]) -> tuple[bytes, bytes, bytes]:
    """Split and check ``method SP target SP HTTP/1.x``; return the three parts."""
    parts = line.split(b" ")
    if len(parts) != 3:
        raise RequestError(f"malformed request line ({len(line)} bytes, {len(parts)} fields)")
    method, target, version = parts
    if method not in names and not _remember(method, names):
        raise RequestError(f"request method {method[:32]!r} is not a token")
    if not target or target.translate(None, _VCHAR):
        raise RequestError(f"request target ({len(target)} bytes) must be non-empty visible ASCII")
    if len(version) != 8 or not version.startswith(b"HTTP/") or version[6] != 46:
        raise RequestError(f"malformed HTTP version {version[:16]!r}")
    major, minor = version[5:6], version[7:8]
    if not major.isdigit() or not minor.isdigit():
        raise RequestError(f"malformed HTTP version {version[:16]!r}")
    if major != b"1":
        raise RequestError(f"unsupported HTTP version {version.decode('ascii')}", status=505)
    return method, target, version[5:]


class RequestParser(_MessageParser):
    """Parses the requests a client sends on ONE connection, in order.

    Feed the bytes as they arrive with :meth:`feed` and call :meth:`next_event`
    until it returns :data:`END_OF_BODY` (the request is complete: consult
    :attr:`keep_alive`, answer, then call :meth:`next_request`),
    :data:`NEED_DATA` (feed more) or :data:`CONNECTION_CLOSED`.

    Errors are terminal: after a :class:`RequestError` every further
    :meth:`next_event` call raises one again; answer with its ``status`` and
    close the connection.
    """

    __slots__ = ()
    _noun = "request"
    _framing_fields = _REQUEST_FRAMING_FIELDS

    def __init__(self, *, max_head_size: int = 64 * 1024, memo: ParseMemo | None = None) -> None:
        """Create a parser for the requests of one connection.

        Args:
            max_head_size: Upper bound, in bytes, on the request line plus
                header fields of one request (and on a trailer section).
            memo: Names and chunk sizes already checked, shared with other
                parsers of the same owner; a fresh one when omitted.
        """
        if max_head_size < 1:
            raise ValueError(f"max_head_size must be positive, got {max_head_size}")
        self._max_head = max_head_size
        self.memo = ParseMemo() if memo is None else memo
        self._buf = b""
        self._pos = 0
        self._eof = False
        self._start()

    def _start(self) -> None:
        self._state = _HEAD
        self._error = ""
        self._scanned = 0
        self._left = 0
        self._length = 0
        self._persistent = False

    def next_request(self) -> None:
        """Start reading the next request, keeping bytes already received.

        Bytes that followed the end of the request (a pipelined request) and
        an EOF already fed carry over to the next one.

        Raises:
            LocalProtocolError: The current request is not complete yet.
        """
        if self._state != _DONE:
            raise LocalProtocolError("next_request() before the end of the current request")
        buf = self._buf
        pos = self._pos
        if pos:
            self._buf = bytes(buf[pos:]) if pos < len(buf) else b""
            self._pos = 0
        elif type(buf) is not bytes:
            self._buf = bytes(buf)
        self._start()

    @property
    def keep_alive(self) -> bool:
        """Whether the client allows another request on this connection.

        False until :data:`END_OF_BODY` has been reached. Then True for an
        HTTP/1.1 request without ``Connection: close`` (HTTP/1.0 only with
        ``Connection: keep-alive``). It only reflects what the client asked
        for: whether more requests actually follow is for
        :meth:`next_event` to tell after :meth:`next_request`.
        """
        return self._state == _DONE and self._persistent

    @property
    def trailing_data(self) -> bytes:
        """Bytes received after the end of this request; ``b""`` before it.

        The start of pipelined requests; :meth:`next_request` keeps them.
        """
        if self._state != _DONE:
            return b""
        return bytes(self._buf[self._pos :])

    def next_event(self) -> RequestHead | bytes | EndOfBody | NeedData | ConnectionClosed:
        """Return the next event of the current request.

        Returns:
            The :class:`RequestHead` once; then the body as ``bytes``: all of
            it that is buffered in one object, never empty; then
            :data:`END_OF_BODY` (on every later call too, until
            :meth:`next_request`). :data:`NEED_DATA` when more bytes must be
            fed first; :data:`CONNECTION_CLOSED` when EOF came before the
            first byte of a request.

        Raises:
            RequestError: The client broke the protocol, exceeded a bound, or
                closed the connection in the middle of a request. Sticky:
                later calls raise again.
        """
        state = self._state
        try:
            if state == _HEAD:
                return self._read_head()
            if state == _LENGTH:
                return self._read_length()
            if state == _DONE:
                return END_OF_BODY
            if state == _CHUNKED:
                return self._read_chunked()
            if state == _TRAILER:
                return self._read_trailer()
        except RemoteProtocolError as exc:
            self._state = _ERROR
            self._error = str(exc)
            if isinstance(exc, RequestError):
                raise
            raise RequestError(str(exc)) from None
        raise RequestError(f"the request was already rejected: {self._error}")

    def _oversize(self, what: str) -> RemoteProtocolError:
        return RequestError(f"{what} larger than {self._max_head} bytes", status=431)

    def _read_head(self) -> RequestHead | EndOfBody | NeedData | ConnectionClosed:
        buf = self._buf
        pos = self._pos
        # Empty lines before a request line are ignored (RFC 9112 section 2.2).
        while True:
            if buf.startswith(b"\r\n", pos):
                pos += 2
            elif buf.startswith(b"\n", pos):
                pos += 1
            else:
                break
        self._pos = pos
        if pos >= len(buf):
            if self._eof:
                return CONNECTION_CLOSED
            return NEED_DATA
        lines = self._take_section("request head")
        if lines is None:
            return NEED_DATA
        method, target, version = _request_line(lines[0], self.memo.names)
        framing: list[tuple[bytes, bytes]] = []
        headers = self._parse_fields(lines, framing)
        self._frame(version, framing)
        return RequestHead(method=method, target=target, http_version=version, headers=headers)

    def _frame(self, version: bytes, framing: list[tuple[bytes, bytes]]) -> None:
        """Choose how the body is delimited and whether the connection persists."""
        close = False
        keep_alive = False
        hosts = 0
        lengths: list[bytes] = []
        codings: list[bytes] = []
        for name, value in framing:
            if name == b"host":
                hosts += 1
            elif name == b"content-length":
                lengths += value.split(b",")
            elif name == b"transfer-encoding":
                codings += value.lower().split(b",")
            else:
                for option in value.lower().split(b","):
                    option = option.strip(_OWS)
                    if option == b"close":
                        close = True
                    elif option == b"keep-alive":
                        keep_alive = True
        http10 = version == b"1.0"
        if hosts != 1 and (hosts or not http10):
            raise RequestError("missing Host header" if not hosts else "more than one Host header")
        self._persistent = not close and (not http10 or keep_alive)
        if codings:
            if http10:
                raise RequestError("HTTP/1.0 request with Transfer-Encoding")
            if lengths:
                raise RequestError("request with both Content-Length and Transfer-Encoding")
            codings = [c for c in (c.strip(_OWS) for c in codings) if c]
            if codings != [b"chunked"]:
                raise RequestError(
                    f"unsupported Transfer-Encoding {b', '.join(codings)[:64]!r}"
                    " (only chunked is supported)",
                    status=501,
                )
            self._left = 0
            self._goto(_CHUNKED)
            return
        if lengths:
            if len(lengths) == 1 and lengths[0].isdigit() and len(lengths[0]) <= _MAX_LENGTH_DIGITS:
                length = int(lengths[0])
            else:
                length = _content_length(lengths)
            self._length = self._left = length
            self._goto(_LENGTH if length else _DONE)
            return
        self._goto(_DONE)
