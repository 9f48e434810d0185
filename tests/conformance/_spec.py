"""The vendored spec, loaded once for every conformance test module that needs it."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("yaml", reason="loading the OpenAPI spec needs PyYAML")

from protocols.openapi.generate import load_spec

SPEC: dict[str, Any] = load_spec()
