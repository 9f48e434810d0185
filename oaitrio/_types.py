"""Sentinels and small aliases shared by the public API.

"Omitted" is not ``None``: ``None`` is a value the API understands (often
``null``), while :data:`omit` / :data:`NOT_GIVEN` mean "do not send this
parameter at all" and, for client options, "keep the client's default".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypedDict, TypeVar, Union

import httpx

__all__ = [
    "NOT_GIVEN",
    "Body",
    "Headers",
    "NotGiven",
    "Omit",
    "Query",
    "RequestOptions",
    "Timeout",
    "not_given",
    "omit",
]

_T = TypeVar("_T")


class NotGiven:
    """The type of :data:`NOT_GIVEN`: a parameter the caller did not pass.

    Falsy, so ``if timeout:`` style checks treat it as absent.
    """

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


class Omit:
    """The type of :data:`omit`: leave this parameter (or default header) out of the request."""

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "omit"

    def __reduce__(self) -> str:
        return "omit"


NOT_GIVEN = NotGiven()
not_given = NOT_GIVEN
omit = Omit()

Timeout = httpx.Timeout
Headers = Mapping[str, Union[str, Omit]]
Query = Mapping[str, object]
Body = object


class RequestOptions(TypedDict, total=False):
    """``options=`` of ``client.get``/``post``/...: the official SDK's keys that apply here.

    Another key (``follow_redirects``, ``extra_headers``, ...) is refused with
    a ``TypeError`` that names it.
    """

    headers: Headers
    """Headers of this call; an :data:`omit` value removes a client default."""
    params: Query
    """Query parameters of this call."""
    extra_json: Mapping[str, object]
    """Fields merged into a mapping body (or the form fields of a multipart one)."""
    timeout: float | httpx.Timeout | None
    """The timeout of each attempt of this call."""
    max_retries: int
    """Retries after the first attempt, for this call."""
    idempotency_key: str
    """The ``Idempotency-Key`` header, instead of a generated one."""


#: A value that may be left out: ``x: NotGivenOr[int] = NOT_GIVEN``.
NotGivenOr = Union[_T, NotGiven, Omit]


def strip_not_given(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` without the entries the caller left out."""
    return {key: value for key, value in params.items() if not isinstance(value, (NotGiven, Omit))}
