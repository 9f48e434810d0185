"""The names a user of the official SDK imports, and that importing stays lazy."""

from __future__ import annotations

import pickle
import subprocess
import sys
from types import FunctionType, ModuleType

import httpx

import oaitrio
import oaitrio._exceptions


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


# Names of the top level that are other packages' own (oaitrio.Timeout is httpx.Timeout).
FOREIGN = {"Timeout"}


def test_public_classes_and_functions_report_oaitrio_as_their_module() -> None:
    checked = []
    for name in oaitrio.__all__:
        value = getattr(oaitrio, name)
        if isinstance(value, (type, FunctionType)) and name not in FOREIGN:
            assert value.__module__ == "oaitrio", name
            assert value.__qualname__ == name, name
            checked.append(name)
    assert {"AsyncOpenAI", "AsyncStream", "APIConnectionError", "NotGiven"} <= set(checked)
    assert oaitrio.Timeout is httpx.Timeout  # left as httpx's
    assert oaitrio.AsyncOpenAI.copy.__module__ == "oaitrio"


def test_every_exception_class_is_exported_and_named_from_oaitrio() -> None:
    # A class added to protocols.errors and re-exported by oaitrio._exceptions is
    # covered without more code; forgetting to export it from oaitrio fails here.
    for name in oaitrio._exceptions.__all__:
        assert name in oaitrio.__all__, name
        assert getattr(oaitrio, name).__module__ == "oaitrio", name


def test_a_traceback_names_oaitrio() -> None:
    shown = run_python(
        "import oaitrio, traceback\n"
        "try:\n"
        "    raise oaitrio.APIConnectionError(request=None)\n"
        "except oaitrio.APIError as exc:\n"
        "    print(traceback.format_exc().splitlines()[-1])\n"
        "print(oaitrio.RateLimitError, oaitrio.AsyncOpenAI)\n"
    ).splitlines()
    assert shown == [
        "oaitrio.APIConnectionError: Connection error.",
        "<class 'oaitrio.RateLimitError'> <class 'oaitrio.AsyncOpenAI'>",
    ]


def test_exception_classes_and_sentinels_still_pickle() -> None:
    request = httpx.Request("GET", "https://api.openai.com/v1/models")
    for cls in (getattr(oaitrio, name) for name in oaitrio._exceptions.__all__):
        assert pickle.loads(pickle.dumps(cls)) is cls  # found again by its new name
    response = httpx.Response(
        429, headers={"x-request-id": "req_1"}, json={"error": {}}, request=request
    )
    for exc in (
        oaitrio.OpenAIError("boom"),
        oaitrio.APITimeoutError(request),
        oaitrio.APIConnectionError(message="refused", request=request),
        oaitrio.RateLimitError(
            "slow down", response=response, body={"code": "rate_limit_exceeded"}
        ),
        oaitrio.InvalidWebhookSignatureError("bad signature"),
    ):
        again = pickle.loads(pickle.dumps(exc))
        assert type(again) is type(exc)
        assert str(again) == str(exc)
        assert {k: v for k, v in vars(again).items() if k not in ("request", "response")} == {
            k: v for k, v in vars(exc).items() if k not in ("request", "response")
        }
    rate = pickle.loads(
        pickle.dumps(
            oaitrio.RateLimitError(
                "slow down", response=response, body={"code": "rate_limit_exceeded"}
            )
        )
    )
    assert (rate.status_code, rate.request_id, rate.code) == (429, "req_1", "rate_limit_exceeded")
    assert pickle.loads(pickle.dumps(oaitrio.NOT_GIVEN)) is oaitrio.NOT_GIVEN
    assert pickle.loads(pickle.dumps(oaitrio.omit)) is oaitrio.omit
    policy = oaitrio.DefaultRetryPolicy(max_retries=5)
    again = pickle.loads(pickle.dumps(policy))
    assert type(again) is oaitrio.DefaultRetryPolicy
    assert again.max_retries == 5


def test_a_pickle_loads_in_a_fresh_process() -> None:
    # There the lazy names are not loaded yet: unpickling loads and publishes them.
    blob = pickle.dumps((oaitrio.OpenAIError("boom"), oaitrio.NOT_GIVEN, oaitrio.AsyncStream))
    code = (
        "import pickle, sys; exc, sentinel, cls = pickle.loads(bytes.fromhex(sys.argv[1])); "
        "print(type(exc).__module__, type(exc).__name__, exc, sentinel, cls)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code, blob.hex()], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert shown == "oaitrio OpenAIError boom NOT_GIVEN <class 'oaitrio.AsyncStream'>"
