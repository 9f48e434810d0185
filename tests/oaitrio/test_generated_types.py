"""The generated types: lenient where the API moves on, typed and fast where it does not."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import msgspec
import pytest

from oaitrio._models import _decoder, decode
from oaitrio.types.chat import ChatCompletion, ChatCompletionChunk
from oaitrio.types.responses import Response, ResponseStreamEvent

COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o-mini",
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "logprobs": None,
            "message": {"role": "assistant", "content": "hi", "refusal": None},
        }
    ],
}

RESPONSE = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1,
    "status": "completed",
    "model": "gpt-4o-mini",
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
    "output": [
        {
            "type": "message",
            "id": "msg_1",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "hi", "annotations": []}],
        }
    ],
}


def test_the_fast_path_is_the_typed_decode() -> None:
    data = msgspec.json.encode(COMPLETION)
    completion = _decoder(ChatCompletion).decode(data)  # raises if the data did not fit
    assert completion.choices[0].message.content == "hi"
    assert decode(data, ChatCompletion, strict=True) == completion


def test_an_unknown_field_is_ignored() -> None:
    data = msgspec.json.encode({**COMPLETION, "brand_new_field": {"x": 1}})
    completion = decode(data, ChatCompletion, strict=True)
    assert completion.id == "chatcmpl-1"


def test_an_unknown_enum_value_still_decodes() -> None:
    choice = {**COMPLETION["choices"][0], "finish_reason": "a_reason_from_next_year"}
    data = msgspec.json.encode({**COMPLETION, "choices": [choice]})
    completion = decode(data, ChatCompletion, strict=True)
    assert completion.choices[0].finish_reason == "a_reason_from_next_year"


def test_an_unknown_union_variant_is_kept_raw_beside_typed_ones() -> None:
    new_item = {"type": "hologram_call", "id": "h_1", "depth": 3}
    data = msgspec.json.encode({**RESPONSE, "output": [*RESPONSE["output"], new_item]})
    with pytest.raises(msgspec.ValidationError):
        decode(data, Response, strict=True)
    response = decode(data, Response)
    assert response.output[0].type == "message"
    assert response.output[0].content[0].text == "hi"  # type: ignore[union-attr]
    assert response.output[1] == new_item
    assert response.status == "completed"


def test_a_missing_required_field_keeps_the_rest() -> None:
    data = msgspec.json.encode({k: v for k, v in COMPLETION.items() if k != "created"})
    with pytest.raises(msgspec.ValidationError):
        decode(data, ChatCompletion, strict=True)
    completion = decode(data, ChatCompletion)
    assert completion.created is None
    assert completion.choices[0].message.content == "hi"


def test_a_stream_event_union_is_decoded_by_its_tag() -> None:
    event = {
        "type": "response.output_text.delta",
        "item_id": "msg_1",
        "output_index": 0,
        "content_index": 0,
        "delta": "Hel",
        "sequence_number": 3,
        "logprobs": [],
    }
    decoded = decode(msgspec.json.encode(event), ResponseStreamEvent, strict=True)  # type: ignore[arg-type]
    assert type(decoded).__name__ == "ResponseTextDeltaEvent"
    assert decoded.delta == "Hel"  # type: ignore[union-attr]


def test_a_chunk_decodes_typed() -> None:
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": None}],
    }
    decoded = decode(msgspec.json.encode(chunk), ChatCompletionChunk, strict=True)
    assert decoded.choices[0].delta.content == "x"


def test_using_chat_loads_only_its_own_modules() -> None:
    script = textwrap.dedent(
        """
        import sys
        import oaitrio
        client = oaitrio.AsyncOpenAI(api_key="sk-test")
        client.chat.completions.create
        loaded = sorted(m for m in sys.modules if m.startswith("oaitrio."))
        print("\\n".join(loaded))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "oaitrio.resources.chat.completions" in out
    assert "oaitrio.types.chat.chat_completion" in out
    for other in ("fine_tuning", "responses", "beta", "audio", "vector_stores", "admin"):
        assert not [
            m for m in out if m.startswith((f"oaitrio.types.{other}", f"oaitrio.resources.{other}"))
        ], other
    # Request types are for type checkers: nothing under types/ ending in _param is loaded.
    assert not [m for m in out if m.endswith("_param")]


