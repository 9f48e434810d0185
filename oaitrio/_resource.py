"""The base of every resource: typed helpers over the client's request path."""

from __future__ import annotations

import functools
import re
import urllib.parse
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast, get_args, get_origin

import httpx
import trio
from typing_extensions import Self

from protocols.errors import APIResponseValidationError
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

__all__ = [
    "AsyncAPIResource",
    "CallOptions",
    "CustomRequests",
    "RequestFiles",
    "header_value",
    "path_param",
]

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
        content: bytes | None = None,
        multipart: MultipartEncoder | None = None,
        json: object | None = None,
    ) -> httpx.Response:
        """Send one call (``json``: a body that is not a mapping, sent as it is)."""
        client = self._client
        if client._api_key_provider is not None:
            await client._refresh_api_key()
        if headers and options.headers:
            headers = {**headers, **options.headers}
        fields = _with_extra(body, options.body)
        payload: object | None = fields if json is None else json
        if files is not None:
            multipart = await _multipart(fields or {}, files)
            payload = None
        return await client._sender.send(
            method,
            path,
            body=payload,
            content=content,
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


#: What ``options=`` of a custom request takes: the official SDK's ``RequestOptions``
#: keys that mean something here.
_REQUEST_OPTIONS = ("extra_json", "headers", "idempotency_key", "max_retries", "params", "timeout")
#: The names the generated methods use for the same things.
_RENAMED_OPTIONS = {"extra_headers": "headers", "extra_query": "params", "extra_body": "extra_json"}

RequestFiles = Mapping[str, FileTypes] | Sequence[tuple[str, FileTypes]]
"""``files=`` of a custom request: field name to file, or (name, file) pairs."""


class CustomRequests(AsyncAPIResource):
    """Calls to any path, as the official SDK's ``client.get``/``post``/... make them.

    The client's options (base URL, headers, retries, timeout) apply as for a
    generated method; ``options`` adds per-call ones with the SDK's keys.
    """

    def _resource(self, options: Mapping[str, object]) -> tuple[CustomRequests, CallOptions]:
        """The resource to send through (a copy for ``max_retries``) and the call's options."""
        unknown = sorted(set(options) - set(_REQUEST_OPTIONS))
        if unknown:
            hints = [
                f"{name!r} (write {_RENAMED_OPTIONS[name]!r})"
                if name in _RENAMED_OPTIONS
                else repr(name)
                for name in unknown
            ]
            raise TypeError(
                f"unsupported request option(s) {', '.join(hints)}; "
                f"options takes {', '.join(map(repr, _REQUEST_OPTIONS))}"
            )
        headers = cast("Mapping[str, str | Omit] | None", options.get("headers"))
        key = options.get("idempotency_key")
        if key is not None:
            headers = {**(headers or {}), "Idempotency-Key": str(key)}
        call = CallOptions(
            extra_headers=headers,
            extra_query=cast("Mapping[str, object] | None", options.get("params")),
            extra_body=cast("Mapping[str, object] | None", options.get("extra_json")),
            timeout=cast("TimeoutArg", options.get("timeout", NOT_GIVEN)),
        )
        retries = options.get("max_retries")
        if retries is None:
            return self, call
        if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
            raise ValueError(f"max_retries must be an int, 0 or more, not {retries!r}")
        client = self._client
        policy: Any = client._retry_policy
        if policy is not None and hasattr(policy, "with_max_retries"):
            # A DefaultRetryPolicy of the user's (other delays): keep it, with n retries.
            return CustomRequests(
                client.with_options(retry_policy=policy.with_max_retries(retries))
            ), call
        # Another policy of the user's decides for itself, max_retries or not.
        return CustomRequests(client.with_options(max_retries=retries)), call

    async def request(
        self,
        method: str,
        path: str,
        *,
        cast_to: Any,
        body: object | None = None,
        content: bytes | bytearray | None = None,
        files: RequestFiles | None = None,
        options: Mapping[str, object],
        stream: bool = False,
        stream_cls: Any = None,
    ) -> Any:
        """Send ``method path`` and return the answer as ``cast_to`` says.

        ``cast_to``: ``httpx.Response`` (the response itself, read unless
        ``stream``), ``str``, ``bytes``, ``None``, :class:`BinaryResponseContent`,
        or any type the JSON answer is decoded into (``object`` for plain
        Python values, a response model, ...). With ``stream=True`` the answer
        is an :class:`AsyncStream` (or ``stream_cls``) of ``cast_to`` items,
        unless ``cast_to`` is ``httpx.Response``; either way the caller closes it.

        Cancellation abandons the call and releases its connection.

        Raises:
            TypeError: conflicting or unsupported arguments (named in the message).
            ValueError: ``path`` is an absolute URL.
            APIStatusError, APIConnectionError: as for any call.
        """
        path = _custom_path(path)
        stream_type: type[AsyncStream[Any]] | None = None
        item: Any = None
        if stream:  # checked before anything is sent
            stream_type, item = _stream_type(stream_cls, cast_to)
        if body is not None and content is not None:
            raise TypeError("Passing both `body` and `content` is not supported")
        if files is not None and content is not None:
            raise TypeError("Passing both `files` and `content` is not supported")
        if isinstance(body, (bytes, bytearray)):
            warnings.warn(
                "Passing raw bytes as `body` is deprecated; pass them as `content`",
                DeprecationWarning,
                stacklevel=3,
            )
            body, content = None, body
        if content is not None and not isinstance(content, (bytes, bytearray)):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(
                f"content must be bytes here, not {type(content).__name__}: read it first"
            )
        resource, call = self._resource(options)
        fields: Mapping[str, Any] | None = None
        other: object | None = None
        if isinstance(body, Mapping):
            fields = cast("Mapping[str, Any]", body)
        elif body is not None:
            other = body
        if other is not None and call.body:
            raise TypeError("extra_json needs a mapping body to merge into")
        multipart = None
        if files is not None:
            if other is not None:
                raise TypeError("files need a mapping body (the other form fields), or none")
            pairs = list(files.items()) if isinstance(files, Mapping) else list(files)
            parts = [await to_file_part(name, value) for name, value in pairs]
            form = _with_extra(fields, call.body) or {}
            multipart = MultipartEncoder(flatten_form(form), parts)
            fields, call.body = None, None
        response = await resource._send(
            method.upper(),
            path,
            body=fields,
            json=other,
            content=bytes(content) if content is not None else None,
            multipart=multipart,
            query=None,
            options=call,
            stream=stream,
        )
        if stream_type is not None:
            if cast_to is httpx.Response:
                return response
            try:
                # Not every endpoint ends its stream with [DONE]: end at it, or at the body's end.
                return stream_type(
                    cast_to=item, response=response, expect_done=False, strict=self._client._strict
                )
            except BaseException:
                with trio.CancelScope(shield=True):
                    await response.aclose()
                raise
        return _cast_response(self._client._sender, response, cast_to, self._client._strict)

    def list(
        self,
        path: str,
        *,
        model: Any,
        page: Any,
        body: object | None = None,
        options: Mapping[str, object],
        method: str = "get",
    ) -> AsyncPaginator[Any, Any]:
        """An :class:`AsyncPaginator` over ``path``, pages of ``page`` holding ``model`` items."""
        resource, call = self._resource(options)
        if body is not None and not isinstance(body, Mapping):
            raise TypeError(f"a list call's body must be a mapping, not {type(body).__name__}")
        page_type = page if get_args(page) else page[model]
        params = call.query or {}
        call.query = None
        result: AsyncPaginator[Any, Any] = resource._list(
            _custom_path(path),
            page=page_type,
            query=params,
            options=call,
            method=method.upper(),
            body=cast("Mapping[str, Any] | None", body),
        )
        return result


# A scheme and an authority (``https://host``), or an authority alone (``//host``);
# ``ft:model`` is a relative path with a colon in it, not a URL.
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|//")


def _custom_path(path: str) -> str:
    """``path`` as the request path takes it (relative to the base URL, ``/``-led)."""
    if not isinstance(path, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"path must be a str, not {type(path).__name__}")
    if _ABSOLUTE.match(path):
        # Not echoed: a URL may carry credentials.
        raise ValueError(
            "custom requests take a path relative to the client's base_url, not an absolute "
            "URL; use client.with_options(base_url=...) for another host"
        )
    return path if path.startswith("/") else "/" + path


def _cast_response(
    sender: RequestSender, response: httpx.Response, cast_to: Any, strict: bool
) -> Any:
    """A read response as ``cast_to``, as the official SDK casts a custom call's answer."""
    result: Any
    if cast_to is httpx.Response:
        return response
    if cast_to is None or cast_to is type(None):
        return None
    if cast_to is str:
        return response.text
    if cast_to is bytes:
        return response.content
    if isinstance(cast_to, type) and issubclass(cast_to, BinaryResponseContent):
        return cast_to(response)
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if not media_type.endswith("json"):
        # The SDK's rule: an answer that is not JSON is handed over as text.
        if strict:
            raise APIResponseValidationError(
                response,
                response.text,
                message=f"expected a JSON response, got content-type {media_type!r}",
            )
        return response.text
    result = sender.parse(response, cast("Any", cast_to))
    return result


def _stream_type(stream_cls: Any, cast_to: Any) -> tuple[type[AsyncStream[Any]], Any]:
    """The stream class to build and its item type: ``stream_cls`` (``AsyncStream[Item]``), else ``AsyncStream`` of ``cast_to``."""
    stream_type: Any = AsyncStream if stream_cls is None else get_origin(stream_cls) or stream_cls
    if not (isinstance(stream_type, type) and issubclass(stream_type, AsyncStream)):
        raise TypeError(f"stream_cls must be AsyncStream or a subclass, not {stream_cls!r}")
    args = get_args(stream_cls) if stream_cls is not None else ()
    return cast("type[AsyncStream[Any]]", stream_type), args[0] if args else cast_to


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
