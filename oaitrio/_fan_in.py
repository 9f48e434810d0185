"""``oaitrio.open_fan_in``: merge several streams into one, tagged by index."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import TypeVar

from actors.sse import open_fan_in as _open_fan_in

from ._streaming import AsyncStream

__all__ = ["open_fan_in"]

_T = TypeVar("_T")


def open_fan_in(
    streams: Sequence[AsyncStream[_T]], *, max_buffered: int = 16
) -> contextlib.AbstractAsyncContextManager[AsyncIterator[tuple[int, _T]]]:
    """Read several streams at once; iterate ``(index, chunk)`` as chunks arrive.

    ``async with oaitrio.open_fan_in([s1, s2]) as merged: async for i, chunk in merged``.
    One pump actor per stream reads ahead into a shared channel holding at most
    ``max_buffered`` batches; chunks of one stream keep their order. The first
    error of any stream cancels the rest and is raised from the block as
    itself. Leaving the block closes every stream.
    """
    return _open_fan_in(streams, max_buffered=max_buffered)
