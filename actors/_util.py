"""Small helpers shared by the actors."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncGenerator
from typing import Any

import trio

if sys.version_info < (3, 11):  # pragma: no cover - trio depends on the backport there
    from exceptiongroup import BaseExceptionGroup

__all__ = ["open_unwrapped_nursery"]


@contextlib.asynccontextmanager
async def open_unwrapped_nursery() -> AsyncGenerator[trio.Nursery]:
    """A nursery that raises a lone error as itself, not in an ExceptionGroup.

    trio's nurseries always group errors; at our API boundary a user should be
    able to write ``except APIConnectionError``. When exactly one exception
    (after flattening nested groups) comes out, it is re-raised bare with the
    group as its context; several distinct failures keep the group.
    """
    try:
        async with trio.open_nursery() as nursery:
            yield nursery
    except BaseExceptionGroup as group:
        leaves = _leaves(group)
        if len(leaves) == 1:
            raise leaves[0] from None
        raise


def _leaves(group: BaseExceptionGroup[Any]) -> list[BaseException]:
    found: list[BaseException] = []
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            found.extend(_leaves(exc))  # pyright: ignore[reportUnknownArgumentType]
        else:
            found.append(exc)
    return found
