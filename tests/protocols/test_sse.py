"""Tests for protocols.sse: every fixture fed whole, byte by byte and in random pieces."""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols._util import LocalProtocolError, RemoteProtocolError
from protocols.sse import ServerSentEvent, SSEDecoder

Event = tuple[str | None, bytes, str | None, int | None]

BOM = b"\xef\xbb\xbf"
SETTINGS = settings(max_examples=150, deadline=None)


def as_tuple(event: ServerSentEvent) -> Event:
    return (event.event, bytes(event.data), event.id, event.retry)


def decode(pieces: Iterable[bytes], *, max_event_size: int = 1 << 24) -> list[Event]:
    decoder = SSEDecoder(max_event_size=max_event_size)
    events = [as_tuple(e) for piece in pieces for e in decoder.feed(piece)]
    return events + [as_tuple(e) for e in decoder.end()]


def split_at(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    points = sorted({min(max(c, 0), len(data)) for c in cuts})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def one_byte_at_a_time(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def reference(stream: bytes) -> list[Event]:
    """A plain, slow reading of the WHATWG algorithm plus "flush at EOF"."""
    if stream.startswith(BOM):
        stream = stream[3:]
    lines = re.split(rb"\r\n|\r|\n", stream)
    tail = lines.pop()
    if tail:
        lines.append(tail)
    lines.append(b"")  # flush at EOF
    out: list[Event] = []
    data: list[bytes] = []
    event: str | None = None
    retry: int | None = None
    last_id: str | None = None
    for line in lines:
        if not line:
            if data:
                out.append((event, b"\n".join(data), last_id, retry))
            data, event, retry = [], None, None
            continue
        if line.startswith(b":"):
            continue
        name, colon, value = line.partition(b":")
        if colon and value.startswith(b" "):
            value = value[1:]
        if name == b"data":
            data.append(value)
        elif name == b"event":
            event = value.decode("utf-8", "replace") or None
        elif name == b"id" and b"\0" not in value:
            last_id = value.decode("utf-8", "replace") or None
        elif name == b"retry" and re.fullmatch(rb"[0-9]{1,18}", value):
            retry = int(value)
    return out


FIXTURES: list[tuple[str, bytes, list[Event]]] = [
    ("single", b"data: hello\n\n", [(None, b"hello", None, None)]),
    (
        "openai-like",
        b'data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\n',
        [
            (None, b'{"a":1}', None, None),
            (None, b'{"a":2}', None, None),
            (None, b"[DONE]", None, None),
        ],
    ),
    ("no space", b"data:hello\n\n", [(None, b"hello", None, None)]),
    ("two spaces keep one", b"data:  hello\n\n", [(None, b" hello", None, None)]),
    ("multi-line", b"data: a\ndata: b\ndata:\n\n", [(None, b"a\nb\n", None, None)]),
    ("crlf", b"data: a\r\ndata: b\r\n\r\n", [(None, b"a\nb", None, None)]),
    ("cr", b"data: a\rdata: b\r\r", [(None, b"a\nb", None, None)]),
    ("mixed", b"data: a\r\n\rdata: b\n\r\n", [(None, b"a", None, None), (None, b"b", None, None)]),
    (
        "event and id",
        b"event: delta\nid: 7\ndata: x\n\ndata: y\n\n",
        [("delta", b"x", "7", None), (None, b"y", "7", None)],
    ),
    (
        "id reset by empty id",
        b"id: 1\ndata: a\n\nid\ndata: b\n\n",
        [(None, b"a", "1", None), (None, b"b", None, None)],
    ),
    (
        "id with NUL ignored",
        b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
        [(None, b"a", "1", None), (None, b"b", "1", None)],
    ),
    ("id set without dispatch persists", b"id: 5\n\ndata: a\n\n", [(None, b"a", "5", None)]),
    ("comments", b": keep-alive\n\n:x\ndata: a\n: mid\n\n", [(None, b"a", None, None)]),
    (
        "retry",
        b"retry: 1500\ndata: a\n\ndata: b\n\n",
        [(None, b"a", None, 1500), (None, b"b", None, None)],
    ),
    (
        "retry not digits",
        b"retry: 1.5\ndata: a\n\nretry: -1\ndata: b\n\nretry: 12a\ndata: c\n\nretry:\ndata: d\n\n"
        b"retry: \xd9\xa1\ndata: e\n\nretry: 1 \ndata: f\n\n",
        [(None, x, None, None) for x in (b"a", b"b", b"c", b"d", b"e", b"f")],
    ),
    (
        "empty data dispatches",
        b"data:\n\ndata\n\n",
        [(None, b"", None, None), (None, b"", None, None)],
    ),
    ("no data no dispatch", b"event: x\n\nid: 3\n\nretry: 5\n\n: c\n\n\n\n", []),
    (
        "event reset after dispatch",
        b"event: a\ndata: 1\n\ndata: 2\n\n",
        [("a", b"1", None, None), (None, b"2", None, None)],
    ),
    ("event reset without dispatch", b"event: a\n\ndata: 2\n\n", [(None, b"2", None, None)]),
    ("empty event is None", b"event:\ndata: 1\n\n", [(None, b"1", None, None)]),
    ("unknown fields ignored", b"foo: bar\ndata: 1\nbaz\n\n", [(None, b"1", None, None)]),
    ("field name is exact", b"Data: 1\ndata : 2\ndata: 3\n\n", [(None, b"3", None, None)]),
    ("colon in value", b"data: a: b:c\n\n", [(None, b"a: b:c", None, None)]),
    ("bom dropped", BOM + b"data: a\n\n", [(None, b"a", None, None)]),
    ("bom only once", BOM + BOM + b"data: a\n\ndata: b\n\n", [(None, b"b", None, None)]),
    ("flush at eof", b"data: a\n\ndata: b", [(None, b"a", None, None), (None, b"b", None, None)]),
    ("flush at eof after line end", b"data: a\ndata: b\n", [(None, b"a\nb", None, None)]),
    ("flush at eof cr", b"event: e\ndata: b\r", [("e", b"b", None, None)]),
    ("eof without data drops", b"data: a\n\nevent: x", [(None, b"a", None, None)]),
    ("utf-8", "data: héllo ☃\nevent: ünï\n\n".encode(), [("ünï", "héllo ☃".encode(), None, None)]),
    (
        "invalid utf-8 in names",
        b"event: \xff\nid: \xfe\ndata: \xfd\n\n",
        [("\ufffd", b"\xfd", "\ufffd", None)],
    ),
    ("blank lines only", b"\n\r\n\r\n\n", []),
    ("empty", b"", []),
]


@pytest.mark.parametrize(
    ("stream", "expected"), [f[1:] for f in FIXTURES], ids=[f[0] for f in FIXTURES]
)
def test_fixture_whole_and_byte_by_byte(stream: bytes, expected: list[Event]) -> None:
    assert reference(stream) == expected
    assert decode([stream]) == expected
    assert decode(one_byte_at_a_time(stream)) == expected


@SETTINGS
@given(st.data())
def test_fixtures_in_random_pieces(data: st.DataObject) -> None:
    _, stream, expected = data.draw(st.sampled_from(FIXTURES))
    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=8))
    assert decode(split_at(stream, cuts)) == expected


