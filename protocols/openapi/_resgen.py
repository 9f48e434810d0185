"""From operations to resource classes: one typed async method per operation.

A method's parameters follow the official SDK: the last path parameter is
positional, everything else keyword-only; body and query parameters typed from
the spec (``...Param`` TypedDicts for objects), left out of the request when
not given; ``extra_headers``, ``extra_query``, ``extra_body`` and ``timeout``
last. The return type is the response's class, a paginator for list
operations, :class:`BinaryResponseContent` for files and audio, and, for
operations with a ``stream`` flag, overloads returning an ``AsyncStream`` of
the spec's event type when ``stream=True``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from . import overrides
from ._module import Module
from ._schemas import Operation, SchemaIndex, dig
from ._source import Namespace, docstring, identifier
from ._typegen import MODEL, PARAM, TypeRef, TypeWriter
from .naming import pascal_case, resource_class_name

__all__ = ["MethodPlan", "ResourceNode", "render_resource"]

_RESOURCE = ("_resource",)
_TYPES = ("_types",)
_PAGINATION = ("pagination",)
_BINARY = ("_binary",)
_STREAMING = ("_streaming",)
_MODELS = ("_models",)
_ABC = ("", "collections.abc")
_EXTRA_NAMES = frozenset({"extra_headers", "extra_query", "extra_body", "timeout", "self"})
_JSON = "application/json"
_MULTIPART = "multipart/form-data"


class MethodPlan(NamedTuple):
    """What the generator decided about one operation."""

    operation: Operation
    name: str
    kind: str  # json | list | binary | empty
    response: str | None  # schema name of the JSON response (or of a list's item)
    page: str | None  # AsyncPage, AsyncCursorPage, AsyncConversationCursorPage
    stream_event: str | None  # schema name of the event type when it streams
    returns: tuple[tuple[str, ...], str] | None = None  # a class of its own: (module, name)


class ResourceNode:
    """A resource (``client.beta.threads``), its methods and its children."""

    def __init__(self, path: tuple[str, ...]) -> None:
        self.path = path
        self.methods: list[MethodPlan] = []
        self.children: dict[str, ResourceNode] = {}
        self.mixin: tuple[tuple[str, ...], str] | None = None

    def child(self, name: str) -> ResourceNode:
        node = self.children.get(name)
        if node is None:
            node = self.children[name] = ResourceNode((*self.path, name))
        return node

    def walk(self) -> list[ResourceNode]:
        nodes: list[ResourceNode] = [self]
        for name in sorted(self.children):
            nodes.extend(self.children[name].walk())
        return nodes

    @property
    def module_path(self) -> tuple[str, ...]:
        if self.children or not self.path:
            return ("resources", *self.path, "__init__")
        return ("resources", *self.path)


class _Param(NamedTuple):
    name: str
    wire: str
    where: str  # path | query | body
    annotation: str
    required: bool
    description: str | None
    schema: Mapping[str, Any]


def _holds_files(index: SchemaIndex, schema: Mapping[str, Any], depth: int = 0) -> bool:
    """Whether a multipart field's schema is a file or a list of files."""
    _, schema = index.deref(schema)
    if schema.get("format") == "binary":
        return True
    if depth > 3:
        return False
    inner = [schema.get("items")] + (index.alternatives(schema) or [])
    return any(isinstance(node, Mapping) and _holds_files(index, node, depth + 1) for node in inner)  # type: ignore[arg-type]


def render_resource(node: ResourceNode, writer: TypeWriter) -> Module:
    """The module holding ``node``'s class."""
    dotted = ".".join(node.path)
    module = Module(node.module_path, f"``client.{dotted}``.")
    class_name = resource_class_name(node.path)
    module.names.claim(class_name)
    if node.mixin is not None:
        base = module.use(*node.mixin)
    else:
        base = module.use(_RESOURCE, "AsyncAPIResource")
    lines = [f"class {class_name}({base}):\n"]
    for name in sorted(node.children):
        child = node.children[name]
        child_class = resource_class_name(child.path)
        source = child.module_path
        local = module.use(source, child_class, runtime=False)
        # A resource with children is a package; its children are its submodules.
        relative = f".{name}"
        module.import_module("functools")
        lines.append(
            f"    @functools.cached_property\n"
            f"    def {name}(self) -> {local}:\n"
            f"        from {relative} import {child_class}\n\n"
            f"        return self._child({child_class})\n\n"
        )
    for plan in node.methods:
        lines.append(_method(plan, module, writer))
    if len(lines) == 1:
        lines.append("    pass\n")
    module.add("".join(lines).rstrip("\n") + "\n", export=class_name)
    return module


