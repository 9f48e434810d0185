"""The answer type follows the request, as the official SDK's overloads promise.

``audio.transcriptions.create`` and ``audio.translations.create`` answer a
different shape per ``response_format``: the class that holds what was asked
for (``words``, ``segments``, speakers), or the body as text for ``text``,
``srt`` and ``vtt``. Where nothing in the request tells, a whole answer that is
an untagged union decodes to the member that declares the most of its fields.
"""

from __future__ import annotations

import typing
from collections.abc import AsyncGenerator
from typing import Any

import msgspec
import pytest
import trio
from hypothesis import given
from hypothesis import strategies as st

import oaitrio
from oaitrio._models import BaseModel, Untagged, decode
from oaitrio.resources.audio.transcriptions import AsyncTranscriptions
from oaitrio.resources.audio.translations import AsyncTranslations
from oaitrio.testing import FakeOpenAI
from oaitrio.types.audio import (
    CreateTranscriptionResponseDiarizedJson,
    CreateTranscriptionResponseJson,
    CreateTranscriptionResponseVerboseJson,
    TranscriptionCreateResponse,
)

from ..conftest import FAKE_KEY

AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 8
TRANSCRIPT = f"This is a fake transcript of memo.wav, {len(AUDIO)} bytes of audio."


@pytest.fixture
async def strict(server: FakeOpenAI) -> AsyncGenerator[oaitrio.AsyncOpenAI]:
    """A client that refuses any answer whose shape does not fit its generated type."""
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY, base_url=server.base_url, _strict_response_validation=True
    ) as c:
        yield c


FILE = ("memo.wav", AUDIO, "audio/wav")


async def test_verbose_json_with_word_timestamps_keeps_the_words(
    strict: oaitrio.AsyncOpenAI,
) -> None:
    with trio.fail_after(10):
        result = await strict.audio.transcriptions.create(
            file=FILE,
            model="whisper-1",
            response_format="verbose_json",
            timestamp_granularities=["word"],
        )
    assert isinstance(result, CreateTranscriptionResponseVerboseJson)
    assert result.text == TRANSCRIPT
    assert result.words is not None
    assert " ".join(w.word for w in result.words).split() == TRANSCRIPT.split()
    assert all(w.start < w.end for w in result.words)
    assert result.segments is None  # only words were asked for
    assert result.language == "english"
    assert result.duration == pytest.approx(result.words[-1].end)


async def test_verbose_json_with_both_granularities_keeps_words_and_segments(
    strict: oaitrio.AsyncOpenAI,
) -> None:
    with trio.fail_after(10):
        result = await strict.audio.transcriptions.create(
            file=FILE,
            model="whisper-1",
            response_format="verbose_json",
            timestamp_granularities=["word", "segment"],
        )
    assert isinstance(result, CreateTranscriptionResponseVerboseJson)
    assert result.words and result.segments
    assert "".join(s.text for s in result.segments) == TRANSCRIPT


async def test_diarized_json_keeps_the_speakers(strict: oaitrio.AsyncOpenAI) -> None:
    with trio.fail_after(10):
        result = await strict.audio.transcriptions.create(
            file=FILE, model="gpt-4o-transcribe-diarize", response_format="diarized_json"
        )
    assert isinstance(result, CreateTranscriptionResponseDiarizedJson)
    assert result.text == TRANSCRIPT
    assert [s.speaker for s in result.segments] == ["speaker_0", "speaker_1"][
        : len(result.segments)
    ]
    assert " ".join(s.text for s in result.segments) == TRANSCRIPT


async def test_json_is_the_default(strict: oaitrio.AsyncOpenAI) -> None:
    with trio.fail_after(10):
        result = await strict.audio.transcriptions.create(file=FILE, model="gpt-4o-transcribe")
        explicit = await strict.audio.transcriptions.create(
            file=FILE, model="gpt-4o-transcribe", response_format="json"
        )
    assert type(result) is CreateTranscriptionResponseJson
    assert type(explicit) is CreateTranscriptionResponseJson
    assert result.text == explicit.text == TRANSCRIPT


@pytest.mark.parametrize("response_format", ["text", "srt", "vtt"])
async def test_text_formats_answer_a_string(
    strict: oaitrio.AsyncOpenAI, response_format: typing.Literal["text", "srt", "vtt"]
) -> None:
    with trio.fail_after(10):
        result = await strict.audio.transcriptions.create(
            file=FILE, model="whisper-1", response_format=response_format
        )
    assert isinstance(result, str)
    if response_format == "text":
        assert result == TRANSCRIPT
    elif response_format == "srt":
        assert result.startswith("1\n00:00:00,000 --> ")
    else:
        assert result.startswith("WEBVTT\n\n00:00:00.000 --> ")