def test_crlf_split_across_feeds_is_one_line_end() -> None:
    assert decode([b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]) == [(None, b"a\nb", None, None)]


def test_cr_at_end_then_blank_line_dispatches() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    # The LF completes the CRLF, it is not a blank line.
    assert decoder.feed(b"\n") == []
    assert [as_tuple(e) for e in decoder.feed(b"\r")] == [(None, b"a", None, None)]


def test_lone_cr_then_lf_in_next_feed_is_swallowed_only_once() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    events = decoder.feed(b"\n\n")
    assert [as_tuple(e) for e in events] == [(None, b"a", None, None)]


@pytest.mark.parametrize("cut", [1, 2])
def test_bom_split_across_feeds(cut: int) -> None:
    stream = BOM + b"data: a\n\n"
    assert decode([stream[:cut], stream[cut:]]) == [(None, b"a", None, None)]
    assert decode([stream[:cut], b"", stream[cut:]]) == [(None, b"a", None, None)]


def test_partial_bom_is_data() -> None:
    # \xef\xbb then EOF: not a BOM, so those bytes form a (nameless) field.
    assert decode([b"\xef\xbb"]) == []
    assert decode([b"\xef", b"data: a\n\n"]) == []  # the line reads "\xefdata: a"
    assert decode([b"\xef\xbb", b"\n", b"data: a\n\n"]) == [(None, b"a", None, None)]
    # At EOF the held-back bytes still count as a line, bound included.
    with pytest.raises(RemoteProtocolError):
        decode([b"\xef\xbb"], max_event_size=1)


