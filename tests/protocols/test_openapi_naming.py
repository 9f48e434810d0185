"""The generator's naming layer: every operation gets the official SDK's name.

The spec tests need PyYAML; the cross-checks against the official SDK run only
where the ``openai`` package is installed.
"""

from __future__ import annotations

import importlib
import inspect
import typing
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from protocols.openapi import naming, sdk_names
from protocols.openapi.naming import OperationName

SPEC_PATH = Path(__file__).parents[2] / "protocols" / "openapi" / "openapi.yaml"
ADMIN_PREFIXES = ("/organization", "/projects")
HTTP_METHODS = ("get", "put", "post", "delete", "patch")

Spec = dict[str, Any]


@pytest.fixture(scope="module")
def spec() -> Spec:
    yaml = pytest.importorskip("yaml")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with SPEC_PATH.open(encoding="utf-8") as f:
        return yaml.load(f, Loader=loader)


@pytest.fixture(scope="module")
def names(spec: Spec) -> dict[str, OperationName]:
    return naming.operation_names(spec)


def operations(spec: Spec) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, HTTP method, operation) for every operation in the spec."""
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def operation_ids(spec: Spec) -> set[str]:
    return {op["operationId"] for _, _, op in operations(spec)}


# -- the spec --------------------------------------------------------------------------------


def test_every_operation_outside_the_admin_api_is_named(
    spec: Spec, names: dict[str, OperationName]
) -> None:
    unnamed = [
        op["operationId"]
        for path, _, op in operations(spec)
        if not path.startswith(ADMIN_PREFIXES) and op["operationId"] not in names
    ]
    assert unnamed == []


def test_unnamed_operations_are_the_ones_the_sdk_lacks(spec: Spec) -> None:
    unnamed = naming.unnamed_operations(spec)
    assert set(unnamed) == set(sdk_names.NOT_IN_SDK)
    assert len(naming.operation_names(spec)) + len(unnamed) == len(operation_ids(spec))


def test_no_two_operations_share_a_name(names: dict[str, OperationName]) -> None:
    shared = {name.dotted: n for name, n in Counter(names.values()).items() if n > 1}
    assert shared == {}


@pytest.mark.parametrize(
    ("operation_id", "dotted"),
    [
        ("createChatCompletion", "chat.completions.create"),
        ("listRunSteps", "beta.threads.runs.steps.list"),
        ("listFilesInVectorStoreBatch", "vector_stores.file_batches.list_files"),
        ("RetrieveContainerFileContent", "containers.files.content.retrieve"),
        # An example that calls list() and retrieve() first, to find an id.
        ("getChatCompletionMessages", "chat.completions.messages.list"),
        # An example through `openai.` and `with_streaming_response`.
        ("createSpeech", "audio.speech.create"),
        # Examples that name the call wrongly.
        ("beta_createResponse", "beta.responses.create"),
        ("DeleteThreadMethod", "beta.chatkit.threads.delete"),
        # Operations without an example.
        ("validateGrader", "fine_tuning.alpha.graders.validate"),
        ("listFineTuningJobCheckpoints", "fine_tuning.jobs.checkpoints.list"),
        ("listFineTuningCheckpointPermissions", "fine_tuning.checkpoints.permissions.list"),
        ("retrieveVectorStoreFileContent", "vector_stores.files.content"),
        ("addUploadPart", "uploads.parts.create"),
        ("create-realtime-session", "beta.realtime.sessions.create"),
        ("CreateVideoExtend", "videos.extend"),
        ("usage-costs", "admin.organization.usage.costs"),
    ],
)
def test_chosen_names(names: dict[str, OperationName], operation_id: str, dotted: str) -> None:
    assert names[operation_id].dotted == dotted


def test_table_entries_are_needed(spec: Spec) -> None:
    # The table holds only what the examples do not give, or give wrongly.
    by_id = {op["operationId"]: op for _, _, op in operations(spec)}
    redundant = [
        operation_id
        for operation_id, (resource, method) in sdk_names.OPERATIONS.items()
        if naming._name_from_examples(by_id[operation_id]) == OperationName.parse(resource, method)
    ]
    assert redundant == []


def test_tables_name_only_what_the_spec_has(spec: Spec) -> None:
    ids = operation_ids(spec)
    for table in (
        sdk_names.OPERATIONS,
        sdk_names.NOT_IN_SDK,
        sdk_names.OPERATION_RETURN_TYPES,
        sdk_names.UNDECLARED_STREAMS,
        sdk_names.PAGINATION,
    ):
        assert set(table) <= ids
    schemas = set(spec["components"]["schemas"])
    for keys in (
        sdk_names.RETURN_TYPES,
        sdk_names.PER_METHOD_RESPONSE_SCHEMAS,
        sdk_names.STREAM_EVENT_TYPES,
    ):
        assert set(keys) <= schemas


def test_a_schema_has_one_class_or_one_per_method() -> None:
    assert set(sdk_names.RETURN_TYPES).isdisjoint(sdk_names.PER_METHOD_RESPONSE_SCHEMAS)


# -- reading examples ------------------------------------------------------------------------


def one_operation(examples: object, operation_id: str = "doThing") -> Spec:
    return {
        "paths": {
            "/things": {
                "parameters": [],
                "post": {"operationId": operation_id, "x-oaiMeta": {"examples": examples}},
            }
        }
    }


def python(code: str) -> dict[str, Any]:
    return {"request": {"curl": "curl ...", "python": code}}


@pytest.mark.parametrize(
    ("code", "dotted"),
    [
        ("client = OpenAI()\nclient.things.create(x=1)\n", "things.create"),
        ("openai.things.with_raw_response.create()", "things.create"),
        ("with client.a.b.with_streaming_response.create() as r:", "a.b.create"),
        ("page = client.things.list()\nclient.things.delete(page.data[0].id)", "things.delete"),
        ("for page in client.things.list().iter_pages():", "things.list"),
        ("run = client.things.create_and_poll()\nclient.things.create()", "things.create"),
        ("run = client.things.create()\nclient.things.poll(run.id)", "things.create"),
    ],
)
def test_name_from_an_example(code: str, dotted: str) -> None:
    names = naming.operation_names(one_operation(python(code)))
    assert names["doThing"].dotted == dotted


@pytest.mark.parametrize(
    "examples",
    [
        None,
        [],
        {"request": {"curl": "curl ..."}},
        python("print(openai.OpenAI)"),
        python("client.create()"),
        python("other.things.create()"),
    ],
)
def test_examples_without_an_sdk_call(examples: object) -> None:
    spec = one_operation(examples)
    assert naming.operation_names(spec) == {}
    assert naming.unnamed_operations(spec) == ["doThing"]


def test_the_name_most_examples_use_wins() -> None:
    examples = [python("client.a.list()"), python("client.b.list()"), python("client.b.list()")]
    assert naming.operation_names(one_operation(examples))["doThing"].dotted == "b.list"


def test_the_table_overrides_the_examples() -> None:
    spec = one_operation(python("client.responses.create()"), "beta_createResponse")
    assert naming.operation_names(spec)["beta_createResponse"].dotted == "beta.responses.create"


# -- class, package and type names -----------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "class_name"),
    [
        (("chat", "completions"), "AsyncCompletions"),
        (("beta", "threads", "runs", "steps"), "AsyncSteps"),
        (("fine_tuning", "alpha", "graders"), "AsyncGraders"),
        (("vector_stores", "file_batches"), "AsyncFileBatches"),
        (("admin", "organization", "admin_api_keys"), "AsyncAdminAPIKeys"),
        (("beta", "chatkit"), "AsyncChatKit"),
    ],
)
def test_resource_class_name(resource: tuple[str, ...], class_name: str) -> None:
    assert naming.resource_class_name(resource) == class_name


@pytest.mark.parametrize(
    ("resource", "package"),
    [
        (("chat", "completions"), ("chat",)),
        (("beta", "threads", "runs"), ("beta", "threads")),
        (("vector_stores", "files"), ("vector_stores",)),
        (("embeddings",), ()),
        (("responses",), ("responses",)),
        (("responses", "input_items"), ("responses",)),
        (("conversations",), ("conversations",)),
        (("realtime", "translations", "client_secrets"), ("realtime", "translations")),
    ],
)
def test_types_package(resource: tuple[str, ...], package: tuple[str, ...]) -> None:
    assert naming.types_package(resource) == package


@pytest.mark.parametrize(
    ("name", "snake"),
    [
        ("CreateChatCompletionResponse", "create_chat_completion_response"),
        ("createChatCompletion", "create_chat_completion"),
        ("ResponseFormatJSONSchema", "response_format_json_schema"),
        ("AdminAPIKeys", "admin_api_keys"),
        ("admin-api-keys-list", "admin_api_keys_list"),
        ("file_batches", "file_batches"),
        ("V1Models", "v1_models"),
        ("gpt-4o", "gpt_4o"),
        ("Http2Settings", "http2_settings"),
        ("Getinputtokencounts", "getinputtokencounts"),
        ("Content-Type", "content_type"),
    ],
)
def test_snake_case(name: str, snake: str) -> None:
    assert naming.snake_case(name) == snake


@pytest.mark.parametrize(
    ("name", "pascal"),
    [
        ("file_batches", "FileBatches"),
        ("admin_api_keys", "AdminAPIKeys"),
        ("response_format_json_schema", "ResponseFormatJSONSchema"),
        ("image_url", "ImageURL"),
        ("gpt_4o", "Gpt4o"),
        ("CreateChatCompletionResponse", "CreateChatCompletionResponse"),
        ("create-realtime-call", "CreateRealtimeCall"),
        ("chatkit", "Chatkit"),
        ("", ""),
    ],
)
def test_pascal_case(name: str, pascal: str) -> None:
    assert naming.pascal_case(name) == pascal


@pytest.mark.parametrize(
    ("resource", "method", "suffix", "type_name"),
    [
        ("containers", "create", "Response", "ContainerCreateResponse"),
        ("containers.files", "list", "Params", "FileListParams"),
        ("batches", "create", "Params", "BatchCreateParams"),
        ("admin.organization.admin_api_keys", "delete", "Response", "AdminAPIKeyDeleteResponse"),
        ("admin.organization.usage", "costs", "Response", "UsageCostsResponse"),
        ("videos", "create_character", "Response", "VideoCreateCharacterResponse"),
    ],
)
def test_method_type_name(resource: str, method: str, suffix: str, type_name: str) -> None:
    assert naming.method_type_name(OperationName.parse(resource, method), suffix) == type_name


@pytest.mark.parametrize(
    ("operation_id", "dotted", "schema", "expected"),
    [
        ("retrieveBatch", "batches.retrieve", "Batch", ((), "Batch")),
        (
            "createChatCompletion",
            "chat.completions.create",
            "CreateChatCompletionResponse",
            (("chat",), "ChatCompletion"),
        ),
        (
            "RetrieveContainer",
            "containers.retrieve",
            "ContainerResource",
            ((), "ContainerRetrieveResponse"),
        ),
        ("deleteEval", "evals.delete", None, ((), "EvalDeleteResponse")),
        (
            "getChatCompletionMessages",
            "chat.completions.messages.list",
            None,
            (("chat",), "ChatCompletionStoreMessage"),
        ),
    ],
)
def test_return_type(
    operation_id: str, dotted: str, schema: str | None, expected: tuple[tuple[str, ...], str]
) -> None:
    resource, method = dotted.rsplit(".", 1)
    name = OperationName.parse(resource, method)
    assert naming.return_type(operation_id, name, schema) == expected


# -- against the official SDK ----------------------------------------------------------------


@pytest.fixture(scope="module")
def sdk_client() -> Any:
    openai = importlib.import_module("openai")
    return openai.AsyncOpenAI(api_key="x", base_url="http://localhost")


def sdk_method(client: Any, name: OperationName) -> Any:
    """The plain function behind ``client.<resource>.<method>``."""
    resource = client
    for attribute in name.resource:
        resource = getattr(resource, attribute)
    return inspect.unwrap(getattr(resource, name.method).__func__)


def types_module(package: tuple[str, ...]) -> ModuleType:
    return importlib.import_module(".".join(("openai", "types", *package)))


def dotted_package(package: str) -> tuple[str, ...]:
    return tuple(package.split(".")) if package else ()


def classes_in(annotation: object) -> set[type]:
    """The classes an annotation is made of: union members, pages, stream items."""
    found: set[type] = set()
    if isinstance(annotation, type):
        found.add(annotation)
    origin = typing.get_origin(annotation)
    if isinstance(origin, type) and origin.__module__.startswith("openai"):
        found.add(origin)
    for argument in typing.get_args(annotation):
        found |= classes_in(argument)
    return found


def return_annotation(client: Any, name: OperationName) -> object:
    return typing.get_type_hints(sdk_method(client, name))["return"]


def json_schema(spec: Spec, operation: dict[str, Any]) -> dict[str, Any] | None:
    for status in ("200", "201"):
        content = operation["responses"].get(status, {}).get("content", {})
        if "application/json" in content:
            return content["application/json"]["schema"]
    return None


def ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[1] if ref else None


def test_every_name_is_an_sdk_method(sdk_client: Any, names: dict[str, OperationName]) -> None:
    for name in names.values():
        assert callable(sdk_method(sdk_client, name)), name.dotted


def test_resource_class_names_match_the_sdk(
    sdk_client: Any, names: dict[str, OperationName]
) -> None:
    resources = {name.resource for name in names.values()}
    for path in resources:
        resource = sdk_client
        for attribute in path:
            resource = getattr(resource, attribute)
        assert type(resource).__name__ == naming.resource_class_name(path), path


def test_params_types_live_in_the_types_package(
    spec: Spec, sdk_client: Any, names: dict[str, OperationName]
) -> None:
    # The SDK makes a `<Resource><Method>Params` type for every operation that
    # takes a body or query parameters, in the resource's types package.
    for path, _, operation in operations(spec):
        name = names[operation["operationId"]]
        parameters = [*spec["paths"][path].get("parameters", []), *operation.get("parameters", [])]
        takes_params = "requestBody" in operation or any(
            spec["components"]["parameters"][ref_name(p)]["in"] == "query"
            if "$ref" in p
            else p["in"] == "query"
            for p in parameters
        )
        module = types_module(naming.types_package(name.resource))
        has_params = hasattr(module, naming.method_type_name(name, "Params"))
        assert has_params == takes_params, name.dotted


def test_return_types_match_the_sdk(
    spec: Spec, sdk_client: Any, names: dict[str, OperationName]
) -> None:
    schemas = spec["components"]["schemas"]
    for _, _, operation in operations(spec):
        operation_id = operation["operationId"]
        schema = json_schema(spec, operation)
        if schema is None or schema.get("type") == "string":
            continue  # bytes or text, not a model
        schema_name = ref_name(schema)
        if operation_id in sdk_names.PAGINATION:
            assert schema_name is not None
            schema_name = ref_name(schemas[schema_name]["properties"]["data"]["items"])
        name = names[operation_id]
        package, class_name = naming.return_type(operation_id, name, schema_name)
        returned = getattr(types_module(package), class_name)
        assert classes_in(returned) <= classes_in(return_annotation(sdk_client, name)), operation_id


def test_table_types_exist_in_the_sdk(sdk_client: Any) -> None:
    for package, class_name in (
        *sdk_names.RETURN_TYPES.values(),
        *sdk_names.OPERATION_RETURN_TYPES.values(),
        *sdk_names.STREAM_EVENT_TYPES.values(),
        *sdk_names.UNDECLARED_STREAMS.values(),
    ):
        assert hasattr(types_module(dotted_package(package)), class_name), class_name


def test_stream_event_types_match_the_sdk(
    spec: Spec, sdk_client: Any, names: dict[str, OperationName]
) -> None:
    openai = importlib.import_module("openai")
    streamed = dict(sdk_names.UNDECLARED_STREAMS)
    for _, _, operation in operations(spec):
        for response in operation["responses"].values():
            event_stream = response.get("content", {}).get("text/event-stream")
            event_schema = event_stream and ref_name(event_stream["schema"])
            if event_schema in sdk_names.STREAM_EVENT_TYPES:
                streamed[operation["operationId"]] = sdk_names.STREAM_EVENT_TYPES[event_schema]
    for operation_id, name in names.items():
        streams = [
            typing.get_args(member)[0]
            for member in typing.get_args(return_annotation(sdk_client, name))
            if typing.get_origin(member) is openai.AsyncStream
        ]
        if operation_id not in streamed:
            assert streams == [], operation_id
            continue
        package, class_name = streamed[operation_id]
        event = getattr(types_module(dotted_package(package)), class_name)
        assert [classes_in(s) for s in streams] == [classes_in(event)], operation_id


def test_pagination_matches_the_sdk(sdk_client: Any, names: dict[str, OperationName]) -> None:
    base_client = importlib.import_module("openai._base_client")
    paginated: dict[str, str] = {}
    for operation_id, name in names.items():
        annotation = return_annotation(sdk_client, name)
        if typing.get_origin(annotation) is base_client.AsyncPaginator:
            # The page is a parametrised pydantic model, named `AsyncCursorPage[Model]`.
            page = typing.get_args(annotation)[1]
            paginated[operation_id] = page.__name__.partition("[")[0]
    assert paginated == sdk_names.PAGINATION
