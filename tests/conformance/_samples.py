"""A minimal valid request for every operation of the vendored OpenAPI spec.

``build_sample(spec, operation_id)`` reads the operation from the spec dict and
returns a :class:`Sample`: its path parameters, query, and a body made from the
request schema. The conformance suites send samples through Prism (raw, in
``test_prism_samples.py``; through the generated methods later), so a sample
must be valid for the spec *and* for Prism.

How values are made (``sample_value``), in this order at each schema node:

- ``$ref`` is followed, its sibling keywords kept; ``allOf`` parts are merged.
- ``const``, then a string ``example`` that fits the schema, then the first
  non-null ``enum`` value (``x-stainless-const`` is a one-value enum).
- ``oneOf`` / ``anyOf``: each branch is merged with its parent and tried,
  simplest first (fewest values to make, then string < number < boolean <
  array < object, ``null`` last); the first whose value the whole schema
  accepts wins (for ``oneOf``: exactly one branch matches). So a string branch
  is preferred, and branches that only add ``required`` pick the cheapest
  set of properties.
- Objects get their required properties only; arrays ``minItems`` items;
  numbers ``1`` moved into ``[minimum, maximum]``; booleans ``False`` (so
  ``stream`` is never true); strings a placeholder that fits the format and
  lengths; ``format: binary`` a small valid file chosen from the field's name
  and description in a multipart body (a placeholder string in JSON).

Parameters: path ones take the schema's example or ``<name>_123``; optional
query ones are left out except ``limit`` (so list calls send one); header ones
are all sent (see ``build_sample``); an array parameter gets one item. Where a
made value is not accepted, ``BODY_OVERRIDES`` sets it, with the reason beside it.
"""

from __future__ import annotations

import io
import re
import struct
import wave
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, NamedTuple, cast

from ._schema_check import Schema, is_valid, resolve

HTTP_METHODS = ("get", "post", "put", "patch", "delete")

# Optional query parameters worth sending anyway: every paginated list has one.
SENSIBLE_QUERY = frozenset({"limit"})

# Deeper than any request schema in the spec; stops recursive schemas.
MAX_DEPTH = 24
UNREACHABLE_COST = 10**6

# An SDP offer with only the mandatory session lines (RFC 8866 section 5).
SDP_OFFER = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


class File(NamedTuple):
    """A file part of a multipart body, shaped like an httpx ``files=`` tuple."""

    name: str
    content: bytes
    mime_type: str


@dataclass(frozen=True, kw_only=True)
class Sample:
    """One valid request for one operation.

    ``query`` and ``headers`` hold the operation's own parameters; a fixed query
    written into the spec's path (``/responses?beta=true``) stays in ``path``
    and ``url``. At most one of ``body`` (JSON), ``multipart`` (form fields,
    files as :class:`File`) and ``raw`` (any other type, e.g. SDP) is set, as
    ``content_type`` says; all three are ``None`` when there is no body.
    """

    operation_id: str
    method: str
    path: str
    path_params: dict[str, str]
    query: dict[str, object]
    headers: dict[str, object]
    content_type: str | None = None
    body: dict[str, object] | None = None
    multipart: dict[str, object] | None = None
    raw: bytes | None = None

    @property
    def url(self) -> str:
        """``path`` with the path parameters filled in (relative to the ``/v1`` base URL)."""
        url = self.path
        for name, value in self.path_params.items():
            url = url.replace("{" + name + "}", value)
        return url


class Operation(NamedTuple):
    operation_id: str
    method: str
    path: str
    spec: Schema


# Values the generic rules get wrong, by operationId, merged into the body
# (JSON or multipart), each with the reason.
BODY_OVERRIDES: dict[str, dict[str, object]] = {
    # Both fields are optional, so the minimal body is empty: a multipart form
    # with no parts cannot be sent (Prism: "body is required"), and the API
    # needs a file_id or a file.
    "CreateContainerFile": {"file_id": "file-abc123"},
    # `sdp` is any string to the spec; send a real (minimal) SDP offer.
    "create-realtime-call": {"sdp": SDP_OFFER},
}


# -- operations ---------------------------------------------------------------