def test_single_line_data_is_bytes_that_do_not_hold_the_fed_chunk() -> None:
    # A stream keeps its last event while it waits for the next one; with a
    # view, that kept the whole read alive (and two objects per event for the
    # garbage collector).
    chunk = b"".join(b'data: {"n": %d}\n\n' % i for i in range(100))
    alone = sys.getrefcount(chunk)
    events = SSEDecoder().feed(chunk)
    assert [e.data for e in events] == [b'{"n": %d}' % i for i in range(100)]
    assert all(type(e.data) is bytes for e in events)
    assert sys.getrefcount(chunk) == alone


def test_event_object() -> None:
    event = ServerSentEvent(event="e", data="é".encode(), id="1", retry=3)
    assert event.text == "é"
    assert ServerSentEvent(data=memoryview(b"abc")).text == "abc"
    assert ServerSentEvent(data=b"\xff").text == "\ufffd"
    with pytest.raises(AttributeError):
        event.data = b""  # type: ignore[misc]
    with pytest.raises(TypeError):
        ServerSentEvent(None, b"x")  # type: ignore[misc]


def test_feed_accepts_bytes_like_and_copies_it() -> None:
    buffer = bytearray(b"data: abc\n\n")
    events = SSEDecoder().feed(buffer)  # type: ignore[arg-type]
    buffer[6:9] = b"xyz"
    assert [bytes(e.data) for e in events] == [b"abc"]


def test_last_event_id_property() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"id: 42\n")
    assert decoder.last_event_id == "42"


def test_feed_after_end_raises_local_protocol_error() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n\n")
    assert decoder.end() == []
    assert decoder.end() == []
    with pytest.raises(LocalProtocolError, match="after end"):
        decoder.feed(b"data: b\n\n")


def test_empty_feed_is_not_eof() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"") == []
    assert [as_tuple(e) for e in decoder.feed(b"data: a\n\n")] == [(None, b"a", None, None)]


def test_max_event_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_event_size"):
        SSEDecoder(max_event_size=0)


OVERSIZE: list[tuple[str, bytes]] = [
    ("single line event", b"data: " + b"x" * 20 + b"\n\n"),
    ("long comment", b":" + b"x" * 20 + b"\n"),
    ("long event line", b"event: " + b"x" * 20 + b"\ndata: a\n\n"),
    ("many data lines", b"data: 12345\n" * 3 + b"\n"),
    ("unterminated tail", b"data: a\n\n" + b"y" * 20),
    ("cr line", b"data: " + b"x" * 20 + b"\r\r"),
]


@pytest.mark.parametrize("stream", [o[1] for o in OVERSIZE], ids=[o[0] for o in OVERSIZE])
@pytest.mark.parametrize("split", ["whole", "bytes"])
def test_oversize_raises_remote_protocol_error(stream: bytes, split: str) -> None:
    pieces = [stream] if split == "whole" else one_byte_at_a_time(stream)
    with pytest.raises(RemoteProtocolError, match=r"max_event_size=16 bytes"):
        decode(pieces, max_event_size=16)


def test_unterminated_line_is_bounded_while_it_grows() -> None:
    # Memory stays bounded before the line ends, not only once it does.
    decoder = SSEDecoder(max_event_size=16)
    decoder.feed(b"data: a\n\n" + b"y" * 16)
    with pytest.raises(RemoteProtocolError, match="max_event_size=16"):
        decoder.feed(b"y")
    with pytest.raises(RemoteProtocolError, match="max_event_size=16"):
        SSEDecoder(max_event_size=16).feed(b"z" * 17)


def test_size_exactly_at_the_bound_is_accepted() -> None:
    line = b"data: " + b"x" * 10  # 16 bytes
    stream = line + b"\n\n" + line + b"\r\n\r\n" + line
    assert decode([stream], max_event_size=16) == [(None, b"x" * 10, None, None)] * 3
    assert (
        decode(one_byte_at_a_time(stream), max_event_size=16) == [(None, b"x" * 10, None, None)] * 3
    )
    assert decode([b"data: 1234567\ndata: 1234567\n\n"], max_event_size=15) == [
        (None, b"1234567\n1234567", None, None)
    ]


def test_fast_path_respects_the_bound_when_the_feed_is_bigger_than_it() -> None:
    stream = b"data: ab\n\n" * 4 + b"data: " + b"x" * 30 + b"\n\n"
    with pytest.raises(RemoteProtocolError):
        SSEDecoder(max_event_size=16).feed(stream)
    assert len(SSEDecoder(max_event_size=16).feed(b"data: ab\n\n" * 4)) == 4


