"""The exception tree, with the names and attributes of the official ``openai`` SDK.

::

    Exception
    ├── OpenAIError
    │   ├── APIError                          message, request, body, code, param, type
    │   │   ├── APIResponseValidationError    + response, status_code
    │   │   ├── APIStatusError                + response, status_code, request_id
    │   │   │   ├── BadRequestError               400
    │   │   │   ├── AuthenticationError           401
    │   │   │   ├── PermissionDeniedError         403
    │   │   │   ├── NotFoundError                 404
    │   │   │   ├── ConflictError                 409
    │   │   │   ├── UnprocessableEntityError      422
    │   │   │   ├── RateLimitError                429
    │   │   │   └── InternalServerError           >= 500
    │   │   └── APIConnectionError
    │   │       ├── APITimeoutError
    │   │       │   └── PoolTimeoutError      not retried: every connection stayed busy
    │   │       └── ProxyError                not retried: the proxy is unreachable,
    │   │                                     refused the tunnel, or its URL is malformed
    │   ├── LengthFinishReasonError
    │   └── ContentFilterFinishReasonError
    └── ValueError
        └── InvalidWebhookSignatureError

``PoolTimeoutError`` and ``ProxyError`` are oaitrio's own (the official SDK
reports both as a retried ``APIConnectionError``/``APITimeoutError``); being
subclasses, ``except APITimeoutError`` and ``except APIConnectionError`` still
catch them. Neither is retried: a retry would wait again for the same busy
pool, or meet the same proxy configuration, and only hide the cause.

These classes do no I/O and import no HTTP library: they carry whatever request
and response objects the I/O layer hands them, typed by the small protocols
below. They never build a message out of headers; the client redacts secrets
from anything it passes in, and ``repr()``/``str()`` show the message only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ContentFilterFinishReasonError",
    "InternalServerError",
    "InvalidWebhookSignatureError",
    "LengthFinishReasonError",
    "NotFoundError",
    "OpenAIError",
    "PermissionDeniedError",
    "PoolTimeoutError",
    "ProxyError",
    "RateLimitError",
    "ResponseLike",
    "UnprocessableEntityError",
    "make_status_error",
    "status_error_class",
]


class _HeadersLike(Protocol):
    def get(self, key: str, /) -> str | None: ...


class ResponseLike(Protocol):
    """What the errors need from an HTTP response (``httpx.Response`` fits)."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> _HeadersLike: ...

    @property
    def request(self) -> object: ...


class OpenAIError(Exception):
    """Base class of every error this library raises on purpose.

    Every subclass pickles (to a worker process, a result queue): the default
    ``Exception`` pickle calls the class with ``args`` alone, which the
    keyword-only constructors below refuse, so a pickle here rebuilds the
    object without calling ``__init__`` and restores its attributes.
    """

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.args), self.__dict__)


def _rebuild(cls: type[OpenAIError], args: tuple[object, ...]) -> OpenAIError:
    """An ``OpenAIError`` of ``cls`` with ``args``, its attributes set by pickle afterwards."""
    exc = cls.__new__(cls)
    exc.args = args
    return exc


