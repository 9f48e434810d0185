"""``POST /v1/audio/transcriptions`` (multipart) and ``POST /v1/audio/speech`` (JSON).

Transcriptions: the transcript is ``"This is a fake transcript of <filename>,
<size> bytes of audio."``, split into tokens as in ``_chat``
(``x-fake-chunks`` and ``x-fake-write-mode`` work the same way).
``response_format`` ``json`` (the default) answers ``{"text", "usage"}``
(``usage`` counts tokens, or seconds for ``whisper-1``); ``verbose_json``
adds ``language``, ``duration`` and, as ``timestamp_granularities[]`` asks
(``segment`` when none is given), ``words`` and ``segments`` (one segment per
sentence, words and segments 0.4 s per token); ``diarized_json`` answers
``task``, ``duration``, ``text`` and the sentences as ``segments`` spoken in
turn by ``speaker_0`` and ``speaker_1`` (or the ``known_speaker_names[]``);
``text`` answers the bare transcript and ``srt`` / ``vtt`` the sentences as
numbered cues. ``stream=true`` answers
``transcript.text.delta`` events, one per token, then ``transcript.text.done``
with the whole text and the usage, and no ``data: [DONE]``. As the spec says,
``whisper-1`` ignores ``stream``. ``include[]=logprobs`` adds token logprobs.

Speech: the audio lasts 60 ms per character of ``input`` (divided by
``speed``). ``wav`` is a real WAV file and ``pcm`` raw 24 kHz 16-bit mono
samples of a 400 Hz tone; ``mp3``, ``opus``, ``aac`` and ``flac`` are
deterministic bytes after the format's magic number, of a plausible size, but
not decodable. ``stream_format: "sse"`` sends the same bytes base64-encoded in
``speech.audio.delta`` events, then ``speech.audio.done`` with the usage, and
no ``data: [DONE]``; as the spec says, ``tts-1`` and ``tts-1-hd`` refuse it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import struct
import sys
from array import array
from collections.abc import Iterator, Mapping
from typing import Any

from ._form import Form, FormPart
from ._text import (
    chunk_count,
    coalesced,
    count_tokens,
    cycled_text,
    split_tokens,
)
from ._wire import BadRequest, Reply, StreamReply, encode_json, json_reply, object_or_none

__all__ = ["speech", "speech_streams", "transcription", "transcription_streams"]

SAMPLE_RATE = 24_000
SECONDS_PER_CHARACTER = 0.06
MAX_SPEECH_INPUT = 4096
SPEECH_CHUNK_BYTES = 4800
_TONE_HZ = 400
_MEDIA_TYPES = {
    "mp3": "audio/mpeg",
    "opus": "audio/opus",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
}
# Magic numbers and bytes per second of the formats the fake cannot encode.
_COMPRESSED = {
    "mp3": (b"ID3\x04\x00\x00\x00\x00\x00\x00", 16_000),
    "opus": (b"OggS\x00\x02", 8_000),
    "aac": (b"\xff\xf1\x50\x80", 16_000),
    "flac": (b"fLaC\x00\x00\x00\x22", 48_000),
}
_SSE_UNSUPPORTED = frozenset({"tts-1", "tts-1-hd"})
_TRANSCRIPT_FORMATS = ("json", "text", "verbose_json", "diarized_json", "srt", "vtt")
_TIMESTAMP_GRANULARITIES = ("word", "segment")
SECONDS_PER_TOKEN = 0.4


def _flag(value: str | None, name: str) -> bool:
    if value is None or value == "false":
        return False
    if value == "true":
        return True
    raise BadRequest(f"Invalid '{name}': expected 'true' or 'false', got {value!r}.", param=name)


def transcription_streams(form: Form) -> bool:
    """Whether a transcription request is answered with an event stream.

    Raises:
        BadRequest: ``stream`` or ``model`` is not valid text.
    """
    return _flag(form.value("stream"), "stream") and form.value("model") != "whisper-1"


def transcription(form: Form, headers: Mapping[str, str]) -> Reply | StreamReply:
    """Answer ``POST /v1/audio/transcriptions`` (see the module docstring)."""
    files = form.files("file")
    if not files:
        raise BadRequest("Missing required parameter: 'file'.", param="file")
    if len(files) > 1:
        raise BadRequest("Invalid 'file': expected one file.", param="file")
    upload: FormPart = files[0]
    if not upload.data:
        raise BadRequest("Invalid 'file': the audio file is empty.", param="file")
    model = form.value("model")
    if not model:
        raise BadRequest("Missing required parameter: 'model'.", param="model")
    response_format = form.value("response_format") or "json"
    if response_format not in _TRANSCRIPT_FORMATS:
        raise BadRequest(
            f"Invalid 'response_format': expected one of {', '.join(_TRANSCRIPT_FORMATS)},"
            f" got {response_format!r}.",
            param="response_format",
        )
    stream = _flag(form.value("stream"), "stream") and model != "whisper-1"
    logprobs = "logprobs" in form.values("include")
    name = upload.filename or "the upload"
    tokens = split_tokens(
        f"This is a fake transcript of {name}, {len(upload.data)} bytes of audio."
    )
    count = chunk_count(headers, len(tokens))
    text = cycled_text(tokens, count)
    prompt_tokens = count_tokens(form.value("prompt") or "")
    audio_tokens = max(1, len(upload.data) // 1000)
    if model == "whisper-1":
        usage: dict[str, Any] = {"type": "duration", "seconds": max(1, len(upload.data) // 16_000)}
    else:
        usage = {
            "type": "tokens",
            "input_tokens": prompt_tokens + audio_tokens,
            "input_token_details": {"text_tokens": prompt_tokens, "audio_tokens": audio_tokens},
            "output_tokens": count,
            "total_tokens": prompt_tokens + audio_tokens + count,
        }
    if not stream:
        if response_format == "text":
            return Reply(200, text.encode(), (("content-type", "text/plain; charset=utf-8"),))
        spoken = list(_cycle(tokens, count))
        if response_format in ("srt", "vtt"):
            cues = _cues(spoken, vtt=response_format == "vtt")
            return Reply(200, cues.encode(), (("content-type", "text/plain; charset=utf-8"),))
        if response_format == "verbose_json":
            return json_reply(_verbose(form, spoken, text))
        if response_format == "diarized_json":
            return json_reply(_diarized(form, spoken, text, usage))
        body: dict[str, Any] = {"text": text, "usage": usage}
        if logprobs:
            body["logprobs"] = [_logprob(token) for token in _cycle(tokens, count)]
        return json_reply(body)
    return StreamReply(
        _transcript_events(tokens, count, usage, logprobs=logprobs),
        coalesced=coalesced(headers),
        headers=(("content-type", "text/event-stream; charset=utf-8"),),
        done=False,
    )


def _sentences(spoken: list[str]) -> list[tuple[int, int]]:
    """``(first, end)`` token positions of each sentence (one ends at a token with a period)."""
    spans: list[tuple[int, int]] = []
    first = 0
    for position, token in enumerate(spoken):
        if token.rstrip().endswith((".", "?", "!")):
            spans.append((first, position + 1))
            first = position + 1
    if first < len(spoken):
        spans.append((first, len(spoken)))
    return spans


def _granularities(form: Form) -> set[str]:
    asked = set(form.values("timestamp_granularities")) or {"segment"}
    unknown = asked - set(_TIMESTAMP_GRANULARITIES)
    if unknown:
        raise BadRequest(
            f"Invalid 'timestamp_granularities': expected 'word' or 'segment', got"
            f" {sorted(unknown)[0]!r}.",
            param="timestamp_granularities",
        )
    return asked


def _verbose(form: Form, spoken: list[str], text: str) -> dict[str, Any]:
    duration = round(len(spoken) * SECONDS_PER_TOKEN, 3)
    body: dict[str, Any] = {
        "task": "transcribe",
        "language": form.value("language") or "english",
        "duration": duration,
        "text": text,
    }
    granularities = _granularities(form)
    if "word" in granularities:
        body["words"] = [
            {
                "word": token.strip(),
                "start": round(n * SECONDS_PER_TOKEN, 3),
                "end": round((n + 1) * SECONDS_PER_TOKEN, 3),
            }
            for n, token in enumerate(spoken)
        ]
    if "segment" in granularities:
        body["segments"] = [
            {
                "id": n,
                "seek": 0,
                "start": round(first * SECONDS_PER_TOKEN, 3),
                "end": round(end * SECONDS_PER_TOKEN, 3),
                "text": "".join(spoken[first:end]),
                "tokens": list(range(first, end)),
                "temperature": 0.0,
                "avg_logprob": -0.1,
                "compression_ratio": 1.2,
                "no_speech_prob": 0.01,
            }
            for n, (first, end) in enumerate(_sentences(spoken))
        ]
    body["usage"] = {"type": "duration", "seconds": max(1, math.ceil(duration))}
    return body


def _diarized(form: Form, spoken: list[str], text: str, usage: dict[str, Any]) -> dict[str, Any]:
    speakers = form.values("known_speaker_names") or ["speaker_0", "speaker_1"]
    segments = [
        {
            "type": "transcript.text.segment",
            "id": f"seg_{n:03d}",
            "start": round(first * SECONDS_PER_TOKEN, 3),
            "end": round(end * SECONDS_PER_TOKEN, 3),
            "text": "".join(spoken[first:end]).strip(),
            "speaker": speakers[n % len(speakers)],
        }
        for n, (first, end) in enumerate(_sentences(spoken))
    ]
    return {
        "task": "transcribe",
        "duration": round(len(spoken) * SECONDS_PER_TOKEN, 3),
        "text": text,
        "segments": segments,
        "usage": usage,
    }


def _timestamp(seconds: float, *, vtt: bool) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{'.' if vtt else ','}{millis:03d}"


def _cues(spoken: list[str], *, vtt: bool) -> str:
    """The sentences as SubRip (numbered, ``,`` before milliseconds) or WebVTT cues."""
    lines = ["WEBVTT", ""] if vtt else []
    for n, (first, end) in enumerate(_sentences(spoken), start=1):
        start = _timestamp(first * SECONDS_PER_TOKEN, vtt=vtt)
        stop = _timestamp(end * SECONDS_PER_TOKEN, vtt=vtt)
        if not vtt:
            lines.append(str(n))
        lines += [f"{start} --> {stop}", "".join(spoken[first:end]).strip(), ""]
    return "\n".join(lines)


def _cycle(tokens: list[str], count: int) -> Iterator[str]:
    for position in range(count):
        yield tokens[position % len(tokens)]


def _logprob(token: str) -> dict[str, Any]:
    return {"token": token, "logprob": -0.0001, "bytes": list(token.encode())}


def _transcript_events(
    tokens: list[str], count: int, usage: dict[str, Any], *, logprobs: bool
) -> Iterator[bytes]:
    templates = [
        b"data: "
        + encode_json(
            {"type": "transcript.text.delta", "delta": token}
            | ({"logprobs": [_logprob(token)]} if logprobs else {})
        )
        + b"\n\n"
        for token in tokens
    ]
    for position in range(count):
        yield templates[position % len(templates)]
    done: dict[str, Any] = {"type": "transcript.text.done", "text": cycled_text(tokens, count)}
    if logprobs:
        done["logprobs"] = [_logprob(token) for token in _cycle(tokens, count)]
    done["usage"] = usage
    yield b"data: " + encode_json(done) + b"\n\n"


# --- speech ---------------------------------------------------------------------------


def speech_streams(body: dict[str, Any]) -> bool:
    """Whether a speech request is answered with an event stream."""
    return body.get("stream_format") == "sse"


@functools.lru_cache(maxsize=1)
def _tone_period() -> bytes:
    period = SAMPLE_RATE // _TONE_HZ
    samples = array("h", (int(8000 * math.sin(2 * math.pi * i / period)) for i in range(period)))
    if sys.byteorder != "little":  # pragma: no cover - big-endian hosts
        samples.byteswap()
    return samples.tobytes()


def _pcm(seconds: float) -> bytes:
    size = 2 * max(1, int(SAMPLE_RATE * seconds))
    period = _tone_period()
    return (period * (size // len(period) + 1))[:size]


def _wav(pcm: bytes) -> bytes:
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(pcm),
        b"WAVE",
        b"fmt ",
        16,
        1,  # PCM
        1,  # mono
        SAMPLE_RATE,
        SAMPLE_RATE * 2,
        2,
        16,
        b"data",
        len(pcm),
    )
    return header + pcm


def _audio(seed: str, response_format: str, seconds: float) -> bytes:
    if response_format == "pcm":
        return _pcm(seconds)
    if response_format == "wav":
        return _wav(_pcm(seconds))
    magic, rate = _COMPRESSED[response_format]
    size = max(64, int(rate * seconds))
    return magic + hashlib.shake_256(seed.encode()).digest(size - len(magic))


def _voice(value: Any) -> str:
    if isinstance(value, str) and value:
        return value
    custom = object_or_none(value)
    if custom is not None and isinstance(custom.get("id"), str) and custom["id"]:
        return custom["id"]
    raise BadRequest(
        "Invalid 'voice': expected a voice name or an object with a custom voice 'id'.",
        param="voice",
    )


def speech(body: dict[str, Any], headers: Mapping[str, str]) -> Reply | StreamReply:
    """Answer ``POST /v1/audio/speech`` (see the module docstring)."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("Missing required parameter: 'model'.", param="model")
    text = body.get("input")
    if not isinstance(text, str) or not text:
        raise BadRequest("Missing required parameter: 'input'.", param="input")
    if len(text) > MAX_SPEECH_INPUT:
        raise BadRequest(
            f"Invalid 'input': at most {MAX_SPEECH_INPUT} characters.",
            param="input",
            code="string_above_max_length",
        )
    if "voice" not in body:
        raise BadRequest("Missing required parameter: 'voice'.", param="voice")
    voice = _voice(body["voice"])
    response_format = body.get("response_format", "mp3")
    if not isinstance(response_format, str) or response_format not in _MEDIA_TYPES:
        raise BadRequest(
            f"Invalid 'response_format': expected one of {', '.join(_MEDIA_TYPES)}.",
            param="response_format",
        )
    speed = body.get("speed", 1)
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not 0.25 <= speed <= 4:
        raise BadRequest("Invalid 'speed': expected a number from 0.25 to 4.", param="speed")
    stream_format = body.get("stream_format", "audio")
    if stream_format not in ("audio", "sse"):
        raise BadRequest(
            "Invalid 'stream_format': expected 'sse' or 'audio'.", param="stream_format"
        )
    if stream_format == "sse" and model in _SSE_UNSUPPORTED:
        raise BadRequest(
            f"stream_format 'sse' is not supported for {model}.", param="stream_format"
        )
    seconds = SECONDS_PER_CHARACTER * len(text) / speed
    audio = _audio(f"{model}\0{voice}\0{response_format}\0{text}", response_format, seconds)
    if stream_format == "audio":
        return Reply(200, audio, (("content-type", _MEDIA_TYPES[response_format]),))
    input_tokens = count_tokens(text)
    output_tokens = max(1, int(seconds * 20))
    usage = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
    }
    return StreamReply(
        _speech_events(audio, usage),
        coalesced=coalesced(headers),
        headers=(("content-type", "text/event-stream; charset=utf-8"),),
        done=False,
    )


def _speech_events(audio: bytes, usage: dict[str, Any]) -> Iterator[bytes]:
    for start in range(0, len(audio), SPEECH_CHUNK_BYTES):
        chunk = base64.b64encode(audio[start : start + SPEECH_CHUNK_BYTES])
        yield b'data: {"type":"speech.audio.delta","audio":"' + chunk + b'"}\n\n'
    yield b"data: " + encode_json({"type": "speech.audio.done", "usage": usage}) + b"\n\n"
