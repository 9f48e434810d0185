"""Incremental Server-Sent Events decoder: bytes in, events out.

Theory of operation
-------------------
The decoder follows the WHATWG "event stream interpretation" algorithm, but on
bytes, so that event payloads can be handed out without decoding or copying:

* Lines end with LF, CR or CRLF. A CR that ends one fed piece terminates its
  line at once; an LF at the start of the next piece is then swallowed, so a
  CRLF split across two feeds never makes an extra blank line.
* A UTF-8 byte order mark at the very start of the stream is dropped once,
  even when its three bytes arrive in separate feeds.
* A line starting with ``:`` is a comment. ``name:value`` is a field (one space
  after the colon is removed); a line without a colon is a field whose value is
  empty. The fields are ``event``, ``data`` (several data lines are joined with
  LF), ``id`` (ignored when the value contains NUL; otherwise it sets the last
  event ID, which persists across events) and ``retry`` (ASCII digits only).
  Other fields are ignored.
* A blank line dispatches the event, unless no ``data`` line was seen (an empty
  ``data:`` line counts: it dispatches an event whose data is ``b""``).

Deliberate deviation, "flush at EOF": WHATWG discards an event that is not
followed by a blank line when the stream ends. OpenAI servers sometimes close a
stream without that final blank line, so :meth:`SSEDecoder.end` treats an
unterminated last line as a line and dispatches a pending event that has data.

Fast path: OpenAI streams are almost entirely blocks of the form
``data: <json>\\n\\n``. While no event is half-built and no CR lies ahead, the
decoder finds each block with one C-level search plus one prefix check and
hands out the payload as a ``bytes`` slice of the fed bytes, running no
per-line Python code. (Not a ``memoryview`` slice: for an event of a few
hundred bytes a copy costs no more than a view, and a view is two objects
the garbage collector tracks, one of which keeps the whole fed chunk alive:
with thousands of paced streams open, those objects are most of what it
walks.) Anything else (CR line endings,
comments, several fields, ``event:``/``id:`` lines, a block cut by the end of
a feed) goes through the general line parser. Only the incomplete last line of
a feed is carried over to the next one; a fed chunk is never re-concatenated.

Bounds: a single line, the data of a single event, or an unterminated tail
longer than ``max_event_size`` bytes raises :class:`RemoteProtocolError`.
"""

from __future__ import annotations

import msgspec

from ._util import LocalProtocolError, RemoteProtocolError

__all__ = ["ServerSentEvent", "SSEDecoder"]

_BOM = b"\xef\xbb\xbf"
_LF = 10
_SPACE = 32
_COLON = 58
# int() refuses strings over 4300 digits (CVE-2020-10735 guard); a reconnection
# delay with more than 18 digits is meaningless anyway, so such values are
# ignored like any other invalid retry field.
_MAX_RETRY_DIGITS = 18


