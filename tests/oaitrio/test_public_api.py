"""The names a user of the official SDK imports, and that importing stays lazy."""

from __future__ import annotations

import subprocess
import sys
from types import ModuleType

import oaitrio


def test_all_is_sorted_and_lists_exactly_the_public_names() -> None:
    assert oaitrio.__all__ == sorted(oaitrio.__all__)
    for name in oaitrio.__all__:
        assert getattr(oaitrio, name) is not None, name
    public = {
        name
        for name in dir(oaitrio)
        if not name.startswith("_") and not isinstance(getattr(oaitrio, name), ModuleType)
    }
    # Everything public is listed (submodules such as oaitrio.testing are not names of the top level).
    assert public - set(oaitrio.__all__) == {"annotations", "TYPE_CHECKING", "Any"}


def test_names_the_official_sdk_users_import_are_here() -> None:
    expected = {
        "APIConnectionError", "APIError", "APIResponseValidationError", "APIStatusError",
        "APITimeoutError", "AsyncOpenAI", "AsyncStream", "AuthenticationError",
        "BadRequestError", "ConflictError", "ContentFilterFinishReasonError",
        "DEFAULT_CONNECTION_LIMITS", "DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT",
        "InternalServerError", "InvalidWebhookSignatureError", "LengthFinishReasonError",
        "NOT_GIVEN", "NotFoundError", "NotGiven", "Omit", "OpenAIError",
        "PermissionDeniedError", "RateLimitError", "Timeout", "UnprocessableEntityError",
        "__version__", "not_given", "omit", "types",
    }  # fmt: skip
    assert expected <= set(oaitrio.__all__)
    assert oaitrio.DEFAULT_MAX_RETRIES == 2
    assert oaitrio.DEFAULT_TIMEOUT.read == 600 and oaitrio.DEFAULT_TIMEOUT.connect == 5
    assert repr(oaitrio.NOT_GIVEN) == "NOT_GIVEN" and not oaitrio.NOT_GIVEN
    assert repr(oaitrio.omit) == "omit" and not oaitrio.omit
    assert oaitrio.not_given is oaitrio.NOT_GIVEN


def test_exception_tree_matches_the_sdk() -> None:
    assert issubclass(oaitrio.RateLimitError, oaitrio.APIStatusError)
    assert issubclass(oaitrio.APIStatusError, oaitrio.APIError)
    assert issubclass(oaitrio.APITimeoutError, oaitrio.APIConnectionError)
    assert issubclass(oaitrio.APIError, oaitrio.OpenAIError)
    assert issubclass(oaitrio.InvalidWebhookSignatureError, ValueError)


def run_python(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def test_import_is_lazy() -> None:
    loaded = run_python(
        "import sys, oaitrio; print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('trio', 'httpx', 'msgspec', 'h11', 'actors'))))"
    ).split()
    assert loaded == []


def test_using_chat_loads_chat_and_not_the_other_resources() -> None:
    loaded = run_python(
        "import sys, oaitrio; c = oaitrio.AsyncOpenAI(api_key='x'); c.chat.completions; "
        "print(' '.join(m for m in sys.modules if m.startswith('oaitrio.')))"
    ).split()
    assert "oaitrio.resources.chat.completions" in loaded
    assert "oaitrio.types.chat.chat_completion_chunk" in loaded
    assert "oaitrio.resources.embeddings" not in loaded
    assert "oaitrio.types.create_embedding_response" not in loaded
    assert "oaitrio.testing" not in loaded
