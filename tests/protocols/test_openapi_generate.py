"""The generator: regenerating changes nothing, and every operation has a typed method."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

import oaitrio
from protocols.openapi import generate, overrides
from protocols.openapi._source import GENERATED_HEADER

yaml = pytest.importorskip("yaml")

PACKAGE = Path(oaitrio.__file__).parent

#: Operations of the spec that get no method, with the reason. Empty: every
#: operation has one (the admin API too, under ``client.admin``).
NO_METHOD: dict[str, str] = {}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return generate.load_spec()


@pytest.fixture(scope="module")
def files(spec: dict[str, Any]) -> dict[str, str]:
    return generate.build(spec)


def test_regenerating_changes_nothing(files: dict[str, str]) -> None:
    differ = [
        relative
        for relative, text in files.items()
        if not (PACKAGE / relative).exists()
        or (PACKAGE / relative).read_text(encoding="utf-8") != text
    ]
    assert differ == [], "run `python -m protocols.openapi.generate`"
    assert generate.stale_files(PACKAGE, files) == []


def test_every_generated_file_says_so(files: dict[str, str]) -> None:
    assert all(text.startswith(GENERATED_HEADER) for text in files.values())
    # and the hand-written code beside it is not generated
    assert not (PACKAGE / "lib" / "embeddings.py").read_text().startswith(GENERATED_HEADER)


def test_build_is_deterministic(spec: dict[str, Any], files: dict[str, str]) -> None:
    assert generate.build(spec) == files


def _method(client: oaitrio.AsyncOpenAI, resource: tuple[str, ...], name: str) -> Any:
    target: Any = client
    for part in resource:
        target = getattr(target, part)
    return getattr(target, name)


def test_every_operation_has_a_typed_method(spec: dict[str, Any]) -> None:
    surface = generate.plan_surface(spec)
    client = oaitrio.AsyncOpenAI(api_key="sk-test")
    missing: list[str] = []
    untyped: list[str] = []
    for op in surface.index.operations():
        name = surface.names.get(op.operation_id)
        if name is None:
            if op.operation_id not in NO_METHOD:
                missing.append(op.operation_id)
            continue
        method = _method(client, name.resource, name.method)
        signature = inspect.signature(method)
        if signature.return_annotation is inspect.Signature.empty or any(
            p.annotation is inspect.Parameter.empty for p in signature.parameters.values()
        ):
            untyped.append(op.operation_id)
        for extra in ("extra_headers", "extra_query", "extra_body", "timeout"):
            assert extra in signature.parameters, (op.operation_id, extra)
    assert missing == []
    assert untyped == []
    assert len(surface.plans) == len(surface.index.operations()) - len(NO_METHOD)


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("chat.completions", "create"),
        ("chat.completions.messages", "list"),
        ("beta.threads.runs.steps", "list"),
        ("vector_stores.file_batches", "list_files"),
        ("fine_tuning.jobs", "pause"),
        ("fine_tuning.jobs.checkpoints", "list"),
        ("fine_tuning.checkpoints.permissions", "create"),
        ("fine_tuning.alpha.graders", "validate"),
        ("containers.files.content", "retrieve"),
        ("uploads.parts", "create"),
        ("realtime.client_secrets", "create"),
        ("realtime.calls", "accept"),
        ("responses.input_items", "list"),
        ("responses.input_tokens", "count"),
        ("responses", "compact"),
        ("evals.runs.output_items", "list"),
        ("conversations.items", "list"),
        ("videos", "remix"),
        ("audio.speech", "create"),
        ("beta.chatkit.threads", "list"),
        ("vector_stores", "search"),
        ("embeddings", "create"),
    ],
)
def test_the_sdk_names_are_there(path: str, method: str) -> None:
    client = oaitrio.AsyncOpenAI(api_key="sk-test")
    assert callable(_method(client, tuple(path.split(".")), method))


def test_hand_written_methods_are_left_to_their_mixin(files: dict[str, str]) -> None:
    for operation, resource in overrides.HAND_WRITTEN.items():
        module = files["resources/" + resource.replace(".", "/") + ".py"]
        assert "def create(" not in module, operation


def test_per_method_answer_classes_have_the_sdk_names(spec: dict[str, Any]) -> None:
    import importlib

    surface = generate.plan_surface(spec)
    returns = {plan.returns for plan in surface.plans.values() if plan.returns is not None}
    assert (("types", "container_create_response"), "ContainerCreateResponse") in returns
    for module_path, name in returns:
        cls = getattr(importlib.import_module("oaitrio." + ".".join(module_path)), name)
        assert len(cls.__mro__) > 2  # a subclass of the schema's own class


def test_every_methods_params_typed_dict_unpacks_into_it(spec: dict[str, Any]) -> None:
    """``create(**params)`` with a ``...Params`` dict: its keys are the method's keywords.

    The TypedDict sits where the SDK keeps it (``chat.completion_create_params.
    CompletionCreateParams``), holds every keyword but the ``extra_*`` options
    and ``timeout``, and requires exactly the keywords the method requires.
    """
    import importlib

    from protocols.openapi.naming import method_type_name, snake_case, types_package

    surface = generate.plan_surface(spec)
    client = oaitrio.AsyncOpenAI(api_key="sk-test")
    extra = {"extra_headers", "extra_query", "extra_body", "timeout"}
    checked = 0
    for operation_id, name in sorted(surface.names.items()):
        if operation_id not in surface.plans:
            continue
        method = _method(client, name.resource, name.method)
        signature = inspect.signature(inspect.unwrap(method))
        keywords = {
            p.name: p.default is inspect.Parameter.empty
            for p in signature.parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in extra
        }
        class_name = method_type_name(name, "Params")
        dotted = ".".join(("oaitrio.types", *types_package(name.resource), snake_case(class_name)))
        if not keywords:
            continue
        params = getattr(importlib.import_module(dotted), class_name)
        variants = [params] if isinstance(params, type) else list(params.__args__)
        for variant in variants:
            annotations = {
                key: str(getattr(value, "__forward_arg__", value))
                for key, value in variant.__annotations__.items()
            }
            if operation_id in overrides.HAND_WRITTEN:
                # A hand-written method may add options of its own (embeddings' as_numpy).
                assert set(annotations) <= set(keywords), (operation_id, variant.__name__)
            else:
                assert set(annotations) == set(keywords), (operation_id, variant.__name__)
            required = {key for key, text in annotations.items() if text.startswith("Required[")}
            wanted = {key for key, needed in keywords.items() if needed}
            # The streaming variant requires `stream=True`, which the method leaves optional.
            assert required - {"stream"} == wanted - {"stream"}, (operation_id, variant.__name__)
        checked += 1
    assert checked > 200
