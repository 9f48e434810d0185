"""List endpoints: pages, and auto-iteration across them.

``client.models.list()`` returns an :class:`AsyncPaginator` without sending
anything. Awaiting it fetches the first page; ``async for`` over it yields
every item of every page, fetching the next page when the current one runs
out. A cursor page that comes back empty but says ``has_more`` (with a
``last_id``) is followed, not taken for the end.

Inside ``async with client:``, auto-iteration fetches the next page while the
caller reads the current one (one page ahead, never more), in a prefetch task
of the client's nursery (see :mod:`actors.prefetch`). Without the block, pages
are fetched one after the other in the caller's task.

An iteration left early (``async for item in client.files.list(): break``, the
way to find one item) stops its prefetch at once: the request in flight is
cancelled and its connection closed, instead of running on until its read
timeout. ``await iterator.aclose()`` (or ``contextlib.aclosing``) does it
deterministically; an iterator that is simply dropped does it when CPython
frees it, which for the ``break`` idiom is the moment the loop is left.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import Any, Generic, Optional, TypeVar, cast

import httpx
import msgspec
import trio

from actors.prefetch import Prefetch

from ._types import NOT_GIVEN, NotGiven

__all__ = [
    "AsyncConversationCursorPage",
    "AsyncNextCursorPage",
    "AsyncCursorPage",
    "AsyncPage",
    "AsyncPaginator",
    "BasePage",
    "PageInfo",
]

_T = TypeVar("_T")
_PageT = TypeVar("_PageT", bound="BasePage[Any]")

Fetch = Callable[[Mapping[str, object]], Awaitable[_PageT]]


class PageInfo:
    """How the next page is asked for, as the official SDK's ``next_page_info()`` gives it.

    The pages here always say it with query ``params`` (``{"after": cursor}``);
    ``url`` and ``json`` are kept for code written against the SDK's class.
    """

    url: httpx.URL | NotGiven
    params: Mapping[str, object] | NotGiven
    json: object | NotGiven

    def __init__(
        self,
        *,
        url: httpx.URL | NotGiven = NOT_GIVEN,
        json: object | NotGiven = NOT_GIVEN,
        params: Mapping[str, object] | NotGiven = NOT_GIVEN,
    ) -> None:
        self.url = url
        self.json = json
        self.params = params

    def __repr__(self) -> str:
        if not isinstance(self.url, NotGiven):
            return f"{type(self).__name__}(url={self.url})"
        if not isinstance(self.json, NotGiven):
            return f"{type(self).__name__}(json={self.json})"
        return f"{type(self).__name__}(params={self.params})"


class BasePage(msgspec.Struct, Generic[_T], kw_only=True, dict=True):
    """A page of a list endpoint: its items in ``data``, and the way to the next page."""

    data: list[_T] = []

    def _bind(
        self, fetch: Fetch[Any], params: Mapping[str, object], nursery: trio.Nursery | None
    ) -> None:
        self._fetch = fetch
        self._params = dict(params)
        self._nursery = nursery

    def next_page_params(self) -> dict[str, object] | None:
        """The query for the next page, ``None`` when this is the last one."""
        return None

    def next_page_info(self) -> PageInfo | None:
        """What :meth:`get_next_page` will ask for (``PageInfo(params={'after': ...})``), or None on the last page."""
        params = self.next_page_params()
        return None if params is None else PageInfo(params=params)

    def has_next_page(self) -> bool:
        return self.next_page_params() is not None

    async def get_next_page(self: _PageT) -> _PageT:
        """Fetch the page after this one.

        Raises:
            RuntimeError: this is the last page (check :meth:`has_next_page`).
        """
        params = self.next_page_params()
        if params is None:
            raise RuntimeError("no next page; check has_next_page() before get_next_page()")
        return await self._fetch({**self._params, **params})  # type: ignore[no-any-return]

    def iter_pages(self: _PageT) -> _PageIterator[_PageT]:
        """``async for page in first.iter_pages()``: this page, then each one after it."""
        return _PageIterator(self, nursery=getattr(self, "_nursery", None))

    def __aiter__(self) -> _ItemIterator[_T]:
        """Every item of this page and of the pages after it."""
        return _ItemIterator(_PageIterator(self, nursery=getattr(self, "_nursery", None)))


class AsyncPage(BasePage[_T], Generic[_T], kw_only=True):
    """A list that comes in one page (``models.list``)."""

    object: str = "list"


class AsyncCursorPage(BasePage[_T], Generic[_T], kw_only=True):
    """A page of a list paginated with ``after`` cursors and ``has_more``."""

    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None

    def next_page_params(self) -> dict[str, object] | None:
        if not self.has_more:
            return None
        if self.data:
            last: Any = self.data[-1]
            if isinstance(last, dict):
                cursor: Any = cast("dict[str, Any]", last).get("id")
            else:
                cursor = getattr(last, "id", None)
            if cursor is None:
                cursor = self.last_id
        else:
            # An empty page can still have more after it: follow its cursor.
            cursor = self.last_id
        return None if cursor is None else {"after": cursor}


class AsyncConversationCursorPage(BasePage[_T], Generic[_T], kw_only=True):
    """A page of a conversation's items: the next page starts after ``last_id``."""

    has_more: Optional[bool] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None

    def next_page_params(self) -> dict[str, object] | None:
        if not self.has_more or not self.last_id:
            return None
        return {"after": self.last_id}


