"""Every generated method, called once against Prism: the request is valid, the answer typed.

For each operation the sample request of ``_samples.py`` becomes a call of the
method the generator made for it (``client.<resource>.<method>(...)``), sent
through oaitrio's own stack to Prism, which answers 422 when the request
breaks the spec. The answer must decode into the method's declared type: a
class for JSON answers, a page of the item class for list methods,
``BinaryResponseContent`` for downloads, ``None`` for empty answers. (Decoding
is the client's default, lenient one: Prism builds some answers from the
spec's examples, which leave out fields the schemas require.)

Prism's known limits, each handled where the call is made (``PRISM_LIMITS``):
it mocks ``createSpeech`` with an invalid ``Transfer-Encoding`` header, it
answers 406 to the binary ``Accept`` oaitrio sends for downloads, and it
routes ``?beta=true`` paths to their non-beta twin. Streamed answers are not
called here at all (Prism answers ``stream=True`` with plain JSON): the
embedded fake server covers them (tests/oaitrio/test_streaming.py).
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from typing import Annotated, Any, get_origin

import pytest

import oaitrio
from oaitrio._binary import BinaryResponseContent
from oaitrio.pagination import BasePage
from protocols.openapi import generate
from protocols.openapi._resgen import body_schema
from protocols.openapi._source import identifier
from protocols.openapi._typegen import MODEL

from ._samples import File, Sample, build_sample
from ._spec import SPEC

SURFACE = generate.plan_surface(SPEC)

#: Operations whose call is shaped around a Prism limit, and why.
PRISM_LIMITS = {
    "createSpeech": "Prism mocks its 200 with `Transfer-Encoding: string`, which oaitrio "
    "refuses to read; the test checks that the request got past validation (a 200 head, "
    "not a 422) and the fake server covers the audio bytes (tests/oaitrio/test_binary.py)",
    "binary answers": "Prism answers 406 to the `Accept: application/octet-stream` oaitrio "
    "sends for downloads; sent with `Accept: */*` here",
}


@pytest.fixture
async def client(prism_url: str) -> AsyncIterator[oaitrio.AsyncOpenAI]:
    async with oaitrio.AsyncOpenAI(
        api_key="sk-test",
        base_url=prism_url,
        max_retries=0,
    ) as c:
        yield c


def _arguments(sample: Sample) -> tuple[list[object], dict[str, object]]:
    """The sample as the generated method's positional and keyword arguments."""
    path_names = list(sample.path_params)
    args: list[object] = [sample.path_params[path_names[-1]]] if path_names else []
    kwargs: dict[str, object] = {
        identifier(name): value
        for name, value in sample.path_params.items()
        if name != path_names[-1]
    }
    for name, value in sample.query.items():
        kwargs[identifier(name.removesuffix("[]"))] = value
    for name, value in (sample.body or {}).items():
        kwargs[identifier(name)] = value
    for name, value in (sample.multipart or {}).items():
        kwargs[identifier(name)] = _file(value)
    for name, value in sample.headers.items():
        kwargs[_header_parameter(sample.operation_id, name)] = value
    return args, kwargs


def _header_parameter(operation_id: str, header: str) -> str:
    """The method's keyword for a header parameter (``openai-beta`` is ``betas``)."""
    for raw in SURFACE.plans[operation_id].operation.spec.get("parameters") or ():
        if raw.get("in") == "header" and raw.get("name") == header:
            return identifier((raw.get("schema") or {}).get("x-stainless-param") or header)
    raise AssertionError(f"{operation_id} has no header parameter {header}")


def _file(value: object) -> object:
    if isinstance(value, File):
        return (value.name, value.content, value.mime_type)
    if isinstance(value, list):
        return [_file(item) for item in value]  # type: ignore[misc]
    return value


def _declared_class(schema: str) -> Any:
    place = SURFACE.placements[schema]
    module = importlib.import_module("oaitrio." + ".".join(place.module(MODEL)))
    return getattr(module, place.class_name(MODEL))


def _assert_typed(value: object, cls: Any) -> None:
    if get_origin(cls) is Annotated:  # an Untagged union: a member it fits, else plain JSON
        members = [m for m in cls.__metadata__[0] if isinstance(m, type) and m is not Any]
        assert isinstance(value, (dict, list, str, int, float, bool, *members)), type(value)
    elif isinstance(cls, type):
        assert isinstance(value, cls), (type(value), cls)
    else:  # a union alias: one of its members
        members = getattr(cls, "__args__", ())
        assert any(isinstance(value, m) for m in members if isinstance(m, type)), type(value)


@pytest.mark.parametrize("operation_id", sorted(SURFACE.plans))
async def test_generated_method_against_prism(
    client: oaitrio.AsyncOpenAI, operation_id: str
) -> None:
    plan = SURFACE.plans[operation_id]
    name = SURFACE.names[operation_id]
    content_type, _ = body_schema(SURFACE.index, plan.operation)
    sample = build_sample(SPEC, operation_id, content_type)
    args, kwargs = _arguments(sample)
    target: Any = client
    for part in name.resource:
        target = getattr(target, part)
    method = getattr(target, name.method)
    if operation_id == "createSpeech":
        # Prism validated the request (it would answer 422 otherwise) and then
        # sent its malformed 200, which oaitrio refuses to read as a body.
        with pytest.raises(oaitrio.APIConnectionError, match="Transfer-Encoding"):
            await method(*args, **kwargs)
        return
    if plan.kind == "binary":
        kwargs["extra_headers"] = {"Accept": "*/*"}
    result = await method(*args, **kwargs)
    if plan.kind == "empty" or (plan.response is None and plan.kind != "binary"):
        assert result is None or plan.kind != "empty"
        return
    if plan.kind == "binary":
        assert isinstance(result, BinaryResponseContent)
        assert isinstance(result.content, bytes)
        return
    cls = _declared_class(plan.response)
    if plan.kind == "list":
        assert isinstance(result, BasePage)
        for item in result.data:  # type: ignore[attr-defined]
            _assert_typed(item, cls)
        return
    _assert_typed(result, cls)
