"""A method's keyword arguments as one TypedDict, at the official SDK's path.

SDK users write ``params: CompletionCreateParams = {...}`` and then
``await client.chat.completions.create(**params)``. For each operation this
makes ``<Resource><Method>Params`` (``method_type_name(name, "Params")``) in the
module ``<resource>_<method>_params`` of the resource's types package: the
query parameters, the body's properties, and every path parameter but the
last (that one is the method's positional argument), with ``Required[...]``
where the spec requires the key. Inline objects become TypedDicts nested in
that module, named from the field as the SDK names them (``WebSearchOptions``,
``WebSearchOptionsUserLocation``).

An operation with a ``stream`` flag gets the SDK's four names: ``...ParamsBase``
(everything but ``stream``), ``...ParamsNonStreaming`` (``stream`` false or
left out), ``...ParamsStreaming`` (``stream: Required[Literal[True]]``) and
``...Params``, the union of the two.

Pure: modules in, modules out; nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._module import Module
from ._resgen import MethodPlan, body_schema
from ._schemas import Operation, dig
from ._source import docstring, identifier
from ._typegen import PARAM, TypeWriter
from .naming import OperationName, method_type_name, snake_case, types_package

__all__ = ["add_params_modules", "params_schema"]

_STREAM = "stream"
_IN = ("path", "query", "header")


def params_schema(writer: TypeWriter, op: Operation) -> dict[str, Any] | None:
    """The method's keyword arguments as one object schema, or None when it takes none.

    Keys are the Python names the method uses (``include[]`` is ``include``,
    the ``openai-beta`` header is ``betas``), as the SDK's params name them.
    """
    properties: dict[str, Any] = {}
    required: list[str] = []
    raw_params = [p for p in op.spec.get("parameters") or () if p.get("in") in _IN]
    path = [p for p in raw_params if p.get("in") == "path"]
    for raw in raw_params:
        if path and raw is path[-1]:
            continue  # the positional argument
        schema = dict(raw.get("schema") or {})
        if raw.get("description") and "description" not in schema:
            schema["description"] = raw["description"]
        key = identifier(
            dig(raw, "schema").get("x-stainless-param") or raw["name"].removesuffix("[]")
        )
        properties[key] = schema
        if raw.get("in") == "path" or raw.get("required"):
            required.append(key)
    _, body = body_schema(writer.index, op)
    view = writer.index.object_view(body) if body is not None else None
    if view is not None:
        for wire, prop in view.properties.items():
            properties.setdefault(wire, prop)
            if wire in view.required:
                required.append(wire)
    if not properties:
        return None
    return {"type": "object", "properties": properties, "required": required}


def add_params_modules(
    modules: list[Module],
    plans: Mapping[str, MethodPlan],
    names: Mapping[str, OperationName],
    writer: TypeWriter,
) -> None:
    """Add each operation's ``...Params`` TypedDict to ``modules`` (in place).

    The module is created at the SDK's path, or extended where an SDK alias
    made it already. An operation whose params name another operation took
    first, or whose module is a package here, gets none.
    """
    by_path = {module.path: module for module in modules}
    packages = {module.path[:n] for module in modules for n in range(1, len(module.path))}
    done: set[tuple[str, ...]] = set()
    for operation_id in sorted(plans):
        name = names.get(operation_id)
        if name is None:
            continue
        schema = params_schema(writer, plans[operation_id].operation)
        if schema is None:
            continue
        class_name = method_type_name(name, "Params")
        path = ("types", *types_package(name.resource), snake_case(class_name))
        if path in done or path in packages:
            continue
        module = by_path.get(path)
        if module is None:
            module = by_path[path] = Module(
                path, doc=f"The keyword arguments of ``{name.dotted}``."
            )
            modules.append(module)
        wanted = [class_name]
        if _STREAM in schema["properties"]:
            wanted += [class_name + suffix for suffix in ("Base", "NonStreaming", "Streaming")]
        if any(n in module.names for n in wanted):
            continue
        for n in wanted:
            module.names.claim(n)
        done.add(path)
        _render(module, writer, schema, class_name)


def _render(module: Module, writer: TypeWriter, schema: dict[str, Any], class_name: str) -> None:
    view = writer.index.object_view(schema)
    assert view is not None
    properties: dict[str, Any] = schema["properties"]
    if _STREAM not in properties:
        module.add(writer.class_source(view, PARAM, module, class_name, None), export=class_name)
        return
    stream = properties[_STREAM]
    base_schema = {
        **schema,
        "properties": {k: v for k, v in properties.items() if k != _STREAM},
        "required": [k for k in schema["required"] if k != _STREAM],
    }
    base_view = writer.index.object_view(base_schema)
    base = class_name + "Base"
    if base_view is None:
        typed_dict = module.typing_name("TypedDict")
        module.add(f"class {base}({typed_dict}, total=False):\n    pass\n")
    else:
        module.add(writer.class_source(base_view, PARAM, module, base, None))
    literal = module.typing_name("Literal")
    required = module.typing_name("Required")
    union = module.typing_name("Union")
    doc = docstring(stream.get("description"), "    ")
    module.add(
        f"class {class_name}NonStreaming({base}, total=False):\n"
        f"    {_STREAM}: {literal}[False] | None\n{doc}"
    )
    module.add(
        f"class {class_name}Streaming({base}):\n    {_STREAM}: {required}[{literal}[True]]\n{doc}"
    )
    module.add(
        f"{class_name} = {union}[{class_name}NonStreaming, {class_name}Streaming]\n",
        export=class_name,
    )
