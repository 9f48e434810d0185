"""Every public type name of the official SDK's ``openai.types`` exists in ``oaitrio.types``.

A user moving code over changes ``openai`` to ``oaitrio`` in an import and
expects it to work: ``from oaitrio.types.fine_tuning import SupervisedMethod``.
For every module under ``openai.types`` (the pinned SDK, walked with
``pkgutil``), the names it exports must exist in the module of the same
relative path under ``oaitrio.types``.

What a module exports: its ``__all__`` when it has one (every SDK module
file does, and lists its nested classes too, such as
``chat.chat_completion.Choice``); otherwise (the packages' ``__init__``) the
names it binds that do not start with ``_``, leaving out submodules and the
``annotations`` feature of ``from __future__``.

The exceptions are in ``sdk_type_names_allowed.txt`` beside this file,
grouped under a heading that gives the reason. The list must stay exact: a
name that exists now must leave it (so it only shrinks), and the count in the
"not yet generated" heading must be the number of names under it.
"""

from __future__ import annotations

import importlib
import pathlib
import pkgutil
import re
import subprocess
import sys
import types
import typing
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
import trio
import yaml

import oaitrio
from oaitrio.testing import FakeOpenAI

openai_types = importlib.import_module("openai.types")

ALLOWED_FILE = pathlib.Path(__file__).with_name("sdk_type_names_allowed.txt")
SPEC = pathlib.Path(__file__).parents[2] / "protocols" / "openapi" / "openapi.yaml"
NOT_YET = re.compile(r"^not yet generated: (\d+) names$")


def sdk_modules() -> Iterator[tuple[str, types.ModuleType]]:
    """``(path relative to openai.types, module)`` for the package and every module under it."""
    yield "", openai_types
    for info in pkgutil.walk_packages(openai_types.__path__, "openai.types."):
        yield info.name.removeprefix("openai.types."), importlib.import_module(info.name)


def exported(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"
    ]


def ours(relative: str) -> types.ModuleType | None:
    name = "oaitrio.types" + (f".{relative}" if relative else "")
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        # Only the module itself (or its package) may be missing, not what it imports.
        if exc.name is None or not name.startswith(exc.name):
            raise
        return None


def missing_names() -> set[tuple[str, str]]:
    missing: set[tuple[str, str]] = set()
    for relative, module in sdk_modules():
        mine = ours(relative)
        for name in exported(module):
            if mine is None or not hasattr(mine, name):
                missing.add((relative or ".", name))
    return missing


