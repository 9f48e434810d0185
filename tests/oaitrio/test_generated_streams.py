"""The generated methods that stream, plain and with ``stream=True``, against the fake server.

Prism answers ``stream=True`` with plain JSON, so these streams are checked
here: responses, legacy completions, transcriptions, image generations and
edits, and speech. Each test reads what a user would: the events in order,
each decoded to its class of ``oaitrio.types``, deltas that add up to the
final object, a clean end (at ``[DONE]`` for completions, at the terminal
event for the rest), and the connection back in the pool. Clients built with
``_strict_response_validation=True`` make a shape the fake gets wrong fail.
"""

from __future__ import annotations

import base64
import io
import pathlib
import struct
import wave
from collections.abc import AsyncGenerator
from typing import Any

import httpx
import msgspec
import pytest

import oaitrio
from oaitrio.testing import DropMidStream, EndBeforeDone, FakeOpenAI
from oaitrio.types import (
    Completion,
    ImageEditCompletedEvent,
    ImageEditPartialImageEvent,
    ImageGenCompletedEvent,
    ImageGenPartialImageEvent,
    ImagesResponse,
    ImagesUsage,
)
from oaitrio.types.audio import (
    CreateSpeechResponseStreamEvent,
    SpeechAudioDeltaEvent,
    SpeechAudioDoneEvent,
    TranscriptTextDeltaEvent,
    TranscriptTextDoneEvent,
    TranscriptTextUsageTokens,
)
from oaitrio.types.chat import ChatCompletionChunk
from oaitrio.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseIncompleteEvent,
    ResponseInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
)
from oaitrio.types.shared import OutputMessage, OutputTextContent
from protocols.sse import SSEDecoder
from tests.conftest import FAKE_KEY

PROMPT = "tell me about trio nurseries"
AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 8


@pytest.fixture
async def strict(server: FakeOpenAI) -> AsyncGenerator[oaitrio.AsyncOpenAI]:
    """A client that refuses any answer whose shape does not fit its generated type."""
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY, base_url=server.base_url, _strict_response_validation=True
    ) as c:
        yield c


def assert_back_in_pool(client: oaitrio.AsyncOpenAI, server: FakeOpenAI) -> None:
    """Every call of the test went over one connection, and it is idle again."""
    assert client._pool is not None
    assert client._pool.statistics().in_use == 0
    assert server.connections_opened == 1


def upload(form: str, tmp_path: pathlib.Path, data: bytes, name: str, mime: str) -> tuple[Any, str]:
    """``data`` in one of the FileTypes forms, and the filename the server should see."""
    if form == "bytes":
        return data, "upload"
    if form == "tuple":
        return (name, data, mime), name
    path = tmp_path / name
    path.write_bytes(data)
    return path, name


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# --- responses ----------------------------------------------------------------------------