def _method(plan: MethodPlan, module: Module, writer: TypeWriter) -> str:
    op = plan.operation
    params = _parameters(plan, module, writer)
    options = module.use(_RESOURCE, "CallOptions")
    timeout_arg = module.use(_RESOURCE, "TimeoutArg", runtime=False)
    mapping = module.use(_ABC, "Mapping", runtime=False)
    omit = module.use(_TYPES, "Omit", runtime=False)
    not_given = module.use(_TYPES, "NOT_GIVEN")
    extras = (
        f"        extra_headers: {mapping}[str, str | {omit}] | None = None,\n"
        f"        extra_query: {mapping}[str, object] | None = None,\n"
        f"        extra_body: {mapping}[str, object] | None = None,\n"
        f"        timeout: {timeout_arg} = {not_given},\n"
    )
    returns = _return_annotation(plan, module, writer)
    stream_event = None
    if plan.stream_event is not None and any(p.wire == "stream" for p in params):
        stream_event = writer.annotation(
            {"$ref": f"#/components/schemas/{plan.stream_event}"}, MODEL, module, "Event"
        )
    doc = docstring(op.spec.get("summary") or op.spec.get("description"), "        ")
    is_async = plan.kind != "list"
    keyword = "async def" if is_async else "def"
    out: list[str] = []
    stream_type = not_streamed = literal = None
    if stream_event is not None:
        stream_type = f"{module.use(_STREAMING, 'AsyncStream', runtime=False)}[{stream_event.text}]"
        literal = module.typing_name("Literal")
        not_given_type = module.use(_TYPES, "NotGiven", runtime=False)
        not_streamed = f"{literal}[False] | {not_given_type} = {not_given}"
    variants: list[tuple[dict[str, str], str]] = []
    answers = _answers(plan, params, module, writer)
    if answers is not None:
        wire, groups = answers
        for annotation, result in groups:
            fixed = {wire: annotation}
            if not_streamed is not None:
                fixed["stream"] = not_streamed
            variants.append((fixed, result))
        returns = f"{returns} | str"
    if not_streamed is not None:
        variants.append(({"stream": not_streamed}, returns))
    if stream_type is not None:
        variants.append(({"stream": f"{literal}[True]"}, stream_type))
        variants.append(({"stream": "bool"}, _either(returns, stream_type)))
        returns = _either(returns, stream_type)
    elif variants:
        variants.append(({}, returns))
    overload = module.typing_name("overload") if variants else ""
    for fixed, result in variants:
        signature = _signature(params, module, fixed)
        out.append(
            f"    @{overload}\n    {keyword} {plan.name}(\n        self,\n{signature}{extras}"
            f"    ) -> {result}: ...\n\n"
        )
    signature = _signature(params, module)
    out.append(
        f"    {keyword} {plan.name}(\n        self,\n{signature}{extras}    ) -> {returns}:\n"
    )
    out.append(doc)
    out.append(_body(plan, params, module, writer, options, stream_event))
    return "".join(out) + "\n"


