"""Keep exception groups inside the fake server: one real error leaves as itself."""

from __future__ import annotations

import builtins
import importlib
from collections.abc import Generator
from contextlib import contextmanager
from typing import NoReturn, cast

import trio

__all__ = ["unwrap_single_exception"]

# The builtin on Python >= 3.11, trio's `exceptiongroup` dependency before.
_GROUP_TYPE = cast(
    "type[BaseException]",
    getattr(builtins, "BaseExceptionGroup", None)
    or importlib.import_module("exceptiongroup").BaseExceptionGroup,
)


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, _GROUP_TYPE):
        children = cast("tuple[BaseException, ...]", getattr(exc, "exceptions", ()))
        return [leaf for child in children for leaf in _leaves(child)]
    return [exc]


def _reraise(exc: BaseException) -> NoReturn:
    # `raise` inside an `except` block would chain the group as context.
    context = exc.__context__
    try:
        raise exc
    finally:
        exc.__context__ = context


@contextmanager
def unwrap_single_exception() -> Generator[None, None, None]:
    """Turn a group holding one real error into that error.

    ``Cancelled`` leaves are set aside when a real error is present (the
    nursery cancelled its other tasks because of it); a group of nothing but
    ``Cancelled`` becomes one ``Cancelled``, which its cancel scope catches.
    Groups with several real errors pass through unchanged.
    """
    try:
        yield
    except BaseException as exc:
        if not isinstance(exc, _GROUP_TYPE):
            raise
        leaves = _leaves(exc)
        real = [leaf for leaf in leaves if not isinstance(leaf, trio.Cancelled)]
        if len(real) == 1:
            _reraise(real[0])
        if not real and leaves:
            _reraise(leaves[0])
        raise
