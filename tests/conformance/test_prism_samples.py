"""Every operation of the spec, sent raw through Prism with the sample ``_samples`` builds.

This proves the sample builder before the generated methods exist: for each
``operationId`` Prism must not reject the sample (no 422), must answer 2xx,
and a JSON answer must parse. Bodies the spec also takes as another media type
are sent that way too (``test_alternate_media_type``). Each test opens its own
``httpx.AsyncClient`` (a client cannot outlive its test's ``trio.run``), all
sharing one TLS context, and the tests run one after another.

Prism cannot serve a few operations as the spec describes them. Each exception
is listed below with its reason and its workaround, and a test fails once the
exception is no longer needed. Prism's validation is also partial (see
``test_prism_current_surface.py``: ``allOf`` bodies such as
``createChatCompletion`` are not checked), so ``test_sample_matches_its_schema``
checks every sample against its own request schema too, without Prism.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import AsyncIterator
from functools import cache
from typing import Any, cast

import httpx
import pytest

from ._samples import (
    File,
    Sample,
    build_sample,
    find_operation,
    flatten,
    operations,
    request_content_types,
)
from ._schema_check import resolve, violations
from ._spec import SPEC

HEADERS = {"Authorization": "Bearer sk-test"}
TIMEOUT = httpx.Timeout(30.0)

# Operations whose 2xx answer Prism cannot send readably: ask for another
# declared response instead (`Prefer: code=...`). Prism validates a request
# before it picks the response, so that answer still proves the sample.
PREFER_OTHER_RESPONSE: dict[str, tuple[int, str]] = {
    "createSpeech": (
        429,
        "Prism sends the spec's 200 header `Transfer-Encoding` with the value `string` "
        "(the spec only describes it as 'chunked'), which no HTTP client can read",
    ),
}

# Binary downloads. OpenAI's SDKs send `Accept: application/binary` for them,
# which Prism answers 406, since it matches Accept against the declared media
# types; every request here sends the declared types instead (``_accept``).
BINARY_DOWNLOADS: dict[str, str] = {
    "downloadFile": "declared as application/json",
    "RetrieveVideoContent": "declared as video/mp4, image/webp and application/json",
    "GetSkillContent": "declared as application/zip and application/json",
    "GetSkillVersionContent": "declared as application/zip and application/json",
}

# The beta operations' paths carry a fixed query (`/responses/{response_id}?beta=true`).
# Prism routes on the path alone, so a real `?beta=true` reaches the non-beta twin;
# to reach the beta operation the `?` is sent percent-encoded (``routed_url``). With a
# path parameter that fails as well: Prism then cannot find the parameter (422, "Request
# path must have required property"), so these go to their twin with a real query.
ROUTED_TO_TWIN: dict[str, str] = {
    operation_id: f"Prism cannot read the path parameters of a `?beta=true` path; "
    f"the sample is checked against {operation_id.removeprefix('beta_')}"
    for operation_id in (
        "beta_getResponse",
        "beta_deleteResponse",
        "beta_cancelResponse",
        "beta_listInputItems",
    )
}


OPERATION_IDS = [operation.operation_id for operation in operations(SPEC)]
ALTERNATES = [
    pytest.param(operation_id, content_type, id=f"{operation_id}-{content_type}")
    for operation_id in OPERATION_IDS
    for content_type in request_content_types(SPEC, operation_id)[1:]
]


@cache
def _tls_context() -> ssl.SSLContext:
    """One context for every client: loading the CA bundle takes ~0.1 s (Prism is plain HTTP)."""
    return ssl.create_default_context()


@pytest.fixture
async def client(prism_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=prism_url, headers=HEADERS, timeout=TIMEOUT, verify=_tls_context()
    ) as c:
        yield c


# -- sending a sample ---------------------------------------------------------


def routed_url(sample: Sample) -> httpx.URL:
    """The sample's URL as Prism routes it: see ``ROUTED_TO_TWIN``."""
    if "?" in sample.path and sample.operation_id not in ROUTED_TO_TWIN:
        return _with_query(sample.url.replace("?", "%3F"), sample.query)
    return _with_query(sample.url, sample.query)