def allowed() -> dict[str, set[tuple[str, str]]]:
    """Reason -> ``(module, name)``, from the allow-list file."""
    groups: dict[str, set[tuple[str, str]]] = {}
    reason: str | None = None
    for number, line in enumerate(ALLOWED_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("## "):
            reason = line[3:].strip()
            groups.setdefault(reason, set())
            continue
        if not line.strip() or line.startswith("#"):
            continue
        module, _, name = line.partition(" ")
        assert reason is not None, f"line {number}: a name before any reason"
        assert name and " " not in name, f"line {number}: expected 'module Name'"
        groups[reason].add((module, name))
    return groups


def test_every_sdk_type_name_exists_or_is_allowed_for_a_reason() -> None:
    missing = missing_names()
    groups = allowed()
    listed = set().union(*groups.values())
    unexplained = sorted(missing - listed)
    assert not unexplained, (
        f"{len(unexplained)} openai.types names missing from oaitrio.types, e.g. {unexplained[:20]}"
    )
    # A name that now exists must leave the list: it only ever shrinks.
    stale = sorted(listed - missing)
    assert not stale, f"{len(stale)} allowed names exist now, remove them: {stale[:20]}"


def test_the_allow_list_counts_what_is_left() -> None:
    counted = [
        (int(match.group(1)), len(names))
        for reason, names in allowed().items()
        if (match := NOT_YET.match(reason))
    ]
    assert len(counted) == 1
    ((stated, actual),) = counted
    assert stated == actual


def spec_example_imports() -> list[tuple[str, str]]:
    """``(module, name)`` of every ``from openai.types... import`` in the spec's Python examples."""
    text = SPEC.read_text(encoding="utf-8")
    spec = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    found: list[tuple[str, str]] = []

    def visit(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():  # type: ignore[union-attr]
                visit(value)
        elif isinstance(node, list):
            for value in node:  # type: ignore[union-attr]
                visit(value)
        elif isinstance(node, str) and "from openai.types" in node:
            # One line, a line ending in a comma and the next, or a parenthesized list.
            pattern = r"from openai\.types([\w.]*) import (\([^)]*\)|[^\n]*(?:,[ \t]*\n[^\n]*)*)"
            for module, names in re.findall(pattern, node):
                names = names.strip("()")
                for name in re.split(r"[,\s]+", names.strip()):
                    if name:
                        found.append((module.lstrip("."), name))

    visit(spec)
    return found


def test_the_spec_examples_import_from_oaitrio() -> None:
    imports = spec_example_imports()
    assert ("fine_tuning", "SupervisedMethod") in imports
    for module, name in imports:
        assert hasattr(importlib.import_module(f"oaitrio.types.{module}"), name), (module, name)


def test_an_sdk_name_is_the_generated_class_itself() -> None:
    from oaitrio.types.fine_tuning import (
        DpoMethod,
        FineTuneDPOMethod,
        FineTuneSupervisedMethod,
        ReinforcementMethod,
        SupervisedHyperparameters,
        SupervisedMethod,
    )
    from oaitrio.types.fine_tuning.supervised_method import SupervisedMethod as Deep

    assert SupervisedMethod is FineTuneSupervisedMethod is Deep
    assert DpoMethod is FineTuneDPOMethod
    method = SupervisedMethod(hyperparameters=SupervisedHyperparameters(n_epochs=3))
    assert isinstance(method, FineTuneSupervisedMethod)
    decoded = msgspec.json.decode(b'{"hyperparameters": {"n_epochs": 2}}', type=SupervisedMethod)
    assert isinstance(decoded, SupervisedMethod)
    assert decoded.hyperparameters is not None and decoded.hyperparameters.n_epochs == 2
    assert ReinforcementMethod.__name__ == "FineTuneReinforcementMethod"


def test_the_transcription_classes_go_by_the_sdk_names() -> None:
    from oaitrio.types.audio import (
        CreateTranscriptionResponseDiarizedJson,
        CreateTranscriptionResponseJson,
        CreateTranscriptionResponseVerboseJson,
        Transcription,
        TranscriptionDiarized,
        TranscriptionVerbose,
    )

    assert Transcription is CreateTranscriptionResponseJson
    assert TranscriptionVerbose is CreateTranscriptionResponseVerboseJson
    assert TranscriptionDiarized is CreateTranscriptionResponseDiarizedJson


def test_importing_the_types_package_loads_no_type_module() -> None:
    code = (
        "import sys, oaitrio.types, oaitrio.types.fine_tuning\n"
        "print(sorted(m for m in sys.modules if m.startswith('oaitrio.types.')"
        " and not m.endswith('fine_tuning')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=pathlib.Path(__file__).parents[2],
    )
    assert out.stdout.strip() == "[]"


def test_every_alias_table_entry_is_a_name_the_sdk_defines_there() -> None:
    """No invented name: each is in the SDK's module, or its package gives it to a class of that module.

    (``openai.types.responses`` exports ``InputImageContent``, its name for
    ``response_input_image.ResponseInputImage``; the alias lives in that module.)
    """
    from protocols.openapi import sdk_aliases

    entries = [*sdk_aliases.TYPE_ALIASES, *sdk_aliases.SCHEMA_NAMES]
    entries += [
        f"{module}:{name}"
        for names in sdk_aliases.PACKAGE_EXPORTS.values()
        for name, module in names.items()
    ]
    invented: list[str] = []
    for entry in entries:
        module, name = entry.split(":")
        package = module.rpartition(".")[0]
        places = [f"openai.types.{module}", "openai.types" + (f".{package}" if package else "")]
        if not any(hasattr(importlib.import_module(place), name) for place in places):
            invented.append(entry)
    assert not invented


# Where a generated params TypedDict's keys differ from the SDK's, because the
# vendored spec is older or newer than the SDK there: module -> (keys only the
# SDK has, keys only the spec has). Every variant of the module (Base,
# Streaming, NonStreaming) differs the same way.
PARAMS_SPEC_DIFFERENCES: dict[str, tuple[set[str], set[str]]] = {
    "admin.organization.project_create_params": ({"geography"}, set()),
    "admin.organization.project_update_params": ({"geography"}, set()),
    "admin.organization.projects.service_account_create_params": ({"expires_in_seconds"}, set()),
    "admin.organization.projects.service_accounts.api_key_create_params": (
        {"expires_in_seconds"},
        set(),
    ),
    "admin.organization.usage_costs_params": ({"line_items"}, set()),
    "beta.realtime.session_create_params": (
        {"input_audio_noise_reduction", "model"},
        {"prompt", "truncation"},
    ),
    "beta.realtime.transcription_session_create_params": ({"client_secret", "modalities"}, set()),
    "beta.response_compact_params": ({"image"}, set()),
    "beta.response_create_params": ({"access_programs", "background_options", "image"}, set()),
    "image_edit_params": (
        {"complexity", "frame_count", "frame_duration_ms", "markup", "safety_identifier", "svg"},
        set(),
    ),
    "image_generate_params": (
        {"complexity", "frame_count", "frame_duration_ms", "safety_identifier", "svg"},
        set(),
    ),
    "responses.response_compact_params": ({"image"}, set()),
    "responses.response_create_params": ({"access_programs", "background_options", "image"}, set()),
}

# Keys the vendored spec requires and the SDK leaves optional (module -> keys).
REQUIRED_BY_THE_SPEC_ONLY: dict[str, set[str]] = {
    "beta.realtime.session_create_params": {"client_secret"},
    "skill_create_params": {"files"},
    "skills.version_create_params": {"files"},
}


def keys(typed_dict: type) -> tuple[frozenset[str], frozenset[str]]:
    """``(required, optional)`` keys of a TypedDict, as a type checker reads them.

    Both sides are written with ``from __future__ import annotations``, so at
    run time ``__required_keys__`` cannot see ``Required[...]`` (it is empty
    for the SDK's classes too): read the annotations' text instead.
    """
    annotations: dict[str, object] = typed_dict.__annotations__
    required = frozenset(
        k
        for k, v in annotations.items()
        if str(getattr(v, "__forward_arg__", v)).startswith("Required[")
    )
    return required, frozenset(annotations) - required


def test_a_methods_params_typed_dict_has_the_sdk_keys() -> None:
    """``CompletionCreateParams`` and kin: the same keys, required where the SDK requires them."""
    compared = 0
    wrong: list[tuple[str, str, object, object]] = []
    for relative, module in sdk_modules():
        if not relative.endswith("_params"):
            continue
        mine = ours(relative)
        sdk_only, spec_only = PARAMS_SPEC_DIFFERENCES.get(relative, (set(), set()))
        for name in exported(module):
            theirs = getattr(module, name)
            if not name.endswith(("Params", "ParamsBase", "Streaming")) or not hasattr(
                theirs, "__required_keys__"
            ):
                continue
            own = getattr(mine, name, None)
            if own is None:
                continue  # listed in the allow-list; the first test checks that
            compared += 1
            (s_req, s_opt), (o_req, o_opt) = keys(theirs), keys(own)
            spec_required = REQUIRED_BY_THE_SPEC_ONLY.get(relative, set())
            if (
                o_req - spec_required != s_req
                or (s_req | s_opt) - sdk_only != (o_req | o_opt) - spec_only
            ):
                wrong.append(
                    (relative, name, (sorted(s_req), sorted(s_opt)), (sorted(o_req), sorted(o_opt)))
                )
    assert compared > 150
    assert not wrong, wrong


def test_the_streaming_params_are_told_apart_by_stream() -> None:
    from oaitrio.types.chat import CompletionCreateParams
    from oaitrio.types.chat.completion_create_params import (
        CompletionCreateParamsBase,
        CompletionCreateParamsNonStreaming,
        CompletionCreateParamsStreaming,
    )

    assert set(typing.get_args(CompletionCreateParams)) == {
        CompletionCreateParamsNonStreaming,
        CompletionCreateParamsStreaming,
    }
    assert keys(CompletionCreateParamsBase)[0] == {"messages", "model"}
    assert "stream" not in keys(CompletionCreateParamsBase)[1]
    assert keys(CompletionCreateParamsStreaming)[0] == {"messages", "model", "stream"}
    assert "stream" in keys(CompletionCreateParamsNonStreaming)[1]


async def test_params_written_for_the_sdk_unpack_into_the_method(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    """``params: CompletionCreateParams = {...}`` then ``create(**params)``, as SDK users write it."""
    from oaitrio.types import EmbeddingCreateParams
    from oaitrio.types.chat import CompletionCreateParams

    chat: CompletionCreateParams = {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "hi"}],
        "max_completion_tokens": 5,
    }
    embed: EmbeddingCreateParams = {"model": "text-embedding-3-small", "input": "hi"}
    with trio.fail_after(30):
        completion = await client.chat.completions.create(**chat)
        embedding = await client.embeddings.create(**embed)
    assert completion.choices
    assert embedding.data
    sent = [request.json() for request in server.requests]
    assert sent[0]["max_completion_tokens"] == 5
    assert sent[1]["input"] == "hi"


def test_the_sdk_names_of_nested_parts_are_the_classes_decoding_gives() -> None:
    """A computer call's action decodes to what ``response_computer_tool_call.ActionClick`` names."""
    from oaitrio.types.conversations import ConversationItem
    from oaitrio.types.conversations.conversation_item import LocalShellCallAction
    from oaitrio.types.responses import Response
    from oaitrio.types.responses.response_computer_tool_call import (
        ActionClick,
        ActionType,
        PendingSafetyCheck,
    )

    call = {
        "type": "computer_call",
        "id": "cu_1",
        "call_id": "call_1",
        "status": "completed",
        "action": {"type": "click", "button": "left", "x": 1, "y": 2},
        "pending_safety_checks": [{"id": "sc_1", "code": "malicious", "message": "m"}],
    }
    response = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "status": "completed",
        "model": "gpt-5",
        "output": [call, {**call, "action": {"type": "type", "text": "hi"}}],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "temperature": 1,
        "top_p": 1,
    }
    decoded: Any = msgspec.json.decode(msgspec.json.encode(response), type=Response)
    assert isinstance(decoded.output[0].action, ActionClick)
    assert isinstance(decoded.output[0].pending_safety_checks[0], PendingSafetyCheck)
    assert isinstance(decoded.output[1].action, ActionType)
    assert decoded.output[1].action.text == "hi"

    shell = b'{"type": "local_shell_call", "id": "ls_1", "call_id": "c", "status": "completed",'
    shell += b' "action": {"type": "exec", "command": ["ls"], "env": {}}}'
    item: Any = msgspec.json.decode(shell, type=ConversationItem)
    assert isinstance(item.action, LocalShellCallAction)
    assert item.action.command == ["ls"]