def operations(spec: Schema) -> list[Operation]:
    """Every operation of the spec, in the spec's order."""
    return [
        Operation(op["operationId"], method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


def find_operation(spec: Schema, operation_id: str) -> Operation:
    for operation in operations(spec):
        if operation.operation_id == operation_id:
            return operation
    raise KeyError(f"no operation {operation_id!r} in the spec")


def request_content_types(spec: Schema, operation_id: str) -> tuple[str, ...]:
    """The request body's media types, the spec's preferred (first) one first."""
    body = find_operation(spec, operation_id).spec.get("requestBody")
    return tuple(resolve(spec, body)["content"]) if body else ()


def build_sample(spec: Schema, operation_id: str, content_type: str | None = None) -> Sample:
    """A minimal valid request for ``operation_id``.

    Args:
        spec: The OpenAPI document, as loaded from YAML or JSON.
        operation_id: The operation's ``operationId``.
        content_type: Which of the request body's media types to build; the
            first the spec lists when omitted.
    """
    operation = find_operation(spec, operation_id)
    params = [resolve(spec, p) for p in operation.spec.get("parameters", ())]
    sample = Sample(
        operation_id=operation_id,
        method=operation.method,
        path=operation.path,
        path_params={p["name"]: _path_value(p) for p in params if p["in"] == "path"},
        query={
            p["name"]: _parameter_value(spec, p["schema"])
            for p in params
            if p["in"] == "query" and (p.get("required") or p["name"] in SENSIBLE_QUERY)
        },
        # Every header parameter, required or not: Prism 5.16.0 crashes (the
        # whole server) when a request omits an array-typed one, and the spec's
        # only header parameters are the beta operations' `openai-beta` arrays.
        headers={
            p["name"]: _parameter_value(spec, p["schema"]) for p in params if p["in"] == "header"
        },
    )
    types = request_content_types(spec, operation_id)
    if not types:
        return sample
    chosen = content_type or types[0]
    if chosen not in types:
        raise ValueError(f"{operation_id} takes {types}, not {chosen!r}")
    return _with_body(spec, operation, sample, chosen)


def _with_body(spec: Schema, operation: Operation, sample: Sample, content_type: str) -> Sample:
    media = resolve(spec, operation.spec["requestBody"])["content"][content_type]
    if content_type == "application/sdp":
        return replace(sample, content_type=content_type, raw=SDP_OFFER.encode())
    value = sample_value(spec, media["schema"], multipart=content_type == "multipart/form-data")
    if not isinstance(value, dict):
        raise TypeError(f"{operation.operation_id}: body sample is not an object: {value!r}")
    value = {**cast("dict[str, object]", value), **BODY_OVERRIDES.get(operation.operation_id, {})}
    if content_type == "multipart/form-data":
        return replace(sample, content_type=content_type, multipart=value)
    if content_type == "application/json":
        return replace(sample, content_type=content_type, body=value)
    raise NotImplementedError(f"{operation.operation_id}: no sample for {content_type}")


def _parameter_value(spec: Schema, schema: Schema) -> object:
    """A parameter's value; an array gets one item, since an empty one is no parameter at all."""
    schema = flatten(spec, schema)
    if _kind(schema) == "array":
        return [sample_value(spec, schema.get("items", {}))] * max(1, schema.get("minItems", 1))
    return sample_value(spec, schema)


def _path_value(param: Schema) -> str:
    example = param["schema"].get("example")
    if isinstance(example, str):
        return example
    return param["name"].removesuffix("_id") + "_123"


# -- values -------------------------------------------------------------------


def sample_value(spec: Schema, schema: Schema, *, multipart: bool = False) -> object:
    """The simplest value ``schema`` accepts (see the module docstring for the rules).

    Args:
        spec: The OpenAPI document ``$ref`` pointers resolve against.
        schema: The schema to satisfy.
        multipart: Whether the value is a multipart form, whose ``format:
            binary`` strings are files; in JSON they are plain strings.
    """
    return _Maker(spec, multipart).value(schema, hint="", depth=0)


def flatten(spec: Schema, schema: Schema) -> dict[str, Any]:
    """``schema`` with its ``$ref`` followed (siblings kept, and winning) and ``allOf`` merged."""
    merged: dict[str, Any] = {}
    if "$ref" in schema:
        merged = flatten(spec, resolve(spec, {"$ref": schema["$ref"]}))
    merged = _merge(merged, {k: v for k, v in schema.items() if k not in ("$ref", "allOf")})
    for part in schema.get("allOf", ()):
        merged = _merge(merged, flatten(spec, part))
    return merged


def _merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if key == "properties":
            properties = dict(merged.get("properties", {}))
            for name, sub in value.items():
                properties[name] = {"allOf": [properties[name], sub]} if name in properties else sub
            merged["properties"] = properties
        elif key == "required":
            merged["required"] = list(dict.fromkeys([*merged.get("required", ()), *value]))
        elif key in ("oneOf", "anyOf") and key in merged and merged[key] != value:
            merged["allOf"] = [*merged.get("allOf", ()), {key: value}]
        else:
            merged[key] = value
    return merged


def _kind(schema: Schema) -> str:
    declared: str | list[str] | None = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), "null")
    if declared is None:
        if "properties" in schema or "required" in schema or "additionalProperties" in schema:
            return "object"
        if "items" in schema:
            return "array"
    return declared or "any"


