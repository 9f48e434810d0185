"""pyright (strict) accepts a file using ten resources, and catches a mistake in a copy of it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).with_name("ten_resources.py")

#: (line in the example, its replacement with a mistake pyright must report)
MISTAKES = [
    (
        "completion: ChatCompletion = await client.chat.completions.create(",
        'completion: ChatCompletion = await client.chat.completions.create(temperature="hot",',
    ),
    ("    seen.append(batch.status)", "    seen.append(batch.no_such_field)"),
    (
        'moderation = await client.moderations.create(input="hello")',
        "moderation = await client.moderations.create(input=42)",
    ),
]


def _pyright(directory: Path) -> list[dict[str, object]]:
    pyright = shutil.which("pyright", path=str(Path(sys.executable).parent)) or shutil.which(
        "pyright"
    )
    if pyright is None:
        pytest.skip("pyright is not installed (it is in the test extra)")
    import oaitrio

    # The checkout itself, so pyright reads the sources however oaitrio was installed.
    root = str(Path(oaitrio.__file__).resolve().parents[1])
    config = {"typeCheckingMode": "strict", "pythonVersion": "3.11", "extraPaths": [root]}
    (directory / "pyrightconfig.json").write_text(json.dumps(config))
    result = subprocess.run(
        [pyright, "--outputjson", "--pythonpath", sys.executable, "-p", str(directory)],
        capture_output=True,
        text=True,
        cwd=directory,
        timeout=300,
    )
    report = json.loads(result.stdout)
    return [d for d in report["generalDiagnostics"] if d["severity"] == "error"]


def test_ten_resources_type_check_and_mistakes_are_caught(tmp_path: Path) -> None:
    source = EXAMPLE.read_text()
    (tmp_path / "good.py").write_text(source)
    for n, (line, mistake) in enumerate(MISTAKES):
        assert line in source, line
        (tmp_path / f"bad{n}.py").write_text(source.replace(line, mistake))
    errors = _pyright(tmp_path)
    by_file: dict[str, list[str]] = {}
    for error in errors:
        by_file.setdefault(Path(str(error["file"])).name, []).append(str(error["message"]))
    assert by_file.get("good.py") is None, by_file.get("good.py")
    for n in range(len(MISTAKES)):
        assert by_file.get(f"bad{n}.py"), f"pyright missed mistake {n}: {MISTAKES[n][1]}"
