"""The base of every wire type, and lenient decoding.

Every response type is a msgspec ``Struct`` deriving from :class:`BaseModel`,
which sets the options once: keyword-only construction, ``None``/unset fields
left out when encoding, and a ``__dict__`` so the client can attach
``_request_id`` without declaring it as a wire field.

Decoding is typed and fast first (:func:`decode`, one cached
``msgspec.json.Decoder`` per type). Unknown fields are ignored by msgspec
itself, and enum-like fields are typed ``str`` so a value the API adds later
still decodes. When the typed decode still fails (a required field missing, a
value of an unexpected type), :func:`decode` falls back to :func:`lenient`:
typed where the value fits, the raw JSON value where it does not, so the
response is never lost. ``strict=True`` turns that fallback into an error.

The generated types use two annotations of ours:

- ``OpenEnum[Literal["a", "b"]]`` is ``Literal["a", "b"]`` to a type checker
  and ``str`` to msgspec, so an enum value the API adds later still decodes.
- ``Untagged[A, B, dict[str, Any]]`` marks a union msgspec cannot decode by
  itself (two classes without a distinct tag, two kinds of list, ...). It is
  that ``Union`` to a type checker and ``Any`` to msgspec: the value stays the
  plain JSON data it was (a ``dict`` for an object), and the generator always
  lists the plain forms in the union, so the annotation does not claim more
  than the run time gives.
"""

from __future__ import annotations

import functools
import types
import typing
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, Union, get_args, get_origin

import msgspec

__all__ = ["BaseModel", "OpenEnum", "Untagged", "decode", "lenient"]

_T = TypeVar("_T")

if TYPE_CHECKING:
    from typing import Union as OpenEnum  # OpenEnum[Literal[...]] is that Literal
    from typing import Union as Untagged
else:

    class _OpenEnum:
        """``OpenEnum[Literal[...]]`` at run time: plain ``str``."""

        __slots__ = ()

        def __getitem__(self, values: object) -> type[str]:
            return str

    class _Untagged:
        """``Untagged[...]`` at run time: ``Annotated[Any, members]``.

        Inside a Struct msgspec keeps the plain JSON value; a call or stream
        whose whole answer is such a union gets the first member it fits
        (:class:`_FirstFit`).
        """

        __slots__ = ()

        def __getitem__(self, members: object) -> object:
            if not isinstance(members, tuple):
                members = (members,)
            return Annotated[Any, _Members(members)]

    OpenEnum = _OpenEnum()
    Untagged = _Untagged()


class _Members(tuple[Any, ...]):
    """The members of an ``Untagged`` union, kept in its run-time annotation."""


def _untagged_members(tp: Any) -> _Members | None:
    if get_origin(tp) is Annotated:
        for extra in tp.__metadata__:
            if isinstance(extra, _Members):
                return extra
    return None


def _first_fit(value: Any, members: tuple[Any, ...]) -> Any:
    """``value`` as the union member it fits with the most of its fields, else kept as it is.

    An answer such as a transcription in ``verbose_json`` also fits the plain
    ``json`` member (unknown fields are ignored), which would drop its
    ``words`` and ``segments``: so members are tried in order of how many of
    the object's keys they declare, and the first that converts wins (on a
    tie, the earlier member, as the spec lists them). A value that is not an
    object keeps the members' order.
    """
    candidates = [m for m in members if get_origin(m) not in (dict, list) and m is not Any]
    if isinstance(value, dict) and len(candidates) > 1:
        keys = typing.cast("dict[str, Any]", value).keys()

        def fields_present(member: Any) -> int:
            if not (isinstance(member, type) and issubclass(member, msgspec.Struct)):
                return 0
            return sum(1 for name in member.__struct_encode_fields__ if name in keys)

        # sorted() is stable: equal counts keep the spec's order.
        candidates.sort(key=fields_present, reverse=True)
    for member in candidates:
        try:
            return msgspec.convert(value, member)
        except msgspec.ValidationError:
            continue
    return typing.cast("Any", value)


class _FirstFit:
    """A decoder for a whole answer that is an ``Untagged`` union.

    ``Untagged[str]`` alone is an answer in plain text (a transcript asked for
    as ``text``, ``srt`` or ``vtt``): the body is returned as it came, even
    when it happens to parse as JSON (a transcript of ``"42"``).
    """

    __slots__ = ("_members",)

    def __init__(self, members: tuple[Any, ...]) -> None:
        self._members = members

    def decode(self, data: bytes | memoryview) -> Any:
        if self._members == (str,):
            # As httpx's ``Response.text`` (the SDK's ``cast_to=str``) decodes it.
            return bytes(data).decode("utf-8", errors="replace")
        return _first_fit(msgspec.json.decode(data), self._members)