async def test_a_plain_response_is_one_completed_message(
    strict: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    response = await strict.responses.create(model="gpt-4o-mini", input=PROMPT)
    assert isinstance(response, Response)
    assert response.object == "response" and response.status == "completed"
    assert response.id.startswith("resp_")
    [message] = response.output
    assert isinstance(message, OutputMessage)
    assert message.role == "assistant" and message.status == "completed"
    [part] = message.content
    assert isinstance(part, OutputTextContent)
    assert part.text == f"You said: {PROMPT}"
    assert response.usage is not None
    assert response.usage.output_tokens == len(part.text.split())
    assert response.error is None and response.incomplete_details is None
    assert_back_in_pool(strict, server)


async def test_a_response_has_the_sdk_output_text(strict: oaitrio.AsyncOpenAI) -> None:
    response = await strict.responses.create(model="gpt-4o-mini", input=PROMPT)
    assert response.output_text == f"You said: {PROMPT}"


async def test_a_response_stream_sends_the_events_in_the_api_order(
    strict: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    plain = await strict.responses.create(model="gpt-4o-mini", input=PROMPT)
    stream = await strict.responses.create(model="gpt-4o-mini", input=PROMPT, stream=True)
    assert isinstance(stream, oaitrio.AsyncStream)
    async with stream:
        events = [event async for event in stream]
    assert stream.response.headers["content-type"].startswith("text/event-stream")
    deltas = [e for e in events if isinstance(e, ResponseTextDeltaEvent)]
    assert [type(e) for e in events] == [
        ResponseCreatedEvent,
        ResponseInProgressEvent,
        ResponseOutputItemAddedEvent,
        ResponseContentPartAddedEvent,
        *[ResponseTextDeltaEvent] * len(deltas),
        ResponseTextDoneEvent,
        ResponseContentPartDoneEvent,
        ResponseOutputItemDoneEvent,
        ResponseCompletedEvent,
    ]
    assert len(deltas) == len(PROMPT.split()) + 2  # "You", " said:", then the prompt's words
    assert [e.sequence_number for e in events] == list(range(len(events)))
    created, in_progress, added, part_added = events[:4]
    text_done, part_done, item_done, completed = events[-4:]
    assert isinstance(created, ResponseCreatedEvent)
    assert isinstance(in_progress, ResponseInProgressEvent)
    assert created.response.status == in_progress.response.status == "in_progress"
    assert created.response.output == []
    assert isinstance(added, ResponseOutputItemAddedEvent)
    assert isinstance(added.item, OutputMessage) and added.item.status == "in_progress"
    assert isinstance(part_added, ResponseContentPartAddedEvent)
    assert isinstance(part_added.part, OutputTextContent) and part_added.part.text == ""
    text = "".join(d.delta for d in deltas)
    assert text == f"You said: {PROMPT}"
    assert {d.item_id for d in deltas} == {added.item.id}
    assert isinstance(text_done, ResponseTextDoneEvent) and text_done.text == text
    assert isinstance(part_done, ResponseContentPartDoneEvent)
    assert isinstance(part_done.part, OutputTextContent) and part_done.part.text == text
    assert isinstance(item_done, ResponseOutputItemDoneEvent)
    assert isinstance(item_done.item, OutputMessage) and item_done.item.status == "completed"
    # The terminal event carries the whole response, the same a plain call gets.
    assert isinstance(completed, ResponseCompletedEvent)
    final = completed.response
    assert final.id == created.response.id and final.status == "completed"
    assert final.output == [item_done.item]
    assert plain.output[0].content == item_done.item.content  # type: ignore[union-attr]
    assert final.usage is not None and final.usage.output_tokens == len(deltas)
    await strict.responses.create(model="gpt-4o-mini", input=PROMPT)
    assert_back_in_pool(strict, server)


async def test_a_response_stream_ends_at_its_terminal_event_without_done(
    client: oaitrio.AsyncOpenAI,
) -> None:
    async with client.with_streaming_response.responses.create(
        model="gpt-4o-mini", input=PROMPT, stream=True
    ) as response:
        lines = [line async for line in response.iter_lines()]
    data = [line for line in lines if line.startswith("data: ")]
    assert "data: [DONE]" not in data
    assert msgspec.json.decode(data[-1][6:])["type"] == "response.completed"
    # Each event also names its type in an `event:` line, as the API sends them.
    assert lines[:2] == ["event: response.created", data[0]]


@pytest.mark.parametrize("mode", ["token", "coalesced"])
async def test_a_response_stream_honours_the_fake_chunk_headers(
    strict: oaitrio.AsyncOpenAI, server: FakeOpenAI, mode: str
) -> None:
    stream = await strict.responses.create(
        model="gpt-4o-mini",
        input=PROMPT,
        stream=True,
        extra_headers={"x-fake-chunks": "3000", "x-fake-write-mode": mode},
    )
    async with stream:
        events = [event async for event in stream]
    deltas = [e for e in events if isinstance(e, ResponseTextDeltaEvent)]
    assert len(deltas) == 3000
    completed = events[-1]
    assert isinstance(completed, ResponseCompletedEvent)
    assert completed.response.usage is not None
    assert completed.response.usage.output_tokens == 3000
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert_back_in_pool(strict, server)


async def test_a_response_cut_by_max_output_tokens_ends_incomplete(
    strict: oaitrio.AsyncOpenAI,
) -> None:
    stream = await strict.responses.create(
        model="gpt-4o-mini", input=PROMPT, max_output_tokens=3, stream=True
    )
    async with stream:
        events = [event async for event in stream]
    assert len([e for e in events if isinstance(e, ResponseTextDeltaEvent)]) == 3
    terminal = events[-1]
    assert isinstance(terminal, ResponseIncompleteEvent)
    assert terminal.response.status == "incomplete"
    assert terminal.response.incomplete_details is not None
    assert terminal.response.incomplete_details.reason == "max_output_tokens"
    plain = await strict.responses.create(model="gpt-4o-mini", input=PROMPT, max_output_tokens=3)
    assert plain.status == "incomplete"
    assert plain.output[0].content == terminal.response.output[0].content  # type: ignore[union-attr]


async def test_a_response_stream_cut_mid_way_raises(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.add_fault(DropMidStream(after_chunks=5))
    stream = await client.responses.create(model="gpt-4o-mini", input=PROMPT, stream=True)
    received: list[object] = []
    with pytest.raises(oaitrio.APIConnectionError):
        async with stream:
            async for event in stream:
                received.append(event)
    assert len(received) == 5
    assert client._pool is not None and client._pool.statistics().in_use == 0


async def test_a_response_stream_ending_before_its_terminal_event_raises(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.add_fault(EndBeforeDone(after_chunks=6))
    stream = await client.responses.create(model="gpt-4o-mini", input=PROMPT, stream=True)
    with pytest.raises(oaitrio.APIConnectionError):
        async with stream:
            async for _ in stream:
                pass


# --- legacy completions -------------------------------------------------------------------


async def test_a_plain_completion(strict: oaitrio.AsyncOpenAI, server: FakeOpenAI) -> None:
    completion = await strict.completions.create(model="gpt-3.5-turbo-instruct", prompt=PROMPT, n=2)
    assert isinstance(completion, Completion)
    assert completion.object == "text_completion" and completion.id.startswith("cmpl-")
    assert [c.index for c in completion.choices] == [0, 1]
    assert {c.text for c in completion.choices} == {f" You said: {PROMPT}"}
    assert {c.finish_reason for c in completion.choices} == {"stop"}
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 2 * len(f"You said: {PROMPT}".split())
    cut = await strict.completions.create(
        model="gpt-3.5-turbo-instruct", prompt=PROMPT, max_tokens=2
    )
    assert cut.choices[0].text == " You said:" and cut.choices[0].finish_reason == "length"
    assert_back_in_pool(strict, server)


async def test_a_completion_stream_adds_up_and_ends_at_done(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    plain = await client.completions.create(model="gpt-3.5-turbo-instruct", prompt=PROMPT)
    stream = await client.completions.create(
        model="gpt-3.5-turbo-instruct",
        prompt=PROMPT,
        stream=True,
        stream_options={"include_usage": True},
    )
    assert isinstance(stream, oaitrio.AsyncStream)
    async with stream:
        chunks = [chunk async for chunk in stream]
    assert all(isinstance(c, Completion) for c in chunks)
    assert {c.object for c in chunks} == {"text_completion"}
    assert len({c.id for c in chunks}) == 1
    text = "".join(c.choices[0].text for c in chunks if c.choices)
    assert text == plain.choices[0].text
    *tokens, finish, usage = chunks
    assert all(c.choices[0].finish_reason is None for c in tokens)
    assert finish.choices[0].text == "" and finish.choices[0].finish_reason == "stop"
    assert usage.choices == [] and usage.usage == plain.usage
    await client.completions.create(model="gpt-3.5-turbo-instruct", prompt=PROMPT)
    assert_back_in_pool(client, server)


async def test_strict_decoding_accepts_a_completion_stream(strict: oaitrio.AsyncOpenAI) -> None:
    stream = await strict.completions.create(
        model="gpt-3.5-turbo-instruct", prompt=PROMPT, stream=True
    )
    async with stream:
        chunks = [chunk async for chunk in stream]
    assert chunks[-1].choices[0].finish_reason == "stop"


@pytest.mark.parametrize("operation", ["chat", "completions"])
async def test_a_body_cut_before_done_raises(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI, operation: str
) -> None:
    server.add_fault(EndBeforeDone())
    stream: oaitrio.AsyncStream[Any]
    if operation == "chat":
        stream = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": PROMPT}], stream=True
        )
    else:
        stream = await client.completions.create(
            model="gpt-3.5-turbo-instruct", prompt=PROMPT, stream=True
        )
    received: list[object] = []
    with pytest.raises(oaitrio.APIConnectionError, match=r"\[DONE\]"):
        async with stream:
            async for chunk in stream:
                received.append(chunk)
    # Every event arrived; only the end marker was missing.
    assert received
    assert all(isinstance(c, ChatCompletionChunk | Completion) for c in received)
    assert client._pool is not None and client._pool.statistics().in_use == 0


# --- transcriptions -----------------------------------------------------------------------


@pytest.mark.parametrize("form", ["bytes", "tuple", "path"])
async def test_a_transcription_stream(
    strict: oaitrio.AsyncOpenAI, server: FakeOpenAI, tmp_path: pathlib.Path, form: str
) -> None:
    file, name = upload(form, tmp_path, AUDIO, "speech.wav", "audio/wav")
    stream = await strict.audio.transcriptions.create(
        file=file, model="gpt-4o-mini-transcribe", stream=True
    )
    assert isinstance(stream, oaitrio.AsyncStream)
    async with stream:
        events = [event async for event in stream]
    *deltas, done = events
    assert deltas and all(isinstance(d, TranscriptTextDeltaEvent) for d in deltas)
    assert isinstance(done, TranscriptTextDoneEvent)
    text = "".join(d.delta for d in deltas)  # type: ignore[union-attr]
    assert done.text == text
    # The server saw the file whole, under its name.
    assert text == f"This is a fake transcript of {name}, {len(AUDIO)} bytes of audio."
    assert isinstance(done.usage, TranscriptTextUsageTokens)
    assert done.usage.output_tokens == len(deltas)
    await strict.models.retrieve("gpt-4o")
    assert_back_in_pool(strict, server)


async def test_a_plain_transcription_on_the_wire(
    strict: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    raw = await strict.with_raw_response.audio.transcriptions.create(
        file=("memo.mp3", AUDIO, "audio/mpeg"), model="gpt-4o-mini-transcribe", prompt="trio"
    )
    body = raw.json()
    assert body["text"] == f"This is a fake transcript of memo.mp3, {len(AUDIO)} bytes of audio."
    assert msgspec.convert(body["usage"], TranscriptTextUsageTokens).type == "tokens"
    recorded = server.requests[-1]
    assert recorded.headers["content-type"].startswith("multipart/form-data; boundary=")
    whisper = await strict.with_raw_response.audio.transcriptions.create(
        file=AUDIO, model="whisper-1", response_format="text"
    )
    assert whisper.headers["content-type"].startswith("text/plain")
    assert whisper.text == f"This is a fake transcript of upload, {len(AUDIO)} bytes of audio."
    assert_back_in_pool(strict, server)


async def test_a_plain_transcription(strict: oaitrio.AsyncOpenAI, server: FakeOpenAI) -> None:
    transcription = await strict.audio.transcriptions.create(
        file=("memo.mp3", AUDIO, "audio/mpeg"), model="gpt-4o-mini-transcribe"
    )
    assert transcription.text == (  # type: ignore[union-attr]
        f"This is a fake transcript of memo.mp3, {len(AUDIO)} bytes of audio."
    )
    assert_back_in_pool(strict, server)


async def test_a_malformed_multipart_body_is_a_clear_400(server: FakeOpenAI) -> None:
    auth = {"authorization": f"Bearer {FAKE_KEY}"}
    path = "/audio/transcriptions"
    async with httpx.AsyncClient(base_url=server.base_url, headers=auth) as http:
        cut = await http.post(
            path,
            content=b'--xx\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n',
            headers={"content-type": "multipart/form-data; boundary=xx"},
        )
        no_boundary = await http.post(
            path, content=b"--xx--\r\n", headers={"content-type": "multipart/form-data"}
        )
        unnamed = await http.post(
            path,
            content=b"--xx\r\nContent-Disposition: form-data\r\n\r\nv\r\n--xx--\r\n",
            headers={"content-type": "multipart/form-data; boundary=xx"},
        )
        as_json = await http.post(path, json={"model": "whisper-1"})
        no_file = await http.post(path, files={"model": (None, b"whisper-1")})
        not_text = await http.post(
            "/images/edits",
            files={
                "image": ("a.png", b"\x89PNG"),
                "prompt": (None, b"p"),
                "stream": (None, b"\xff"),
            },
        )
    for response in (cut, no_boundary, unnamed, as_json, no_file, not_text):
        assert response.status_code == 400
        assert response.json()["error"]["type"] == "invalid_request_error"
    assert not_text.json()["error"]["param"] == "stream"
    assert server.connections_opened == 1  # every refusal kept the connection
    assert cut.json()["error"]["message"] == (
        "Could not parse the multipart/form-data body: it ends before its closing boundary."
    )
    assert "no boundary" in no_boundary.json()["error"]["message"]
    assert "part 0 has no name" in unnamed.json()["error"]["message"]
    assert "expected multipart/form-data" in as_json.json()["error"]["message"]
    assert no_file.json()["error"]["param"] == "file"


# --- images -------------------------------------------------------------------------------


async def test_a_plain_image_generation(strict: oaitrio.AsyncOpenAI, server: FakeOpenAI) -> None:
    images = await strict.images.generate(
        prompt="a trio of cats", model="gpt-image-1", size="1024x1536", n=2
    )
    assert isinstance(images, ImagesResponse)
    assert images.data is not None and len(images.data) == 2
    for image in images.data:
        assert image.b64_json is not None and image.url is None
        assert png_size(base64.b64decode(image.b64_json)) == (1024, 1536)
    assert images.size == "1024x1536" and images.output_format == "png"
    assert images.usage is not None and images.usage.output_tokens > 0
    assert_back_in_pool(strict, server)


@pytest.mark.parametrize("partial_images", [0, 2])
async def test_an_image_generation_stream(
    strict: oaitrio.AsyncOpenAI, server: FakeOpenAI, partial_images: int
) -> None:
    plain = await strict.images.generate(prompt="a trio of cats", model="gpt-image-1")
    stream = await strict.images.generate(
        prompt="a trio of cats", model="gpt-image-1", stream=True, partial_images=partial_images
    )
    assert isinstance(stream, oaitrio.AsyncStream)
    async with stream:
        events = [event async for event in stream]
    *partials, completed = events
    assert all(isinstance(e, ImageGenPartialImageEvent) for e in partials)
    assert [e.partial_image_index for e in partials] == list(range(partial_images))  # type: ignore[union-attr]
    assert isinstance(completed, ImageGenCompletedEvent)
    assert completed.size == "auto" and completed.output_format == "png"
    assert isinstance(completed.usage, ImagesUsage)
    # The last event carries the image a plain call gets; the partial ones differ from it.
    assert plain.data is not None
    assert completed.b64_json == plain.data[0].b64_json
    assert all(e.b64_json != completed.b64_json for e in partials)  # type: ignore[union-attr]
    assert png_size(base64.b64decode(completed.b64_json)) == (1024, 1024)
    assert_back_in_pool(strict, server)


async def test_a_plain_image_edit_takes_every_file_form(
    strict: oaitrio.AsyncOpenAI, server: FakeOpenAI, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "dog.png"
    path.write_bytes(b"\x89PNG dog")
    images = await strict.images.edit(
        image=[b"\x89PNG cat", ("bird.png", b"\x89PNG bird", "image/png"), path],
        mask=("mask.png", b"\x89PNG mask", "image/png"),
        prompt="put hats on them",
        size="1536x1024",
    )
    assert isinstance(images, ImagesResponse)
    assert images.data is not None and images.data[0].b64_json is not None
    assert png_size(base64.b64decode(images.data[0].b64_json)) == (1536, 1024)
    assert images.usage is not None
    assert images.usage.input_tokens_details.image_tokens > 0
    other = await strict.images.edit(image=b"\x89PNG cat", prompt="put hats on them")
    assert other.data is not None and other.data[0].b64_json != images.data[0].b64_json
    assert_back_in_pool(strict, server)


async def test_an_image_edit_stream(
    strict: oaitrio.AsyncOpenAI, server: FakeOpenAI, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "cat.png"
    path.write_bytes(b"\x89PNG cat")
    plain = await strict.images.edit(image=path, prompt="a hat")
    stream = await strict.images.edit(image=path, prompt="a hat", stream=True, partial_images=1)
    assert isinstance(stream, oaitrio.AsyncStream)
    async with stream:
        events = [event async for event in stream]
    assert [type(e) for e in events] == [ImageEditPartialImageEvent, ImageEditCompletedEvent]
    completed = events[-1]
    assert isinstance(completed, ImageEditCompletedEvent)
    assert plain.data is not None and completed.b64_json == plain.data[0].b64_json
    assert completed.usage.input_tokens_details.image_tokens > 0
    assert_back_in_pool(strict, server)


# --- speech -------------------------------------------------------------------------------


async def test_plain_speech_is_audio(strict: oaitrio.AsyncOpenAI, server: FakeOpenAI) -> None:
    mp3 = await strict.audio.speech.create(model="gpt-4o-mini-tts", input=PROMPT, voice="alloy")
    assert mp3.response.headers["content-type"] == "audio/mpeg"
    assert mp3.content.startswith(b"ID3")
    wav = await strict.audio.speech.create(
        model="gpt-4o-mini-tts", input=PROMPT, voice="alloy", response_format="wav"
    )
    assert wav.response.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(wav.content)) as audio:
        assert audio.getframerate() == 24_000 and audio.getsampwidth() == 2
        assert audio.getnframes() > 0
    assert_back_in_pool(strict, server)


def speech_events(data: bytes) -> list[Any]:
    decoder = SSEDecoder()
    raw = [*decoder.feed(data), *decoder.end()]
    assert all(event.data != b"[DONE]" for event in raw)
    return [
        msgspec.json.decode(event.data, type=CreateSpeechResponseStreamEvent, strict=True)
        for event in raw
    ]


async def test_speech_as_server_sent_events(
    strict: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    kwargs: dict[str, Any] = {"model": "gpt-4o-mini-tts", "input": PROMPT, "voice": "alloy"}
    plain = await strict.audio.speech.create(**kwargs, response_format="pcm")
    # The generated method has no stream type for `stream_format="sse"`: it reads the
    # body whole, as the official SDK does; with_streaming_response reads it as it comes.
    sse = await strict.audio.speech.create(**kwargs, response_format="pcm", stream_format="sse")
    assert sse.response.headers["content-type"].startswith("text/event-stream")
    async with strict.with_streaming_response.audio.speech.create(
        **kwargs, response_format="pcm", stream_format="sse"
    ) as response:
        pieces = [piece async for piece in response.iter_bytes()]
    for body in (sse.content, b"".join(pieces)):
        *deltas, done = speech_events(body)
        assert len(deltas) > 1 and all(isinstance(d, SpeechAudioDeltaEvent) for d in deltas)
        assert isinstance(done, SpeechAudioDoneEvent)
        assert done.usage.total_tokens == done.usage.input_tokens + done.usage.output_tokens
        assert b"".join(base64.b64decode(d.audio) for d in deltas) == plain.content
    with pytest.raises(oaitrio.BadRequestError, match="not supported for tts-1"):
        await strict.audio.speech.create(
            model="tts-1", input=PROMPT, voice="alloy", stream_format="sse"
        )
    assert_back_in_pool(strict, server)


# --- bad input ----------------------------------------------------------------------------

VALID_BODIES: dict[str, dict[str, Any]] = {
    "/completions": {"model": "m", "prompt": "hi", "n": 1, "max_tokens": 5, "echo": True},
    "/responses": {
        "model": "m",
        "input": [{"role": "user", "content": "hi"}],
        "instructions": "x",
        "max_output_tokens": 5,
        "metadata": {},
        "temperature": 1,
        "tools": [],
        "service_tier": "flex",
        "stream_options": {},
    },
    "/images/generations": {
        "prompt": "p",
        "model": "gpt-image-1",
        "n": 1,
        "size": "1024x1024",
        "quality": "low",
        "background": "auto",
        "output_format": "png",
        "response_format": "b64_json",
        "partial_images": 1,
    },
    "/images/edits": {"prompt": "p", "images": [{"image_url": "https://x"}], "mask": {}},
    "/audio/speech": {
        "model": "gpt-4o-mini-tts",
        "input": "hi",
        "voice": "alloy",
        "response_format": "wav",
        "speed": 1,
        "stream_format": "sse",
    },
}


@pytest.mark.parametrize("path", sorted(VALID_BODIES))
@pytest.mark.parametrize("stream", [False, True])
async def test_a_parameter_of_the_wrong_type_is_answered_not_a_crash(
    server: FakeOpenAI, path: str, stream: bool
) -> None:
    auth = {"authorization": f"Bearer {FAKE_KEY}"}
    statuses: set[int] = set()
    async with httpx.AsyncClient(base_url=server.base_url, headers=auth) as http:
        for name in VALID_BODIES[path]:
            for value in ([], {"a": []}, "x", -1, None, 1e300):
                body = {**VALID_BODIES[path], "stream": stream, name: value}
                response = await http.post(path, json=body)
                statuses.add(response.status_code)
                if response.status_code == 400:
                    assert response.json()["error"]["message"]
    assert statuses <= {200, 400}
    assert server.connections_opened == 1
