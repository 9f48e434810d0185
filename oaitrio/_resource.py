"""The base of every resource: typed helpers over the client's request path."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from typing_extensions import Self

from ._binary import BinaryResponseContent
from ._response import AsyncAPIResponse, LegacyAPIResponse
from ._streaming import AsyncStream
from ._types import NOT_GIVEN, NotGiven, Omit, strip_not_given
from .pagination import AsyncPaginator, BasePage

if TYPE_CHECKING:
    from ._client import AsyncOpenAI

__all__ = ["AsyncAPIResource", "CallOptions"]

_T = TypeVar("_T")
_PageT = TypeVar("_PageT", bound=BasePage[Any])
_ResourceT = TypeVar("_ResourceT", bound="AsyncAPIResource")

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
    """A group of endpoints (``client.models``, ``client.chat.completions``, ...).

    ``mode`` is ``"parsed"`` for the plain client, ``"raw"`` under
    ``client.with_raw_response`` and ``"streaming"`` under
    ``client.with_streaming_response``; the request helpers below return the
    typed result, a :class:`LegacyAPIResponse` or an :class:`AsyncAPIResponse`
    accordingly.
    """

    def __init__(self, client: AsyncOpenAI, *, mode: str = "parsed") -> None:
        self._client = client
        self._mode = mode

    def _in_mode(self, mode: str) -> Self:
        return type(self)(self._client, mode=mode)

    def _child(self, cls: type[_ResourceT]) -> _ResourceT:
        """A sub-resource (``chat.completions``) in this resource's mode."""
        return cls(self._client, mode=self._mode)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None,
        query: Mapping[str, object] | None,
        options: CallOptions,
        headers: Mapping[str, str | Omit] | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        client = self._client
        if client._api_key_provider is not None:
            await client._refresh_api_key()
        if headers and options.headers:
            headers = {**headers, **options.headers}
        return await client._sender.send(
            method,
            path,
            body=_with_extra(body, options.body),
            query=_merge(query, options.query),
            extra_headers=headers or options.headers,
            timeout=options.timeout,
            stream=stream or self._mode == "streaming",
        )

    async def _request(
        self,
        method: str,
        path: str,
        *,
        cast_to: type[_T],
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, object] | None = None,
        options: CallOptions,
        post: Callable[[_T], Any] | None = None,
    ) -> Any:
        """Send a JSON call; the result is ``cast_to`` (passed through ``post``) in parsed mode."""
        response = await self._send(method, path, body=body, query=query, options=options)
        sender = self._client._sender
        if self._mode == "parsed":  # the hot path: no closure to build
            result = sender.parse(response, cast_to)
            return result if post is None else post(result)

        def parse(http_response: httpx.Response) -> Any:
            result = sender.parse(http_response, cast_to)
            return result if post is None else post(result)

        return self._wrap(response, parse)

    async def _stream(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Mapping[str, Any],
        options: CallOptions,
        expect_done: bool = True,
    ) -> Any:
        """Send a streamed call; the result is an :class:`AsyncStream` in parsed mode."""
        response = await self._send(
            "POST",
            path,
            body=body,
            query=None,
            options=options,
            headers={"Accept": "text/event-stream"},
            stream=True,
        )
        strict = self._client._strict
        if self._mode == "parsed":
            return AsyncStream(
                cast_to=cast_to, response=response, expect_done=expect_done, strict=strict
            )

        def parse(http_response: httpx.Response) -> AsyncStream[_T]:
            return AsyncStream(
                cast_to=cast_to, response=http_response, expect_done=expect_done, strict=strict
            )

        return self._wrap(response, parse)

    async def _binary(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, object] | None = None,
        options: CallOptions,
        accept: str = "application/octet-stream",
    ) -> Any:
        """Send a call whose answer is bytes: a :class:`BinaryResponseContent` in parsed mode."""
        response = await self._send(
            method, path, body=body, query=query, options=options, headers={"Accept": accept}
        )
        return self._wrap(response, BinaryResponseContent)

    def _wrap(self, response: httpx.Response, parse: Callable[[httpx.Response], Any]) -> Any:
        if self._mode == "raw":
            return LegacyAPIResponse(response, parse)
        if self._mode == "streaming":
            return AsyncAPIResponse(response, parse)
        return parse(response)

    def _list(
        self,
        path: str,
        *,
        page: type[_PageT],
        query: Mapping[str, object],
        options: CallOptions,
    ) -> Any:
        """A list call: an :class:`AsyncPaginator` in parsed mode, else the first page's response."""
        nursery = self._client._nursery
        params = _merge(strip_not_given(query), options.query) or {}

        def bind(params: Mapping[str, object]) -> Callable[[_PageT], _PageT]:
            def post(result: _PageT) -> _PageT:
                result._bind(fetch, params, nursery)
                return result

            return post

        async def fetch(params: Mapping[str, object]) -> _PageT:
            parsed = self._in_mode("parsed") if self._mode != "parsed" else self
            return await parsed._request(
                "GET", path, cast_to=page, query=params, options=options, post=bind(params)
            )

        if self._mode != "parsed":
            return self._request(
                "GET", path, cast_to=page, query=params, options=options, post=bind(params)
            )
        return AsyncPaginator[Any, _PageT](fetch, params, nursery)


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