# Fragments that make the interesting cases likely: field names, separators,
# every line ending, BOMs, NULs, digits.
TOKENS = st.sampled_from(
    [
        b"data",
        b"data: ",
        b"event",
        b"id",
        b"retry",
        b":",
        b": ",
        b" ",
        b"\n",
        b"\r",
        b"\r\n",
        b"\n\n",
        b"x",
        b"7",
        b"\x00",
        b"\xff",
        BOM,
        b'data: {"k": 1}\n\n',
    ]
)
STREAMS = st.one_of(st.binary(max_size=200), st.lists(TOKENS, max_size=40).map(b"".join))


@SETTINGS
@given(STREAMS, st.lists(st.integers(0, 200), max_size=10))
def test_any_split_matches_the_reference(stream: bytes, cuts: list[int]) -> None:
    expected = reference(stream)
    assert decode([stream]) == expected
    assert decode(split_at(stream, cuts)) == expected


@SETTINGS
@given(STREAMS, st.lists(st.integers(0, 200), max_size=10), st.integers(1, 12))
def test_only_remote_protocol_error_escapes(stream: bytes, cuts: list[int], limit: int) -> None:
    def outcome(pieces: Sequence[bytes]) -> list[Event] | None:
        try:
            return decode(pieces, max_event_size=limit)
        except RemoteProtocolError:
            return None

    whole = outcome([stream])
    # A bound is a property of the stream, not of how it was cut.
    assert (whole is None) == (outcome(split_at(stream, cuts)) is None)
    assert (whole is None) == (outcome(one_byte_at_a_time(stream)) is None)
    if whole is not None:
        assert whole == reference(stream)


LINE_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=12
)
LINE_ENDINGS = st.sampled_from(["\n", "\r", "\r\n"])


@st.composite
def event_streams(draw: st.DrawFn) -> tuple[bytes, list[Event]]:
    """Events, and their encoding with random line endings, comments and spacing."""
    lines: list[str] = []
    expected: list[Event] = []
    last_id: str | None = None
    for _ in range(draw(st.integers(0, 5))):
        if draw(st.booleans()):
            lines.append(":" + draw(LINE_TEXT))
        event = draw(st.none() | LINE_TEXT.filter(bool))
        new_id = draw(st.none() | LINE_TEXT.filter(bool))
        retry = draw(st.none() | st.integers(0, 10**9))
        data = draw(st.lists(LINE_TEXT, min_size=1, max_size=3))
        fields: list[tuple[str, str]] = [("data", d) for d in data]
        if event is not None:
            fields.append(("event", event))
        if new_id is not None:
            fields.append(("id", new_id))
            last_id = new_id
        if retry is not None:
            fields.append(("retry", str(retry)))
        order = draw(st.permutations(range(len(fields))))
        data_order = [fields[i][1] for i in order if fields[i][0] == "data"]
        for i in order:
            name, value = fields[i]
            compact = not value.startswith(" ") and draw(st.booleans())
            lines.append(f"{name}:{value}" if compact else f"{name}: {value}")
        lines.append("")
        expected.append((event, "\n".join(data_order).encode(), last_id, retry))
    text = ""
    previous = ""
    for line in lines:
        ending = draw(LINE_ENDINGS)
        if previous == "\r" and line == "" and ending == "\n":
            ending = "\r\n"  # "\r" + "\n" would read as one CRLF, losing the blank line
        text += line + ending
        previous = ending
    if expected and draw(st.booleans()):
        # Drop the final blank line (and maybe the last line end): flush at EOF.
        text = text[: -len(previous)]
        if draw(st.booleans()):
            text = text.rstrip("\r\n")
    stream = text.encode()
    if draw(st.booleans()):
        stream = BOM + stream
    return stream, expected


@SETTINGS
@given(event_streams(), st.lists(st.integers(0, 300), max_size=12))
def test_round_trip(case: tuple[bytes, list[Event]], cuts: list[int]) -> None:
    stream, expected = case
    assert decode([stream]) == expected
    assert decode(split_at(stream, cuts)) == expected


def test_round_trip_byte_by_byte_on_a_long_stream() -> None:
    chunks = [b'data: {"i": %d}\n\n' % i for i in range(50)]
    stream = b"id: a\nevent: start\ndata: go\n\n" + b"".join(chunks) + b"data: [DONE]\r\n\r\n"
    events = decode(one_byte_at_a_time(stream))
    assert events == decode([stream]) == reference(stream)
    assert len(events) == 52
    assert events[1] == (None, b'{"i": 0}', "a", None)
