"""Generate oaitrio's types and resources from the vendored OpenAPI spec.

Usage::

    python -m protocols.openapi.generate          # rewrite the generated files
    python -m protocols.openapi.generate --check  # exit 1 if they are not up to date

:func:`build` is pure: the spec (a dict) in, ``{path: source text}`` out,
paths relative to the ``oaitrio`` package. Only :func:`main` touches files: it
writes what :func:`build` returns and deletes generated files that are no
longer produced. A file without the generated-file header is hand-written and
is never overwritten or deleted.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

from . import overrides, sdk_aliases, sdk_names
from ._module import Module, from_line
from ._paramgen import add_params_modules
from ._resgen import MethodPlan, ResourceNode, operation_kind, render_resource
from ._schemas import Operation, SchemaIndex, dig
from ._source import GENERATED_HEADER, docstring, relative_import
from ._typegen import MODEL, PARAM, Placement, TypeWriter
from .naming import (
    OperationName,
    method_type_name,
    operation_names,
    pascal_case,
    return_type,
    snake_case,
    types_package,
)

__all__ = ["Surface", "build", "main", "plan_surface"]

SPEC_PATH = Path(__file__).with_name("openapi.yaml")
_GENERATED_ROOTS = ("types", "resources")


class Surface:
    """What the spec becomes: the resource tree and where every type lives."""

    def __init__(self, index: SchemaIndex) -> None:
        self.index = index
        self.root = ResourceNode(())
        self.plans: dict[str, MethodPlan] = {}
        self.names: dict[str, OperationName] = {}
        self.model_schemas: list[str] = []
        #: (package, module) -> (class, schema) of the per-method subclasses.
        self.subclasses: dict[tuple[tuple[str, ...], str], tuple[str, str]] = {}
        self.param_schemas: list[str] = []
        self.placements: dict[str, Placement] = {}


#: The union of every webhook event, added to the spec's schemas (the SDK's name).
WEBHOOK_UNION = "UnwrapWebhookEvent"
_WEBHOOKS = ("webhooks",)


def webhook_events(spec: Mapping[str, Any]) -> list[str]:
    """The schemas of the events the spec's ``webhooks`` section says the API sends."""
    events: list[str] = []
    webhooks = dig(spec, "webhooks")
    for event in webhooks:
        schema = dig(
            webhooks, event, "post", "requestBody", "content", "application/json", "schema"
        )
        name = SchemaIndex.ref_name(schema)
        if name is not None:
            events.append(name)
    return events


