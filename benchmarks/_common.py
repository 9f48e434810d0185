"""What every client benchmark sends, and where the repository is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["API_KEY", "MESSAGES", "MODEL", "REPO_ROOT"]

REPO_ROOT = Path(__file__).resolve().parent.parent
"""Children run here, so they import the oaitrio of this checkout."""

API_KEY = "sk-benchmark"
MODEL = "gpt-4o-mini"
MESSAGES: list[dict[str, Any]] = [{"role": "user", "content": "hello"}]