# Aliases whose class differs from the SDK's by a field the vendored spec does
# not have (the SDK is newer: ``async``) or has (``param``): where -> fields.
ALIASES_DIFFERING_BY_SPEC_VERSION: dict[str, set[str]] = {
    "beta.beta_namespace_tool:ToolFunction": {"async"},
    "beta.beta_tool_search_output_namespace_tool:ToolFunction": {"async"},
    "beta.realtime.realtime_response_status:Error": {"param"},
    "realtime.realtime_response_status:Error": {"param"},
    "responses.custom_tool_param:CustomToolParam": {"async"},
    "responses.namespace_tool:ToolFunction": {"async"},
    "responses.tool_search_output_namespace_tool:ToolFunction": {"async"},
}


def wire_fields(cls: type) -> frozenset[str] | None:
    """The keys a class puts on the wire: a TypedDict's, a Struct's or a pydantic model's."""
    if issubclass(cls, msgspec.Struct):
        tag_field = cls.__struct_config__.tag_field
        return frozenset(cls.__struct_encode_fields__) | ({tag_field} if tag_field else set())
    fields = getattr(cls, "model_fields", None)
    if fields is not None:
        return frozenset(field.alias or name for name, field in fields.items())
    if hasattr(cls, "__required_keys__"):
        return frozenset(cls.__annotations__)
    return None