def _with_webhook_union(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    events = webhook_events(spec)
    if not events:
        return spec
    union = {
        "description": "A webhook event, as `client.webhooks.unwrap()` returns it.",
        "anyOf": [{"$ref": f"#/components/schemas/{name}"} for name in events],
        "discriminator": {"propertyName": "type"},
    }
    schemas = {**spec["components"]["schemas"], WEBHOOK_UNION: union}
    return {**spec, "components": {**spec["components"], "schemas": schemas}}


def _webhook_class(schema: str) -> str:
    """The SDK's name for a webhook event: ``WebhookBatchCancelled`` -> ``BatchCancelledWebhookEvent``."""
    return schema.removeprefix("Webhook") + "WebhookEvent"


def _with_inline_responses(
    spec: Mapping[str, Any], names: Mapping[str, OperationName]
) -> tuple[Mapping[str, Any], dict[str, str], dict[str, tuple[tuple[str, ...], str]]]:
    """The spec with each inline JSON answer made a named schema, as the SDK names it.

    ``deleteEval`` answers an inline object: it becomes ``EvalDeleteResponse``
    in the resource's types package; ``createTranscription`` answers a union:
    ``TranscriptionCreateResponse``. Returns the spec, operationId -> schema
    name, and schema name -> (package, class).
    """
    added: dict[str, Any] = {}
    by_operation: dict[str, str] = {}
    places: dict[str, tuple[tuple[str, ...], str]] = {}
    for op in SchemaIndex(spec).operations():
        name = names.get(op.operation_id)
        responses = dig(op.spec, "responses")
        ok = next((dig(responses, code) for code in ("200", "201") if code in responses), None)
        schema = dig(ok, "content", "application/json", "schema")
        if name is None or not schema or "$ref" in schema or schema.get("type") == "string":
            continue
        class_name = method_type_name(name, "Response")
        added[class_name] = schema
        by_operation[op.operation_id] = class_name
        places[class_name] = (types_package(name.resource), class_name)
    if not added:
        return spec, by_operation, places
    schemas = {**spec["components"]["schemas"], **added}
    return {**spec, "components": {**spec["components"], "schemas": schemas}}, by_operation, places


def _with_null_in_practice(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """The spec with the fields ``overrides.NULL_IN_PRACTICE`` names made nullable."""
    schemas = dict(spec["components"]["schemas"])
    for name, path in overrides.NULL_IN_PRACTICE.items():
        schema = copy.deepcopy(schemas[name])
        node: dict[str, Any] = schema
        for part in path:
            if node.get("type") == "array":
                node = node["items"]
            node = node["properties"][part]
        node["nullable"] = True
        schemas[name] = schema
    return {**spec, "components": {**spec["components"], "schemas": schemas}}


def plan_surface(spec: Mapping[str, Any]) -> Surface:
    """Decide every method and type the spec yields, before any source is written."""
    spec = _with_null_in_practice(spec)
    names = operation_names(spec)
    spec, inline_responses, inline_places = _with_inline_responses(spec, names)
    spec = _with_webhook_union(spec)
    index = SchemaIndex(spec)
    surface = Surface(index)
    surface.names = names
    model_roots: list[str] = []
    webhooks = webhook_events(spec)
    if webhooks:
        model_roots.append(WEBHOOK_UNION)
    param_roots: list[str] = []
    users: dict[str, list[tuple[str, ...]]] = {}
    for op in index.operations():
        name = surface.names.get(op.operation_id)
        if name is None:
            continue
        node = surface.root
        for part in name.resource:
            node = node.child(part)
        mixin = overrides.MIXINS.get(".".join(name.resource))
        if mixin is not None:
            node.mixin = mixin
        page = _page_class(index, op, name)
        kind, response, event = operation_kind(index, op, page)
        event = event or overrides.UNDECLARED_STREAMS.get(op.operation_id)
        if op.operation_id in inline_responses and kind == "empty":
            kind, response = "json", inline_responses[op.operation_id]
        if op.operation_id in overrides.BINARY_ANSWERS:
            kind, response = "binary", None
        plan = MethodPlan(op, name.method, kind, response, page if kind == "list" else None, event)
        if op.operation_id not in overrides.HAND_WRITTEN:
            node.methods.append(plan)
        surface.plans[op.operation_id] = plan
        op_model = [schema for schema in (response, event) if schema is not None]
        op_param = _body_refs(index, op)
        op_param += list(index.refs_in(op.spec.get("parameters") or []))
        model_roots += op_model
        param_roots += op_param
        for schema in index.closure(op_model + op_param):
            users.setdefault(schema, []).append(name.resource)
    surface.model_schemas = [s for s in index.closure(model_roots) if index.has_module(s)]
    surface.param_schemas = [s for s in index.closure(param_roots) if index.has_module(s)]
    fixed: dict[str, tuple[tuple[str, ...], str]] = {
        schema: (_WEBHOOKS, _webhook_class(schema)) for schema in webhooks
    }
    fixed.update(inline_places)
    fixed[WEBHOOK_UNION] = (_WEBHOOKS, WEBHOOK_UNION)
    surface.placements = _placements(
        surface.model_schemas + surface.param_schemas,
        set(surface.model_schemas),
        set(surface.param_schemas),
        users,
        fixed,
    )
    _per_method_classes(surface)
    return surface


def _per_method_classes(surface: Surface) -> None:
    """Give a method its own subclass where the SDK names one per method.

    The SDK returns ``ContainerCreateResponse`` from ``containers.create`` and
    ``ContainerRetrieveResponse`` from ``containers.retrieve``, both of the
    spec's ``ContainerResource``: each becomes a subclass of the schema's class,
    so the names users import exist and the data is the same.
    """
    taken = {
        (place.package, snake_case(name))
        for place in surface.placements.values()
        for name in (place.name, place.param_name)
    }
    for operation_id, plan in list(surface.plans.items()):
        schema = plan.response
        if schema not in sdk_names.PER_METHOD_RESPONSE_SCHEMAS or plan.kind not in ("json", "list"):
            continue
        package, name = return_type(operation_id, surface.names[operation_id], schema)
        place = surface.placements[schema]
        if (package, name) == (place.package, place.name):
            continue
        key = (package, snake_case(name))
        known = surface.subclasses.get(key)
        if known is None:
            if key in taken:
                continue
            surface.subclasses[key] = (name, schema)
        elif known != (name, schema):
            continue
        returns = (("types", *package, snake_case(name)), name)
        updated = plan._replace(returns=returns)
        surface.plans[operation_id] = updated
        node = surface.root
        for part in surface.names[operation_id].resource:
            node = node.child(part)
        node.methods = [updated if m is plan else m for m in node.methods]


def _body_refs(index: SchemaIndex, op: Operation) -> list[str]:
    """The schemas a request body's fields use (the body itself becomes the method's parameters)."""
    refs: list[str] = []
    content = dig(op.spec, "requestBody", "content")
    for media_type in content:
        schema = dig(content, media_type, "schema")
        view = index.object_view(schema)
        if view is None:
            refs += index.refs_in(schema)
        else:
            for prop in view.properties.values():
                refs += index.refs_in(prop)
    return refs


def _page_class(index: SchemaIndex, op: Operation, name: OperationName) -> str | None:
    known = sdk_names.PAGINATION.get(op.operation_id)
    if known is not None or op.operation_id not in sdk_names.NOT_IN_SDK:
        return known
    # Not in the SDK: a list method whose answer has `data` pages like the SDK's.
    if op.method != "get" or not name.method.startswith("list"):
        return None
    schema = dig(op.spec, "responses", "200", "content", "application/json", "schema")
    view = index.object_view(schema)
    if view is None or "data" not in view.properties:
        return None
    query = {p.get("name") for p in op.spec.get("parameters") or () if p.get("in") == "query"}
    return "AsyncCursorPage" if "has_more" in view.properties and "after" in query else "AsyncPage"


def _placements(
    schemas: Iterable[str],
    models: set[str],
    params: set[str],
    users: Mapping[str, list[tuple[str, ...]]],
    fixed: Mapping[str, tuple[tuple[str, ...], str]],
) -> dict[str, Placement]:
    placements: dict[str, Placement] = {}
    taken: dict[tuple[tuple[str, ...], str], str] = {}
    ordered = list(dict.fromkeys(schemas))
    # Names the SDK gives (return types) first, so they win any clash.
    sdk_named = (
        sdk_names.RETURN_TYPES.keys()
        | sdk_names.STREAM_EVENT_TYPES.keys()
        | sdk_names.TYPE_NAMES.keys()
    )
    ordered.sort(key=lambda schema: schema not in sdk_named and schema not in fixed)
    for schema in ordered:
        known = sdk_names.RETURN_TYPES.get(schema) or sdk_names.STREAM_EVENT_TYPES.get(schema)
        renamed = sdk_names.TYPE_NAMES.get(schema)
        fixed_param: str | None = None
        if schema in fixed:
            package, wanted = fixed[schema]
        elif known is not None:
            package = tuple(known[0].split(".")) if known[0] else ()
            wanted = known[1]
        elif renamed is not None:
            package = tuple(renamed[0].split(".")) if renamed[0] else ()
            wanted = renamed[1] or schema
            fixed_param = renamed[2]
        else:
            package = _package_for(users.get(schema, []))
            wanted = schema if schema.isidentifier() else pascal_case(schema)
        # Class names, and so module names, must be unique within a package,
        # for the response class and the request TypedDict alike.
        name, n = wanted, 1
        while True:
            param_name = name if name.endswith("Param") and schema not in models else name + "Param"
            if fixed_param is not None and n == 1:
                param_name = fixed_param
            stems: set[tuple[tuple[str, ...], str]] = set()
            if schema in models:
                stems.add((package, snake_case(name)))
            if schema in params:
                stems.add((package, snake_case(param_name)))
            if not stems & taken.keys():
                break
            n += 1
            name = f"{wanted}{n}"
        for stem in stems:
            taken[stem] = schema
        placements[schema] = Placement(package, name, param_name)
    return placements


def _package_for(resources: list[tuple[str, ...]]) -> tuple[str, ...]:
    if not resources:
        return ("shared",)
    groups = {resource[0] for resource in resources}
    if len(groups) > 1:
        return ("shared",)
    return types_package(min(resources, key=lambda resource: (len(resource), resource)))


def build(spec: Mapping[str, Any]) -> dict[str, str]:
    """Every generated file: ``{path relative to the oaitrio package: source}``."""
    surface = plan_surface(spec)
    writer = TypeWriter(surface.index, surface.placements)
    _render_all(surface, writer)  # first pass: learn which classes a union tags
    writer.settle_tags()
    return _render_all(surface, writer)


def _render_all(surface: Surface, writer: TypeWriter) -> dict[str, str]:
    modules: list[Module] = []
    index = surface.index
    for world, schemas in ((MODEL, surface.model_schemas), (PARAM, surface.param_schemas)):
        for schema in schemas:
            place = surface.placements[schema]
            module = Module(place.module(world))
            name = place.class_name(world)
            module.names.claim(name)
            if index.is_class(schema):
                view = index.object_view({"$ref": f"#/components/schemas/{schema}"})
                assert view is not None
                tag = writer.tags.get(schema) if world == MODEL else None
                source = writer.class_source(view, world, module, name, tag)
            else:
                source = writer.alias_source(schema, world, module, name)
            module.add(source, export=name)
            modules.append(module)
    for (package, stem), (name, schema) in sorted(surface.subclasses.items()):
        module = Module(("types", *package, stem))
        place = surface.placements[schema]
        base = module.use(place.module(MODEL), place.name)
        module.names.claim(name)
        doc = docstring(index.schemas[schema].get("description"), "    ") or "    pass\n"
        module.add(f"class {name}({base}, kw_only=True):\n{doc}", export=name)
        modules.append(module)
    generated = {module.path for module in modules}
    _sdk_schema_names(modules, surface, writer, generated)
    _sdk_aliases(modules, generated)
    add_params_modules(modules, surface.plans, surface.names, writer)
    for node in surface.root.walk():
        if node.path:
            modules.append(render_resource(node, writer))
    files = {"/".join(module.path) + ".py": module.render() for module in modules}
    files["resources/__init__.py"] = _root_resources(surface.root)
    files.update(_type_packages(modules, sdk_aliases.PACKAGE_EXPORTS))
    return dict(sorted(files.items()))


def _defines(module: Module, name: str) -> bool:
    """Whether ``module`` defines ``name`` (a class, a type alias, or an alias made here)."""
    escaped = re.escape(name)
    pattern = re.compile(rf"^ *(class {escaped}\(|{escaped}(: TypeAlias)? = )", re.M)
    return any(pattern.search(block) for block in module.blocks)


def _types_path(dotted: str) -> tuple[str, ...]:
    return ("types", *dotted.split(".")) if dotted else ("types", "__init__")


def _sdk_schema_names(
    modules: list[Module],
    surface: Surface,
    writer: TypeWriter,
    answer_modules: set[tuple[str, ...]],
) -> None:
    """Add the SDK's names that are a spec schema's own (``sdk_aliases.SCHEMA_NAMES``).

    A schema the generator placed under another name gets an alias of that
    class; one it only inlines (an enum such as ``ReasoningEffort``, a map such
    as ``Metadata``, a union nothing answers with) is written out in the
    module where the SDK defines the name. A name ending in ``Param`` is the
    request form (a TypedDict), any other the response form.

    Raises:
        ValueError: an entry names a schema the spec does not have, or a module
            that is a package here.
    """
    by_path = {module.path: module for module in modules}
    packages = {module.path[:n] for module in modules for n in range(1, len(module.path))}
    index = surface.index
    for where, target in sorted(sdk_aliases.SCHEMA_NAMES.items()):
        dotted, name = where.split(":")
        schema, _, pointer = target.partition("/")
        if schema not in index.schemas:
            raise ValueError(f"SDK name {where}: the spec has no schema {schema}")
        path = _types_path(dotted)
        if path in packages:
            raise ValueError(f"SDK name {where}: {dotted} is a package here")
        world = PARAM if name.endswith("Param") else MODEL
        if pointer:
            # The SDK's *_param modules hold request types, whatever the name.
            if dotted.endswith(("_param", "_params")):
                world = PARAM
            made = set(surface.model_schemas if world == MODEL else surface.param_schemas)
            _write_schema_part(by_path, modules, writer, where, target, world, made, answer_modules)
            continue
        place = surface.placements.get(schema)
        generated = place is not None and by_path.get(place.module(world)) is not None
        made = set(surface.model_schemas if world == MODEL else surface.param_schemas)
        lacking = [
            s
            for s in index.closure([schema])
            if s != schema and index.has_module(s) and s not in made
        ]
        if not generated and lacking:
            raise ValueError(
                f"SDK name {where}: uses {lacking[0]}, not generated as a {world} type"
            )
        module = by_path.get(path)
        if module is None:
            module = by_path[path] = Module(path)
            modules.append(module)
        if name in module.names:
            raise ValueError(f"SDK name {where}: the name is taken in {dotted}")
        module.names.claim(name)
        if generated:
            assert place is not None
            local = module.use(place.module(world), place.class_name(world))
            source = f"{name} = {local}\n"
        elif index.is_class(schema):
            view = index.object_view({"$ref": f"#/components/schemas/{schema}"})
            assert view is not None
            source = writer.class_source(view, world, module, name, None)
        elif index.is_union_alias(schema):
            source = writer.alias_source(schema, world, module, name)
        else:
            ref = writer.annotation(index.schemas[schema], world, module, name + "Item")
            description = index.schemas[schema].get("description")
            type_alias = module.typing_name("TypeAlias")
            source = f"{name}: {type_alias} = {ref.text}\n" + docstring(description, "")
        own = snake_case(name) == path[-1]
        module.add(source, export=name if own else None)


def _write_schema_part(
    by_path: dict[tuple[str, ...], Module],
    modules: list[Module],
    writer: TypeWriter,
    where: str,
    target: str,
    world: str,
    made: set[str],
    generated: set[tuple[str, ...]],
) -> None:
    """Write out the part of a schema a ``SCHEMA_NAMES`` entry points into (``Schema/anyOf/1``).

    Only enums, scalars and unions of generated classes: an inline object would
    be a class the decoder never produces (it makes its own where the field is).
    ``made`` holds the schemas generated in ``world``. The description is left
    out: it is the field's, and the SDK names one shape for several fields.

    Raises:
        ValueError: the pointer leads nowhere, to an object, to a union of
            classes not generated in ``world``, or, in a module of
            ``generated`` (one the API's answers use), to one that would load
            another package there.
    """
    dotted, name = where.split(":")
    schema, _, pointer = target.partition("/")
    node = _at_pointer(writer.index.schemas[schema], pointer)
    if node is None:
        raise ValueError(f"SDK name {where}: {target} leads nowhere")
    if writer.index.object_view(node) is not None:
        raise ValueError(f"SDK name {where}: {target} is not an enum, scalar or union")
    index = writer.index
    lacking = [
        s for s in index.closure(list(index.refs_in(node))) if index.has_module(s) and s not in made
    ]
    if lacking:
        raise ValueError(f"SDK name {where}: uses {lacking[0]}, not generated as a {world} type")
    path = _types_path(dotted)
    module = by_path.get(path)
    if module is None:
        module = by_path[path] = Module(path)
        modules.append(module)
    if name in module.names:
        raise ValueError(f"SDK name {where}: the name is taken in {dotted}")
    if path in generated:
        scratch = Module(path)
        writer.annotation(node, world, scratch, name + "Item")
        elsewhere = [
            target_module
            for target_module, imported in scratch.runtime_imports()
            if target_module[0] == "types"
            and target_module[:-1] != path[:-1]
            and not module.binds(target_module, imported)
        ]
        if elsewhere:
            raise ValueError(f"SDK name {where}: would load {'.'.join(elsewhere[0])} in {dotted}")
    module.names.claim(name)
    ref = writer.annotation(node, world, module, name + "Item")
    type_alias = module.typing_name("TypeAlias")
    source = f"{name}: {type_alias} = {ref.text}\n"
    module.add(source, export=name if snake_case(name) == path[-1] else None)


def _at_pointer(root: Mapping[str, Any], pointer: str) -> Mapping[str, Any] | None:
    """The schema node at ``pointer`` (``anyOf/1``, ``properties/model``) below ``root``."""
    node: object = root
    for part in pointer.split("/"):
        if isinstance(node, list) and part.isdigit():
            items = cast("list[object]", node)
            node = items[int(part)] if int(part) < len(items) else None
        elif isinstance(node, Mapping):
            node = cast("Mapping[str, object]", node).get(part)
        else:
            return None
    return cast("Mapping[str, Any]", node) if isinstance(node, Mapping) else None


def _sdk_aliases(modules: list[Module], generated: set[tuple[str, ...]]) -> None:
    """Add the SDK's names for generated classes (``sdk_aliases.TYPE_ALIASES``) to ``modules``.

    Each alias goes into the module where the SDK defines the name, created
    when there is none; a module's own class (``SupervisedMethod`` in
    ``supervised_method``) is exported, so its package exports it too. In a
    module of ``generated`` (the types the API's answers use) an alias of a
    class from elsewhere is imported on first use.

    Raises:
        ValueError: an entry names a class the generator did not make, or a
            name its module already binds.
    """
    by_path = {module.path: module for module in modules}
    existing = generated
    packages = {module.path[:n] for module in modules for n in range(1, len(module.path))}
    planned: list[tuple[Module, str, Module, str]] = []
    for where, target in sorted(sdk_aliases.TYPE_ALIASES.items()):
        dotted, name = where.split(":")
        target_dotted, target_name = target.split(":")
        source = by_path.get(_types_path(target_dotted))
        if source is None or not _defines(source, target_name):
            raise ValueError(f"SDK alias {where}: the generator made no {target}")
        path = _types_path(dotted)
        if path in packages:
            raise ValueError(f"SDK alias {where}: {dotted} is a package here")
        module = by_path.get(path)
        if module is None:
            module = by_path[path] = Module(path)
            modules.append(module)
        # Every alias name first, so an import of a same-named class gets another local name.
        if name in module.names:
            if _defines(module, name):
                continue  # a schema written out here (SCHEMA_NAMES) defines it already
            raise ValueError(f"SDK alias {where}: the name is taken in {dotted}")
        module.names.claim(name)
        planned.append((module, name, source, target_name))
    lazy: dict[tuple[str, ...], list[tuple[str, str, str, str]]] = {}
    for module, name, source, target_name in planned:
        own = snake_case(name) == module.path[-1]
        if module.path in existing and not module.binds(source.path, target_name):
            # A module the API's answers use (chat_completion) must not load
            # another package (responses) for a name only the SDK's users ask for.
            local = module.use(source.path, target_name, runtime=False)
            where = relative_import(module.package, source.path)
            lazy.setdefault(module.path, []).append((name, local, where, target_name))
            if own:
                # The module's own name: its package exports it, loaded on first use too.
                module.exports.append(name)
            continue
        local = module.use(source.path, target_name)
        module.add(f"{name} = {local}\n", export=name if own else None)
    for path, entries in lazy.items():
        module = by_path[path]
        module.import_module("importlib")
        checking = module.typing_name("TYPE_CHECKING")
        any_type = module.typing_name("Any")
        table = "".join(f'    "{n}": ("{where}", "{t}"),\n' for n, _, where, t in entries)
        module.add(
            f"_ELSEWHERE = {{\n{table}}}\n\n"
            f"if {checking}:\n"
            + "".join(f"    {n} = {local}\n" for n, local, _, _ in entries)
            + "else:\n\n"
            f"    def __getattr__(name: str) -> {any_type}:\n"
            '        """The SDK\'s names for classes defined elsewhere, imported on first use."""\n'
            "        found = _ELSEWHERE.get(name)\n"
            "        if found is None:\n"
            '            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")\n'
            "        value = getattr(importlib.import_module(found[0], __package__), found[1])\n"
            "        globals()[name] = value\n"
            "        return value\n"
        )


def _root_resources(root: ResourceNode) -> str:
    from .naming import resource_class_name

    lines = [
        GENERATED_HEADER,
        docstring("Resources, laid out like the official SDK's ``openai.resources``.", ""),
        "\nfrom __future__ import annotations\n\n",
        "import functools\nfrom typing import TYPE_CHECKING, Any\n\n",
        "if TYPE_CHECKING:\n",
    ]
    for name in sorted(root.children):
        child = root.children[name]
        source = ".".join(child.module_path[1:]).removesuffix(".__init__")
        lines.append(f"    from .{source} import {resource_class_name(child.path)}\n")
    lines.append('\n__all__ = ["AsyncResources"]\n\n\nclass AsyncResources:\n')
    lines.append(
        '    """The top-level resources of :class:`oaitrio.AsyncOpenAI`, each loaded on first use."""\n'
    )
    for name in sorted(root.children):
        child = root.children[name]
        cls = resource_class_name(child.path)
        source = ".".join(child.module_path[1:]).removesuffix(".__init__")
        lines.append(
            f"\n    @functools.cached_property\n"
            f"    def {name}(self) -> {cls}:\n"
            f"        from .{source} import {cls}\n\n"
            f"        client: Any = self\n"
            f"        return {cls}(client)\n"
        )
    return "".join(lines)


def _type_packages(
    modules: list[Module], reexports: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    """``__init__`` of each types package: its names, imported lazily on first use.

    ``reexports`` adds names a package exports from a module other than their
    own (package -> {name: module}, dotted below ``types``).

    Raises:
        ValueError: a re-export names a module or name the generator did not make.
    """
    packages: dict[tuple[str, ...], dict[str, str]] = {}
    by_path = {module.path: module for module in modules}
    for module in modules:
        if module.path[0] != "types":
            continue
        for parts in range(1, len(module.path)):
            packages.setdefault(module.path[:parts], {})
        for name in module.exports:
            packages[module.package][name] = "." + module.path[-1]
    for package, names in reexports.items():
        package_path = ("types", *package.split(".")) if package else ("types",)
        for name, dotted in names.items():
            source = by_path.get(_types_path(dotted))
            if package_path not in packages or source is None or not _defines(source, name):
                raise ValueError(
                    f"re-export {package}.{name}: the generator made no {dotted}:{name}"
                )
            packages[package_path][name] = relative_import(package_path, source.path)
    files: dict[str, str] = {}
    for package, names in packages.items():
        lines = [
            GENERATED_HEADER,
            docstring(
                "Wire types, laid out like the official SDK's ``openai.types``; "
                "each loads on first use.",
                "",
            ),
            "\nfrom __future__ import annotations\n\n",
            "import importlib\n",
            f"from typing import {'TYPE_CHECKING, ' if names else ''}Any\n\n",
        ]
        if names:
            lines.append("if TYPE_CHECKING:\n")
            for name, stem in sorted(names.items(), key=lambda item: (item[1], item[0])):
                lines.append(from_line(stem, [f"{name} as {name}"], "    "))
            lines.append("\n")
        lines.append("_LAZY = {\n")
        for name, stem in sorted(names.items()):
            lines.append(f'    "{name}": "{stem}",\n')
        lines.append("}\n\n__all__ = sorted(_LAZY)\n\n\n")
        lines.append(
            "def __getattr__(name: str) -> Any:\n"
            "    module = _LAZY.get(name)\n"
            "    if module is None:\n"
            '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")\n'
            "    value = getattr(importlib.import_module(module, __name__), name)\n"
            "    globals()[name] = value\n"
            "    return value\n"
        )
        files["/".join(package) + "/__init__.py"] = "".join(lines)
    return files


def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    """The spec as a dict (needs PyYAML, a build-time dependency only)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as f:
        return yaml.load(f, Loader=loader)  # type: ignore[no-any-return]


def stale_files(package_dir: Path, files: Mapping[str, str]) -> list[Path]:
    """Generated files under ``package_dir`` that :func:`build` no longer produces."""
    stale: list[Path] = []
    for root in _GENERATED_ROOTS:
        for path in sorted((package_dir / root).rglob("*.py")):
            relative = path.relative_to(package_dir).as_posix()
            if relative not in files and _is_generated(path):
                stale.append(path)
    return stale


def _is_generated(path: Path) -> bool:
    with path.open(encoding="utf-8") as f:
        return f.readline() == GENERATED_HEADER


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m protocols.openapi.generate")
    parser.add_argument("--check", action="store_true", help="only report out-of-date files")
    parser.add_argument(
        "--package-dir",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "oaitrio",
        help="the oaitrio package directory to write into",
    )
    args = parser.parse_args(argv)
    files = build(load_spec())
    package_dir: Path = args.package_dir
    changed: list[str] = []
    for relative, text in files.items():
        target = package_dir / relative
        if target.exists():
            if not _is_generated(target):
                print(f"refusing to overwrite hand-written {relative}", file=sys.stderr)
                return 2
            if target.read_text(encoding="utf-8") == text:
                continue
        changed.append(relative)
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    stale = stale_files(package_dir, files)
    for path in stale:
        changed.append(path.relative_to(package_dir).as_posix() + " (stale)")
        if not args.check:
            path.unlink()
    if args.check:
        for relative in changed:
            print(f"out of date: {relative}")
        return 1 if changed else 0
    print(f"{len(files)} generated files, {len(changed)} changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
