"""The base of every resource: typed helpers over the client's request path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ._streaming import AsyncStream
from ._types import NOT_GIVEN, NotGiven, Omit, strip_not_given
from .pagination import AsyncPaginator, BasePage

if TYPE_CHECKING:
    from ._client import AsyncOpenAI

__all__ = ["AsyncAPIResource", "CallOptions"]

_T = TypeVar("_T")
_PageT = TypeVar("_PageT", bound=BasePage[Any])

TimeoutArg = float | httpx.Timeout | None | NotGiven


class CallOptions:
    """The ``extra_*`` and ``timeout`` arguments every method takes."""

    __slots__ = ("body", "headers", "query", "timeout")

    def __init__(
        self,
        *,
        extra_headers: Mapping[str, str | Omit] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> None:
        self.headers = extra_headers
        self.query = extra_query
        self.body = extra_body
        self.timeout = timeout


class AsyncAPIResource:
    """A group of endpoints (``client.models``, ``client.chat.completions``, ...)."""

    def __init__(self, client: AsyncOpenAI) -> None:
        self._client = client

    async def _request(
        self,
        method: str,
        path: str,
        *,
        cast_to: type[_T],
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, object] | None = None,
        options: CallOptions,
    ) -> _T:
        client = self._client
        if client._api_key_provider is not None:
            await client._refresh_api_key()
        response = await client._sender.send(
            method,
            path,
            body=_with_extra(body, options.body),
            query=_merge(query, options.query),
            extra_headers=options.headers,
            timeout=options.timeout,
        )
        return client._sender.parse(response, cast_to)

    async def _stream(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Mapping[str, Any],
        options: CallOptions,
        expect_done: bool = True,
    ) -> AsyncStream[_T]:
        client = self._client
        if client._api_key_provider is not None:
            await client._refresh_api_key()
        headers: dict[str, str | Omit] = {"Accept": "text/event-stream"}
        if options.headers:
            headers.update(options.headers)
        response = await client._sender.send(
            "POST",
            path,
            body=_with_extra(body, options.body),
            query=options.query,
            extra_headers=headers,
            timeout=options.timeout,
            stream=True,
        )
        return AsyncStream(
            cast_to=cast_to, response=response, expect_done=expect_done, strict=client._strict
        )

    def _list(
        self,
        path: str,
        *,
        page: type[_PageT],
        query: Mapping[str, object],
        options: CallOptions,
    ) -> AsyncPaginator[Any, _PageT]:
        async def fetch(params: Mapping[str, object]) -> _PageT:
            result = await self._request("GET", path, cast_to=page, query=params, options=options)
            result._bind(fetch, params, self._client._nursery)
            return result

        return AsyncPaginator(
            fetch, _merge(strip_not_given(query), options.query) or {}, self._client._nursery
        )


def _with_extra(
    body: Mapping[str, Any] | None, extra: Mapping[str, object] | None
) -> Mapping[str, Any] | None:
    if body is None:
        return dict(extra) if extra else None
    body = strip_not_given(body)
    if extra:
        body.update(extra)
    return body


def _merge(
    query: Mapping[str, object] | None, extra: Mapping[str, object] | None
) -> Mapping[str, object] | None:
    if not extra:
        return query
    return {**(query or {}), **extra}