def _answers(
    plan: MethodPlan, params: list[_Param], module: Module, writer: TypeWriter
) -> tuple[str, list[tuple[str, str]]] | None:
    """The overloads of a method whose answer type follows a request parameter.

    Returns the parameter's wire name and, per answer type, the annotation
    (with its default where the omitted value selects that type) and the
    return type; ``None`` for a method whose answer does not vary.
    """
    known = overrides.ANSWER_BY_PARAMETER.get(plan.operation.operation_id)
    if known is None or plan.kind != "json":
        return None
    wire, default, table = known
    if not any(p.wire == wire for p in params):
        raise ValueError(f"{plan.operation.operation_id} has no parameter {wire!r} to choose by")
    by_answer: dict[str | None, list[str]] = {}
    for value, schema in table.items():
        by_answer.setdefault(schema, []).append(value)
    literal = module.typing_name("Literal")
    not_given = module.use(_TYPES, "NOT_GIVEN")
    not_given_type = module.use(_TYPES, "NotGiven", runtime=False)
    groups: list[tuple[str, str]] = []
    for schema, values in by_answer.items():
        annotation = f"{literal}[{', '.join(repr(v).replace(chr(39), chr(34)) for v in values)}]"
        if default in values:
            annotation += f" | {not_given_type} = {not_given}"
        result = "str" if schema is None else _schema_ref(schema, module, writer)
        groups.append((annotation, result))
    return wire, groups


def _schema_ref(schema: str, module: Module, writer: TypeWriter) -> str:
    return writer.annotation(
        {"$ref": f"#/components/schemas/{schema}"}, MODEL, module, "Response"
    ).text


def _answer_choice(
    plan: MethodPlan, params: list[_Param], module: Module, writer: TypeWriter
) -> str:
    """Code that picks ``cast_to`` from the request, as the SDK's overloads promise."""
    wire, default, table = overrides.ANSWER_BY_PARAMETER[plan.operation.operation_id]
    name = next(p.name for p in params if p.wire == wire)
    any_type = module.typing_name("Any")
    fallback = _response_ref(plan, module, writer).text
    items: list[str] = []
    for value, schema in table.items():
        if schema is None:
            target = f"{module.use(_MODELS, 'Untagged')}[str]"  # plain text, the body as it came
        else:
            target = _schema_ref(schema, module, writer)
        items.append(f'            "{value}": {target},\n')
    return (
        f"        # A value the table does not know decodes as the spec's union (the member\n"
        f"        # with the most fields); omitted, the API answers {default!r}.\n"
        f"        cast_to: {any_type} = {{\n{''.join(items)}        }}.get(\n"
        f'            {name} if isinstance({name}, str) else "{default}", {fallback}\n'
        f"        )\n"
    )


def _either(returns: str, stream_type: str) -> str:
    return f"{stream_type} | None" if returns == "None" else f"{returns} | {stream_type}"


def _parameters(plan: MethodPlan, module: Module, writer: TypeWriter) -> list[_Param]:
    op = plan.operation
    index = writer.index
    hint = pascal_case(plan.name)
    names = Namespace(set(_EXTRA_NAMES))
    path_params: list[_Param] = []
    query_params: list[_Param] = []
    header_params: list[_Param] = []
    for raw in op.spec.get("parameters") or ():
        where = raw.get("in")
        if where not in ("path", "query", "header"):
            continue
        wire = raw["name"]
        # A header parameter goes by the SDK's name for it (`openai-beta` is `betas`).
        python_name = dig(raw, "schema").get("x-stainless-param") or wire.removesuffix("[]")
        name = names.claim(identifier(python_name))
        ref = writer.annotation(
            raw.get("schema") or {}, PARAM, module, hint + pascal_case(name), runtime=False
        )
        required = where == "path" or bool(raw.get("required"))
        param = _Param(
            name, wire, where, ref.text, required, raw.get("description"), raw.get("schema") or {}
        )
        {"path": path_params, "query": query_params, "header": header_params}[where].append(param)
    body_params: list[_Param] = []
    _, schema = body_schema(index, op)
    view = index.object_view(schema) if schema is not None else None
    if view is not None:
        for wire, prop in view.properties.items():
            name = names.claim(identifier(wire))
            ref = writer.annotation(prop, PARAM, module, hint + pascal_case(wire), runtime=False)
            body_params.append(
                _Param(
                    name,
                    wire,
                    "body",
                    ref.text,
                    wire in view.required,
                    prop.get("description"),
                    prop,
                )
            )
    ordered = sorted(query_params + body_params, key=lambda p: not p.required)
    return path_params + ordered + header_params


