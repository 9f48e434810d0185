"""Lenient decoding: the fast path is the typed decode, and nothing the API sends is lost."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oaitrio._models import decode
from oaitrio.types.chat import ChatCompletion, ChatCompletionChunk
from oaitrio.types.model import Model

CHUNK = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}],
}


def encode(value: object) -> bytes:
    return msgspec.json.encode(value)


def test_unknown_fields_are_ignored() -> None:
    chunk = decode(
        encode({**CHUNK, "brand_new": {"x": 1}, "obfuscation": "abc"}), ChatCompletionChunk
    )
    assert chunk.choices[0].delta.content == "hi"


def test_a_new_enum_value_still_decodes() -> None:
    raw = {**CHUNK, "choices": [{"index": 0, "delta": {}, "finish_reason": "a_future_reason"}]}
    chunk = decode(encode(raw), ChatCompletionChunk)
    assert chunk.choices[0].finish_reason == "a_future_reason"


def test_a_missing_required_field_keeps_the_rest() -> None:
    raw = {key: value for key, value in CHUNK.items() if key != "id"}
    chunk = decode(encode(raw), ChatCompletionChunk)
    assert chunk.id is None
    assert chunk.choices[0].delta.content == "hi"


def test_a_value_of_an_unexpected_type_is_kept_raw() -> None:
    raw = {**CHUNK, "created": "yesterday"}
    chunk = decode(encode(raw), ChatCompletionChunk)
    assert chunk.created == "yesterday"  # type: ignore[comparison-overlap]
    assert chunk.choices[0].delta.content == "hi"


def test_strict_mode_refuses_what_lenient_mode_keeps() -> None:
    raw = {key: value for key, value in CHUNK.items() if key != "id"}
    with pytest.raises(msgspec.ValidationError, match="id"):
        decode(encode(raw), ChatCompletionChunk, strict=True)


def test_models_serialise_back_like_the_sdk() -> None:
    model = decode(encode({"id": "m", "object": "model", "created": 1, "owned_by": "me"}), Model)
    assert model.to_dict() == {"id": "m", "object": "model", "created": 1, "owned_by": "me"}
    assert model.model_dump() == model.to_dict()
    assert '"owned_by": "me"' in model.to_json()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)

# Generation of nested JSON is slow on a loaded 2-core machine; the property
# is about decoding, so no deadline and no complaint about slow inputs.
RELAXED = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(
    st.dictionaries(
        st.sampled_from(["id", "choices", "created", "model", "object", "usage", "other"]),
        json_values,
    )
)
def test_any_json_object_decodes_without_raising(raw: dict[str, object]) -> None:
    for tp in (ChatCompletionChunk, ChatCompletion):
        result = decode(encode(raw), tp)
        assert isinstance(result, tp)
        if isinstance(raw.get("model"), str):
            assert result.model == raw["model"]


@RELAXED
@given(st.binary(max_size=64))
def test_bytes_that_are_not_json_raise_decode_error_only(data: bytes) -> None:
    try:
        raw = msgspec.json.decode(data)
    except msgspec.DecodeError:
        with pytest.raises(msgspec.DecodeError):
            decode(data, ChatCompletionChunk)
        return
    result = decode(data, ChatCompletionChunk)
    if isinstance(raw, dict):
        assert isinstance(result, ChatCompletionChunk)
    else:
        assert result == raw  # not an object: handed back as sent, not lost
