"""ExceptionGroups at the public boundary: one policy, in this one module.

trio's nurseries always raise an ``ExceptionGroup``; a user of oaitrio should
be able to write ``except APIConnectionError`` all the same. Every block of
ours that owns a nursery (the client, the stream pumps, the fake server, the
CLI) hands its exceptions to this policy on the way out:

* nested groups are flattened to their leaves;
* ``Cancelled`` leaves are set aside when any other leaf is present: they are
  the nursery cancelling its other tasks *because of* that failure;
* exactly one real failure is raised as itself, its ``__cause__`` unchanged,
  with the group kept as its ``__context__`` (the traceback still shows where
  it travelled);
* a group of nothing but ``Cancelled`` becomes one ``Cancelled``, which the
  cancel scope that caused it then catches;
* several real failures stay the group they were: each one matters and none
  may be dropped.

``oaitrio`` imports this module (it may import ``actors``; the reverse never).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncGenerator, Generator
from typing import Any

import trio

if sys.version_info < (3, 11):  # pragma: no cover - trio depends on the backport there
    from exceptiongroup import BaseExceptionGroup

__all__ = ["leaves", "open_unwrapped_nursery", "sole_failure", "unwrapped_groups"]


def sole_failure(exc: BaseException) -> BaseException | None:
    """The exception the policy raises in place of ``exc``, or None to raise ``exc`` as it is.

    ``exc`` that is not a group is returned unchanged.
    """
    if not isinstance(exc, BaseExceptionGroup):
        return exc
    found = leaves(exc)  # pyright: ignore[reportUnknownArgumentType]
    real = [leaf for leaf in found if not isinstance(leaf, trio.Cancelled)]
    if len(real) == 1:
        return real[0]
    if not real and found:
        return found[0]
    return None


@contextlib.contextmanager
def unwrapped_groups() -> Generator[None]:
    """Apply the policy to whatever leaves the block.

    Cancellation: a group of ``Cancelled`` leaves as one ``Cancelled``, so the
    scope that cancelled the block still catches it.
    """
    try:
        yield
    except BaseExceptionGroup as group:
        leaf = sole_failure(group)  # pyright: ignore[reportUnknownArgumentType]
        if leaf is None:
            raise
        # Raised inside the handler: Python sets the group as the leaf's
        # __context__, and leaves its __cause__ (and whether it is shown) alone.
        raise leaf  # noqa: B904 - the group is kept on purpose, as context


@contextlib.asynccontextmanager
async def open_unwrapped_nursery() -> AsyncGenerator[trio.Nursery]:
    """``trio.open_nursery()`` whose exceptions leave by the policy above.

    Cancellation: as a trio nursery's; a cancelled block raises ``Cancelled``
    (not a group of them), caught by the scope that cancelled it.
    """
    with unwrapped_groups():
        async with trio.open_nursery() as nursery:
            yield nursery


def leaves(group: BaseExceptionGroup[Any]) -> list[BaseException]:
    """Every exception inside ``group``, nested groups flattened, in order."""
    found: list[BaseException] = []
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            found.extend(leaves(exc))  # pyright: ignore[reportUnknownArgumentType]
        else:
            found.append(exc)
    return found