def _branches(spec: Schema, schema: Schema) -> list[dict[str, Any]]:
    """The ``oneOf`` / ``anyOf`` branches, each merged with the keywords beside it."""
    key = "oneOf" if "oneOf" in schema else "anyOf"
    rest = {k: v for k, v in schema.items() if k not in (key, "example", "discriminator")}
    return [_merge(rest, flatten(spec, branch)) for branch in schema[key]]


_KIND_RANK = {"string": 0, "integer": 1, "number": 1, "boolean": 2, "array": 3, "object": 4}
_NULL_COST = (UNREACHABLE_COST // 2, 9)


def _cost(spec: Schema, schema: Schema, depth: int) -> tuple[int, int]:
    """How many values a schema's sample holds, then its kind's rank; ``null`` costs most."""
    if depth > MAX_DEPTH:
        return (UNREACHABLE_COST, 9)
    schema = flatten(spec, schema)
    kind = _kind(schema)
    if "const" in schema or "enum" in schema:
        return (1, _KIND_RANK.get(kind, 0))
    if "oneOf" in schema or "anyOf" in schema:
        return min(_cost(spec, branch, depth + 1) for branch in _branches(spec, schema))
    if kind == "null":
        return _NULL_COST
    if kind == "object":
        properties = schema.get("properties", {})
        required = schema.get("required", ())
        return (1 + sum(_cost(spec, properties.get(n, {}), depth + 1)[0] for n in required), 4)
    if kind == "array":
        item, _ = _cost(spec, schema.get("items", {}), depth + 1)
        return (1 + schema.get("minItems", 0) * item, 3)
    return (1, _KIND_RANK.get(kind, 5))


class _Maker:
    """Makes sample values for one body: JSON, or multipart (where binary strings are files)."""

    def __init__(self, spec: Schema, multipart: bool) -> None:
        self.spec = spec
        self.multipart = multipart

    def value(self, schema: Schema, *, hint: str, depth: int) -> object:
        """A value for ``schema``; ``hint`` gathers the descriptions on the way, to pick files."""
        if depth > MAX_DEPTH:
            raise RecursionError(f"schema nests deeper than {MAX_DEPTH}: {dict(schema)!r:.200}")
        schema = flatten(self.spec, schema)
        hint = f"{hint} {schema.get('description', '')}"
        if "const" in schema:
            return schema["const"]
        example = schema.get("example")
        if isinstance(example, str) and is_valid(self.spec, schema, example):
            return example
        if any(v is not None for v in schema.get("enum", ())):
            return next(v for v in schema["enum"] if v is not None)
        if "oneOf" in schema or "anyOf" in schema:
            return self._union(schema, hint, depth)
        kind = _kind(schema)
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            item = self.value(schema.get("items", {}), hint=hint, depth=depth + 1)
            return [item] * schema.get("minItems", 0)
        if kind == "string":
            return self._string(schema, hint)
        if kind in ("integer", "number"):
            return _number_value(schema, kind)
        if kind == "boolean":
            return False
        return None

    def _union(self, schema: dict[str, Any], hint: str, depth: int) -> object:
        """The first branch value, simplest branch first, that the whole union accepts.

        If none is accepted, the simplest one: ``test_sample_matches_its_schema``
        then names the schema that needs an override.
        """
        ranked = sorted(
            enumerate(_branches(self.spec, schema)),
            key=lambda pair: (*_cost(self.spec, pair[1], depth), pair[0]),
        )
        simplest: object = None
        for rank, (_, branch) in enumerate(ranked):
            value = self.value(branch, hint=hint, depth=depth + 1)
            if is_valid(self.spec, schema, value):
                return value
            if rank == 0:
                simplest = value
        return simplest

    def _object(self, schema: Schema, depth: int) -> dict[str, object]:
        properties: Mapping[str, Schema] = schema.get("properties", {})
        extra: Schema | bool = schema.get("additionalProperties", True)
        # A required name with no schema of its own: whatever additionalProperties allows.
        fallback: Schema = {"type": "string"} if isinstance(extra, bool) else extra
        value: dict[str, object] = {}
        for name in schema.get("required", ()):
            sub = properties.get(name, fallback)
            value[name] = self.value(sub, hint=name, depth=depth + 1)
        return value

    def _string(self, schema: Schema, hint: str) -> str | File:
        fmt = schema.get("format")
        if fmt == "binary" and self.multipart:
            return sample_file(hint)
        text = {
            "uri": "https://example.com/sample",
            "date": "2024-01-01",
            "date-time": "2024-01-01T00:00:00Z",
            "email": "user@example.com",
        }.get(fmt or "", "sample")
        text = text.ljust(schema.get("minLength", 0), "x")[: schema.get("maxLength")]
        pattern = schema.get("pattern")
        if pattern is not None and not re.search(pattern, text):
            raise ValueError(f"no sample string for pattern {pattern!r}: add an override")
        return text


def _number_value(schema: Schema, kind: str) -> int | float:
    low, high = schema.get("minimum"), schema.get("maximum")
    exclusive_low = schema.get("exclusiveMinimum")
    if exclusive_low is True:  # OpenAPI 3.0: a flag on "minimum"
        exclusive_low, low = low, None
    value: float = 1
    if low is not None:
        value = max(value, low)
    if isinstance(exclusive_low, (int, float)) and value <= exclusive_low:
        value = exclusive_low + 1
    if high is not None:
        value = min(value, high)
    return int(value) if kind == "integer" else float(value)


# -- files --------------------------------------------------------------------


# One chat fine-tuning example: a valid line for every file purpose that reads JSONL.
JSONL_LINE = (
    b'{"messages": [{"role": "user", "content": "Hi"},'
    b' {"role": "assistant", "content": "Hello"}]}\n'
)


def sample_file(hint: str) -> File:
    """A tiny valid file of the kind the field's ``hint`` (name, description) names."""
    words = hint.lower()
    if "video" in words:
        return File("sample.mp4", mp4_bytes(), "video/mp4")
    if "image" in words or "mask" in words or "png" in words:
        return File("sample.png", png_bytes(), "image/png")
    if "audio" in words or "recording" in words:
        return File("sample.wav", wav_bytes(), "audio/wav")
    if "zip" in words or "skill" in words:
        return File("skill.zip", zip_bytes(), "application/zip")
    return File("sample.jsonl", JSONL_LINE, "application/jsonl")


@cache
def png_bytes() -> bytes:
    """A 1x1 opaque white RGBA PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    pixels = zlib.compress(b"\x00\xff\xff\xff\xff")  # filter byte, then one pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@cache
def wav_bytes() -> bytes:
    """A 10 ms mono 16 kHz 16-bit PCM WAV of silence."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes(b"\x00\x00" * 160)
    return buffer.getvalue()


@cache
def mp4_bytes() -> bytes:
    """An ISO base media file with only its ``ftyp`` box: a valid MP4 header, no frames."""
    return struct.pack(">I", 24) + b"ftyp" + b"isom" + struct.pack(">I", 512) + b"isommp41"


@cache
def zip_bytes() -> bytes:
    """A zip holding one ``SKILL.md``, with a fixed timestamp so the bytes never change."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("sample/SKILL.md", date_time=(2024, 1, 1, 0, 0, 0))
        archive.writestr(info, "---\nname: sample\ndescription: A sample skill.\n---\n")
    return buffer.getvalue()