class APIError(OpenAIError):
    """An API request failed.

    Attributes:
        message: The human-readable message (also ``str(exc)``).
        request: The request that failed, as the I/O layer built it.
        body: The decoded JSON error body (the ``"error"`` object when there is
            one), the raw text when it was not JSON, or None without a response.
        code: ``body["code"]`` as a string, when ``body`` is a dict.
        param: ``body["param"]``, when ``body`` is a dict and it is a string.
        type: ``body["type"]``, when ``body`` is a dict and it is a string.
    """

    message: str
    request: object
    body: object | None
    code: str | None
    param: str | None
    type: str | None

    def __init__(self, message: str, request: object, *, body: object | None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body
        self.code = self.param = self.type = None
        fields = _as_dict(body)
        if fields is not None:
            code = fields.get("code")
            self.code = None if code is None else str(code)
            self.param = _str_or_none(fields.get("param"))
            self.type = _str_or_none(fields.get("type"))

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        # Only the message: the request and response hold headers, which may
        # hold credentials.
        return f"{type(self).__name__}({self.message!r})"


class APIResponseValidationError(APIError):
    """The response did not match the expected schema (strict validation only).

    Attributes:
        response: The response whose body failed validation.
        status_code: Its HTTP status.
    """

    response: ResponseLike
    status_code: int

    def __init__(
        self, response: ResponseLike, body: object | None, *, message: str | None = None
    ) -> None:
        super().__init__(
            message or "Data returned by API invalid for expected schema.",
            response.request,
            body=body,
        )
        self.response = response
        self.status_code = response.status_code


class APIStatusError(APIError):
    """The API answered with a 4xx or 5xx status.

    Attributes:
        response: The error response.
        status_code: Its HTTP status.
        request_id: Its ``x-request-id`` header, for support requests, or None.
    """

    response: ResponseLike
    status_code: int
    request_id: str | None

    def __init__(self, message: str, *, response: ResponseLike, body: object | None) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id = response.headers.get("x-request-id")


class APIConnectionError(APIError):
    """The request got no response: the connection failed or broke."""

    def __init__(self, *, message: str = "Connection error.", request: object) -> None:
        super().__init__(message, request, body=None)


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(self, request: object) -> None:
        super().__init__(message="Request timed out.", request=request)


class PoolTimeoutError(APITimeoutError):
    """Every connection of the pool stayed busy for the whole pool timeout.

    The program makes more calls at once than the pool allows; the message says
    which limit to raise. Not retried (another wait would meet the same pool).
    """

    def __init__(self, request: object, *, message: str) -> None:
        APIConnectionError.__init__(self, message=message, request=request)


class ProxyError(APIConnectionError):
    """The HTTP proxy could not be used.

    It could not be reached, it refused the ``CONNECT`` tunnel (a non-2xx
    answer; 407 when its credentials are missing or wrong), or its URL is
    malformed. The message names the proxy's ``host:port``, never its
    credentials. Not retried: each cause is the configuration's.
    """

    def __init__(self, *, message: str, request: object) -> None:
        super().__init__(message=message, request=request)


class BadRequestError(APIStatusError):
    """HTTP 400."""


class AuthenticationError(APIStatusError):
    """HTTP 401."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403."""


class NotFoundError(APIStatusError):
    """HTTP 404."""


class ConflictError(APIStatusError):
    """HTTP 409."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422."""


class RateLimitError(APIStatusError):
    """HTTP 429."""


class InternalServerError(APIStatusError):
    """HTTP 500 or above."""


class LengthFinishReasonError(OpenAIError):
    """A completion to be parsed stopped at the length limit.

    Attributes:
        completion: The completion that stopped (when streaming, it may lack
            ``usage``).
    """

    completion: object | None

    def __init__(self, *, completion: object | None = None) -> None:
        message = "Could not parse response content as the length limit was reached"
        usage: object = getattr(completion, "usage", None)
        if usage:
            message += f" - {usage}"
        super().__init__(message)
        self.completion = completion


class ContentFilterFinishReasonError(OpenAIError):
    """A completion to be parsed was stopped by the content filter.

    Attributes:
        completion: The completion that was stopped, if the caller gave it.
    """

    completion: object | None

    def __init__(self, *, completion: object | None = None) -> None:
        super().__init__(
            "Could not parse response content as the request was rejected by the content filter"
        )
        self.completion = completion


class InvalidWebhookSignatureError(ValueError):
    """A webhook's signature does not match the one computed from its payload."""


_STATUS_CLASSES: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for an error status.

    Args:
        status_code: The HTTP status of the response.

    Returns:
        The specific subclass for a known status, :class:`InternalServerError`
        for any status >= 500, else :class:`APIStatusError` itself.
    """
    if status_code >= 500:
        return InternalServerError
    return _STATUS_CLASSES.get(status_code, APIStatusError)


def make_status_error(*, response: ResponseLike, body: object, text: str) -> APIStatusError:
    """Build the exception for an error response, as the anchor SDK does.

    The message is ``"Error code: <status>"``, followed by ``" - <message>"``
    when the body is JSON holding a non-empty string ``error.message`` (or a
    top-level ``message`` when there is no ``error`` object). Like openai
    3.57, the rest of the body is kept out of the message (it is available as
    the ``body`` attribute), so a message never dumps a whole response.

    Args:
        response: The error response.
        body: The decoded JSON body, or the text when it was not JSON, or None
            when the response had no body.
        text: The body as text. It does not shape the message (openai 3.57
            keeps raw text out of it, see above); it is accepted so that the
            caller hands over everything it read.

    Returns:
        An instance of :func:`status_error_class` for the status, whose
        ``body`` is ``body["error"]`` when ``body`` is a dict with that key,
        else ``body``.
    """
    status = response.status_code
    message = f"Error code: {status}"
    data: object = body
    fields = _as_dict(body)
    if fields is not None:
        data = fields.get("error", fields)
        error = _as_dict(data)
        detail = None if error is None else error.get("message")
        if isinstance(detail, str) and detail:
            message += f" - {detail}"
    return status_error_class(status)(message, response=response, body=data)


def _as_dict(value: object) -> dict[object, object] | None:
    if isinstance(value, dict):
        return value  # pyright: ignore[reportUnknownVariableType]
    return None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