async def test_a_raw_response_parses_to_the_asked_type(strict: oaitrio.AsyncOpenAI) -> None:
    with trio.fail_after(10):
        raw = await strict.with_raw_response.audio.transcriptions.create(
            file=FILE,
            model="whisper-1",
            response_format="verbose_json",
            timestamp_granularities=["segment"],
        )
    result = raw.parse()
    assert isinstance(result, CreateTranscriptionResponseVerboseJson)
    assert result.segments


def _overload_returns(function: Any) -> dict[str, str]:
    """``response_format`` annotation -> return annotation, per overload (as an editor sees them)."""
    out: dict[str, str] = {}
    for overload in typing.get_overloads(function):
        annotations = overload.__annotations__
        # Stored as source text, which Python re-quotes with ' when it keeps it.
        key = annotations["response_format"].replace("'", '"')
        out.setdefault(key, annotations["return"])
    return out


def test_the_overloads_tell_an_editor_the_answer_type() -> None:
    transcription = _overload_returns(AsyncTranscriptions.create)
    assert transcription['Literal["json"] | NotGiven'] == "CreateTranscriptionResponseJson"
    assert transcription['Literal["verbose_json"]'] == "CreateTranscriptionResponseVerboseJson"
    assert transcription['Literal["diarized_json"]'] == "CreateTranscriptionResponseDiarizedJson"
    assert transcription['Literal["text", "srt", "vtt"]'] == "str"
    translation = _overload_returns(AsyncTranslations.create)
    assert translation['Literal["verbose_json"]'] == "CreateTranslationResponseVerboseJson"
    assert translation['Literal["text", "srt", "vtt"]'] == "str"


# --- the most-fields rule, without a request hint ------------------------------------------


def test_a_union_answer_without_hint_keeps_every_field() -> None:
    verbose = {
        "text": "hi",
        "language": "english",
        "duration": 1.0,
        "words": [{"word": "hi", "start": 0.0, "end": 0.4}],
    }
    result = decode(msgspec.json.encode(verbose), TranscriptionCreateResponse)
    assert isinstance(result, CreateTranscriptionResponseVerboseJson)
    assert result.words is not None and result.words[0].word == "hi"
    plain = decode(b'{"text": "hi"}', TranscriptionCreateResponse)
    assert type(plain) is CreateTranscriptionResponseJson


def test_a_plain_text_answer_that_looks_like_json_stays_text() -> None:
    assert decode(b"42", Untagged[str]) == "42"  # type: ignore[arg-type]
    assert decode(b'{"text": "hi"}', Untagged[str]) == '{"text": "hi"}'  # type: ignore[arg-type]


class _Small(BaseModel, kw_only=True):
    a: int


class _Middle(BaseModel, kw_only=True):
    a: int
    b: int | None = None
    c: int | None = None


class _Wide(BaseModel, kw_only=True):
    a: int
    b: int | None = None
    d: str  # required, of another type than the ints the strategy draws for b and c


_MEMBERS = (_Small, _Middle, _Wide)
_UNION: Any = Untagged[_Small, _Middle, _Wide, dict[str, Any]]


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c", "d", "e"]),
        st.one_of(st.integers(-5, 5), st.text(max_size=3)),
        max_size=5,
    )
)
def test_the_member_with_the_most_fields_that_fits_wins(value: dict[str, Any]) -> None:
    result = decode(msgspec.json.encode(value), _UNION)

    def fits(member: type[BaseModel]) -> bool:
        try:
            msgspec.convert(value, member)
        except msgspec.ValidationError:
            return False
        return True

    fitting = [m for m in _MEMBERS if fits(m)]
    if not fitting:
        assert result == value  # nothing fits: the answer is kept as it came
        return
    declared = [sum(1 for f in m.__struct_fields__ if f in value) for m in fitting]
    # The first (in the union's order) of those that declare the most present keys.
    expected = fitting[declared.index(max(declared))]
    assert type(result) is expected
    # Nothing the winner declares is dropped.
    for name in expected.__struct_fields__:
        if name in value:
            assert getattr(result, name) == value[name]
