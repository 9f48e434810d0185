"""Minimal sans-I/O HTTP/1.1 client codec: request heads out, response events in.

Theory of operation
-------------------
Writing is three pure functions: :func:`encode_request_head` builds the head
of a request from headers the caller chose (it adds none), :func:`encode_chunk`
frames one piece of a chunked request body and :data:`END_OF_CHUNKED_BODY`
ends it. A length-framed body needs no framing: send its bytes as they are.

Reading is :class:`ResponseParser`, one per exchange. It is fed the bytes that
arrive (``b""`` at EOF) and hands out, one per :meth:`ResponseParser.next_event`
call: one :class:`ResponseHead` (interim 1xx responses are skipped), then the
body as ``bytes`` (everything buffered in one object), then :data:`END_OF_BODY`.
:data:`NEED_DATA` means "feed me". Its states and the moves between them::

    HEAD ──1xx──▶ HEAD
    HEAD ──▶ DONE        no body: HEAD request, 204, 304, 2xx to CONNECT, or
                         Content-Length: 0
    HEAD ──▶ LENGTH ──▶ DONE            Content-Length: N
    HEAD ──▶ CHUNKED ──▶ (TRAILER ──▶) DONE   Transfer-Encoding: ..., chunked
    HEAD ──▶ UNTIL_EOF ──▶ DONE         no framing header: the body ends at EOF
    any  ──▶ ERROR       a RemoteProtocolError; it is sticky

Inside CHUNKED, ``_left`` is the number of bytes still due for the current
chunk *including* the CRLF that ends its data (2: only that CRLF is due), or 0
while a chunk-size line with no CRLF before it is expected (the first one, or
one whose CRLF came at the very end of the previous feed and was consumed
then). The CRLF ending a chunk's data and the next chunk-size line are looked
up together, as one memo key (``b"\r\n1a2"``), so each chunk costs one
``find`` and one dict lookup, and the whole state is one integer.

Responses that cannot have a body (to HEAD, 204, 304, 2xx to CONNECT) are not
framed at all: their Content-Length and Transfer-Encoding are not interpreted.

Framing follows RFC 9112 section 6.3: Transfer-Encoding (whose last coding must
be ``chunked``) wins over Content-Length; a response with both is read but not
reused. What is tolerated, and why it cannot shift the framing:

* head and trailer lines may end with a bare LF, as h11 accepts (a bare CR is
  refused); chunk-size lines and the end of chunk data must be CRLF, since
  that is where lenient parsers have been tricked into reading different
  bodies;
* a status line without a reason phrase, chunk extensions (ignored) and
  whitespace before ``;`` or at the end of a chunk-size line;
* a Content-Length list of equal values (``5, 5``, as RFC 9110 section 8.6).

Refused, with :class:`RemoteProtocolError`: obs-fold continuation lines,
whitespace between a field name and its colon, NUL anywhere in a head,
HTTP/1.0 responses carrying Transfer-Encoding (RFC 9112 section 6.1), a ``101``
(we never ask to switch protocols), and EOF before the response is complete.

Bounds: a head or trailer section larger than ``max_head_size``, and a
chunk-size line longer than 1 KiB, are errors. Body data is never held back:
each call hands out all of it that is buffered, so nothing else grows.

The server side, :class:`protocols.http11_server.RequestParser`, lives in its
own module and shares everything after the start line with
:class:`ResponseParser` through their private base class ``_MessageParser``:
the buffer, :meth:`~ResponseParser.feed`, length and chunked bodies and the
trailer section.

Speed: the buffer is the last fed ``bytes`` plus an offset; a fed object is
only copied when a previous one left an incomplete line behind (a head that
arrives in many pieces accumulates in a ``bytearray`` so that is linear).
Field names seen before are looked up in a small memo instead of being
checked again, and chunk-size lines likewise: a :class:`ParseMemo`, owned by
whoever creates the parser (each parser makes its own unless one is passed
in, so an HTTP pool can share one among its connections). Its tables are
pure functions of their keys and bounded: a table that fills up is cleared.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Final

import msgspec

from ._util import LocalProtocolError, RemoteProtocolError

__all__ = [
    "END_OF_BODY",
    "END_OF_CHUNKED_BODY",
    "NEED_DATA",
    "EndOfBody",
    "NeedData",
    "ParseMemo",
    "ResponseHead",
    "ResponseParser",
    "encode_chunk",
    "encode_request_head",
]

END_OF_CHUNKED_BODY: Final = b"0\r\n\r\n"
"""The last chunk and the empty trailer section that end a chunked body."""

_TCHAR = b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_VCHAR = bytes(range(0x21, 0x7F))
_HEXDIG = b"0123456789ABCDEFabcdef"
_OWS = b" \t"
_MEMO_MAX = 1024
_MAX_CHUNK_LINE = 1024
# A Content-Length or chunk size above 10**18 (or 16**16) is no real body.
_MAX_LENGTH_DIGITS = 18
_MAX_SIZE_DIGITS = 16


class ParseMemo:
    """Decisions already made about bytes seen before, so they are not made again.

    Every table is a memo of a pure function of its key, bounded by clearing
    it once it holds 1,024 entries, so sharing one among the parsers (and
    request encoders) of one owner changes nothing but speed. Not thread-safe:
    one owner, one thread.

    Attributes:
        names: Field names (and methods) known to be tokens, to their
            lower-case form.
        sizes: The first chunk-size line of a body, to its size.
        sizes_after_data: A chunk-size line with the CRLF that ends the
            previous chunk's data in front (one lookup checks both), to its size.
    """

    __slots__ = ("names", "sizes", "sizes_after_data")

    def __init__(self) -> None:
        self.names: dict[bytes, bytes] = {}
        self.sizes: dict[bytes, int] = {}
        self.sizes_after_data: dict[bytes, int] = {}


class NeedData(enum.Enum):
    """Type of :data:`NEED_DATA`: the parser needs more bytes (or EOF)."""

    NEED_DATA = "NEED_DATA"


class EndOfBody(enum.Enum):
    """Type of :data:`END_OF_BODY`: the response is complete."""

    END_OF_BODY = "END_OF_BODY"


NEED_DATA: Final = NeedData.NEED_DATA
"""Returned by :meth:`ResponseParser.next_event` until more bytes are fed."""

END_OF_BODY: Final = EndOfBody.END_OF_BODY
"""Returned by :meth:`ResponseParser.next_event` once the body is complete
(and on every later call); :attr:`ResponseParser.keep_alive` is then valid."""


class ResponseHead(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """The status line and header fields of the final response.

    A msgspec Struct because it is the cheapest frozen, keyword-only object to
    build; ``gc=False`` is safe as long as nobody stores the head inside its
    own ``headers`` list.

    Attributes:
        status_code: The three-digit status code, 200 or more.
        reason: The reason phrase as sent (may be ``b""``).
        http_version: ``b"1.1"`` or ``b"1.0"`` (another ``b"1.x"`` a server
            claims is kept as sent and treated as 1.1).
        headers: ``(name, value)`` pairs in the order received; names
            lower-cased, values stripped of surrounding spaces and tabs.
    """

    status_code: int
    reason: bytes
    http_version: bytes
    headers: list[tuple[bytes, bytes]]


# ---------------------------------------------------------------- writing


def _remember(token: bytes, names: dict[bytes, bytes]) -> bool:
    """Check that ``token`` is an RFC 9110 token and memoise it in ``names`` if so."""
    if not token or token.translate(None, _TCHAR):
        return False
    if len(names) >= _MEMO_MAX:
        names.clear()
    names[token] = token.lower()
    return True


def _describe_bad_name(name: bytes) -> str:
    # Quote only the valid prefix: a misused name such as
    # b"Authorization: Bearer sk-..." must not put the key in a log.
    bad = len(name) - len(name.lstrip(_TCHAR))
    if not name:
        return "empty header name"
    return (
        f"invalid header name {name[: min(bad, 32)]!r}...: byte {bad} is "
        f"0x{name[bad]:02x}, not a token character"
    )


def encode_request_head(
    method: bytes,
    target: bytes,
    headers: Sequence[tuple[bytes, bytes]],
    memo: ParseMemo | None = None,
) -> bytes:
    """Build the head of an HTTP/1.1 request.

    The header fields are written in order and as given (names keep their
    case); nothing is added, so the caller supplies ``Host`` and the body's
    ``Content-Length`` or ``Transfer-Encoding: chunked``. Spaces and tabs
    around a value are stripped (RFC 9110 excludes them from the value).

    Args:
        method: The request method, an RFC 9110 token such as ``b"POST"``.
        target: The request target (origin or absolute form), visible ASCII.
        headers: ``(name, value)`` pairs. A name must be a non-empty token; a
            value must not contain CR, LF or NUL (other bytes pass through).
        memo: Where names already checked are remembered (a connection
            passes its parser's :attr:`~ResponseParser.memo`); a fresh one
            when omitted.

    Returns:
        ``b"METHOD target HTTP/1.1\\r\\nName: value\\r\\n...\\r\\n"``.

    Raises:
        LocalProtocolError: An argument is invalid. The message names the
            offending header but never quotes a value (values can be keys),
            nor the target.
    """
    names = (memo or ParseMemo()).names
    if method not in names and not _remember(method, names):
        raise LocalProtocolError(f"request method {method[:32]!r} is not a token")
    if not target or target.translate(None, _VCHAR):
        raise LocalProtocolError(
            f"request target ({len(target)} bytes) must be non-empty visible ASCII"
        )
    parts = [method + b" " + target + b" HTTP/1.1"]
    append = parts.append
    for name, value in headers:
        if name not in names and not _remember(name, names):
            raise LocalProtocolError(_describe_bad_name(name))
        append(name + b": " + value.strip(_OWS))
    append(b"\r\n")
    head = b"\r\n".join(parts)
    # One pass over the whole head instead of three per value: it holds
    # exactly one CR and one LF per line we joined, and no NUL, unless a
    # value brought its own.
    if len(head.translate(None, b"\r\n\0")) != len(head) - 2 * len(parts):
        for name, value in headers:
            if b"\r" in value or b"\n" in value or b"\0" in value:
                raise LocalProtocolError(
                    f"value of header {name.decode('ascii')!r} contains CR, LF or NUL"
                )
    return head


def encode_chunk(data: bytes) -> bytes:
    """Frame ``data`` as one chunk of a chunked request body.

    Args:
        data: The chunk's payload; must be non-empty (an empty chunk would end
            the body: send :data:`END_OF_CHUNKED_BODY` for that).

    Returns:
        ``b"<size in hex>\\r\\n" + data + b"\\r\\n"``.

    Raises:
        LocalProtocolError: ``data`` is empty.
    """
    if not data:
        raise LocalProtocolError("encode_chunk() needs data; END_OF_CHUNKED_BODY ends the body")
    return b"%x\r\n%b\r\n" % (len(data), data)


# ---------------------------------------------------------------- reading

_HEAD: Final = 0
_LENGTH: Final = 1
_CHUNKED: Final = 2
_TRAILER: Final = 3
_UNTIL_EOF: Final = 4
_DONE: Final = 5
_ERROR: Final = 6

_STATE_NAMES: Final = ("HEAD", "LENGTH", "CHUNKED", "TRAILER", "UNTIL_EOF", "DONE", "ERROR")
_TRANSITIONS: Final[dict[int, frozenset[int]]] = {
    _HEAD: frozenset({_HEAD, _DONE, _LENGTH, _CHUNKED, _UNTIL_EOF}),
    _LENGTH: frozenset({_DONE}),
    _CHUNKED: frozenset({_TRAILER, _DONE}),
    _TRAILER: frozenset({_DONE}),
    _UNTIL_EOF: frozenset({_DONE}),
    _DONE: frozenset(),
    _ERROR: frozenset(),
}

_STATUS_PREFIX = b"HTTP/1."
_FRAMING_FIELDS = frozenset({b"content-length", b"transfer-encoding", b"connection"})


def _field_name(
    name: bytes, colon: bytes, line: bytes, noun: str, names: dict[bytes, bytes]
) -> bytes:
    """Validate the name of a field line ``names`` did not know; return it lower-cased."""
    if not colon:
        if line[:1] in (b" ", b"\t"):
            raise RemoteProtocolError(f"obs-fold continuation line in {noun} head")
        raise RemoteProtocolError(f"header line without a colon ({len(line)} bytes)")
    if _remember(name, names):
        return names[name]
    if name[:1] in (b" ", b"\t"):
        raise RemoteProtocolError(f"obs-fold continuation line in {noun} head")
    if name.rstrip(_OWS) != name:
        raise RemoteProtocolError(f"whitespace before the colon of header {name.rstrip()!r}")
    raise RemoteProtocolError(_describe_bad_name(name))


def _content_length(values: list[bytes]) -> int:
    """Parse Content-Length values (several must agree), already split on commas."""
    length = -1
    for value in values:
        value = value.strip(_OWS)
        if not value.isdigit() or len(value) > _MAX_LENGTH_DIGITS:
            raise RemoteProtocolError(f"malformed Content-Length {value[:32]!r}")
        if length >= 0 and int(value) != length:
            raise RemoteProtocolError("conflicting Content-Length values")
        length = int(value)
    return length


def _split_lenient(block: bytes, noun: str) -> list[bytes]:
    """Split a section whose lines end with CRLF or a bare LF."""
    if b"\0" in block:
        raise RemoteProtocolError(f"NUL in {noun} head")
    lines = [line[:-1] if line[-1:] == b"\r" else line for line in block.split(b"\n")]
    lines.pop()
    for line in lines:
        if b"\r" in line:
            raise RemoteProtocolError(f"bare CR in {noun} head")
    return lines


def _chunk_size(line: bytes, memo: dict[bytes, int], after_data: bool) -> int:
    """Parse a chunk-size line ``memo`` did not know (extensions are ignored).

    A line that follows chunk data (``after_data``) starts with the CRLF that
    ends the data, so that one lookup checks both.
    """
    key = line
    if after_data:
        if line[:2] != b"\r\n":
            raise RemoteProtocolError("chunk data not followed by CRLF")
        line = line[2:]
    digits, semi, ext = line.partition(b";")
    digits = digits.rstrip(_OWS)
    if (
        not digits
        or digits.translate(None, _HEXDIG)
        or len(digits.lstrip(b"0")) > _MAX_SIZE_DIGITS
        or (semi and (b"\r" in ext or b"\n" in ext or b"\0" in ext))
    ):
        raise RemoteProtocolError(f"malformed chunk-size line {line[:40]!r}")
    size = int(digits, 16)
    if len(key) <= 32:
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        memo[key] = size
    return size


class _MessageParser:
    """What request and response parsers share: the buffer, bodies, trailers.

    A subclass reads its own start line and decides the framing, then moves to
    LENGTH, CHUNKED or DONE; from there on both directions are the same
    protocol, so the body code (the part worth optimising) exists once. The
    class attributes name the message in errors and pick the header fields
    whose values :meth:`_parse_fields` copies for the framing decision.
    """

    __slots__ = (
        "_buf",
        "_eof",
        "_error",
        "_left",
        "_length",
        "_max_head",
        "_persistent",
        "_pos",
        "_scanned",
        "_state",
        "memo",
    )

    _noun: str = "message"
    _framing_fields: frozenset[bytes] = _FRAMING_FIELDS
    _buf: bytes | bytearray
    _pos: int
    _state: int
    _eof: bool
    _error: str
    _scanned: int
    _left: int
    _length: int
    _persistent: bool
    _max_head: int
    memo: ParseMemo

    def _oversize(self, what: str) -> RemoteProtocolError:
        """The error for a head or trailer section above ``max_head_size``."""
        return RemoteProtocolError(f"{what} larger than {self._max_head} bytes")

    def feed(self, data: bytes) -> None:
        """Add bytes received from the peer.

        Args:
            data: The bytes that arrived, or ``b""`` when the peer closed
                its side (EOF; feeding ``b""`` again is harmless). After EOF
                only events already buffered come out, then the message
                either completes (a close-delimited body) or is reported cut.

        Raises:
            LocalProtocolError: Non-empty data fed after EOF.
        """
        if not data:
            self._eof = True
            return
        if self._eof:
            raise LocalProtocolError(f"{type(self).__name__}.feed() called with data after EOF")
        buf = self._buf
        pos = self._pos
        if pos >= len(buf):
            self._buf = data if type(data) is bytes else bytes(data)
            self._pos = 0
        elif self._state == _HEAD or self._state == _TRAILER:
            # A section still incomplete: grow it in place, so that a head fed
            # in many small pieces costs linear time.
            if not isinstance(buf, bytearray):
                buf = bytearray(memoryview(buf)[pos:])
            elif pos:
                del buf[:pos]
            buf += data
            self._buf = buf
            self._pos = 0
        else:
            # Body states leave at most a partial chunk-size line behind.
            self._buf = bytes(buf[pos:]) + data
            self._pos = 0

    def _goto(self, state: int) -> None:
        if state not in _TRANSITIONS[self._state]:
            raise LocalProtocolError(
                f"impossible transition {_STATE_NAMES[self._state]} -> {_STATE_NAMES[state]}"
            )
        self._state = state

    def _take_section(self, what: str) -> list[bytes] | None:
        """Cut a section of lines ending with a blank line off the buffer.

        Returns its lines without their endings and without the blank line,
        or None when the blank line has not arrived yet.
        """
        buf = self._buf
        pos = self._pos
        n = len(buf)
        start = pos + self._scanned
        # Fast path: CRLF line endings only. Splitting on CRLF leaves k + 1
        # pieces, so the block holds at least k CR and k LF; deleting CR, LF
        # and NUL removes exactly 2k bytes only when it holds no others.
        end = buf.find(b"\r\n\r\n", start)
        if end >= 0 and end + 4 - pos <= self._max_head:
            block = buf[pos : end + 2]
            if type(block) is not bytes:
                block = bytes(block)
            lines = block.split(b"\r\n")
            if len(block.translate(None, b"\r\n\0")) == len(block) - 2 * len(lines) + 2:
                lines.pop()
                self._consume_section(end + 4)
                return lines
        # General path: bare LF line endings, a bare CR or a NUL somewhere,
        # or an oversized section.
        crlf = buf.find(b"\n\r\n", start)
        lf = buf.find(b"\n\n", start, crlf + 1 if crlf >= 0 else n)
        if lf >= 0:
            end, after = lf + 1, lf + 2
        elif crlf >= 0:
            end, after = crlf + 1, crlf + 3
        else:
            if n - pos > self._max_head:
                raise self._oversize(what)
            if self._eof:
                raise RemoteProtocolError(f"the {self._noun} was cut in its {what}")
            # A blank line straddling the next feed starts in the last 3 bytes.
            self._scanned = max(0, n - pos - 3)
            return None
        if after - pos > self._max_head:
            raise self._oversize(what)
        lines = _split_lenient(bytes(buf[pos:end]), self._noun)
        self._consume_section(after)
        return lines

    def _consume_section(self, after: int) -> None:
        self._scanned = 0
        buf = self._buf
        if type(buf) is bytes:
            self._pos = after
        else:
            # Leaving the state that accumulates: back to plain bytes.
            self._buf = bytes(memoryview(buf)[after:])
            self._pos = 0

    def _parse_fields(
        self, lines: list[bytes], framing: list[tuple[bytes, bytes]]
    ) -> list[tuple[bytes, bytes]]:
        """Parse ``lines[1:]`` as field lines; copy framing fields to ``framing``."""
        names = self.memo.names
        get = names.get
        framing_fields = self._framing_fields
        ows = _OWS
        headers: list[tuple[bytes, bytes]] = []
        append = headers.append
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            lower = get(name)
            if lower is None or not colon:
                lower = _field_name(name, colon, line, self._noun, names)
            field = (lower, value.strip(ows))
            if lower in framing_fields:
                framing.append(field)
            append(field)
        return headers

    def _read_length(self) -> bytes | EndOfBody | NeedData:
        buf = self._buf
        pos = self._pos
        avail = len(buf) - pos
        if not avail:
            if self._eof:
                raise RemoteProtocolError(
                    f"the {self._noun} body was cut: {self._left} of {self._length} bytes missing"
                )
            return NEED_DATA
        left = self._left
        if avail <= left:
            data = buf[pos:] if pos else buf
            self._pos = len(buf)
            left -= avail
        else:
            data = buf[pos : pos + left]
            self._pos = pos + left
            left = 0
        self._left = left
        if not left:
            self._goto(_DONE)
        return data if type(data) is bytes else bytes(data)

    def _read_chunked(self) -> bytes | EndOfBody | NeedData:
        buf = self._buf
        pos = self._pos
        n = len(buf)
        if pos >= n:
            if self._eof:
                raise self._cut_chunk()
            return NEED_DATA
        if type(buf) is not bytes:
            buf = self._buf = bytes(memoryview(buf)[pos:])
            n -= pos
            pos = self._pos = 0
        left = self._left
        pieces: list[bytes] = []
        append = pieces.append
        if left > 2:
            # Inside chunk data.
            end = pos + left - 2
            if end > n:
                self._left = left - (n - pos)
                self._release()
                return buf[pos:] if pos else buf
            append(buf[pos:end])
            pos = end
        elif left == 0:
            # The first chunk-size line of the body (or one whose preceding
            # CRLF was consumed with the previous feed).
            eol = buf.find(b"\r\n", pos, pos + _MAX_CHUNK_LINE + 2)
            if eol < 0:
                if n - pos >= _MAX_CHUNK_LINE + 2:
                    raise RemoteProtocolError(
                        f"chunk-size line longer than {_MAX_CHUNK_LINE} bytes"
                    )
                if self._eof:
                    raise self._cut_chunk()
                return NEED_DATA
            line = buf[pos:eol]
            sizes = self.memo.sizes
            size = sizes.get(line)
            if size is None:
                size = _chunk_size(line, sizes, False)
            pos = eol + 2
            if not size:
                return self._last_chunk(pos)
            end = pos + size
            if end > n:
                self._left = end - n + 2
                self._pos = n
                if pos < n:
                    return buf[pos:]
                if self._eof:
                    raise self._cut_chunk()
                return NEED_DATA
            if end + 2 == n and buf.startswith(b"\r\n", end):
                # Exactly one chunk was fed (a streamed token): skip the loop.
                self._release()
                return buf[pos:end]
            append(buf[pos:end])
            pos = end
        # Here pos is at the CRLF that must end the data of a chunk. It and
        # the next chunk-size line are looked up together ("\r\n1a2" is one
        # memo key), so the loop does one find and one lookup per chunk.
        after_data = self.memo.sizes_after_data
        get = after_data.get
        limit = _MAX_CHUNK_LINE + 4
        left = 2
        while True:
            eol = buf.find(b"\r\n", pos + 2, pos + limit)
            if eol < 0:
                break
            size = get(buf[pos:eol])
            if size is None:
                size = _chunk_size(buf[pos:eol], after_data, True)
            start = eol + 2
            if not size:
                if not pieces:
                    return self._last_chunk(start)
                self._pos = start
                self._last_chunk_seen()
                return pieces[0] if len(pieces) == 1 else b"".join(pieces)
            end = start + size
            if end > n:
                if start < n:
                    append(buf[start:])
                left = end - n + 2
                pos = n
                break
            append(buf[start:end])
            pos = end
        if left == 2:
            if n - pos >= limit:
                raise RemoteProtocolError(f"chunk-size line longer than {_MAX_CHUNK_LINE} bytes")
            if buf.startswith(b"\r\n", pos):
                if pos + 2 == n:
                    # Consume the CRLF now, so that the next feed need not be
                    # appended to it (one chunk per feed is common).
                    pos = n
                    left = 0
            elif pos < n and (n - pos >= 2 or buf[pos] != 13):
                raise RemoteProtocolError("chunk data not followed by CRLF")
        self._left = left
        if pos == n:
            self._release()
        else:
            self._pos = pos
        if pieces:
            return pieces[0] if len(pieces) == 1 else b"".join(pieces)
        if self._eof:
            raise self._cut_chunk()
        return NEED_DATA

    def _release(self) -> None:
        """Drop the buffer once every byte of it is consumed.

        The body just returned is a copy, and the caller holds it (and the
        events decoded from it) until it asks for more, which is when the
        next feed would replace the buffer: holding both doubled the memory
        of a stream that read a backlog of events at once.
        """
        self._buf = b""
        self._pos = 0

    def _last_chunk_seen(self) -> None:
        """Move past the last chunk (``_pos`` is just after its size line)."""
        self._left = 0
        self._goto(_TRAILER)
        if self._buf.startswith(b"\r\n", self._pos):
            self._pos += 2
            self._goto(_DONE)

    def _last_chunk(self, pos: int) -> EndOfBody | NeedData:
        self._pos = pos
        self._last_chunk_seen()
        return END_OF_BODY if self._state == _DONE else self._read_trailer()

    def _cut_chunk(self) -> RemoteProtocolError:
        left = self._left
        missing = f"{left - 2} bytes of a chunk and more" if left > 2 else "at least 5 bytes"
        return RemoteProtocolError(f"the chunked {self._noun} body was cut: {missing} missing")

    def _read_trailer(self) -> EndOfBody | NeedData:
        buf = self._buf
        pos = self._pos
        if buf.startswith(b"\n", pos):
            # A bare-LF empty trailer section, as for head lines.
            self._pos = pos + 1
        elif buf.startswith(b"\r\n", pos):
            self._pos = pos + 2
        else:
            lines = self._take_section("chunked trailer section")
            if lines is None:
                return NEED_DATA
            # Trailer fields are validated like header fields, then dropped.
            lines.insert(0, b"")
            self._parse_fields(lines, [])
        self._goto(_DONE)
        return END_OF_BODY


class ResponseParser(_MessageParser):
    """Parses ONE HTTP/1.1 response to a request the caller sent.

    Create one per exchange, or call :meth:`reset` to reuse it (both cheap).
    Feed the bytes as they arrive with :meth:`feed` and call
    :meth:`next_event` until it returns :data:`NEED_DATA` (feed more) or
    :data:`END_OF_BODY` (done: consult :attr:`keep_alive` and
    :attr:`trailing_data`).

    Errors are terminal: after a :class:`RemoteProtocolError` every further
    :meth:`next_event` call raises one again, and the connection must be
    closed.
    """

    __slots__ = ("_method",)
    _noun = "response"

    def __init__(
        self,
        *,
        request_method: bytes,
        max_head_size: int = 64 * 1024,
        memo: ParseMemo | None = None,
    ) -> None:
        """Create a parser for the response to one request.

        Args:
            request_method: The method of the request this response answers
                (``b"HEAD"`` responses have no body; a 2xx answer to
                ``b"CONNECT"`` has none either and leaves a tunnel).
            max_head_size: Upper bound, in bytes, on the status line plus
                header fields of one response (and on a trailer section).
            memo: Names and chunk sizes already checked, shared with other
                parsers of the same owner; a fresh one when omitted.
        """
        if max_head_size < 1:
            raise ValueError(f"max_head_size must be positive, got {max_head_size}")
        self._max_head = max_head_size
        self.memo = ParseMemo() if memo is None else memo
        self.reset(request_method=request_method)

    def reset(self, *, request_method: bytes) -> None:
        """Forget everything, including buffered bytes, and await a new response.

        Args:
            request_method: The method of the next request.
        """
        self._method = request_method
        self._buf = b""
        self._pos = 0
        self._state = _HEAD
        self._eof = False
        self._error = ""
        # HEAD, TRAILER: bytes after _pos already searched for the blank line.
        self._scanned = 0
        # LENGTH: body bytes still due. CHUNKED: see the module docstring.
        self._left = 0
        self._length = 0
        self._persistent = False

    @property
    def keep_alive(self) -> bool:
        """Whether the connection can carry the next request.

        False until :data:`END_OF_BODY` has been reached. Then True for an
        HTTP/1.1 response without ``Connection: close`` (HTTP/1.0 only with
        ``Connection: keep-alive``) whose body was framed by length or
        chunking (or absent), unless EOF was fed or bytes beyond the response
        were received (:attr:`trailing_data`).
        """
        return (
            self._state == _DONE
            and self._persistent
            and not self._eof
            and self._pos >= len(self._buf)
        )

    @property
    def trailing_data(self) -> bytes:
        """Bytes received after the end of this response; ``b""`` before it.

        Normally empty. After a 2xx answer to CONNECT these are the first
        bytes of the tunnel; otherwise the server sent garbage or pipelined
        bytes, and the connection should be closed.
        """
        if self._state != _DONE:
            return b""
        return bytes(self._buf[self._pos :])

    def next_event(self) -> ResponseHead | bytes | EndOfBody | NeedData:
        """Return the next event of the response.

        Returns:
            The :class:`ResponseHead` once; then the body as ``bytes``: all of
            it that is buffered in one object (for a chunked body, the joined
            payloads of every buffered chunk, including the buffered part of
            an incomplete one), never empty; then :data:`END_OF_BODY` (on
            every later call too). :data:`NEED_DATA` when more bytes must be
            fed first.

        Raises:
            RemoteProtocolError: The server broke the protocol, exceeded a
                bound, or closed the connection before the response was
                complete. Sticky: later calls raise again.
        """
        state = self._state
        try:
            if state == _CHUNKED:
                return self._read_chunked()
            if state == _LENGTH:
                return self._read_length()
            if state == _HEAD:
                return self._read_head()
            if state == _DONE:
                return END_OF_BODY
            if state == _UNTIL_EOF:
                return self._read_until_eof()
            if state == _TRAILER:
                return self._read_trailer()
        except RemoteProtocolError as exc:
            self._state = _ERROR
            self._error = str(exc)
            raise
        raise RemoteProtocolError(f"the response was already rejected: {self._error}")

    def _read_head(self) -> ResponseHead | bytes | EndOfBody | NeedData:
        while True:
            buf = self._buf
            pos = self._pos
            avail = len(buf) - pos
            if avail == 0 and self._eof:
                raise RemoteProtocolError("the server closed the connection without a response")
            if not buf.startswith(_STATUS_PREFIX[:avail], pos):
                raise RemoteProtocolError("the response does not start with 'HTTP/1.'")
            lines = self._take_section("response head")
            if lines is None:
                return NEED_DATA
            status = lines[0]
            code = status[9:12]
            if (
                len(status) < 12
                or not status.startswith(_STATUS_PREFIX)
                or not status[7:8].isdigit()
                or status[8] != 32
                or not code.isdigit()
                or (len(status) > 12 and status[12] != 32)
            ):
                raise RemoteProtocolError(f"malformed status line {status[:64]!r}")
            status_code = int(code)
            if status_code < 200:
                if status_code == 101:
                    raise RemoteProtocolError("unexpected 101 Switching Protocols")
                if status_code < 100:
                    raise RemoteProtocolError(f"malformed status line {status[:64]!r}")
                self._parse_fields(lines, [])
                self._goto(_HEAD)
                continue
            framing: list[tuple[bytes, bytes]] = []
            headers = self._parse_fields(lines, framing)
            version = status[5:8]
            head = ResponseHead(
                status_code=status_code,
                reason=status[13:],
                http_version=version,
                headers=headers,
            )
            self._frame(status_code, version, framing)
            return head

    def _frame(self, status: int, version: bytes, framing: list[tuple[bytes, bytes]]) -> None:
        """Choose how the body is delimited and whether the connection persists."""
        close = False
        keep_alive = False
        lengths: list[bytes] = []
        codings: list[bytes] = []
        for name, value in framing:
            if name == b"content-length":
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
        self._persistent = not close and (version != b"1.0" or keep_alive)
        method = self._method
        if (
            status == 204
            or status == 304
            or method == b"HEAD"
            or (method == b"CONNECT" and status < 300)
        ):
            if method == b"CONNECT" and status < 300:
                self._persistent = False
            self._goto(_DONE)
            return
        if codings:
            if version == b"1.0":
                raise RemoteProtocolError("HTTP/1.0 response with Transfer-Encoding")
            codings = [c for c in (c.strip(_OWS) for c in codings) if c]
            if not codings or codings[-1] != b"chunked" or b"chunked" in codings[:-1]:
                raise RemoteProtocolError(
                    f"unsupported Transfer-Encoding {b', '.join(codings)[:64]!r}"
                    " (the last coding must be chunked, once)"
                )
            if lengths:
                # Both framings at once hints at smuggling: read by chunks (RFC
                # 9112 section 6.3) but never reuse the connection.
                self._persistent = False
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
        self._persistent = False
        self._goto(_UNTIL_EOF)

    def _read_until_eof(self) -> bytes | EndOfBody | NeedData:
        buf = self._buf
        pos = self._pos
        if pos < len(buf):
            self._pos = len(buf)
            return bytes(buf[pos:]) if pos or type(buf) is not bytes else buf
        if self._eof:
            self._goto(_DONE)
            return END_OF_BODY
        return NEED_DATA
