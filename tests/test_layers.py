"""The layers import one way only: oaitrio -> actors -> protocols.

And the protocol layer stays sans-I/O: no sockets, TLS, polling or clocks
imported, and no module-level state (a protocol object owns its state).
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "protocols": {
        "trio",
        "httpx",
        "h11",
        "trio_websocket",
        "sounddevice",
        "actors",
        "oaitrio",
        # I/O and clocks belong to the layers above: a decision takes ``now``.
        "asyncio",
        "select",
        "selectors",
        "socket",
        "ssl",
        "threading",
        "time",
    },
    "actors": {"oaitrio"},
}


def imported_roots(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_one_way(layer: str) -> None:
    files = sorted((ROOT / layer).rglob("*.py"))
    assert files, f"{layer}/ has no modules"
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[layer])
        for path in files
    }
    offenders = {name: bad for name, bad in offenders.items() if bad}
    assert offenders == {}


def test_checker_sees_a_forbidden_import(tmp_path: pathlib.Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import os\nfrom trio import sleep\nimport httpx.x\n")
    assert imported_roots(module) & FORBIDDEN["protocols"] == {"trio", "httpx"}


# Methods that change a list, dict, set or bytearray in place.
MUTATORS = frozenset(
    {
        "add",
        "append",
        "clear",
        "discard",
        "extend",
        "insert",
        "pop",
        "popitem",
        "remove",
        "reverse",
        "setdefault",
        "sort",
        "update",
    }
)


def module_state(path: pathlib.Path) -> list[str]:
    """What in ``path`` changes module-level state at run time, one line per finding.

    Constant tables (a dict filled once at import and only read) are fine; a
    ``global`` statement, or a module-level name stored into or changed with
    a mutating method anywhere in the module, is state.
    """
    tree = ast.parse(path.read_text(), str(path))
    module_names: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        module_names.update(t.id for t in targets if isinstance(t, ast.Name))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.append(f"{node.lineno}: global {', '.join(node.names)}")
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, (ast.Store, ast.Del))
            and isinstance(node.value, ast.Name)
            and node.value.id in module_names
        ):
            found.append(f"{node.lineno}: {node.value.id}[...] changed")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATORS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in module_names
        ):
            found.append(f"{node.lineno}: {node.func.value.id}.{node.func.attr}()")
    return found


def test_protocols_keep_no_module_level_state() -> None:
    offenders = {
        str(path.relative_to(ROOT)): state
        for path in sorted((ROOT / "protocols").rglob("*.py"))
        if (state := module_state(path))
    }
    assert offenders == {}


def test_state_checker_sees_a_module_level_memo(tmp_path: pathlib.Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "TABLE = {1: 2}\n"
        "_memo: dict[bytes, int] = {}\n"
        "count = 0\n"
        "def f(key):\n"
        "    global count\n"
        "    _memo[key] = TABLE[1]\n"
        "    _memo.clear()\n"
        "    local = {}\n"
        "    local[key] = 1\n"
    )
    assert module_state(module) == [
        "5: global count",
        "6: _memo[...] changed",
        "7: _memo.clear()",
    ]