class ServerSentEvent(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """One dispatched event.

    A msgspec Struct because it is the cheapest frozen, keyword-only object to
    build in CPython (several times cheaper than a ``__slots__`` class with a
    keyword-only ``__init__``), and one is built per streamed chunk.

    Attributes:
        event: The event type, or None when the stream gave none (or an empty
            one). WHATWG's default type ``"message"`` is left to the consumer.
        data: The data lines joined with ``b"\\n"``, as ``bytes`` (it may be
            a ``memoryview`` when built by hand). It does not keep the bytes
            passed to :meth:`SSEDecoder.feed` alive.
        id: The last event ID at dispatch time (it persists across events, as
            WHATWG says), or None when it is unset or empty.
        retry: The value of this event's last valid ``retry`` field, if any.
    """

    event: str | None = None
    data: bytes | memoryview = b""
    id: str | None = None
    retry: int | None = None

    @property
    def text(self) -> str:
        """The data decoded as UTF-8, invalid bytes replaced (as WHATWG decodes)."""
        return str(self.data, "utf-8", "replace")


class SSEDecoder:
    """Decode a ``text/event-stream`` body fed in pieces of any size.

    Feed bytes as they arrive with :meth:`feed`; call :meth:`end` once at EOF.
    Errors are terminal: after :class:`RemoteProtocolError` the decoder's state
    is unspecified and the stream should be abandoned (events completed in the
    same :meth:`feed` call before the error are lost with it).
    """

    __slots__ = (
        "_bom_prefix",
        "_data",
        "_data_size",
        "_ended",
        "_event",
        "_last_id",
        "_max",
        "_retry",
        "_skip_lf",
        "_tail",
        "_tail_size",
    )

    def __init__(self, *, max_event_size: int = 16 * 1024 * 1024) -> None:
        """Create a decoder at the start of a stream.

        Args:
            max_event_size: Upper bound, in bytes, on one line, on the data of
                one event and on the unterminated tail kept between feeds.
        """
        if max_event_size < 1:
            raise ValueError(f"max_event_size must be positive, got {max_event_size}")
        self._max = max_event_size
        # None once the start of the stream has been checked for a BOM;
        # until then, the bytes seen so far (a strict prefix of the BOM).
        self._bom_prefix: bytes | None = b""
        self._ended = False
        self._skip_lf = False
        # The incomplete last line, in pieces, so that a long line arriving in
        # tiny feeds is joined once instead of re-concatenated per feed.
        self._tail: list[bytes] = []
        self._tail_size = 0
        # The event being built. The last event ID is not part of it: it
        # persists across events.
        self._data: list[bytes] = []
        self._data_size = 0
        self._event: str | None = None
        self._retry: int | None = None
        self._last_id: str | None = None

    @property
    def last_event_id(self) -> str | None:
        """The last event ID buffer (for a ``Last-Event-ID`` reconnect header)."""
        return self._last_id

    def feed(self, data: bytes) -> list[ServerSentEvent]:
        """Consume the next piece of the stream.

        Args:
            data: The bytes that arrived. ``b""`` is not EOF (call :meth:`end`).

        Returns:
            The events completed by ``data``, in stream order.

        Raises:
            LocalProtocolError: Called after :meth:`end`.
            RemoteProtocolError: A line or event exceeds ``max_event_size``.
        """
        if self._ended:
            raise LocalProtocolError("SSEDecoder.feed() called after end()")
        if type(data) is not bytes:
            # Slices of a mutable buffer handed out as event data would be
            # mutable too; freeze it once.
            data = bytes(data)
        if self._bom_prefix is not None:
            data = self._strip_bom(data)
        if not data:
            return []
        out: list[ServerSentEvent] = []
        pos = 0
        if self._skip_lf:
            self._skip_lf = False
            if data[0] == _LF:
                pos = 1
        if self._tail:
            pos = self._finish_tail(data, pos, out)
            if pos < 0:
                return out
        n = len(data)
        find = data.find
        startswith = data.startswith
        append = out.append
        event_type = ServerSentEvent
        limit = self._max
        # When all of data fits the bound, no line in it can exceed it,
        # and the fast path can skip the per-event size check.
        small = n - pos <= limit
        cr = find(b"\r", pos)
        if cr < 0:
            cr = n
        # Fast-path state is kept in locals and re-read after the general
        # parser ran, since only the general parser changes it.
        clean = not self._data and self._event is None and self._retry is None
        last_id = self._last_id
        while True:
            if clean and startswith(b"data: ", pos):
                # A run of "data: <payload>\n\n" blocks with no CR ahead:
                # each is one single-line event, a slice of the fed bytes.
                # Checking that the next block starts with "data: " in the
                # same call that checks for the blank line keeps this loop to
                # one find and one startswith per event.
                while True:
                    nl = find(b"\n", pos, cr)
                    if nl < 0 or not (small or nl - pos <= limit):
                        break
                    if startswith(b"\ndata: ", nl + 1):
                        append(event_type(data=data[pos + 6 : nl], id=last_id))
                        pos = nl + 2
                        continue
                    if nl + 1 < n and data[nl + 1] == _LF:
                        append(event_type(data=data[pos + 6 : nl], id=last_id))
                        pos = nl + 2
                    break
            if pos == n:
                break
            # The general parser: one line, whatever it holds.
            nl = find(b"\n", pos)
            if nl < 0:
                nl = n
            if nl < cr:
                line = data[pos:nl]
                pos = nl + 1
            elif cr < nl:
                line = data[pos:cr]
                pos = cr + 1
                if pos == n:
                    self._skip_lf = True
                elif data[pos] == _LF:
                    pos += 1
                cr = find(b"\r", pos)
                if cr < 0:
                    cr = n
            else:
                break
            clean = self._line(line, out)
            last_id = self._last_id
        if pos < n:
            size = n - pos
            if size > limit:
                raise self._too_big("line")
            self._tail.append(data[pos:])
            self._tail_size = size
        return out

    def end(self) -> list[ServerSentEvent]:
        """Signal EOF and flush.

        Unlike WHATWG, which drops an event not closed by a blank line, this
        treats an unterminated last line as a line and dispatches a pending
        event that has data, because OpenAI servers sometimes omit the final
        blank line. Calling it again returns ``[]``.

        Returns:
            The events completed by the end of the stream.

        Raises:
            RemoteProtocolError: The unterminated last line exceeds the bound.
        """
        if self._ended:
            return []
        self._ended = True
        out: list[ServerSentEvent] = []
        if self._bom_prefix:
            # A partial BOM followed by EOF was not a BOM after all.
            self._tail.append(self._bom_prefix)
        self._bom_prefix = None
        if self._tail:
            line = b"".join(self._tail)
            self._tail.clear()
            self._tail_size = 0
            self._line(line, out)
        self._line(b"", out)
        return out

    def _strip_bom(self, data: bytes) -> bytes:
        head = self._bom_prefix
        assert head is not None
        if head:
            data = head + data
        if len(data) < len(_BOM) and _BOM.startswith(data):
            self._bom_prefix = data
            return b""
        self._bom_prefix = None
        return data[3:] if data.startswith(_BOM) else data

    def _finish_tail(self, data: bytes, pos: int, out: list[ServerSentEvent]) -> int:
        """Complete the line left over by the previous feed.

        Returns:
            The position in ``data`` after that line's terminator, or -1 when
            ``data`` did not terminate it (then it was added to the tail).
        """
        lf = data.find(b"\n", pos)
        # Only a CR before the first LF matters; don't scan the whole chunk.
        cr = data.find(b"\r", pos, len(data) if lf < 0 else lf)
        end = lf if cr < 0 else cr
        if end < 0:
            self._tail_size += len(data) - pos
            if self._tail_size > self._max:
                raise self._too_big("line")
            self._tail.append(data[pos:] if pos else data)
            return -1
        self._tail.append(data[pos:end])
        line = b"".join(self._tail)
        self._tail.clear()
        self._tail_size = 0
        pos = end + 1
        if end == cr:
            if pos == len(data):
                self._skip_lf = True
            elif data[pos] == _LF:
                pos += 1
        self._line(line, out)
        return pos

    def _line(self, line: bytes, out: list[ServerSentEvent]) -> bool:
        """Process one complete line (without its terminator).

        Returns:
            Whether no event is being built afterwards (the fast path's guard).
        """
        if not line:
            if self._data:
                data = self._data[0] if len(self._data) == 1 else b"\n".join(self._data)
                out.append(
                    ServerSentEvent(
                        event=self._event, data=data, id=self._last_id, retry=self._retry
                    )
                )
                self._data = []
                self._data_size = 0
            self._event = None
            self._retry = None
            return True
        if len(line) > self._max:
            raise self._too_big("line")
        if line[0] != _COLON:
            colon = line.find(b":")
            if colon < 0:
                name = line
                value = b""
            else:
                name = line[:colon]
                start = colon + 1
                if start < len(line) and line[start] == _SPACE:
                    start += 1
                value = line[start:]
            if name == b"data":
                # +1 for the LF that will join it to the next data line.
                self._data_size += len(value) + 1
                if self._data_size > self._max + 1:
                    raise self._too_big("event")
                self._data.append(value)
            elif name == b"event":
                self._event = value.decode("utf-8", "replace") or None
            elif name == b"id":
                if b"\0" not in value:
                    self._last_id = value.decode("utf-8", "replace") or None
            elif name == b"retry" and value.isdigit() and len(value) <= _MAX_RETRY_DIGITS:
                self._retry = int(value)
        return not self._data and self._event is None and self._retry is None

    def _too_big(self, what: str) -> RemoteProtocolError:
        return RemoteProtocolError(
            f"SSE {what} larger than max_event_size={self._max} bytes; "
            "the stream is malformed or the limit is too low"
        )