def _signature(params: list[_Param], module: Module, fixed: Mapping[str, str] | None = None) -> str:
    """The parameters' lines; ``fixed`` gives some (by wire name) an overload's own annotation."""
    lines: list[str] = []
    path = [p for p in params if p.where == "path"]
    rest = [p for p in params if p.where != "path"]
    if path:
        last = path[-1]
        lines.append(f"        {last.name}: {last.annotation},\n")
    lines.append("        *,\n")
    for p in path[:-1]:
        lines.append(f"        {p.name}: {p.annotation},\n")
    not_given = module.use(_TYPES, "NOT_GIVEN")
    for p in rest:
        if fixed is not None and p.wire in fixed:
            lines.append(f"        {p.name}: {fixed[p.wire]},\n")
        elif p.required:
            lines.append(f"        {p.name}: {p.annotation},\n")
        else:
            not_given_type = module.use(_TYPES, "NotGiven", runtime=False)
            lines.append(f"        {p.name}: {p.annotation} | {not_given_type} = {not_given},\n")
    return "".join(lines)


def _return_annotation(plan: MethodPlan, module: Module, writer: TypeWriter) -> str:
    if plan.kind == "binary":
        return module.use(_BINARY, "BinaryResponseContent", runtime=False)
    if plan.kind == "empty" or plan.response is None:
        return "None"
    item = _response_ref(plan, module, writer)
    if plan.kind == "list":
        assert plan.page is not None
        paginator = module.use(_PAGINATION, "AsyncPaginator", runtime=False)
        page = module.use(_PAGINATION, plan.page)
        return f"{paginator}[{item.text}, {page}[{item.text}]]"
    return item.text


def _response_ref(plan: MethodPlan, module: Module, writer: TypeWriter) -> TypeRef:
    assert plan.response is not None
    if plan.returns is not None:
        return TypeRef(module.use(*plan.returns), "struct", plan.response)
    return writer.annotation(
        {"$ref": f"#/components/schemas/{plan.response}"}, MODEL, module, "Response"
    )


def _path_expression(op: Operation, params: list[_Param], module: Module) -> str:
    path = op.path
    by_wire = {p.wire: p for p in params if p.where == "path"}
    if not by_wire:
        return f'"{path}"'
    segment = module.use(_RESOURCE, "path_param")
    for wire, p in by_wire.items():
        path = path.replace("{" + wire + "}", "{" + f"{segment}('{wire}', {p.name})" + "}")
    return f'f"{path}"'


def _dict_literal(params: list[_Param], indent: str) -> str:
    if not params:
        return "{}"
    items = "".join(f'{indent}    "{p.wire}": {p.name},\n' for p in params)
    return "{\n" + items + indent + "}"