async def test_an_assistants_run_stream_pairs_event_names_with_their_objects() -> None:
    import httpx

    from oaitrio._streaming import AsyncStream
    from oaitrio.types.beta import AssistantStreamEvent
    from oaitrio.types.beta.threads import Run

    run = {
        "id": "run_1",
        "object": "thread.run",
        "created_at": 1,
        "thread_id": "thread_1",
        "assistant_id": "asst_1",
        "status": "queued",
        "model": "gpt-4o-mini",
        "instructions": "",
        "tools": [],
    }
    body = (
        b"event: thread.run.created\ndata: " + msgspec.json.encode(run) + b"\n\n"
        b"event: thread.run.completed\ndata: "
        + msgspec.json.encode({**run, "status": "completed"})
        + b"\n\nevent: done\ndata: [DONE]\n\n"
    )
    response = httpx.Response(200, content=body, request=httpx.Request("POST", "http://x/"))
    stream = AsyncStream(cast_to=AssistantStreamEvent, response=response, envelope=True)  # type: ignore[arg-type]
    events = [event async for event in stream]
    assert [event.event for event in events] == ["thread.run.created", "thread.run.completed"]  # type: ignore[union-attr]
    assert all(isinstance(event.data, Run) for event in events)  # type: ignore[union-attr]
    assert events[1].data.status == "completed"  # type: ignore[union-attr]


def test_an_untagged_answer_is_the_first_member_it_fits() -> None:
    from oaitrio.types.audio import TranscriptionCreateResponse

    plain = decode(b'{"text": "hello"}', TranscriptionCreateResponse)  # type: ignore[arg-type]
    assert type(plain).__name__ == "CreateTranscriptionResponseJson"
    assert plain.text == "hello"  # type: ignore[union-attr]
    verbose = decode(
        b'{"text": "hello", "language": "en", "duration": 1.5, "task": "transcribe"}',
        TranscriptionCreateResponse,  # type: ignore[arg-type]
    )
    assert verbose.text == "hello"  # type: ignore[union-attr]
    # Nothing fits: the plain JSON value, not an error.
    assert decode(b'{"words": 3}', TranscriptionCreateResponse) == {"words": 3}  # type: ignore[arg-type]


def test_inline_answers_get_the_sdk_class_names() -> None:
    from oaitrio.types import EvalDeleteResponse

    deleted = decode(
        b'{"object": "eval.deleted", "deleted": true, "eval_id": "eval_1"}', EvalDeleteResponse
    )
    assert deleted.deleted is True


async def test_a_strict_stream_reports_a_misfit_event_as_a_validation_error() -> None:
    import httpx

    import oaitrio
    from oaitrio._streaming import AsyncStream

    body = b'data: {"id": 1}\n\ndata: [DONE]\n\n'
    response = httpx.Response(200, content=body, request=httpx.Request("POST", "http://x/"))
    stream = AsyncStream(cast_to=ChatCompletionChunk, response=response, strict=True)
    with pytest.raises(oaitrio.APIResponseValidationError, match="does not fit"):
        await stream.__anext__()


async def test_raw_and_streaming_responses_wrap_generated_methods(client: Any) -> None:
    raw = await client.with_raw_response.responses.create(model="gpt-4o-mini", input="hi")
    assert raw.status_code == 200
    parsed = raw.parse()
    assert isinstance(parsed, Response)
    assert parsed.output_text == "You said: hi"
    async with client.with_streaming_response.images.generate(prompt="a lighthouse") as r:
        body = b"".join([chunk async for chunk in r.iter_bytes()])
    assert r.status_code == 200
    assert msgspec.json.decode(body)["data"]  # read unparsed, as bytes
