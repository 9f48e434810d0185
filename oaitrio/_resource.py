"""The base of every resource: typed helpers over the client's request path."""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx
from typing_extensions import Self

from protocols.multipart import FilePart, MultipartEncoder, flatten_form

from ._binary import BinaryResponseContent
from ._files import FileTypes, to_file_part
from ._response import AsyncAPIResponse, LegacyAPIResponse, ResponseView
from ._streaming import AsyncStream
from ._types import NOT_GIVEN, NotGiven, Omit, strip_not_given
from .pagination import AsyncPaginator, BasePage

if TYPE_CHECKING:
    from ._base_client import RequestSender
    from ._client import AsyncOpenAI

__all__ = ["AsyncAPIResource", "CallOptions", "header_value", "path_param"]

_T = TypeVar("_T")
_PageT = TypeVar("_PageT", bound=BasePage[Any])
_ResourceT = TypeVar("_ResourceT", bound="AsyncAPIResource")

TimeoutArg = float | httpx.Timeout | None | NotGiven


def path_param(name: str, value: str) -> str:
    """``value`` escaped for use as one path segment.

    Raises:
        ValueError: ``value`` is empty (the request would go to another endpoint).
    """
    if not value:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    return urllib.parse.quote(value, safe="")


def header_value(value: object) -> str:
    """A header parameter's value: a list is sent comma-separated (``openai-beta: a,b``)."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)  # type: ignore[union-attr]
    return str(value)


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

    # Typed ``Any``: the precise type (each method returning
    # ``LegacyAPIResponse[its result]``) needs a wrapper class per resource,
    # which the generated surface does not have; the view's methods keep the
    # resource's parameters at run time.
    @functools.cached_property
    def with_raw_response(self) -> Any:
        """This resource with every method returning a :class:`LegacyAPIResponse`.

        ``await client.chat.completions.with_raw_response.create(...)`` sends
        the call as the plain method does, reads the body, and returns status,
        headers and ``parse()``. Sub-resources reached from the view are raw too
        (``client.chat.with_raw_response.completions``). Cancellation is as for
        the plain method: the call is abandoned and its connection released.
        """
        return ResponseView(self._in_mode("raw"), "raw")

    @functools.cached_property
    def with_streaming_response(self) -> Any:
        """This resource with every method returning an ``async with`` block.

        ``async with client.audio.speech.with_streaming_response.create(...) as r:``
        sends the call on entry and gives an :class:`AsyncAPIResponse` whose body
        is still unread; leaving the block (normally, by an error or by
        cancellation) closes the response and releases its connection.
        """
        return ResponseView(self._in_mode("streaming"), "streaming")

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
        files: tuple[str, ...] | None = None,
    ) -> httpx.Response:
        client = self._client
        if client._api_key_provider is not None:
            await client._refresh_api_key()
        if headers and options.headers:
            headers = {**headers, **options.headers}
        payload = _with_extra(body, options.body)
        multipart = None
        if files is not None:
            multipart = await _multipart(payload or {}, files)
            payload = None
        return await client._sender.send(
            method,
            path,
            body=payload,
            multipart=multipart,
            query=_merge(strip_not_given(query) if query else query, options.query),
            extra_headers=headers or options.headers,
            timeout=options.timeout,
            stream=stream or self._mode == "streaming",
        )

    async def _request(
        self,
        method: str,
        path: str,
        *,
        cast_to: Any,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, object] | None = None,
        options: CallOptions,
        post: Callable[[Any], Any] | None = None,
        files: tuple[str, ...] | None = None,
    ) -> Any:
        """Send a call answered in JSON; the result is ``cast_to`` (passed through ``post``) in parsed mode.

        ``cast_to`` is a type (a class or a union); ``None`` for an answer
        without a body. ``files`` names the body fields that hold files: the
        body is then sent as multipart/form-data (a list of files goes as
        ``name[]`` parts).
        """
        response = await self._send(
            method, path, body=body, query=query, options=options, files=files
        )
        sender = self._client._sender
        if self._mode == "parsed":  # the hot path: no closure, not even its cells
            result = None if cast_to is None else sender.parse(response, cast_to)
            return result if post is None else post(result)
        return self._wrap(response, _parser(sender, cast_to, post))

    async def _stream(
        self,
        path: str,
        *,
        cast_to: Any,
        options: CallOptions,
        body: Mapping[str, Any] | None = None,
        expect_done: bool = False,
        envelope: bool = False,
        terminal: frozenset[str] | None = None,
        query: Mapping[str, object] | None = None,
        files: tuple[str, ...] | None = None,
        method: str = "POST",
    ) -> Any:
        """Send a streamed call; the result is an :class:`AsyncStream` in parsed mode.

        ``expect_done``: the stream ends with a ``[DONE]`` event (chat and
        legacy completions); the others end at their last event.
        ``envelope``, ``terminal``: see :class:`AsyncStream`.
        """
        response = await self._send(
            method,
            path,
            body=body,
            query=query,
            options=options,
            headers={"Accept": "text/event-stream"},
            stream=True,
            files=files,
        )
        strict = self._client._strict

        def parse(http_response: httpx.Response) -> AsyncStream[Any]:
            return AsyncStream(
                cast_to=cast_to,
                response=http_response,
                expect_done=expect_done,
                strict=strict,
                envelope=envelope,
                terminal=terminal,
            )

        if self._mode == "parsed":
            return parse(response)

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
        files: tuple[str, ...] | None = None,
    ) -> Any:
        """Send a call whose answer is bytes: a :class:`BinaryResponseContent` in parsed mode."""
        response = await self._send(
            method,
            path,
            body=body,
            query=query,
            options=options,
            headers={"Accept": accept},
            files=files,
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
        method: str = "GET",
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        """A list call: an :class:`AsyncPaginator` in parsed mode, else the first page's response.

        Each page repeats the call with the page's cursor in the query (a
        ``POST`` list, such as a vector store search, sends ``body`` each time).
        """
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
                method,
                path,
                cast_to=page,
                body=body,
                query=params,
                options=options,
                post=bind(params),
            )

        if self._mode != "parsed":
            return self._request(
                method,
                path,
                cast_to=page,
                body=body,
                query=params,
                options=options,
                post=bind(params),
            )
        return AsyncPaginator[Any, _PageT](fetch, params, nursery)


def _parser(
    sender: RequestSender, cast_to: Any, post: Callable[[Any], Any] | None
) -> Callable[[httpx.Response], Any]:
    """``parse()`` of a raw or streaming response to a JSON call."""

    def parse(http_response: httpx.Response) -> Any:
        result = None if cast_to is None else sender.parse(http_response, cast_to)
        return result if post is None else post(result)

    return parse


async def _multipart(body: Mapping[str, Any], files: tuple[str, ...]) -> MultipartEncoder:
    fields = {key: value for key, value in body.items() if key not in files}
    parts: list[FilePart] = []
    for name in files:
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, list):
            for item in cast("list[FileTypes]", value):
                parts.append(await to_file_part(name + "[]", item))
        else:
            parts.append(await to_file_part(name, value))
    return MultipartEncoder(flatten_form(fields), parts)


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
