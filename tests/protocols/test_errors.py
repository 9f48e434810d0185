"""Tests for protocols.errors: the SDK's names, attributes, messages and status mapping."""

from __future__ import annotations

import importlib
from collections.abc import Mapping

import attrs
import pytest

from protocols import errors
from protocols.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ContentFilterFinishReasonError,
    InternalServerError,
    InvalidWebhookSignatureError,
    LengthFinishReasonError,
    NotFoundError,
    OpenAIError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    make_status_error,
    status_error_class,
)

REQUEST = object()


@attrs.frozen
class FakeResponse:
    status_code: int
    headers: Mapping[str, str] = attrs.field(factory=dict)
    request: object = REQUEST


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (599, InternalServerError),
        (418, APIStatusError),
        (402, APIStatusError),
        (408, APIStatusError),
    ],
)
def test_status_mapping(status: int, cls: type[APIStatusError]) -> None:
    assert status_error_class(status) is cls
    error = make_status_error(response=FakeResponse(status), body=None, text="")
    assert type(error) is cls
    assert error.status_code == status


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (APIError, (OpenAIError, Exception)),
        (APIStatusError, (APIError,)),
        (APIResponseValidationError, (APIError,)),
        (APIConnectionError, (APIError,)),
        (APITimeoutError, (APIConnectionError, APIError)),
        (RateLimitError, (APIStatusError, APIError, OpenAIError)),
        (InternalServerError, (APIStatusError,)),
        (LengthFinishReasonError, (OpenAIError,)),
        (ContentFilterFinishReasonError, (OpenAIError,)),
        (InvalidWebhookSignatureError, (ValueError,)),
    ],
)
def test_tree(cls: type[BaseException], bases: tuple[type[BaseException], ...]) -> None:
    for base in bases:
        assert issubclass(cls, base)


def test_webhook_error_is_not_an_openai_error() -> None:
    assert not issubclass(InvalidWebhookSignatureError, OpenAIError)


def test_same_public_names_as_the_sdk() -> None:
    openai = importlib.import_module("openai")  # the pinned SDK is in the test extra
    # oaitrio's own refinements, below classes the SDK has (see the module docstring).
    own = {"PoolTimeoutError": "APITimeoutError", "ProxyError": "APIConnectionError"}
    for name, parent in own.items():
        assert issubclass(getattr(errors, name), getattr(errors, parent))
    ours = {name for name in errors.__all__ if name[0].isupper() and name != "ResponseLike"}
    ours -= set(own)
    assert ours <= set(dir(openai))
    for name in ours:
        sdk_class = getattr(openai, name)
        sdk_bases = {b.__name__ for b in sdk_class.__mro__}
        our_bases = {b.__name__ for b in getattr(errors, name).__mro__}
        assert our_bases <= sdk_bases, name


def test_api_error_fields_from_a_dict_body() -> None:
    body = {
        "message": "bad",
        "code": "invalid_api_key",
        "param": "model",
        "type": "invalid_request_error",
    }
    error = APIError("boom", REQUEST, body=body)
    assert (error.message, error.request, error.body) == ("boom", REQUEST, body)
    assert (error.code, error.param, error.type) == (
        "invalid_api_key",
        "model",
        "invalid_request_error",
    )


def test_api_error_fields_lenient() -> None:
    error = APIError("boom", REQUEST, body={"code": 42, "param": None, "type": 3})
    assert (error.code, error.param, error.type) == ("42", None, None)
    for body in (None, "text", ["list"], 5):
        error = APIError("boom", REQUEST, body=body)
        assert (error.code, error.param, error.type) == (None, None, None)


def test_status_error_attributes() -> None:
    response = FakeResponse(429, {"x-request-id": "req_123", "authorization": "Bearer sk-secret"})
    body = {
        "error": {
            "message": "Slow down",
            "type": "requests",
            "code": "rate_limit_exceeded",
            "param": None,
        }
    }
    error = make_status_error(response=response, body=body, text="...")
    assert isinstance(error, RateLimitError)
    assert error.response is response
    assert error.request is REQUEST
    assert error.request_id == "req_123"
    assert error.body == body["error"]
    assert (error.code, error.type, error.param) == ("rate_limit_exceeded", "requests", None)
    assert error.message == str(error) == "Error code: 429 - Slow down"
    assert repr(error) == "RateLimitError('Error code: 429 - Slow down')"
    assert "sk-secret" not in repr(error) + str(error)


def test_request_id_absent() -> None:
    error = make_status_error(response=FakeResponse(500), body=None, text="")
    assert error.request_id is None


@pytest.mark.parametrize(
    ("body", "message", "attribute"),
    [
        ({"error": {"message": "Nope"}}, "Error code: 400 - Nope", {"message": "Nope"}),
        ({"message": "Top level"}, "Error code: 400 - Top level", {"message": "Top level"}),
        ({"error": {"message": ""}}, "Error code: 400", {"message": ""}),
        ({"error": {"message": 7}}, "Error code: 400", {"message": 7}),
        ({"error": "flat"}, "Error code: 400", "flat"),
        ({"detail": "x"}, "Error code: 400", {"detail": "x"}),
        ([1, 2], "Error code: 400", [1, 2]),
        ("<html>bad gateway</html>", "Error code: 400", "<html>bad gateway</html>"),
        (None, "Error code: 400", None),
    ],
)
def test_status_error_message_and_body(body: object, message: str, attribute: object) -> None:
    text = "" if body is None else str(body)
    error = make_status_error(response=FakeResponse(400), body=body, text=text)
    assert error.message == message
    assert error.body == attribute


def test_response_validation_error() -> None:
    response = FakeResponse(200)
    error = APIResponseValidationError(response, {"x": 1})
    assert error.message == "Data returned by API invalid for expected schema."
    assert (error.status_code, error.response, error.request, error.body) == (
        200,
        response,
        REQUEST,
        {"x": 1},
    )
    assert APIResponseValidationError(response, None, message="custom").message == "custom"


def test_connection_and_timeout_errors() -> None:
    error = APIConnectionError(request=REQUEST)
    assert (error.message, error.request, error.body) == ("Connection error.", REQUEST, None)
    assert APIConnectionError(message="refused", request=REQUEST).message == "refused"
    timeout = APITimeoutError(REQUEST)
    assert (timeout.message, timeout.request) == ("Request timed out.", REQUEST)
    assert isinstance(timeout, APIConnectionError)


@attrs.frozen
class FakeCompletion:
    usage: object | None


def test_length_finish_reason_error() -> None:
    base = "Could not parse response content as the length limit was reached"
    assert str(LengthFinishReasonError()) == base
    assert str(LengthFinishReasonError(completion=FakeCompletion(None))) == base
    error = LengthFinishReasonError(completion=FakeCompletion("CompletionUsage(total_tokens=9)"))
    assert str(error) == base + " - CompletionUsage(total_tokens=9)"
    assert error.completion == FakeCompletion("CompletionUsage(total_tokens=9)")


def test_content_filter_error() -> None:
    error = ContentFilterFinishReasonError()
    assert "rejected by the content filter" in str(error)
    assert error.completion is None


def test_messages_match_the_sdk() -> None:
    openai = importlib.import_module("openai")
    sdk_timeout = openai.APITimeoutError(request=None)  # type: ignore[arg-type]
    assert APITimeoutError(REQUEST).message == sdk_timeout.message
    assert str(ContentFilterFinishReasonError()) == str(openai.ContentFilterFinishReasonError())