def union_members(alias: object) -> list[tuple[str, ...]] | None:
    """A union's classes as sorted wire-field tuples (``Annotated`` unwrapped), or None.

    ``None`` and literal members are left out: whether a field may be null, or
    a string such as ``"auto"``, is the field's business, and the spec and SDK
    put it in different places.
    """
    origin = typing.get_origin(alias)
    forms: tuple[object, ...]
    if origin is typing.Annotated:
        inner, *metadata = typing.get_args(alias)
        if inner is not Any or not metadata or not isinstance(metadata[0], tuple):
            return union_members(inner)
        # oaitrio's Untagged union: Any at run time, its forms in the metadata.
        forms = metadata[0]  # type: ignore[assignment]
    elif origin is typing.Union:
        forms = typing.get_args(alias)
    else:
        return None
    members: list[tuple[str, ...]] = []
    for member in forms:
        fields = wire_fields(member) if isinstance(member, type) else None
        if fields is not None:
            members.append(tuple(sorted(fields)))
    return sorted(members)


def test_every_sdk_alias_has_the_wire_fields_of_the_sdk_class() -> None:
    """An alias is the same shape as the SDK's class of that name: a wrong one is worse than none."""
    from protocols.openapi import sdk_aliases

    checked = unions = 0
    wrong: list[tuple[str, object, object]] = []
    for where, target in sorted(sdk_aliases.TYPE_ALIASES.items()):
        module, name = where.split(":")
        package = module.rpartition(".")[0]
        # A name the SDK's package gives to a class of another module sits in that module here.
        places = [f"openai.types.{module}", "openai.types" + (f".{package}" if package else "")]
        theirs = next(
            getattr(importlib.import_module(place), name)
            for place in places
            if hasattr(importlib.import_module(place), name)
        )
        target_module, target_name = target.split(":")
        own = getattr(importlib.import_module(f"oaitrio.types.{target_module}"), target_name)
        if not isinstance(theirs, type) or not isinstance(own, type):
            # A union: the same members, compared by their wire fields.
            theirs_members, own_members = union_members(theirs), union_members(own)
            if theirs_members is not None and own_members is not None:
                unions += 1
                if theirs_members != own_members:
                    wrong.append((where, "members differ", target))
            continue
        expected, actual = wire_fields(theirs), wire_fields(own)
        if expected is None or actual is None:
            continue
        checked += 1
        if expected ^ actual != ALIASES_DIFFERING_BY_SPEC_VERSION.get(where, set()):
            wrong.append((where, sorted(expected ^ actual), target))
    assert checked > 1000
    assert unions > 40
    assert not wrong, wrong


