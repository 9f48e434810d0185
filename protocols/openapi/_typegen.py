"""From schemas to annotations and classes.

Two worlds, as in the official SDK:

- ``MODEL`` (responses): msgspec Structs deriving from ``oaitrio._models.BaseModel``.
  Enums are ``OpenEnum[Literal[...]]`` (the ``Literal`` to a type checker,
  ``str`` to msgspec, so a value the spec does not know still decodes). A
  union of classes that all carry a constant discriminator (``type: "message"``)
  becomes a msgspec tagged union; one that cannot be tagged, or that mixes
  kinds msgspec cannot tell apart, is ``Untagged[..., dict[str, Any]]``: the
  raw JSON value at run time, which the union's plain forms admit.
- ``PARAM`` (requests): TypedDicts named ``...Param`` with ``Required[...]``
  keys, checked by editors and never validated at run time.

Named object schemas get a module of their own (``types/chat/chat_completion.py``);
inline objects become classes nested in the module that uses them, named from
where they sit (``Choice``, ``ChoiceDelta``); other named schemas (enums,
aliases of scalars) are written inline where they are used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from ._module import Module
from ._schemas import ObjectView, SchemaIndex
from ._source import docstring, identifier
from .naming import pascal_case, snake_case

__all__ = ["MODEL", "PARAM", "Placement", "TypeRef", "TypeWriter"]

MODEL = "model"
PARAM = "param"

_MODELS = ("_models",)
_FILES = ("_files",)
_TAG_PREFERENCE = ("type", "object", "role", "event")


class Placement(NamedTuple):
    """Where a named schema's classes live: ``oaitrio.types.<package>.<module>.<name>``.

    The response class is ``name``; the request TypedDict is ``param_name``
    (``name + "Param"``, or ``name`` itself when the spec's name already ends
    in ``Param`` and no response uses the schema).
    """

    package: tuple[str, ...]
    name: str
    param_name: str

    def module(self, world: str) -> tuple[str, ...]:
        return ("types", *self.package, snake_case(self.class_name(world)))

    def class_name(self, world: str) -> str:
        return self.param_name if world == PARAM else self.name


class TypeRef(NamedTuple):
    """An annotation and what msgspec sees at run time.

    ``kind`` is one of str, int, float, bool, none, bytes, list, dict, struct,
    any; ``struct`` identifies the class for tagging.
    """

    text: str
    kind: str
    struct: str | None = None


_ANY = TypeRef("Any", "any")


class TypeWriter:
    """Renders schemas as annotations and classes into :class:`Module` objects.

    ``tags`` maps a named class schema to its ``(field, value)`` discriminator.
    Run a first pass with ``tags`` empty to collect :attr:`tag_wishes`, then
    fix the tags (:meth:`settle_tags`) and render for real.
    """

    def __init__(self, index: SchemaIndex, placements: Mapping[str, Placement]) -> None:
        self.index = index
        self.placements = placements
        self.tags: dict[str, tuple[str, str]] = {}
        self.tag_wishes: dict[str, set[tuple[str, str]]] = {}

    def settle_tags(self) -> None:
        self.tags = {
            name: next(iter(wishes)) for name, wishes in self.tag_wishes.items() if len(wishes) == 1
        }

    # -- annotations --------------------------------------------------------------

    def annotation(
        self,
        node: Mapping[str, Any],
        world: str,
        module: Module,
        hint: str,
        *,
        runtime: bool = True,
        _inlining: frozenset[str] = frozenset(),
    ) -> TypeRef:
        """The annotation for ``node``; inline objects become classes named from ``hint``."""
        name = self.index.ref_name(node)
        if name is not None:
            if name in self.placements and self.index.has_module(name):
                return self._named(name, world, module, runtime)
            if name in _inlining:
                return self._any(module)
            return self.annotation(
                self.index.schemas[name],
                world,
                module,
                hint,
                runtime=runtime,
                _inlining=_inlining | {name},
            )
        if node.get("nullable") is True:
            inner = dict(node)
            del inner["nullable"]
            return self._optional(
                self.annotation(inner, world, module, hint, runtime=runtime, _inlining=_inlining),
                module,
            )
        if self.index.alternatives(node) is not None:
            return self._union(node, world, module, hint, runtime, _inlining)
        if "allOf" in node:
            parts = list(node["allOf"])
            if len(parts) == 1:
                return self.annotation(
                    parts[0], world, module, hint, runtime=runtime, _inlining=_inlining
                )
            view = self.index.object_view(node)
            if view is None:
                return self._any(module)
            return self._inline_class(view, world, module, hint, None)
        if "enum" in node or "const" in node:
            return self._enum(node, world, module)
        kind = node.get("type")
        if isinstance(kind, list):
            branches = [{**node, "type": one} for one in kind]  # type: ignore[union-attr]
            return self._union({"anyOf": branches}, world, module, hint, runtime, _inlining)
        if kind == "string":
            if node.get("format") == "binary":
                if world == PARAM:
                    return TypeRef(module.use(_FILES, "FileTypes", runtime=False), "bytes")
                return TypeRef("bytes", "bytes")
            return TypeRef("str", "str")
        if kind == "integer":
            return TypeRef("int", "int")
        if kind == "number":
            return TypeRef("float", "float")
        if kind == "boolean":
            return TypeRef("bool", "bool")
        if kind == "null":
            return TypeRef("None", "none")
        if kind == "array":
            items = node.get("items")
            if not isinstance(items, Mapping):
                item = self._any(module)
            else:
                item = self.annotation(
                    items,  # type: ignore[arg-type]
                    world,
                    module,
                    _singular(hint),
                    runtime=runtime,
                    _inlining=_inlining,
                )
            return TypeRef(f"list[{item.text}]", "list")
        view = self.index.object_view(node)
        if view is not None:
            return self._inline_class(view, world, module, hint, None)
        additional = node.get("additionalProperties")
        if isinstance(additional, Mapping) and additional:
            value = self.annotation(
                additional,  # type: ignore[arg-type]
                world,
                module,
                hint + "Value",
                runtime=runtime,
                _inlining=_inlining,
            )
            return TypeRef(f"dict[str, {value.text}]", "dict")
        if kind == "object":
            return TypeRef(f"dict[str, {self._any(module).text}]", "dict")
        return self._any(module)

    def _any(self, module: Module) -> TypeRef:
        module.typing_name("Any")
        return _ANY

    def _named(self, name: str, world: str, module: Module, runtime: bool) -> TypeRef:
        place = self.placements[name]
        local = module.use(place.module(world), place.class_name(world), runtime=runtime)
        if self.index.is_class(name):
            return TypeRef(local, "struct", name)
        # A union alias: what msgspec sees is decided where the alias is defined.
        return TypeRef(local, "union", name)

    def _optional(self, ref: TypeRef, module: Module) -> TypeRef:
        if ref.kind in ("none", "any") or ref.text.startswith("Optional["):
            return ref
        return TypeRef(f"{module.typing_name('Optional')}[{ref.text}]", ref.kind, ref.struct)

    def _enum(self, node: Mapping[str, Any], world: str, module: Module) -> TypeRef:
        values: list[Any] = list(node["enum"]) if "enum" in node else [node["const"]]
        nullable = None in values
        values = [value for value in values if value is not None]
        if not values:
            return TypeRef("None", "none")
        if all(isinstance(value, str) for value in values):
            literal = f"{module.typing_name('Literal')}[{', '.join(_quote(v) for v in values)}]"
            if world == MODEL:
                ref = TypeRef(f"{module.use(_MODELS, 'OpenEnum')}[{literal}]", "str")
            else:
                ref = TypeRef(literal, "str")
        elif all(isinstance(value, bool) for value in values):
            ref = TypeRef("bool", "bool")
        elif all(isinstance(value, int) for value in values):
            ref = TypeRef("int", "int")
        else:
            ref = self._any(module)
        return self._optional(ref, module) if nullable else ref

    def _union(
        self,
        node: Mapping[str, Any],
        world: str,
        module: Module,
        hint: str,
        runtime: bool,
        inlining: frozenset[str],
    ) -> TypeRef:
        branches = self.index.alternatives(node) or []
        nullable = any(self.index.is_null(branch) for branch in branches)
        if world == MODEL:
            # A union of unions is one union to msgspec: its classes can share a tag.
            members = self.index.union_members(node)
        else:
            members = [branch for branch in branches if not self.index.is_null(branch)]
        if len(members) == 1:
            ref = self.annotation(
                members[0], world, module, hint, runtime=runtime, _inlining=inlining
            )
            return self._optional(ref, module) if nullable else ref
        if not members:
            return TypeRef("None", "none")
        tag = self._union_tag(node, world) if world == MODEL else None
        refs: list[TypeRef] = []
        for position, member in enumerate(members):
            member_hint = hint + _variant_suffix(self.index, member, position)
            refs.append(self._member(member, world, module, member_hint, runtime, inlining, tag))
        if world == MODEL and not _msgspec_can_tell_apart(refs, self.index, self.tags):
            # Kept as plain JSON at run time: say so in the union.
            texts = _unique(ref.text for ref in refs)
            if any(ref.kind in ("struct", "dict", "any", "union") for ref in refs):
                texts.append(f"dict[str, {self._any(module).text}]")
            if any(ref.kind in ("list", "any", "union") for ref in refs):
                texts.append(f"list[{self._any(module).text}]")
            untagged = module.use(_MODELS, "Untagged")
            ref = TypeRef(f"{untagged}[{', '.join(_unique(texts))}]", "any")
        else:
            kinds = {ref.kind for ref in refs}
            ref = TypeRef(_join_union(refs, module), kinds.pop() if len(kinds) == 1 else "union")
        return self._optional(ref, module) if nullable else ref

    def _member(
        self,
        member: Mapping[str, Any],
        world: str,
        module: Module,
        hint: str,
        runtime: bool,
        inlining: frozenset[str],
        tag: str | None,
    ) -> TypeRef:
        name = self.index.ref_name(member)
        if tag is not None and name is None:
            view = self.index.object_view(member)
            value = None
            if view is not None and tag in view.properties:
                value = self.index.const_value(view.properties[tag])
            if view is not None and value:
                return self._inline_class(view, world, module, hint, (tag, value))
        return self.annotation(member, world, module, hint, runtime=runtime, _inlining=inlining)

    def _union_tag(self, node: Mapping[str, Any], world: str) -> str | None:
        """The property that tells a union's classes apart, recording each class's wish."""
        members = self.index.union_members(node)
        views: list[tuple[str | None, ObjectView]] = []
        for member in members:
            view = self.index.object_view(member)
            if view is None:
                return None
            views.append((self.index.ref_name(member), view))
        if len(views) < 2:
            return None
        common = set(views[0][1].properties)
        for _, view in views[1:]:
            common &= set(view.properties)
        discriminator = node.get("discriminator", {}).get("propertyName")
        order = [discriminator, *_TAG_PREFERENCE, *sorted(common)]
        for field in order:
            if field not in common:
                continue
            values = [self.index.const_value(view.properties[field]) for _, view in views]
            if all(values) and len(set(values)) == len(values):
                for (name, _), value in zip(views, values, strict=True):
                    if name is not None:
                        self.tag_wishes.setdefault(name, set()).add((field, value))  # type: ignore[arg-type]
                return field
        return None

    # -- classes ------------------------------------------------------------------

    def _inline_class(
        self,
        view: ObjectView,
        world: str,
        module: Module,
        hint: str,
        tag: tuple[str, str] | None,
    ) -> TypeRef:
        local = module.names.claim(hint)
        module.add(self.class_source(view, world, module, local, tag, nested=True))
        return TypeRef(local, "struct", f"{'.'.join(module.path)}:{local}")

    def class_source(
        self,
        view: ObjectView,
        world: str,
        module: Module,
        name: str,
        tag: tuple[str, str] | None,
        *,
        nested: bool = False,
    ) -> str:
        """The ``class`` statement for an object schema (nested classes are added to ``module``)."""
        if world == PARAM:
            return self._typed_dict(view, module, name, nested)
        base = module.use(_MODELS, "BaseModel")
        options = ", kw_only=True"
        if tag is not None:
            options += f', tag_field="{tag[0]}", tag="{tag[1]}"'
        lines = [f"class {name}({base}{options}):\n", docstring(view.description, "    ")]
        prefix = "" if not nested else name
        computed: list[str] = []
        for wire, schema in view.properties.items():
            if _computed_by_sdks(schema):
                # Not on the wire: the SDKs compute it (Response.output_text).
                computed.append(self._computed_property(wire, schema, module))
                continue
            if tag is not None and wire == tag[0]:
                class_var = module.typing_name("ClassVar")
                literal = module.typing_name("Literal")
                lines.append(
                    f"    {wire}: {class_var}[{literal}[{_quote(tag[1])}]] = {_quote(tag[1])}\n"
                )
                lines.append(docstring(schema.get("description"), "    "))
                continue
            field = identifier(wire)
            ref = self.annotation(schema, MODEL, module, prefix + pascal_case(wire))
            text = ref.text
            required = wire in view.required
            if not required:
                text = self._optional(ref, module).text
            default = "" if required else " = None"
            if field != wire:
                module.import_module("msgspec")
                default = (
                    f' = msgspec.field(name="{wire}")'
                    if required
                    else f' = msgspec.field(default=None, name="{wire}")'
                )
            lines.append(f"    {field}: {text}{default}\n")
            lines.append(docstring(schema.get("description"), "    "))
        lines.extend(computed)
        if len(lines) == 2 and not lines[1]:
            lines.append("    pass\n")
        return "".join(lines)

    def _computed_property(self, wire: str, schema: Mapping[str, Any], module: Module) -> str:
        """A property computed by a hand-written function ``oaitrio.lib.computed.<wire>``."""
        helper = module.use(("lib", "computed"), wire)
        branches = [
            b for b in self.index.alternatives(schema) or [schema] if not self.index.is_null(b)
        ]
        ref = self.annotation(branches[0], MODEL, module, pascal_case(wire))
        return (
            f"\n    @property\n    def {identifier(wire)}(self) -> {ref.text}:\n"
            + docstring(schema.get("description") or branches[0].get("description"), "        ")
            + f"        return {helper}(self)\n"
        )

    def _typed_dict(self, view: ObjectView, module: Module, name: str, nested: bool) -> str:
        typed_dict = module.typing_name("TypedDict")
        prefix = "" if not nested else name.removesuffix("Param")
        fields: list[tuple[str, str, str | None]] = []
        # A resource module needs its request types only for annotations.
        runtime = module.path[0] != "resources"
        for wire, schema in view.properties.items():
            ref = self.annotation(
                schema, PARAM, module, prefix + pascal_case(wire), runtime=runtime
            )
            text = ref.text
            if wire in view.required:
                text = f"{module.typing_name('Required')}[{text}]"
            fields.append((wire, text, schema.get("description")))
        if any(not wire.isidentifier() or identifier(wire) != wire for wire, _, _ in fields):
            items = ", ".join(f'"{wire}": {text}' for wire, text, _ in fields)
            doc = docstring(view.description, "")
            return (doc and f"# {name}: see the spec's description.\n") + (
                f'{name} = {typed_dict}("{name}", {{{items}}}, total=False)\n'
            )
        lines = [f"class {name}({typed_dict}, total=False):\n", docstring(view.description, "    ")]
        for wire, text, description in fields:
            lines.append(f"    {wire}: {text}\n")
            lines.append(docstring(description, "    "))
        if len(lines) == 2 and not lines[1]:
            lines.append("    pass\n")
        return "".join(lines)

    def alias_source(self, schema_name: str, world: str, module: Module, name: str) -> str:
        """``Name = Union[...]`` for a named union schema."""
        schema = self.index.schemas[schema_name]
        ref = self._union(schema, world, module, name, True, frozenset({schema_name}))
        type_alias = module.typing_name("TypeAlias")
        return f"{name}: {type_alias} = {ref.text}\n" + docstring(schema.get("description"), "")


def _computed_by_sdks(schema: Mapping[str, Any]) -> bool:
    """Whether the spec marks a property as one the SDKs compute (``x-oaiSupportedSDKs``)."""
    branches = [schema, *(schema.get("anyOf") or ()), *(schema.get("oneOf") or ())]
    return any(isinstance(b, Mapping) and "x-oaiSupportedSDKs" in b for b in branches)


def _join_union(refs: list[TypeRef], module: Module) -> str:
    texts = _unique(ref.text for ref in refs)
    if len(texts) == 1:
        return texts[0]
    return f"{module.typing_name('Union')}[{', '.join(texts)}]"


def _unique(texts: Any) -> list[str]:
    return list(dict.fromkeys(texts))


def _msgspec_can_tell_apart(
    refs: list[TypeRef], index: SchemaIndex, tags: Mapping[str, tuple[str, str]]
) -> bool:
    """Whether msgspec accepts this union: one of each JSON kind, classes all tagged alike."""
    by_kind: dict[str, set[str]] = {}
    for ref in refs:
        if ref.kind in ("any", "union"):
            return False
        kind = "object" if ref.kind in ("struct", "dict") else ref.kind
        by_kind.setdefault(kind, set()).add(ref.text)
    for kind, texts in by_kind.items():
        # str, OpenEnum[...] and Literal[...] are all str at run time.
        if len(texts) > 1 and kind in ("list", "int", "float", "bool", "bytes"):
            return False
    objects = [ref for ref in refs if ref.kind in ("struct", "dict")]
    if len(objects) <= 1:
        return True
    if any(ref.kind == "dict" for ref in objects):
        return False
    fields: set[str] = set()
    for ref in objects:
        assert ref.struct is not None
        if ":" in ref.struct:
            fields.add("inline")  # inline tagged classes were given the union's own tag
            continue
        tag = tags.get(ref.struct)
        if tag is None:
            return False
        fields.add(tag[0])
    return len(fields - {"inline"}) <= 1


def _variant_suffix(index: SchemaIndex, member: Mapping[str, Any], position: int) -> str:
    view = index.object_view(member)
    if view is not None:
        for field in _TAG_PREFERENCE:
            if field in view.properties:
                value = index.const_value(view.properties[field])
                if value:
                    return pascal_case(value.replace(".", "_"))
    title = member.get("title")
    if isinstance(title, str) and title:
        return pascal_case(title.replace(" ", "_"))
    return f"Variant{position}"


def _singular(hint: str) -> str:
    if hint.endswith("ies"):
        return hint[:-3] + "y"
    if hint.endswith("sses") or hint.endswith("ches") or hint.endswith("xes"):
        return hint[:-2]
    if hint.endswith("s") and not hint.endswith("ss"):
        return hint[:-1]
    return hint + "Item"


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