def _body(
    plan: MethodPlan,
    params: list[_Param],
    module: Module,
    writer: TypeWriter,
    options: str,
    stream_event: TypeRef | None,
) -> str:
    op = plan.operation
    method = op.method.upper()
    path = _path_expression(op, params, module)
    query = [p for p in params if p.where == "query"]
    body = [p for p in params if p.where == "body"]
    call_options = (
        f"{options}(\n"
        "                extra_headers=extra_headers,\n"
        "                extra_query=extra_query,\n"
        "                extra_body=extra_body,\n"
        "                timeout=timeout,\n"
        "            )"
    )
    multipart = body_schema(writer.index, op)[0] == _MULTIPART
    lines: list[str] = []
    arguments: list[str] = []
    for p in params:
        if p.where == "header":
            not_given = module.use(_TYPES, "NotGiven")
            value = module.use(_RESOURCE, "header_value")
            lines.append(
                f"        if not isinstance({p.name}, {not_given}):\n"
                f'            extra_headers = {{"{p.wire}": {value}({p.name}), **(extra_headers or {{}})}}\n'
            )
    if body:
        lines.append(f"        body = {_dict_literal(body, '        ')}\n")
        arguments.append("body=body")
        if multipart:
            files = [p.wire for p in body if _holds_files(writer.index, p.schema)]
            names = ", ".join(f'"{name}"' for name in files) + ("," if len(files) == 1 else "")
            arguments.append(f"files=({names})")
    if query:
        lines.append(f"        query = {_dict_literal(query, '        ')}\n")
        arguments.append("query=query")
    arguments.append(f"options={call_options}")
    rest = "".join(f"            {argument},\n" for argument in arguments)
    if plan.kind == "list":
        assert plan.page is not None
        item = _response_ref(plan, module, writer)
        page = module.use(_PAGINATION, plan.page)
        if method != "GET" or body:
            rest = f'            method="{method}",\n' + rest
        if not query:
            rest = "            query={},\n" + rest
        lines.append(
            f"        return self._list(\n            {path},\n            page={page}[{item.text}],\n{rest}        )\n"
        )
        return "".join(lines)
    if plan.kind == "binary":
        lines.append(
            f'        return await self._binary(\n            "{method}",\n            {path},\n{rest}        )\n'
        )
        return "".join(lines)
    if plan.kind == "empty" or plan.response is None:
        cast_to = "None"
    else:
        cast_to = _response_ref(plan, module, writer).text
    if stream_event is not None:
        stream_options = [f"cast_to={stream_event.text}"]
        if op.operation_id in overrides.DONE_TERMINATED:
            stream_options.append("expect_done=True")
        if op.operation_id in overrides.ENVELOPED_STREAMS:
            stream_options.append("envelope=True")
        terminal = overrides.TERMINAL_EVENTS.get(plan.stream_event or "")
        if terminal:
            stream_options.append(f"terminal=frozenset({sorted(terminal)!r})".replace("'", '"'))
        if method != "POST":
            stream_options.append(f'method="{method}"')
        lines.append(
            "        if stream:\n"
            f"            return await self._stream(\n                {path},\n"
            + "".join(f"                {option},\n" for option in stream_options)
            + "".join(f"    {line}\n" for line in rest.rstrip("\n").split("\n"))
            + "            )\n"
        )
    if plan.operation.operation_id in overrides.ANSWER_BY_PARAMETER and plan.kind == "json":
        lines.append(_answer_choice(plan, params, module, writer))
        cast_to = "cast_to"
    lines.append(
        f'        return await self._request(\n            "{method}",\n            {path},\n'
        f"            cast_to={cast_to},\n{rest}        )\n"
    )
    return "".join(lines)


def body_schema(index: SchemaIndex, op: Operation) -> tuple[str | None, Mapping[str, Any] | None]:
    """The request body the method sends: multipart when the spec offers it with files, else JSON."""
    content = dig(op.spec, "requestBody", "content")
    multipart = dig(content, _MULTIPART, "schema")
    if multipart:
        view = index.object_view(multipart)
        if view is not None and any(_holds_files(index, p) for p in view.properties.values()):
            return _MULTIPART, multipart
    for content_type in (_JSON, _MULTIPART):
        schema = dig(content, content_type, "schema")
        if schema:
            return content_type, schema
    return None, None


def operation_kind(
    index: SchemaIndex, op: Operation, page: str | None
) -> tuple[str, str | None, str | None]:
    """``(kind, response schema, stream event schema)`` for an operation."""
    content = dig(_success(dig(op.spec, "responses")), "content")
    stream_event = index.ref_name(dig(content, "text/event-stream", "schema"))
    json_schema = dig(content, _JSON, "schema")
    if not json_schema:
        if any(key != "text/event-stream" for key in content):
            return "binary", None, stream_event
        return "empty", None, stream_event
    name = index.ref_name(json_schema)
    if name is None:
        if json_schema.get("type") == "string":
            return "binary", None, stream_event
        return "empty", None, stream_event
    if page is not None:
        view = index.object_view(json_schema)
        item = index.ref_name(dig(view.properties if view else None, "data", "items"))
        if item is not None:
            return "list", item, stream_event
    return "json", name, stream_event


def _success(responses: Mapping[str, Any]) -> Mapping[str, Any]:
    for code in ("200", "201", "202", "204"):
        if code in responses:
            return dig(responses, code)
    return dig(None)
