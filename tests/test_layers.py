"""The layers import one way only: oaitrio -> actors -> protocols."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "protocols": {"trio", "httpx", "h11", "trio_websocket", "sounddevice", "actors", "oaitrio"},
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
