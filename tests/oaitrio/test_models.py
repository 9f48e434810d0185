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
    # As the SDK: model_dump() keeps every field (None where not sent), to_dict() what was sent.
    assert model.model_dump() == {**model.to_dict(), "shutdown_date": None}
    assert model.model_dump(exclude_unset=True) == model.to_dict()
    assert '"owned_by": "me"' in model.to_json()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
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


# -- the model helpers users call after every request (issue 14) ---------------------

COMPLETION: dict[str, object] = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o-mini",
    "system_fingerprint": None,  # sent as null
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "logprobs": None,
            "message": {"role": "assistant", "content": "hi", "refusal": None, "new": [1]},
        }
    ],
    "usage": None,
    "brand_new": {"x": 1},
}


def _completion() -> ChatCompletion:
    return decode(encode(COMPLETION), ChatCompletion)


def test_model_dump_has_every_field_and_the_unknown_ones_like_the_sdk() -> None:
    dumped = _completion().model_dump()
    assert dumped["service_tier"] is None  # not sent, still there, as pydantic has it
    assert dumped["system_fingerprint"] is None
    assert dumped["brand_new"] == {"x": 1}
    message = dumped["choices"][0]["message"]
    assert message["new"] == [1] and message["tool_calls"] is None


def test_to_dict_and_exclude_unset_give_back_what_was_sent_nulls_included() -> None:
    completion = _completion()
    assert completion.to_dict() == COMPLETION
    assert completion.model_dump(exclude_unset=True) == COMPLETION
    assert msgspec.json.decode(completion.to_json()) == COMPLETION
    assert completion.to_json().startswith('{\n  "id": "chatcmpl-1",\n')


def test_model_dump_arguments() -> None:
    completion = _completion()
    no_none = completion.model_dump(exclude_none=True)
    assert "system_fingerprint" not in no_none and "usage" not in no_none
    assert "logprobs" not in no_none["choices"][0]
    assert completion.model_dump(mode="json") == completion.model_dump()
    assert completion.model_dump(exclude_unset=True, include={"id", "brand_new"}) == {
        "id": "chatcmpl-1",
        "brand_new": {"x": 1},
    }
    trimmed = completion.model_dump(
        exclude_unset=True, exclude={"brand_new": True, "choices": {"__all__": {"message"}}}
    )
    assert trimmed["choices"] == [{"index": 0, "finish_reason": "stop", "logprobs": None}]
    assert "brand_new" not in trimmed
    with pytest.raises(ValueError, match="mode must be 'python' or 'json'"):
        completion.model_dump(mode="yaml")


def test_by_alias_keys_by_the_api_names() -> None:
    from oaitrio.types.moderation_create_response import ResultCategories

    names = ["hate", "hate/threatening", "harassment", "harassment/threatening", "illicit"]
    names += ["illicit/violent", "self-harm", "self-harm/intent", "self-harm/instructions"]
    names += ["sexual", "sexual/minors", "violence", "violence/graphic"]
    raw = dict.fromkeys(names, False)
    categories = decode(encode(raw), ResultCategories)
    assert categories.model_dump(by_alias=True) == raw
    assert categories.to_dict() == raw  # the SDK's to_dict uses the API's names
    assert categories.model_dump()["self_harm"] is False
    assert "self-harm" not in categories.model_dump()


def test_model_dump_json_is_compact_unless_indented() -> None:
    model = decode(encode({"id": "m", "object": "model", "created": 1, "owned_by": "me"}), Model)
    assert model.model_dump_json() == (
        '{"id":"m","created":1,"object":"model","owned_by":"me","shutdown_date":null}'
    )
    assert model.model_dump_json(exclude_unset=True, indent=2).startswith('{\n  "id": "m",\n')


def test_dict_of_a_model_is_its_fields_then_its_unknown_fields() -> None:
    completion = _completion()
    fields = dict(completion)
    assert fields["choices"] is completion.choices  # values as they are, as pydantic's
    assert fields["service_tier"] is None
    assert list(fields)[-1] == "brand_new"
    assert dict(completion.choices[0].message)["new"] == [1]


@pytest.mark.parametrize("nested_first", [True, False])
def test_fields_set_tells_null_from_missing_at_every_level(nested_first: bool) -> None:
    completion = _completion()
    message = completion.choices[0].message
    if nested_first:
        assert message.model_fields_set == {"role", "content", "refusal"}
    assert "system_fingerprint" in completion.model_fields_set  # null
    assert "service_tier" not in completion.model_fields_set  # missing
    assert completion.system_fingerprint is None and completion.service_tier is None
    assert "brand_new" not in completion.model_fields_set  # as the SDK: only declared fields
    assert message.model_fields_set == {"role", "content", "refusal"}


