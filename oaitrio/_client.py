"""``AsyncOpenAI``: options, lifecycle, and the resources hung off it.

A client owns a :class:`actors.http.ConnectionPool` (unless given an
``http_client``) and, while it is entered with ``async with``, a nursery that
hosts its actors (today the pool's idle-connection reaper). Leaving the block
cancels those actors and closes every connection. A client used without
``async with`` still works, with expired idle connections closed lazily;
``await client.close()`` then releases the connections.

Copies made by :meth:`AsyncOpenAI.with_options` share the original's pool and
are closed with it.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import httpx
import trio

from actors._groups import unwrapped_groups
from actors.http import ConnectionPool, PoolLimits, RateLimitHeaders
from protocols.errors import OpenAIError
from protocols.retry import DefaultRetryPolicy, RetryPolicy

from ._base_client import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    RequestSender,
)
from ._resource import CustomRequests, RequestFiles
from ._streaming import AsyncStream
from ._types import NOT_GIVEN, NotGiven, Omit, RequestOptions
from ._version import __version__
from .resources import AsyncResources

if TYPE_CHECKING:
    from .lib.webhooks import AsyncWebhooks
    from .pagination import AsyncPaginator, BasePage

__all__ = ["AsyncOpenAI", "DefaultAsyncHttpxClient"]

ApiKey = str | Callable[[], Awaitable[str]]

_T = TypeVar("_T")
_PageT = TypeVar("_PageT", bound="BasePage[Any]")
_StreamT = TypeVar("_StreamT", bound=AsyncStream[Any])

if TYPE_CHECKING:
    # To a type checker it is httpx.AsyncClient itself, so editors show its
    # whole signature (as the official SDK does).
    DefaultAsyncHttpxClient = httpx.AsyncClient
else:
    # The official SDK's limits for an httpx pool. oaitrio's own pool keeps
    # every connection it may open for reuse (DEFAULT_CONNECTION_LIMITS: a
    # fan-out at hundreds in flight reconnects otherwise); an httpx client
    # made to stand in for the SDK's keeps what the SDK's keeps.
    _SDK_HTTPX_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)

    class DefaultAsyncHttpxClient(httpx.AsyncClient):
        """An ``httpx.AsyncClient`` with the official SDK's defaults, for ``http_client=``.

        A plain ``httpx.AsyncClient(...)`` has httpx's own defaults (a 5 s
        timeout, 100 connections, no redirects); this one starts from the
        SDK's: a 600 s timeout (5 s to connect), 1000 connections (100 kept
        alive), redirects followed. Any argument given replaces its default:
        ``DefaultAsyncHttpxClient(proxy=..., transport=...)``.
        """

        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
            kwargs.setdefault("limits", _SDK_HTTPX_LIMITS)
            kwargs.setdefault("follow_redirects", True)
            super().__init__(**kwargs)


class AsyncOpenAI(AsyncResources):
    """The trio client for the OpenAI API.

    Args:
        api_key: a key, or an async callable returning one (called before each
            request, for short-lived credentials). Default: ``OPENAI_API_KEY``.
        organization: default ``OPENAI_ORG_ID``; sent as ``OpenAI-Organization``.
        project: default ``OPENAI_PROJECT_ID``; sent as ``OpenAI-Project``.
        webhook_secret: default ``OPENAI_WEBHOOK_SECRET``.
        base_url: default ``OPENAI_BASE_URL``, else ``https://api.openai.com/v1``.
        websocket_base_url: base URL of realtime websocket connections.
        timeout: per attempt: a float (seconds) or an ``httpx.Timeout`` with
            connect, read (between chunks), write and pool parts. Default 600 s,
            connect 5 s.
        max_retries: retries after the first attempt (default 2).
        default_headers: headers sent with every request; ``omit`` removes one.
        default_query: query parameters sent with every request.
        http_client: an ``httpx.AsyncClient`` to send requests through instead of
            oaitrio's own connection pool (slower; for custom transports, see
            :class:`DefaultAsyncHttpxClient`). Closed when this client closes,
            as in the official SDK.
        retry_policy: replaces the built-in :class:`DefaultRetryPolicy`.
        total_timeout: opt-in deadline in seconds for a whole call, all retries
            included (until the response head, for streams).
        connection_limits: limits of the built-in pool.

    Raises:
        OpenAIError: no API key was given and ``OPENAI_API_KEY`` is not set.
    """

    def __init__(
        self,
        *,
        api_key: ApiKey | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
        base_url: str | httpx.URL | None = None,
        websocket_base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str | Omit] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.AsyncClient | None = None,
        retry_policy: RetryPolicy | None = None,
        total_timeout: float | None = None,
        connection_limits: PoolLimits | None = None,
        _strict_response_validation: bool = False,
        _pool: ConnectionPool | None = None,
        _owns_http_client: bool = True,
    ) -> None:
        if api_key is None:
            api_key = os.environ.get("OPENAI_API_KEY")
        if not api_key:
            raise OpenAIError(
                "The api_key client option must be set either by passing api_key to the client "
                "or by setting the OPENAI_API_KEY environment variable"
            )
        self.api_key: str = "" if callable(api_key) else api_key
        self._api_key_provider = api_key if callable(api_key) else None
        # An empty string given outright means "none", without looking at the
        # environment (``copy(organization=omit)`` relies on it).
        self.organization = (
            organization if organization is not None else os.environ.get("OPENAI_ORG_ID")
        ) or None
        self.project = (
            project if project is not None else os.environ.get("OPENAI_PROJECT_ID")
        ) or None
        self.webhook_secret = (
            webhook_secret
            if webhook_secret is not None
            else os.environ.get("OPENAI_WEBHOOK_SECRET")
        ) or None
        if base_url is None:
            base_url = os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        self.base_url = httpx.URL(str(base_url).rstrip("/") + "/")
        self.websocket_base_url = websocket_base_url
        self.timeout: float | httpx.Timeout | None = (
            DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout
        )
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {max_retries}")
        self.max_retries = max_retries
        self._custom_headers = dict(default_headers or {})
        self._custom_query = dict(default_query or {})
        self._retry_policy = retry_policy
        self.total_timeout = total_timeout
        self._strict = _strict_response_validation
        self._http_client = http_client
        # As in the official SDK, closing the client closes the http_client it
        # was given (the README's DefaultAsyncHttpxClient(...) is never closed
        # otherwise); a with_options copy that inherits it does not.
        self._owns_http_client = http_client is not None and _owns_http_client
        if http_client is not None:
            self._pool: ConnectionPool | None = None
            self._owns_pool = False
        elif _pool is not None:
            self._pool = _pool
            self._owns_pool = False
        else:
            self._pool = ConnectionPool(limits=connection_limits)
            self._owns_pool = True
        self._connection_limits = connection_limits
        self._nursery_manager: Any = None
        self._nursery: trio.Nursery | None = None
        self._sender = self._make_sender()

    # -- options ----------------------------------------------------------------

    @property
    def default_headers(self) -> dict[str, str | Omit]:
        headers: dict[str, str | Omit] = {
            "Accept": "application/json",
            "User-Agent": f"oaitrio/{__version__} (Python {platform.python_version()})",
            "X-Stainless-Lang": "python",
            "X-Stainless-Package-Version": __version__,
            "X-Stainless-Runtime": platform.python_implementation(),
            "X-Stainless-Async": "trio",
        }
        if self.organization:
            headers["OpenAI-Organization"] = self.organization
        if self.project:
            headers["OpenAI-Project"] = self.project
        headers.update(self._custom_headers)
        return headers

    @property
    def default_query(self) -> dict[str, object]:
        return dict(self._custom_query)

    @property
    def rate_limits(self) -> RateLimitHeaders | None:
        """The latest ``x-ratelimit-*`` headers the API sent (built-in pool only)."""
        return self._pool.rate_limits if self._pool is not None else None

    def _make_sender(self) -> RequestSender:
        base_headers = [
            (name.encode("latin-1"), value.encode("utf-8"))
            for name, value in self.default_headers.items()
            if not isinstance(value, Omit)
        ]
        policy = self._retry_policy
        if policy is None:
            policy = DefaultRetryPolicy(max_retries=self.max_retries)
        sender = RequestSender(
            base_url=str(self.base_url),
            base_headers=base_headers,
            default_query=self._custom_query,
            timeout=self.timeout,
            retry_policy=policy,
            pool=self._pool,
            http_client=self._http_client,
            total_timeout=self.total_timeout,
            strict=self._strict,
            redact_secret=self.api_key or None,
        )
        if self.api_key and "Authorization" not in self._custom_headers:
            sender.set_auth((b"Authorization", b"Bearer " + self.api_key.encode("utf-8")))
        return sender

    async def _refresh_api_key(self) -> None:
        """Ask the api_key callable for a fresh key, if the client was given one."""
        if self._api_key_provider is None:
            return
        key = await self._api_key_provider()
        if not isinstance(key, str) or not key:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise OpenAIError("the api_key callable must return a non-empty str")
        self.api_key = key
        self._sender._redact_secret = key
        if "Authorization" not in self._custom_headers:
            self._sender.set_auth((b"Authorization", b"Bearer " + key.encode("utf-8")))

    def copy(
        self,
        *,
        api_key: ApiKey | None = None,
        organization: str | Omit | None = None,
        project: str | Omit | None = None,
        webhook_secret: str | Omit | None = None,
        base_url: str | httpx.URL | None = None,
        websocket_base_url: str | httpx.URL | Omit | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str | Omit] | None = None,
        set_default_headers: Mapping[str, str | Omit] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        http_client: httpx.AsyncClient | None = None,
        retry_policy: RetryPolicy | Omit | None = None,
        total_timeout: float | NotGiven | None = NOT_GIVEN,
    ) -> AsyncOpenAI:
        """A new client with some options changed, sharing this one's connections.

        As in the official SDK, an option left at ``None`` keeps this client's
        value. ``omit`` clears one (``organization=omit`` sends no
        ``OpenAI-Organization`` header, ``retry_policy=omit`` goes back to the
        default policy); ``total_timeout=None`` removes the total deadline.
        ``default_headers``/``default_query`` are merged into this client's;
        ``set_default_headers``/``set_default_query`` replace them.
        """
        if default_headers is not None and set_default_headers is not None:
            raise ValueError("pass default_headers or set_default_headers, not both")
        if default_query is not None and set_default_query is not None:
            raise ValueError("pass default_query or set_default_query, not both")
        headers = (
            dict(set_default_headers)
            if set_default_headers is not None
            else {
                **self._custom_headers,
                **(default_headers or {}),
            }
        )
        query = (
            dict(set_default_query)
            if set_default_query is not None
            else {
                **self._custom_query,
                **(default_query or {}),
            }
        )
        same_transport = http_client is None
        return type(self)(
            api_key=api_key or self._api_key_provider or self.api_key,
            organization=_kept(organization, self.organization) or "",
            project=_kept(project, self.project) or "",
            webhook_secret=_kept(webhook_secret, self.webhook_secret) or "",
            base_url=base_url or self.base_url,
            websocket_base_url=_kept(websocket_base_url, self.websocket_base_url),
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            default_headers=headers,
            default_query=query,
            http_client=http_client or (self._http_client if same_transport else None),
            retry_policy=_kept(retry_policy, self._retry_policy),
            total_timeout=self.total_timeout
            if isinstance(total_timeout, NotGiven)
            else total_timeout,
            _strict_response_validation=self._strict,
            _pool=self._pool if same_transport else None,
            _owns_http_client=not same_transport,
        )

    with_options = copy

    def __repr__(self) -> str:
        # Never the key: reprs end up in logs and tracebacks.
        return f"AsyncOpenAI(base_url={str(self.base_url)!r}, organization={self.organization!r}, project={self.project!r})"

    # -- lifecycle ----------------------------------------------------------------

    async def __aenter__(self) -> AsyncOpenAI:
        if self._nursery is not None:
            raise RuntimeError("this client is already entered; enter it once")
        manager = trio.open_nursery()
        nursery = await manager.__aenter__()
        try:
            if self._owns_pool and self._pool is not None:
                await nursery.start(self._pool.run)
        except BaseException:
            nursery.cancel_scope.cancel()
            with unwrapped_groups():
                await manager.__aexit__(None, None, None)
            raise
        self._nursery_manager = manager
        self._nursery = nursery
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        manager, nursery = self._nursery_manager, self._nursery
        self._nursery_manager = self._nursery = None
        try:
            if nursery is not None:
                nursery.cancel_scope.cancel()
                # The block's own exception is not fed to the nursery: it would
                # come out wrapped in an ExceptionGroup. It propagates as itself,
                # and a failure of the client's actors leaves by the one policy.
                with unwrapped_groups():
                    await manager.__aexit__(None, None, None)
        finally:
            await self.close()

    async def close(self) -> None:
        """Close every connection this client owns, and an ``http_client`` it was given. Idempotent."""
        try:
            if self._owns_pool and self._pool is not None:
                await self._pool.aclose()
        finally:
            if self._owns_http_client and self._http_client is not None:
                await self._http_client.aclose()

    # -- custom requests -------------------------------------------------------------
    #
    # The official SDK's ``client.get/post/...`` for endpoints and options the
    # typed surface does not have. Each runs in the caller's task: cancelling
    # it abandons the call and releases its connection.

    @cached_property
    def _custom(self) -> CustomRequests:
        return CustomRequests(self)

    @overload
    async def get(
        self,
        path: str,
        *,
        cast_to: type[_T],
        options: RequestOptions = ...,
        stream: Literal[False] = False,
    ) -> _T: ...

    @overload
    async def get(
        self,
        path: str,
        *,
        cast_to: type[Any],
        options: RequestOptions = ...,
        stream: Literal[True],
        stream_cls: type[_StreamT],
    ) -> _StreamT: ...

    @overload
    async def get(
        self,
        path: str,
        *,
        cast_to: type[_T],
        options: RequestOptions = ...,
        stream: bool,
        stream_cls: type[_StreamT] | None = None,
    ) -> _T | _StreamT: ...

    async def get(
        self,
        path: str,
        *,
        cast_to: type[Any],
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[Any] | None = None,
    ) -> Any:
        """``GET path`` (relative to ``base_url``), the answer decoded as ``cast_to``.

        ``cast_to=httpx.Response`` gives the response itself; ``object`` the
        JSON as plain Python values; a model type, that model. With
        ``stream=True`` the answer is an :class:`AsyncStream` (``stream_cls``,
        such as ``AsyncStream[ChatCompletionChunk]``) to use in ``async with``.
        ``options`` takes the SDK's keys (:class:`oaitrio._types.RequestOptions`).

        Raises:
            TypeError: an option oaitrio does not take, or conflicting arguments.
            APIStatusError: (a subclass per status) the API answered with an error.
            APIConnectionError: the call failed without an answer.
        """
        return await self._custom.request(
            "GET",
            path,
            cast_to=cast_to,
            options=options or {},
            stream=stream,
            stream_cls=stream_cls,
        )

    @overload
    async def post(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object | None = None,
        content: bytes | bytearray | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions = ...,
        stream: Literal[False] = False,
    ) -> _T: ...

    @overload
    async def post(
        self,
        path: str,
        *,
        cast_to: type[Any],
        body: object | None = None,
        content: bytes | bytearray | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions = ...,
        stream: Literal[True],
        stream_cls: type[_StreamT],
    ) -> _StreamT: ...

    @overload
    async def post(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object | None = None,
        content: bytes | bytearray | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions = ...,
        stream: bool,
        stream_cls: type[_StreamT] | None = None,
    ) -> _T | _StreamT: ...

    async def post(
        self,
        path: str,
        *,
        cast_to: type[Any],
        body: object | None = None,
        content: bytes | bytearray | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[Any] | None = None,
    ) -> Any:
        """``POST path`` with ``body`` as JSON (or ``content`` as is, or ``files`` as a form).

        As :meth:`get` for ``cast_to``, ``options`` and streams. ``files`` maps
        field names to files (or lists ``(name, file)`` pairs); ``body`` then
        holds the other form fields.
        """
        return await self._custom.request(
            "POST",
            path,
            cast_to=cast_to,
            body=body,
            content=content,
            files=files,
            options=options or {},
            stream=stream,
            stream_cls=stream_cls,
        )

    async def patch(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object | None = None,
        content: bytes | bytearray | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
    ) -> _T:
        """``PATCH path``; as :meth:`post`, without streams."""
        result: _T = await self._custom.request(
            "PATCH",
            path,
            cast_to=cast_to,
            body=body,
            content=content,
            files=files,
            options=options or {},
        )
        return result

    async def put(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object | None = None,
        content: bytes | bytearray | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
    ) -> _T:
        """``PUT path``; as :meth:`post`, without streams."""
        result: _T = await self._custom.request(
            "PUT",
            path,
            cast_to=cast_to,
            body=body,
            content=content,
            files=files,
            options=options or {},
        )
        return result

    async def delete(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: object | None = None,
        content: bytes | bytearray | None = None,
        options: RequestOptions | None = None,
    ) -> _T:
        """``DELETE path`` (with an optional body); as :meth:`get` for ``cast_to``."""
        result: _T = await self._custom.request(
            "DELETE",
            path,
            cast_to=cast_to,
            body=body,
            content=content,
            options=options or {},
        )
        return result

    def get_api_list(
        self,
        path: str,
        *,
        model: type[_T],
        page: type[_PageT],
        body: object | None = None,
        options: RequestOptions | None = None,
        method: str = "get",
    ) -> AsyncPaginator[_T, _PageT]:
        """A list call on ``path``: ``await`` it for the first page, ``async for`` for every item.

        ``page`` is a page class of :mod:`oaitrio.pagination` (``AsyncCursorPage``
        or ``AsyncCursorPage[Item]``), ``model`` the type of its items. Nothing
        is sent until the paginator is awaited or iterated.
        """
        return self._custom.list(
            path, model=model, page=page, body=body, options=options or {}, method=method
        )

    # -- resources --------------------------------------------------------------------

    @cached_property
    def with_raw_response(self) -> Any:
        """The same resources, returning :class:`LegacyAPIResponse` (status, headers, ``parse()``)."""
        from ._response import ResponseView

        return ResponseView(self, "raw")

    @cached_property
    def with_streaming_response(self) -> Any:
        """The same resources, as ``async with`` blocks around an unread :class:`AsyncAPIResponse`."""
        from ._response import ResponseView

        return ResponseView(self, "streaming")

    @cached_property
    def webhooks(self) -> AsyncWebhooks:
        from .lib.webhooks import AsyncWebhooks

        return AsyncWebhooks(self)


_V = TypeVar("_V")


def _kept(value: _V | Omit | None, current: _V | None) -> _V | None:
    """A :meth:`AsyncOpenAI.copy` option: ``None`` keeps ``current``, ``omit`` clears it."""
    if isinstance(value, Omit):
        return None
    return current if value is None else value