def _with_query(url: str, query: dict[str, object]) -> httpx.URL:
    """``url`` plus ``query`` in OpenAPI's default style (form, exploded: arrays repeat the key)."""
    pairs = httpx.QueryParams()
    for name, value in query.items():
        for item in cast("list[object]", value) if isinstance(value, list) else [value]:
            pairs = pairs.add(name, item if isinstance(item, str) else json.dumps(item))
    return httpx.URL(url).copy_merge_params(pairs)


def _accept(operation_id: str) -> str:
    """The media types the operation's 2xx answers declare, or ``*/*`` when none do."""
    responses = find_operation(SPEC, operation_id).spec["responses"]
    types = {
        media
        for status, response in responses.items()
        if status.startswith("2")
        for media in resolve(SPEC, response).get("content", {})
    }
    return ", ".join(sorted(types)) or "*/*"


def _header_text(value: object) -> str:
    """A header parameter in the default ``simple`` style: arrays comma-separated."""
    if isinstance(value, list):
        return ",".join(str(item) for item in cast("list[object]", value))
    return str(value)


def _multipart_parts(fields: dict[str, object]) -> list[tuple[str, tuple[Any, ...]]]:
    """``fields`` as httpx ``files=`` parts, so a form without files is still multipart.

    A plain field is a part without a filename; a number or boolean goes as its
    JSON text, and so does an object (the spec's one multipart object,
    ``create-realtime-call``'s ``session``, is declared ``application/json``).
    """
    parts: list[tuple[str, tuple[Any, ...]]] = []
    for name, value in fields.items():
        values = cast("list[object]", value) if isinstance(value, list) else [value]
        files = [v for v in values if isinstance(v, File)]
        if files and len(files) == len(values):
            parts.extend((name, tuple(file)) for file in files)
        elif isinstance(value, str):
            parts.append((name, (None, value)))
        else:
            parts.append((name, (None, json.dumps(value))))
    return parts


async def send(
    client: httpx.AsyncClient, sample: Sample, headers: dict[str, str] | None = None
) -> httpx.Response:
    """Send ``sample`` as its ``content_type`` says: JSON, multipart, or raw bytes."""
    request_headers = {
        "Accept": _accept(sample.operation_id),
        **{name: _header_text(value) for name, value in sample.headers.items()},
    }
    request: dict[str, Any] = {}
    if sample.body is not None:
        request["json"] = sample.body
    elif sample.multipart is not None:
        request["files"] = _multipart_parts(sample.multipart)
    elif sample.raw is not None:
        request["content"] = sample.raw
        request_headers["Content-Type"] = sample.content_type or "application/octet-stream"
    request_headers.update(headers or {})
    return await client.request(
        sample.method, routed_url(sample), headers=request_headers, **request
    )


def assert_accepted(sample: Sample, response: httpx.Response) -> None:
    assert response.status_code != 422, (
        f"Prism rejected the {sample.operation_id} sample:\n"
        f"{json.dumps(response.json(), indent=2)}\nsample: {sample}"
    )
    assert response.is_success, f"{response.status_code}: {response.text[:2000]}"
    if response.headers.get("content-type", "").startswith("application/json"):
        response.json()


# -- every operation through Prism --------------------------------------------


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
async def test_sample_accepted(client: httpx.AsyncClient, operation_id: str) -> None:
    sample = build_sample(SPEC, operation_id)
    if operation_id not in PREFER_OTHER_RESPONSE:
        assert_accepted(sample, await send(client, sample))
        return
    status, _ = PREFER_OTHER_RESPONSE[operation_id]
    # Accept anything: the other response's media type is not the 2xx one's.
    response = await send(client, sample, {"Prefer": f"code={status}", "Accept": "*/*"})
    assert response.status_code == status, response.text


@pytest.mark.parametrize(("operation_id", "content_type"), ALTERNATES)
async def test_alternate_media_type(
    client: httpx.AsyncClient, operation_id: str, content_type: str
) -> None:
    sample = build_sample(SPEC, operation_id, content_type)
    assert_accepted(sample, await send(client, sample))


