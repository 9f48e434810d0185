"""The one ExceptionGroup policy at the public boundary (actors/_groups.py)."""

from __future__ import annotations

import sys

import pytest
import trio
from hypothesis import given
from hypothesis import strategies as st

from actors._groups import open_unwrapped_nursery, sole_failure, unwrapped_groups

if sys.version_info < (3, 11):  # pragma: no cover
    from exceptiongroup import BaseExceptionGroup, ExceptionGroup


def _cancelled() -> trio.Cancelled:
    # trio.Cancelled has no public constructor; this is how trio builds one.
    return trio.Cancelled._create(source="explicit")  # pyright: ignore[reportPrivateUsage]


class Boom(Exception):
    pass


# A tree of exceptions: leaves are Boom(n) or Cancelled, inner nodes are groups.
_leaf = st.one_of(st.integers(0, 99).map(Boom), st.builds(_cancelled))
_tree = st.recursive(
    _leaf,
    lambda children: st.lists(children, min_size=1, max_size=4).map(
        lambda exs: BaseExceptionGroup("g", exs)
    ),
    max_leaves=12,
)


def _flatten(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for child in exc.exceptions for leaf in _flatten(child)]
    return [exc]


@given(_tree)
def test_policy_over_nested_groups(exc: BaseException) -> None:
    leaves = _flatten(exc)
    real = [leaf for leaf in leaves if not isinstance(leaf, trio.Cancelled)]
    with pytest.raises(BaseException) as info, unwrapped_groups():
        raise exc
    raised = info.value
    if not isinstance(exc, BaseExceptionGroup):
        assert raised is exc
    elif len(real) == 1:
        # One real failure leaves as itself; Cancelled siblings are set aside.
        assert raised is real[0]
        assert raised.__context__ is exc
    elif not real:
        assert isinstance(raised, trio.Cancelled)
        assert raised is leaves[0]
    else:
        # A real multi-failure stays the group, nothing dropped.
        assert raised is exc
    if isinstance(exc, BaseExceptionGroup):
        assert sole_failure(exc) is (None if raised is exc else raised)
    else:
        assert sole_failure(exc) is exc


def test_a_lone_error_keeps_its_cause_and_shows_the_group_as_context() -> None:
    cause = OSError("socket")
    error = Boom(1)
    error.__cause__ = cause
    group = ExceptionGroup("g", [ExceptionGroup("inner", [error])])
    with pytest.raises(Boom) as info, unwrapped_groups():
        raise group
    assert info.value is error
    assert info.value.__cause__ is cause
    assert info.value.__context__ is group


def test_a_real_error_beside_cancelled_leaves_as_itself() -> None:
    error = Boom(2)
    group = BaseExceptionGroup("g", [_cancelled(), BaseExceptionGroup("h", [error, _cancelled()])])
    with pytest.raises(Boom) as info, unwrapped_groups():
        raise group
    assert info.value is error


async def test_a_nursery_failing_once_raises_the_error_itself() -> None:
    async def fail() -> None:
        await trio.lowlevel.checkpoint()
        raise Boom(3)

    with pytest.raises(Boom):
        async with open_unwrapped_nursery() as nursery:
            nursery.start_soon(fail)
            nursery.start_soon(trio.sleep_forever)


async def test_a_nursery_failing_twice_raises_a_group_of_both() -> None:
    async def fail(n: int) -> None:
        with trio.CancelScope(shield=True):
            await trio.lowlevel.checkpoint()
        raise Boom(n)

    with pytest.RaisesGroup(Boom, Boom):
        async with open_unwrapped_nursery() as nursery:
            nursery.start_soon(fail, 4)
            nursery.start_soon(fail, 5)


async def test_a_cancelled_block_is_caught_by_the_scope_that_cancelled_it() -> None:
    with trio.move_on_after(1) as scope:
        async with open_unwrapped_nursery() as nursery:
            nursery.start_soon(trio.sleep_forever)
            scope.cancel()
            await trio.sleep_forever()
    assert scope.cancelled_caught