class BaseModel(msgspec.Struct, kw_only=True, omit_defaults=True, dict=True):
    """Base of every response type.

    Mirrors the official SDK's model helpers: :meth:`to_dict`, :meth:`to_json`
    and :meth:`model_dump`.
    """

    def to_dict(self) -> dict[str, Any]:
        """The object as plain JSON-compatible Python values."""
        return msgspec.to_builtins(self)  # type: ignore[no-any-return]

    def model_dump(self) -> dict[str, Any]:
        """Alias of :meth:`to_dict`, as the official SDK's pydantic models have it."""
        return self.to_dict()

    def to_json(self, *, indent: int = 2) -> str:
        """The object as a JSON document."""
        raw = msgspec.json.encode(self)
        if indent:
            raw = msgspec.json.format(raw, indent=indent)
        return raw.decode()


@functools.lru_cache(maxsize=512)
def _decoder(tp: Any) -> msgspec.json.Decoder[Any] | _FirstFit:
    members = _untagged_members(tp)
    if members is not None:
        return _FirstFit(members)
    return msgspec.json.Decoder(tp)


def decode(data: bytes | memoryview, tp: type[_T], *, strict: bool = False) -> _T:
    """Decode JSON ``data`` into ``tp``, falling back to :func:`lenient`.

    Raises:
        msgspec.DecodeError: ``data`` is not JSON at all.
        msgspec.ValidationError: ``strict`` is set and the JSON does not fit ``tp``.
    """
    try:
        return _decoder(tp).decode(data)  # type: ignore[no-any-return]
    except msgspec.ValidationError:
        if strict:
            raise
    return lenient(msgspec.json.decode(data), tp)  # type: ignore[no-any-return]


def lenient(value: Any, tp: Any) -> Any:
    """Convert a raw JSON value to ``tp`` as far as it fits.

    Struct fields that are missing become ``None``; a field whose value does not
    fit its type keeps the raw value; anything else is converted by msgspec.
    """
    try:
        return msgspec.convert(value, tp)
    except msgspec.ValidationError:
        pass
    origin = get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct) and isinstance(value, dict):
        return _lenient_struct(typing.cast("dict[str, Any]", value), tp)
    if isinstance(origin, type) and issubclass(origin, msgspec.Struct) and isinstance(value, dict):
        # A generic page (``AsyncCursorPage[Item]``): its items as loosely as the rest.
        return _lenient_struct(typing.cast("dict[str, Any]", value), origin, get_args(tp))
    if origin in (Union, types.UnionType):
        for arg in get_args(tp):
            if arg is type(None):
                continue
            try:
                return msgspec.convert(value, arg)
            except msgspec.ValidationError:
                continue
        if isinstance(value, dict):
            fields = typing.cast("dict[str, Any]", value)
            member = _struct_for(fields, get_args(tp))
            if member is not None:
                return _lenient_struct(fields, member)
        return typing.cast("Any", value)
    if origin is list and isinstance(value, list):
        (item_type,) = get_args(tp) or (Any,)
        return [lenient(item, item_type) for item in typing.cast("list[Any]", value)]
    return value


def _struct_for(value: dict[str, Any], members: tuple[Any, ...]) -> type[msgspec.Struct] | None:
    """The union member a JSON object claims to be by its tag, or None (keep it raw).

    An object whose tag names no member (a variant the API added later) has
    no member to fit, even loosely.
    """
    structs = [m for m in members if isinstance(m, type) and issubclass(m, msgspec.Struct)]
    for member in structs:
        config = member.__struct_config__
        if config.tag_field is not None and value.get(config.tag_field) == config.tag:
            return member
    untagged = [m for m in structs if m.__struct_config__.tag_field is None]
    return untagged[0] if untagged else None


def _lenient_struct(
    value: dict[str, Any], tp: type[msgspec.Struct], args: tuple[Any, ...] = ()
) -> msgspec.Struct:
    hints = _field_types(tp)
    if args:  # fill the class's type parameters in
        params = dict(zip(getattr(tp, "__parameters__", ()), args, strict=False))
        hints = {name: _substitute(hint, params) for name, hint in hints.items()}
    kwargs: dict[str, Any] = {}
    for field in msgspec.structs.fields(tp):
        if field.encode_name in value:
            kwargs[field.name] = lenient(value[field.encode_name], hints[field.name])
        elif field.required:
            kwargs[field.name] = None
    # Struct constructors do not validate types, so a field may now hold None
    # (it was missing) or the raw value (it did not fit).
    return tp(**kwargs)


def _substitute(hint: Any, params: dict[Any, Any]) -> Any:
    if hint in params:
        return params[hint]
    origin, args = get_origin(hint), get_args(hint)
    if origin is list and args:
        return list[_substitute(args[0], params)]
    return hint


@functools.lru_cache(maxsize=512)
def _field_types(tp: type[msgspec.Struct]) -> dict[str, Any]:
    return typing.get_type_hints(tp)