def literal_values(module: types.ModuleType, name: str) -> set[str]:
    """The strings of the ``Literal[...]`` a generated alias is written with.

    At run time an ``OpenEnum[Literal[...]]`` is ``str`` (it must decode values
    the spec does not know yet), so read what a type checker reads: the source.
    """
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(module))
    for node in tree.body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == name
            and node.value is not None
        ):
            return {
                inner.value
                for inner in ast.walk(node.value)
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str)
            }
    raise AssertionError(f"{module.__name__} does not write out {name}")


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("audio_model", "AudioModel"),
        ("embedding_model", "EmbeddingModel"),
        ("moderation_model", "ModerationModel"),
        ("audio.speech_model", "SpeechModel"),
        ("file_purpose", "FilePurpose"),
        ("chat.chat_completion_modality", "ChatCompletionModality"),
        ("shared.chat_model", "ChatModel"),
    ],
)
def test_the_sdk_literal_names_hold_the_values_the_sdk_lists(module: str, name: str) -> None:
    theirs: set[str] = set()
    pending = [getattr(importlib.import_module(f"openai.types.{module}"), name)]
    while pending:
        node = pending.pop()
        if typing.get_origin(node) is typing.Literal:
            theirs |= {str(value) for value in typing.get_args(node)}
        else:
            pending.extend(typing.get_args(node))
    ours_values = literal_values(importlib.import_module(f"oaitrio.types.{module}"), name)
    if name == "ChatModel":
        # The SDK knows 9 models released after the vendored spec.
        assert ours_values <= theirs and len(theirs - ours_values) < 10
    else:
        assert ours_values == theirs


def test_the_tool_call_union_is_what_a_message_decodes_to() -> None:
    from oaitrio.types import ChatModel, EmbeddingModel
    from oaitrio.types.chat import ChatCompletion, ChatCompletionMessageToolCallUnion

    assert EmbeddingModel and ChatModel  # importable from the package, as in the SDK
    answer = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "logprobs": None,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "refusal": None,
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {"name": "f", "arguments": "{}"},
                        },
                        {"id": "c2", "type": "custom", "custom": {"name": "g", "input": "x"}},
                    ],
                },
            }
        ],
    }
    decoded = msgspec.json.decode(msgspec.json.encode(answer), type=ChatCompletion)
    calls = decoded.choices[0].message.tool_calls or []
    members = typing.get_args(ChatCompletionMessageToolCallUnion)
    assert [type(call) for call in calls] == list(members)


def test_every_schema_part_written_out_has_the_sdk_unions_members() -> None:
    """``evals.eval_create_response.TestingCriterion`` and kin: the SDK's union, class for class."""
    from protocols.openapi import sdk_aliases

    unions = 0
    wrong: list[str] = []
    for where, target in sorted(sdk_aliases.SCHEMA_NAMES.items()):
        if "/" not in target:
            continue
        module, name = where.split(":")
        theirs = union_members(getattr(importlib.import_module(f"openai.types.{module}"), name))
        own = union_members(getattr(importlib.import_module(f"oaitrio.types.{module}"), name))
        if theirs is None:
            continue
        unions += 1
        if theirs != own:
            wrong.append(where)
    assert unions > 100
    assert not wrong, wrong
