"""Small helpers shared by the actors."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncGenerator
from typing import Any

import trio

if sys.version_info < (3, 11):  # pragma: no cover - trio depends on the backport there
    from exceptiongroup import BaseExceptionGroup

__all__ = ["open_unwrapped_nursery", "sole_error"]


@contextlib.asynccontextmanager
async def open_unwrapped_nursery() -> AsyncGenerator[trio.Nursery]:
    """A nursery that raises a lone error as itself, not in an ExceptionGroup.

    trio's nurseries always group errors; at our API boundary a user should be
    able to write ``except APIConnectionError``. When exactly one exception
    (after flattening nested groups) comes out, it is re-raised bare with the
    cause it had; several distinct failures keep the group.
    """
    try:
        async with trio.open_nursery() as nursery:
            yield nursery
    except BaseExceptionGroup as group:
        leaf = sole_error(group)
        if leaf is not None:
            raise leaf from leaf.__cause__
        raise


def sole_error(group: BaseExceptionGroup[Any]) -> BaseException | None:
    """The one exception inside ``group`` (nested groups flattened), if there is one."""
    leaves = _leaves(group)
    return leaves[0] if len(leaves) == 1 else None


def _leaves(group: BaseExceptionGroup[Any]) -> list[BaseException]:
    found: list[BaseException] = []
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            found.extend(_leaves(exc))  # pyright: ignore[reportUnknownArgumentType]
        else:
            found.append(exc)
    return found
