"""Names the official SDK gives to the API's operations, for the API-surface generator.

Each OpenAPI operation becomes a method on a resource, as in the official SDK:
``createChatCompletion`` is ``client.chat.completions.create`` and
``listFilesInVectorStoreBatch`` is ``client.vector_stores.file_batches.list_files``.

Theory of operation: a name comes from two sources, the second overriding the
first.

1. The operation's Python example (``x-oaiMeta.examples``). The SDK call in it
   (``client.a.b.c(...)``) spells the resource path and method. An example may
   make several calls: the earlier ones fetch the arguments of the last, which
   is the operation's own (``list()`` to find an id, then ``retrieve(id)``).
   ``with_raw_response`` / ``with_streaming_response`` are dropped from the
   path, and calls of SDK helpers that wrap the API (``create_and_poll``,
   ``stream``, ...) are skipped.
2. The table in ``sdk_names.OPERATIONS``, for operations without an example
   or whose example names the call wrongly.

An operation neither source names is left out; ``unnamed_operations`` lists
them. Everything here is a pure function of the spec, passed in as the plain
dict the YAML loads to.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple, cast

from . import sdk_names

__all__ = [
    "ACRONYMS",
    "OperationName",
    "method_type_name",
    "operation_names",
    "pascal_case",
    "resource_class_name",
    "return_type",
    "snake_case",
    "types_package",
    "unnamed_operations",
]

_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

# `client.chat.completions.create(` or, with the module-level client,
# `openai.audio.speech.create(`: the receiver, then lower-case attribute names.
_SDK_CALL = re.compile(r"\b(?:client|openai)((?:\.[a-z_][a-z0-9_]*)+)\(")

# Attributes that select how the response is returned, not what is called.
_RESPONSE_WRAPPERS = frozenset({"with_raw_response", "with_streaming_response"})

# Words the SDK writes in capitals inside class names (`AdminAPIKeys`,
# `ResponseFormatJSONSchema`, `OpenAI`). Not "mcp": the SDK mostly writes `Mcp`.
ACRONYMS = frozenset(
    {"ai", "api", "http", "id", "ip", "json", "jsonl", "pcm", "pcma", "pcmu", "url"}
)


class OperationName(NamedTuple):
    """Where the SDK puts an operation: ``client.<resource...>.<method>``."""

    resource: tuple[str, ...]
    method: str

    @property
    def dotted(self) -> str:
        """The attribute path below the client, e.g. ``"chat.completions.create"``."""
        return ".".join((*self.resource, self.method))

    @classmethod
    def parse(cls, dotted_resource: str, method: str) -> OperationName:
        """Build a name from a dotted resource path and a method name."""
        return cls(tuple(dotted_resource.split(".")), method)


def operation_names(spec: Mapping[str, Any]) -> dict[str, OperationName]:
    """Name every operation of ``spec`` that the SDK has, keyed by operationId.

    Operations that neither the examples nor ``sdk_names.OPERATIONS`` name are
    absent; see ``unnamed_operations``.
    """
    names: dict[str, OperationName] = {}
    for operation_id, operation in _operations(spec):
        table_entry = sdk_names.OPERATIONS.get(operation_id)
        if table_entry is not None:
            names[operation_id] = OperationName.parse(*table_entry)
            continue
        from_example = _name_from_examples(operation)
        if from_example is not None:
            names[operation_id] = from_example
    return names


def unnamed_operations(spec: Mapping[str, Any]) -> list[str]:
    """The operationIds, in spec order, that ``operation_names`` leaves out."""
    named = operation_names(spec)
    return [operation_id for operation_id, _ in _operations(spec) if operation_id not in named]


def resource_class_name(resource: tuple[str, ...]) -> str:
    """The SDK's async class for a resource: ``("beta", "threads", "runs")`` -> ``AsyncRuns``.

    The rule is ``Async`` + ``pascal_case`` of the last path element;
    ``sdk_names.RESOURCE_CLASSES`` holds the resources named otherwise.
    """
    irregular = sdk_names.RESOURCE_CLASSES.get(".".join(resource))
    if irregular is not None:
        return irregular
    return "Async" + pascal_case(resource[-1])


def types_package(resource: tuple[str, ...]) -> tuple[str, ...]:
    """The subpackage of ``openai.types`` holding a resource's own types.

    The rule is the resource path without its last element: ``chat.completions``
    puts its types in ``openai.types.chat``, ``embeddings`` at the top level
    (``()``). ``sdk_names.TYPES_PACKAGES`` holds the resources that have a
    package of their own (``responses`` -> ``openai.types.responses``). A method
    may still return a type shared from elsewhere; ``sdk_names.RETURN_TYPES``
    records those.
    """
    irregular = sdk_names.TYPES_PACKAGES.get(".".join(resource))
    if irregular is not None:
        return _package(irregular)
    return resource[:-1]


def method_type_name(name: OperationName, suffix: str) -> str:
    """The SDK's name for a type made for one method, e.g. ``ContainerCreateResponse``.

    Rule: the singular of the resource's last path element, then the method,
    then ``suffix``, in PascalCase: ``containers.files.list`` with ``"Params"``
    is ``FileListParams``; ``admin.organization.usage.costs`` with
    ``"Response"`` is ``UsageCostsResponse``. The type lives in
    ``types_package(name.resource)``.
    """
    return pascal_case(_singular(name.resource[-1])) + pascal_case(name.method) + suffix


def return_type(
    operation_id: str, name: OperationName, schema: str | None
) -> tuple[tuple[str, ...], str]:
    """The SDK class a method returns, as (subpackage of ``openai.types``, class).

    Args:
        operation_id: The operation's id.
        name: Its SDK name, from ``operation_names``.
        schema: The ``$ref`` name of its JSON response schema, or for a method
            that returns pages (``sdk_names.PAGINATION``) of the schema of one
            item; ``None`` where that schema is inline.

    The SDK's class is the schema's own name in the resource's types package,
    unless ``sdk_names`` says otherwise, or the SDK makes one class per method
    for that schema (``method_type_name(name, "Response")``). The "package" may
    name a module for a class its package does not re-export.
    """
    fixed = sdk_names.OPERATION_RETURN_TYPES.get(operation_id)
    if fixed is None and schema is not None:
        fixed = sdk_names.RETURN_TYPES.get(schema)
    if fixed is not None:
        package, class_name = fixed
        return _package(package), class_name
    if schema is None or schema in sdk_names.PER_METHOD_RESPONSE_SCHEMAS:
        return types_package(name.resource), method_type_name(name, "Response")
    return types_package(name.resource), schema


def snake_case(name: str) -> str:
    """``CreateChatCompletionResponse`` -> ``create_chat_completion_response``.

    Rule: any run of characters other than letters and digits separates words,
    and so does each change from lower case or digit to upper case. A run of
    capitals is one word (an acronym), except that its last capital begins the
    next word when a lower-case letter follows: ``JSONSchema`` -> ``json_schema``,
    ``AdminAPIKeys`` -> ``admin_api_keys``. Digits stay with the word before
    them: ``V1Models`` -> ``v1_models``, ``gpt-4o`` -> ``gpt_4o``. Words run
    together in the input stay together (``Getinputtokencounts``).
    """
    text = re.sub(r"[^A-Za-z0-9]+", "_", name)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    return text.strip("_").lower()


def pascal_case(name: str) -> str:
    """``file_batches`` -> ``FileBatches``; ``admin_api_keys`` -> ``AdminAPIKeys``.

    Rule: split into words as ``snake_case`` does, then capitalise the first
    letter of each word, or the whole word when it is one of ``ACRONYMS`` (as
    the SDK writes ``API``, ``JSON``, ``URL``). Digits are kept as they are:
    ``gpt_4o`` -> ``Gpt4o``. ``pascal_case(snake_case(x))`` gives back all but
    a few of the SDK's 3,000 class names (not ``ResultC2PA``, nor the ``MCP``
    that a few ``live`` types spell so where the rest write ``Mcp``).
    """
    return "".join(
        word.upper() if word in ACRONYMS else word[:1].upper() + word[1:]
        for word in snake_case(name).split("_")
        if word
    )


def _package(dotted: str) -> tuple[str, ...]:
    # The tables write packages dotted, with "" for `openai.types` itself.
    return tuple(dotted.split(".")) if dotted else ()


def _singular(word: str) -> str:
    # Enough English for the SDK's resource names: "batches" -> "batch",
    # "policies" -> "policy", "files" -> "file", "usage" -> "usage".
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _operations(spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    paths: Mapping[str, Mapping[str, Any]] = spec.get("paths") or {}
    for path_item in paths.values():
        for http_method, operation in path_item.items():
            if http_method in _HTTP_METHODS and "operationId" in operation:
                yield operation["operationId"], operation


def _name_from_examples(operation: Mapping[str, Any]) -> OperationName | None:
    # The examples agree today; should they not, the name most of them use wins
    # (the first such on a tie), so one odd example does not rename a method.
    votes = Counter(
        name for name in map(_name_from_code, _python_examples(operation)) if name is not None
    )
    if not votes:
        return None
    return votes.most_common(1)[0][0]


def _python_examples(operation: Mapping[str, Any]) -> Iterator[str]:
    # `examples` is one example or a list of them; some have no Python.
    examples = _field(_field(operation, "x-oaiMeta"), "examples")
    listed = cast("list[object]", examples) if isinstance(examples, list) else [examples]
    for example in listed:
        code = _field(_field(example, "request"), "python")
        if isinstance(code, str):
            yield code


def _field(node: object, key: str) -> object:
    if isinstance(node, Mapping):
        return cast("Mapping[str, object]", node).get(key)
    return None


def _name_from_code(code: str) -> OperationName | None:
    last: OperationName | None = None
    for match in _SDK_CALL.finditer(code):
        attributes = [a for a in match.group(1).split(".")[1:] if a not in _RESPONSE_WRAPPERS]
        if len(attributes) < 2 or attributes[-1] in sdk_names.HELPER_METHODS:
            continue
        last = OperationName(tuple(attributes[:-1]), attributes[-1])
    return last