def test_unknown_fields_by_attribute_and_model_extra() -> None:
    completion = _completion()
    message = completion.choices[0].message
    assert message.new == [1]  # type: ignore[attr-defined]
    assert message.model_extra == {"new": [1]}
    assert completion.brand_new == {"x": 1}  # type: ignore[attr-defined]
    assert completion.model_extra == {"brand_new": {"x": 1}}
    with pytest.raises(AttributeError, match="'ChatCompletion' object has no attribute 'nope'"):
        completion.nope  # type: ignore[attr-defined]  # noqa: B018


def test_private_names_are_never_looked_up_in_the_json() -> None:
    completion = _completion()
    assert getattr(completion, "_missing", "default") == "default"
    assert "_oaitrio_wire" not in completion.__dict__  # nothing was decoded for it


def test_a_nested_object_finds_its_answer_wherever_it_is_held() -> None:
    raw = {
        **CHUNK,
        "choices": [{"index": 0, "delta": {"content": None, "reasoning_content": "hm"}}],
    }
    answers = [decode(encode(raw), ChatCompletionChunk)]

    def reasoning(delta: object) -> object:  # no answer among this frame's locals
        return getattr(delta, "reasoning_content", None)

    deltas = [answer.choices[0].delta for answer in answers]
    assert reasoning(deltas[0]) == "hm"  # found through the garbage collector's referrers
    assert deltas[0].model_fields_set == {"content"}
    assert answers[0].model_extra == {}


def test_a_nested_object_whose_answer_is_gone_answers_from_its_values() -> None:
    raw = {**CHUNK, "choices": [{"index": 0, "delta": {"content": None, "extra": 1}}]}
    delta = decode(encode(raw), ChatCompletionChunk).choices[0].delta
    assert delta.model_extra == {}
    assert delta.model_fields_set == set()  # not the JSON's {"content"}: documented


def test_objects_built_in_python() -> None:
    built = ChatCompletion(id="c", object="chat.completion", created=1, model="m", choices=[])
    assert built.model_fields_set == {"id", "object", "created", "model", "choices"}
    assert built.model_extra == {}
    assert built.to_dict() == {
        "id": "c",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [],
    }
    constructed = ChatCompletion.model_construct(
        id="c", choices=[{"index": 0, "message": {"role": "assistant", "extra": 1}}], foo=2
    )
    assert constructed.model_fields_set == {"id", "choices"}
    assert constructed.model_extra == {"foo": 2}
    assert constructed.choices[0].message.role == "assistant"
    assert constructed.choices[0].message.model_extra == {"extra": 1}
    assert ChatCompletion.construct(id="c", _fields_set={"id"}).model_fields_set == {"id"}
    validated = ChatCompletion.model_validate(COMPLETION)
    assert validated.to_dict() == COMPLETION
    assert ChatCompletion.model_validate_json(encode(COMPLETION)).to_dict() == COMPLETION
    with pytest.raises(msgspec.ValidationError):
        ChatCompletion.model_validate({"id": 1}, strict=True)


def _objects(shape: dict[str, object]) -> st.SearchStrategy[dict[str, object]]:
    """JSON objects like ``shape``: each key kept, null, or left out, plus unknown keys."""
    unknown = st.dictionaries(
        st.text(max_size=6).filter(lambda key: key not in shape), json_values, max_size=2
    )
    options = {
        key: st.sampled_from(["keep", "null", "drop"])
        if key not in ("id", "index")
        else st.just("keep")
        for key in shape
    }

    def build(choice: dict[str, str], extra: dict[str, object]) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, value in shape.items():
            if choice[key] == "keep":
                out[key] = value
            elif choice[key] == "null":
                out[key] = None
        return {**out, **extra}

    return st.builds(build, st.fixed_dictionaries(options), unknown)


@RELAXED
@given(
    _objects({"content": "hi", "role": "assistant", "refusal": None}),
    _objects({"index": 0, "finish_reason": None, "logprobs": None}),
    _objects({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}),
)
def test_what_was_received_round_trips(
    delta: dict[str, object], choice: dict[str, object], root: dict[str, object]
) -> None:
    raw = {**root, "choices": [{**choice, "delta": delta}]}
    chunk = decode(encode(raw), ChatCompletionChunk)
    assert chunk.model_dump(exclude_unset=True, by_alias=True) == raw
    assert chunk.to_dict() == raw
    assert chunk.choices[0].delta.model_extra == {
        key: value for key, value in delta.items() if key not in ("content", "role", "refusal")
    }


@RELAXED
@given(
    st.dictionaries(
        st.sampled_from(["id", "choices", "created", "model", "object", "usage", "other"]),
        json_values,
    )
)
def test_any_json_object_round_trips_through_exclude_unset(raw: dict[str, object]) -> None:
    for tp in (ChatCompletionChunk, ChatCompletion):
        assert decode(encode(raw), tp).model_dump(exclude_unset=True, by_alias=True) == raw
