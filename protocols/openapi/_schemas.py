"""Reading the spec's schemas: ``$ref`` resolution, ``allOf`` merging, unions, consts.

Everything here is a pure function of the spec (a plain ``dict`` as loaded
from the YAML); nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

__all__ = ["ObjectView", "Operation", "SchemaIndex", "dig"]

Schema = Mapping[str, Any]

_REF_PREFIX = "#/components/schemas/"
_HTTP_METHODS = ("get", "post", "put", "patch", "delete")
#: Keys whose values are examples or docs, never types to walk into.
_NOT_TYPES = frozenset({"example", "examples", "x-oaiMeta", "default", "description", "title"})


_EMPTY: Mapping[str, Any] = {}


def dig(node: Any, *keys: str) -> Mapping[str, Any]:
    """``node[k1][k2]...``, or an empty mapping where a key is missing or a value is not a mapping."""
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None  # type: ignore[union-attr]
    return node if isinstance(node, Mapping) else _EMPTY  # type: ignore[return-value]


class Operation(NamedTuple):
    operation_id: str
    method: str  # lower case
    path: str
    spec: Schema


class ObjectView(NamedTuple):
    """An object schema with its ``allOf`` parts merged."""

    properties: dict[str, Schema]
    required: frozenset[str]
    description: str | None
    additional: Schema | bool | None


class SchemaIndex:
    """The spec's component schemas and operations, with the queries the generator needs."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        self.schemas: Mapping[str, Schema] = spec["components"]["schemas"]
        self._views: dict[str, ObjectView | None] = {}

    # -- operations ---------------------------------------------------------------

    def operations(self) -> list[Operation]:
        found: list[Operation] = []
        for path, item in self.spec["paths"].items():
            for method in _HTTP_METHODS:
                op = item.get(method)
                if op is not None:
                    found.append(Operation(op["operationId"], method, path, op))
        return found

    # -- references ---------------------------------------------------------------

    @staticmethod
    def ref_name(node: Schema) -> str | None:
        """The schema name a ``$ref`` node points to, or None when ``node`` is inline."""
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
            return ref[len(_REF_PREFIX) :]
        return None

    def deref(self, node: Schema) -> tuple[str | None, Schema]:
        """Follow ``$ref`` to the named schema: ``(name, schema)``; ``(None, node)`` when inline."""
        name = self.ref_name(node)
        if name is None:
            return None, node
        return name, self.schemas[name]

    def refs_in(self, node: Any) -> Iterator[str]:
        """Every schema name referenced anywhere inside ``node`` (not following them)."""
        if isinstance(node, Mapping):
            name = self.ref_name(node)  # type: ignore[arg-type]
            if name is not None:
                yield name
            for key, value in node.items():  # type: ignore[union-attr]
                if key not in _NOT_TYPES:
                    yield from self.refs_in(value)
        elif isinstance(node, list):
            for value in node:  # type: ignore[union-attr]
                yield from self.refs_in(value)

    def closure(self, roots: list[str]) -> list[str]:
        """``roots`` and every schema they reach, in first-seen order."""
        seen: dict[str, None] = {}
        stack = list(reversed(roots))
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen[name] = None
            stack.extend(reversed(list(self.refs_in(self.schemas[name]))))
        return list(seen)

    # -- shapes -------------------------------------------------------------------

    def object_view(self, node: Schema) -> ObjectView | None:
        """``node`` as an object with properties (``allOf`` merged), or None if it is not one."""
        name = self.ref_name(node)
        if name is not None:
            if name not in self._views:
                self._views[name] = None  # a cycle through allOf reads as "not an object"
                self._views[name] = self._object_view(self.schemas[name])
            return self._views[name]
        return self._object_view(node)

    def _object_view(self, node: Schema) -> ObjectView | None:
        if "allOf" in node:
            properties: dict[str, Schema] = {}
            required: set[str] = set()
            description = node.get("description")
            for part in node["allOf"]:
                view = self.object_view(part)
                if view is None:
                    continue
                properties.update(view.properties)
                required |= view.required
                description = description or view.description
            properties.update(node.get("properties") or {})
            required |= set(node.get("required") or ())
            if not properties:
                return None
            return ObjectView(properties, frozenset(required), description, None)
        if node.get("properties"):
            return ObjectView(
                dict(node["properties"]),
                frozenset(node.get("required") or ()),
                node.get("description"),
                node.get("additionalProperties"),
            )
        return None

    def alternatives(self, node: Schema) -> list[Schema] | None:
        """The branches of a ``oneOf``/``anyOf`` (None when ``node`` is not a union)."""
        for key in ("oneOf", "anyOf"):
            if key in node:
                return list(node[key])
        return None

    def is_null(self, node: Schema) -> bool:
        return node.get("type") == "null" or node.get("enum") == [None]

    def const_value(self, node: Schema) -> str | None:
        """The one string value a property can hold (``const`` or a one-value ``enum``)."""
        _, node = self.deref(node)
        if isinstance(node.get("const"), str):
            return node["const"]
        enum = node.get("enum")
        if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):  # type: ignore[arg-type]
            return enum[0]
        return None

    def is_class(self, name: str) -> bool:
        """Whether the named schema becomes a class (an object with properties)."""
        return self.object_view({"$ref": _REF_PREFIX + name}) is not None

    def is_union_alias(self, name: str) -> bool:
        """Whether the named schema becomes a union alias of classes."""
        branches = self.alternatives(self.schemas[name])
        if branches is None:
            return False
        real = [b for b in branches if not self.is_null(b)]
        return len(real) > 1 and any(self.object_view(b) is not None for b in real)

    def has_module(self, name: str) -> bool:
        return self.is_class(name) or self.is_union_alias(name)

    def union_members(self, node: Schema, _seen: frozenset[str] = frozenset()) -> list[Schema]:
        """The non-null branches of a union, nested union aliases flattened into it."""
        members: list[Schema] = []
        for branch in self.alternatives(node) or ():
            name = self.ref_name(branch)
            if self.is_null(branch):
                continue
            if name is not None and name not in _seen and self.alternatives(self.schemas[name]):
                members.extend(self.union_members(self.schemas[name], _seen | {name}))
            else:
                members.append(branch)
        return members
