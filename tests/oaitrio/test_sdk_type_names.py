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
from collections.abc import Iterator

import msgspec
import pytest
import yaml

openai_types = pytest.importorskip("openai.types")

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