class AsyncNextCursorPage(BasePage[_T], Generic[_T], kw_only=True):
    """A page whose answer names the next page's cursor in ``next``."""

    has_more: Optional[bool] = None
    next: Optional[str] = None

    def next_page_params(self) -> dict[str, object] | None:
        if not self.has_more or not self.next:
            return None
        return {"after": self.next}


class _PageIterator(Generic[_PageT]):
    """Pages in order; with a nursery, each next page is fetched while this one is read."""

    def __init__(
        self,
        first: _PageT | None,
        paginator: AsyncPaginator[Any, _PageT] | None = None,
        nursery: trio.Nursery | None = None,
    ) -> None:
        self._page = first
        self._paginator = paginator
        self._nursery = nursery
        self._started = False
        self._closed = False
        self._next: Prefetch[_PageT] | None = None
        self._token: trio.lowlevel.TrioToken | None = None

    def __aiter__(self) -> _PageIterator[_PageT]:
        return self

    async def aclose(self) -> None:
        """Stop the iteration: cancel the page prefetch, if one runs. Idempotent.

        Cancellation: nothing to wait for; the prefetch is cancelled synchronously
        and its request's connection closed by the pool.
        """
        self._stop()
        await trio.lowlevel.checkpoint()

    def _stop(self) -> None:
        self._closed = True
        prefetch, self._next = self._next, None
        if prefetch is not None:
            prefetch.cancel()

    def __del__(self) -> None:
        # STYLE says no cleanup by garbage collection, and this is not cleanup:
        # the prefetch task belongs to the client's nursery, which bounds it
        # whatever happens here. But an ``async for ...: break`` gives us no
        # other signal, and without one the abandoned request would run until
        # its read timeout (up to 600 s) holding a connection. CPython frees
        # the iterator at the ``break`` itself (reference counting, not the
        # cycle collector), so in practice this runs right there. It only
        # cancels a cancel scope: synchronous, no I/O, no await. It does so
        # only from the trio run that started the prefetch (a collector pass
        # in another thread leaves it to the client's nursery).
        # getattr: __init__ may not have run to its end.
        if getattr(self, "_next", None) is None or getattr(self, "_token", None) is None:
            return
        try:
            same_run = trio.lowlevel.current_trio_token() is self._token
        except RuntimeError:
            same_run = False
        if same_run:
            self._stop()

    async def __anext__(self) -> _PageT:
        if self._closed:
            raise StopAsyncIteration
        if self._page is None:
            if self._paginator is None:
                raise StopAsyncIteration
            self._page = await self._paginator
            self._paginator = None
        elif not self._started:
            pass
        elif self._next is not None:
            self._page, self._next = await self._next.get(), None
        elif self._page.has_next_page():
            self._page = await self._page.get_next_page()
        else:
            raise StopAsyncIteration
        self._started = True
        page = self._page
        if self._nursery is not None and page.has_next_page():
            if self._token is None:
                self._token = trio.lowlevel.current_trio_token()
            self._next = Prefetch(self._nursery, page.get_next_page)
        return page


class _ItemIterator(Generic[_T]):
    def __init__(self, pages: _PageIterator[Any]) -> None:
        self._pages = pages
        self._items: list[_T] = []
        self._index = 0

    def __aiter__(self) -> _ItemIterator[_T]:
        return self

    async def aclose(self) -> None:
        """Stop the iteration: cancel the page prefetch, if one runs. Idempotent."""
        self._items = []
        self._index = 0
        await self._pages.aclose()

    async def __anext__(self) -> _T:
        while self._index >= len(self._items):
            page = await self._pages.__anext__()
            self._items = page.data
            self._index = 0
        item = self._items[self._index]
        self._index += 1
        return item


class AsyncPaginator(Generic[_T, _PageT]):
    """The un-awaited result of a list call.

    ``await paginator`` gives the first page; ``async for item in paginator``
    gives every item across pages. Nothing is sent until one of them starts.
    """

    def __init__(
        self,
        fetch: Fetch[_PageT],
        params: Mapping[str, object],
        nursery: trio.Nursery | None = None,
    ) -> None:
        self._fetch = fetch
        self._params = dict(params)
        self._nursery = nursery

    async def _first_page(self) -> _PageT:
        page = await self._fetch(self._params)
        return page

    def __await__(self) -> Generator[Any, None, _PageT]:
        return self._first_page().__await__()

    def __aiter__(self) -> _ItemIterator[_T]:
        return _ItemIterator(_PageIterator(None, self, self._nursery))
