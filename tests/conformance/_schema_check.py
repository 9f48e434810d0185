"""A small JSON Schema checker for the part of OpenAPI 3.1 the vendored spec uses.

It exists so the request samples of ``_samples`` can be checked without Prism
(whose ``allOf`` and multipart checks are partial) and so the sample builder
can tell which ``oneOf`` branches a value matches. It is not a general
validator: it knows local ``$ref`` pointers, ``$recursiveRef: "#"``, the
OpenAPI 3.0 ``nullable`` and boolean ``exclusiveMinimum`` the spec still
carries, and no formats but ``binary`` (a file part: ``bytes``, or an
httpx-style ``(filename, bytes, mime type)`` tuple). Other formats are
annotations here, as JSON Schema says they are by default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

Schema = Mapping[str, Any]

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def resolve(spec: Schema, schema: Schema) -> Schema:
    """Follow ``$ref`` pointers (``#/a/b``) until a schema without one is reached."""
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
    return schema


def violations(spec: Schema, schema: Schema, value: object) -> list[str]:
    """Every way ``value`` breaks ``schema``, as ``"<where>: <what>"`` lines; empty if valid."""
    out: list[str] = []
    _check(spec, schema, value, "$", schema, out)
    return out


def is_valid(spec: Schema, schema: Schema, value: object) -> bool:
    return not violations(spec, schema, value)


def _has_type(value: object, name: str, schema: Schema) -> bool:
    if name == "string" and schema.get("format") == "binary":
        return isinstance(value, (str, bytes, tuple))
    if isinstance(value, bool):
        return name == "boolean"  # bool is an int subclass in Python, never a JSON number
    return isinstance(value, _JSON_TYPES[name])


def _check(
    spec: Schema, schema: Schema, value: object, where: str, anchor: Schema, out: list[str]
) -> None:
    if value is None and schema.get("nullable"):
        return
    if "$ref" in schema:
        _check(spec, resolve(spec, schema), value, where, anchor, out)
        schema = {k: v for k, v in schema.items() if k != "$ref"}
    if schema.get("$recursiveAnchor"):
        anchor = schema
    if "$recursiveRef" in schema:
        _check(spec, anchor, value, where, anchor, out)
    _check_type(schema, value, where, out)
    if "const" in schema and value != schema["const"]:
        out.append(f"{where}: must be {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} is not one of {schema['enum']!r}")
    _check_combinators(spec, schema, value, where, anchor, out)
    if isinstance(value, str):
        _check_string(schema, value, where, out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _check_number(schema, value, where, out)
    elif isinstance(value, list):
        _check_array(spec, schema, cast("list[object]", value), where, anchor, out)
    elif isinstance(value, dict):
        _check_object(spec, schema, cast("dict[str, object]", value), where, anchor, out)


def _check_type(schema: Schema, value: object, where: str, out: list[str]) -> None:
    declared = schema.get("type")
    if declared is None:
        return
    names = [declared] if isinstance(declared, str) else list(declared)
    if not any(_has_type(value, name, schema) for name in names):
        out.append(f"{where}: {type(value).__name__} is not {'/'.join(names)}")


def _check_combinators(
    spec: Schema, schema: Schema, value: object, where: str, anchor: Schema, out: list[str]
) -> None:
    for branch in schema.get("allOf", ()):
        _check(spec, branch, value, where, anchor, out)
    if "anyOf" in schema:
        failures = [_branch_errors(spec, b, value, where, anchor) for b in schema["anyOf"]]
        if all(failures):
            out.append(f"{where}: matches no anyOf branch: {_closest(failures)}")
    if "oneOf" in schema:
        failures = [_branch_errors(spec, b, value, where, anchor) for b in schema["oneOf"]]
        matched = sum(not f for f in failures)
        if matched == 0:
            out.append(f"{where}: matches no oneOf branch: {_closest(failures)}")
        elif matched > 1:
            out.append(f"{where}: matches {matched} oneOf branches, not exactly one")
    if "not" in schema and not _branch_errors(spec, schema["not"], value, where, anchor):
        out.append(f"{where}: matches the schema under 'not'")


def _branch_errors(
    spec: Schema, schema: Schema, value: object, where: str, anchor: Schema
) -> list[str]:
    out: list[str] = []
    _check(spec, schema, value, where, anchor, out)
    return out


def _closest(failures: list[list[str]]) -> str:
    return "; ".join(min(failures, key=len))


def _check_string(schema: Schema, value: str, where: str, out: list[str]) -> None:
    if len(value) < schema.get("minLength", 0):
        out.append(f"{where}: shorter than {schema['minLength']}")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        out.append(f"{where}: longer than {schema['maxLength']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        out.append(f"{where}: does not match {schema['pattern']!r}")


def _check_number(schema: Schema, value: float, where: str, out: list[str]) -> None:
    low, high = schema.get("minimum"), schema.get("maximum")
    exclusive_low = schema.get("exclusiveMinimum")
    if exclusive_low is True:  # OpenAPI 3.0: a flag on "minimum"
        exclusive_low, low = low, None
    if low is not None and value < low:
        out.append(f"{where}: below the minimum {low}")
    if high is not None and value > high:
        out.append(f"{where}: above the maximum {high}")
    if isinstance(exclusive_low, (int, float)) and value <= exclusive_low:
        out.append(f"{where}: not above {exclusive_low}")


def _check_array(
    spec: Schema,
    schema: Schema,
    value: list[object],
    where: str,
    anchor: Schema,
    out: list[str],
) -> None:
    if len(value) < schema.get("minItems", 0):
        out.append(f"{where}: fewer than {schema['minItems']} items")
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        out.append(f"{where}: more than {schema['maxItems']} items")
    if "items" in schema:
        for index, item in enumerate(value):
            _check(spec, schema["items"], item, f"{where}[{index}]", anchor, out)


def _check_object(
    spec: Schema,
    schema: Schema,
    value: dict[str, object],
    where: str,
    anchor: Schema,
    out: list[str],
) -> None:
    properties: Schema = schema.get("properties", {})
    out.extend(
        f"{where}: lacks {name!r}" for name in schema.get("required", ()) if name not in value
    )
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        out.append(f"{where}: more than {schema['maxProperties']} properties")
    if len(value) < schema.get("minProperties", 0):
        out.append(f"{where}: fewer than {schema['minProperties']} properties")
    extra: Schema | bool = schema.get("additionalProperties", True)
    for name, item in value.items():
        if "propertyNames" in schema:
            _check(spec, schema["propertyNames"], name, f"{where} key {name!r}", anchor, out)
        if name in properties:
            _check(spec, properties[name], item, f"{where}.{name}", anchor, out)
        elif extra is False:
            out.append(f"{where}: unexpected property {name!r}")
        elif not isinstance(extra, bool):
            _check(spec, extra, item, f"{where}.{name}", anchor, out)