# -- each Prism exception is still needed ---------------------------------------


@pytest.mark.parametrize("operation_id", sorted(PREFER_OTHER_RESPONSE))
async def test_prefer_workaround_still_needed(client: httpx.AsyncClient, operation_id: str) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        await send(client, build_sample(SPEC, operation_id))


@pytest.mark.parametrize("operation_id", sorted(BINARY_DOWNLOADS))
async def test_binary_accept_still_refused(client: httpx.AsyncClient, operation_id: str) -> None:
    sample = build_sample(SPEC, operation_id)
    response = await send(client, sample, {"Accept": "application/binary"})
    assert response.status_code == 406, response.text


@pytest.mark.parametrize("operation_id", sorted(ROUTED_TO_TWIN))
async def test_beta_path_still_unroutable(client: httpx.AsyncClient, operation_id: str) -> None:
    sample = build_sample(SPEC, operation_id)
    url = _with_query(sample.url.replace("?", "%3F"), sample.query)
    # Keep the openai-beta header: without it, this request crashes Prism (see _samples).
    headers = {name: _header_text(value) for name, value in sample.headers.items()}
    response = await client.request(sample.method, url, headers=headers)
    assert response.status_code == 422, response.text
    assert "Request path must have required property" in response.text


# -- without Prism --------------------------------------------------------------


def _parameters(operation_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    operation = find_operation(SPEC, operation_id)
    params = [resolve(SPEC, p) for p in operation.spec.get("parameters", ())]
    return {(p["in"], p["name"]): dict(p) for p in params}


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_sample_matches_its_schema(operation_id: str) -> None:
    """Every parameter and body of every sample validates against its schema in the spec."""
    params = _parameters(operation_id)
    body = find_operation(SPEC, operation_id).spec.get("requestBody")
    for content_type in request_content_types(SPEC, operation_id) or (None,):
        sample = build_sample(SPEC, operation_id, content_type)
        assert set(sample.path_params) == {name for where, name in params if where == "path"}
        located = [("query", sample.query), ("header", sample.headers)]
        for location, values in located:
            for name, value in values.items():
                assert violations(SPEC, params[location, name]["schema"], value) == []
        value = sample.body if sample.body is not None else sample.multipart
        if value is not None and body is not None:
            media = resolve(SPEC, body)["content"][content_type]
            assert violations(SPEC, media["schema"], value) == [], sample


BODIES = [
    pytest.param(operation_id, content_type, id=f"{operation_id}-{content_type}")
    for operation_id in OPERATION_IDS
    for content_type in request_content_types(SPEC, operation_id)
    if content_type != "application/sdp"
]


@pytest.mark.parametrize(("operation_id", "content_type"), BODIES)
def test_checker_sees_each_missing_property(operation_id: str, content_type: str) -> None:
    """The check above is not vacuous: dropping any required body property is a violation."""
    sample = build_sample(SPEC, operation_id, content_type)
    value = sample.body if sample.body is not None else sample.multipart
    assert value is not None
    body = resolve(SPEC, find_operation(SPEC, operation_id).spec["requestBody"])
    schema = body["content"][content_type]["schema"]
    for name in flatten(SPEC, schema).get("required", ()):
        broken = {key: item for key, item in value.items() if key != name}
        assert violations(SPEC, schema, broken), f"{operation_id} without {name!r} passed"


def _streams(value: object) -> bool:
    """Whether ``stream: true`` appears anywhere in ``value``."""
    if isinstance(value, dict):
        mapping = cast("dict[str, object]", value)
        return mapping.get("stream") is True or _streams(list(mapping.values()))
    if isinstance(value, list):
        return any(_streams(item) for item in cast("list[object]", value))
    return False


def test_no_sample_streams() -> None:
    for operation_id in OPERATION_IDS:
        for content_type in request_content_types(SPEC, operation_id) or (None,):
            sample = build_sample(SPEC, operation_id, content_type)
            assert not _streams([sample.body, sample.multipart, sample.query]), operation_id
