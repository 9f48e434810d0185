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
import gc
import sys
import types
import typing
from collections.abc import Iterator, Mapping, Set
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Literal,
    NamedTuple,
    Self,
    TypeVar,
    Union,
    get_args,
    get_origin,
)

import msgspec

__all__ = ["BaseModel", "OpenEnum", "Untagged", "decode", "lenient"]

_T = TypeVar("_T")

IncEx = Union[Set[str], Mapping[Any, Any]]
"""What ``include``/``exclude`` of :meth:`BaseModel.model_dump` take, as pydantic's."""

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
    """Base of every response type, with the official SDK's model helpers.

    :meth:`model_dump`, :meth:`model_dump_json`, :meth:`to_dict`,
    :meth:`to_json`, ``dict(obj)``, :attr:`model_fields_set` (a field sent as
    ``null`` is set, a missing one is not), :attr:`model_extra` and attribute
    access to fields the spec does not know yet (``obj.unknown_prop``) behave
    as the SDK's pydantic models do, defaults included.

    msgspec drops unknown fields and cannot tell ``null`` from missing, so a
    decoded object keeps a reference to the JSON bytes it came from (no copy)
    and answers those questions by decoding them again, once, on the first
    question asked of any object of the tree (see :func:`_wire`). Nothing of
    that runs while decoding.
    """

    def model_dump(
        self,
        *,
        mode: Literal["json", "python"] | str = "python",
        include: IncEx | None = None,
        exclude: IncEx | None = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> dict[str, Any]:
        """The object as a ``dict`` of plain values, recursively, as pydantic's ``model_dump``.

        Args:
            mode: ``"python"`` or ``"json"``; the same here, every value of a
                wire type being JSON already.
            include: the only fields to keep: a set of names, or a dict of
                name to ``True`` or to what to keep of that field's value.
            exclude: fields to leave out, in the same forms as ``include``.
            by_alias: key by the API's names (``"self-harm"``) rather than the
                Python attribute names (``self_harm``). Defaults to ``False``.
            exclude_unset: leave out the fields the API did not send (a field
                sent as ``null`` is kept).
            exclude_defaults: leave out fields equal to their default.
            exclude_none: leave out fields (and unknown fields) that are ``None``.

        Unknown fields the API sent are included after the known ones.

        Raises:
            ValueError: ``mode`` is neither ``"python"`` nor ``"json"``.
        """
        _check_mode(mode)
        options = _DumpOptions(
            by_alias=bool(by_alias),
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )
        return _dump_model(self, options, include, exclude, search=True)

    def model_dump_json(
        self,
        *,
        indent: int | None = None,
        include: IncEx | None = None,
        exclude: IncEx | None = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> str:
        """The object as a JSON document, as pydantic's ``model_dump_json``.

        Compact unless ``indent`` is given; the other arguments are those of
        :meth:`model_dump`.
        """
        dumped = self.model_dump(
            include=include,
            exclude=exclude,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )
        return _to_json(dumped, indent)

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> dict[str, object]:
        """The object as the API sent it, as a ``dict``: the SDK's ``to_dict``.

        Unlike :meth:`model_dump`, fields the API did not send are left out
        and keys are the API's names, by default.
        """
        return self.model_dump(
            mode=mode,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )

    def to_json(
        self,
        *,
        indent: int | None = 2,
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> str:
        """The object as the API sent it, as JSON indented by 2: the SDK's ``to_json``."""
        return self.model_dump_json(
            indent=indent,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )

    @property
    def model_fields_set(self) -> set[str]:
        """The names of the fields the API sent, ``null`` ones included.

        ``obj.x is None and "x" not in obj.model_fields_set`` means the API
        left ``x`` out. For an object built in Python, the fields passed to
        :meth:`model_construct` (or, built by calling the class, the required
        fields and those that differ from their default).
        """
        return set(_wire(self)[0])

    @property
    def model_extra(self) -> dict[str, Any]:
        """The fields the API sent that this type does not declare, as plain JSON values."""
        return _wire(self)[1]

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """``(name, value)`` for every field, then every unknown field: ``dict(obj)`` works."""
        layout = _layout(type(self))
        if layout.tag_field is not None:
            yield layout.tag_field, layout.tag
        for field in layout.fields:
            yield field.name, getattr(self, field.name)
        yield from _wire(self)[1].items()

    if not TYPE_CHECKING:
        # Hidden from type checkers (as pydantic does), so a typo in a known
        # field's name is still an error there. Python calls this only when
        # normal lookup fails, so known fields cost nothing more.
        def __getattr__(self, name: str) -> Any:
            if name.startswith("_"):
                # Private and dunder names are probed by copy, pickle, rich,
                # ...: never a reason to decode anything.
                raise AttributeError(name)
            try:
                return _wire(self)[1][name]
            except KeyError:
                raise AttributeError(
                    f"{type(self).__name__!r} object has no attribute {name!r}"
                ) from None

    @classmethod
    def model_construct(cls, _fields_set: set[str] | None = None, **values: Any) -> Self:
        """Build an object from wire values without validation, as the SDK's ``construct``.

        Nested dicts become the nested types where they fit (kept as they are
        where they do not); keys may be the API's names or the Python ones;
        unknown keys become :attr:`model_extra`. The fields set are the keys
        given, or ``_fields_set``. A missing required field is ``None``.
        """
        by_name = {field.name: field.encode_name for field in _layout(cls).fields}
        wire = {by_name.get(key, key): value for key, value in values.items()}
        built = typing.cast("Self", lenient(wire, cls))
        _walk(built, wire)
        state = _state(built)
        if _fields_set is not None and state is not None:
            state[_WIRE] = (frozenset(_fields_set), _wire(built)[1])
        return built

    construct = model_construct

    @classmethod
    def model_validate(cls, obj: Any, *, strict: bool = False) -> Self:
        """``obj`` (plain values, keyed as the API sends them) as this type.

        As loose as the client's own decoding unless ``strict``: a field that
        does not fit keeps its raw value, a missing required one is ``None``.

        Raises:
            msgspec.ValidationError: ``strict`` is set and ``obj`` does not fit.
        """
        built = typing.cast("Self", msgspec.convert(obj, cls) if strict else lenient(obj, cls))
        _walk(built, obj)
        return built

    @classmethod
    def model_validate_json(cls, data: str | bytes, *, strict: bool = False) -> Self:
        """A JSON document decoded into this type, as the client decodes an answer.

        Raises:
            msgspec.DecodeError: ``data`` is not JSON.
            msgspec.ValidationError: ``strict`` is set and the JSON does not fit.
        """
        raw = data.encode() if isinstance(data, str) else data
        return decode(raw, cls, strict=strict)


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
        result = _decoder(tp).decode(data)
    except msgspec.ValidationError:
        if strict:
            raise
        result = lenient(msgspec.json.decode(data), tp)
    try:
        # The bytes it came from (the body the response already holds: no
        # copy), for model_extra, model_fields_set & co., decoded only if asked.
        result.__dict__[_SRC] = data
    except AttributeError:  # a plain value (a list, an untagged union's dict)
        pass
    return result  # type: ignore[no-any-return]


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


# -- what the API sent, on demand ---------------------------------------------
#
# Theory of operation. An answer decoded by :func:`decode` (a response body)
# keeps in its ``__dict__``, under ``_SRC``, the bytes it was decoded from (a
# reference to the body the response holds anyway: no copy, one store per
# request). The first question about the wire (model_extra, model_fields_set,
# an unknown attribute, a dump) decodes those bytes to plain values once and
# walks them alongside the objects, leaving under ``_WIRE`` on each object of
# the tree the names of the fields that were present and the unknown fields.
#
# Nothing is stored per object while decoding, and nothing at all per
# streamed event. Measured: linking every nested object to its JSON costs
# ~15 us per chat completion; a __dict__ per streamed chunk (even one shared
# by the chunks of a read) ~20% of the streamed parse rate. So the first
# question asked of an object without ``_SRC`` looks for the JSON
# (:func:`_find_json`): among its callers' local variables, a decoded answer
# that holds it or a stream whose last event holds it (``async for chunk in
# stream: chunk.choices[0].delta.reasoning_content``); then, for a nested
# object of a decoded answer, up the garbage collector's referrers. What it
# cannot find (an answer already gone, a chunk asked about after its stream
# moved on, chunks that came through a read-ahead or fan-in pump) answers
# from its values only, as an object built in Python does: the fields set are
# those given to model_construct, else the required ones and those that
# differ from their default, and no unknown fields. The result is kept on the
# object, so each object searches once.

_SRC = "_oaitrio_src"
_WIRE = "_oaitrio_wire"
_CLIMB_LIMIT = 8  # levels of nesting searched upwards for a decoded ancestor
_CALLER_FRAMES = 4  # callers whose local variables are searched first
_MODULE_GLOBALS = globals()

_Wire = tuple[frozenset[str], dict[str, Any]]
_NO_JSON = "no JSON"  # under _WIRE: answer from the values (they may change)


class _Layout(NamedTuple):
    fields: tuple[msgspec.structs.FieldInfo, ...]
    by_wire: dict[str, str]
    tag_field: str | None
    tag: Any


@functools.cache
def _layout(tp: type[msgspec.Struct]) -> _Layout:
    fields = msgspec.structs.fields(tp)
    config = tp.__struct_config__
    return _Layout(
        fields=fields,
        by_wire={field.encode_name: field.name for field in fields},
        tag_field=config.tag_field,
        tag=config.tag,
    )


def _state(value: msgspec.Struct) -> dict[str, Any] | None:
    """The object's ``__dict__`` (made on first use by msgspec), None if it has none."""
    return getattr(value, "__dict__", None)


def _walk(value: Any, raw: Any) -> None:
    """Record on every object under ``value`` what ``raw`` (its JSON) held."""
    if isinstance(value, msgspec.Struct):
        if not isinstance(raw, dict):
            return
        layout = _layout(type(value))
        present: set[str] = set()
        extra: dict[str, Any] = {}
        for key, item in typing.cast("dict[str, Any]", raw).items():
            name = layout.by_wire.get(key)
            if name is not None:
                present.add(name)
                _walk(getattr(value, name), item)
            elif key == layout.tag_field:
                present.add(key)
            else:
                extra[key] = item
        state = _state(value)
        if state is not None:
            state[_WIRE] = (frozenset(present), extra)
    elif isinstance(value, list) and isinstance(raw, list):
        items = typing.cast("list[Any]", value)
        # A list of plain values (an embedding's floats) holds no object to walk.
        if any(isinstance(item, (msgspec.Struct, list, dict)) for item in items):
            for item, item_raw in zip(items, typing.cast("list[Any]", raw), strict=False):
                _walk(item, item_raw)
    elif isinstance(value, dict) and isinstance(raw, dict):
        raw_items = typing.cast("dict[str, Any]", raw)
        for key, item in typing.cast("dict[str, Any]", value).items():
            if isinstance(item, (msgspec.Struct, list)) and key in raw_items:
                _walk(item, raw_items[key])


def _resolve(value: msgspec.Struct, state: dict[str, Any]) -> None:
    """Walk the JSON ``value`` came from alongside it (``state`` holds ``_SRC``)."""
    _walk(value, msgspec.json.decode(state.pop(_SRC)))


def _holds(root: Any, value: msgspec.Struct) -> bool:
    """Whether ``value`` is ``root`` or inside it."""
    if root is value:
        return True
    if isinstance(root, msgspec.Struct):
        return any(_holds(getattr(root, field.name), value) for field in _layout(type(root)).fields)
    if isinstance(root, list):
        items = typing.cast("list[Any]", root)
        return any(isinstance(item, (msgspec.Struct, list, dict)) for item in items) and any(
            _holds(item, value) for item in items
        )
    if isinstance(root, dict):
        return any(_holds(item, value) for item in typing.cast("dict[str, Any]", root).values())
    return False


def _find_json(value: msgspec.Struct) -> tuple[msgspec.Struct, bytes | memoryview] | None:
    """The object ``value`` was decoded as part of, and its JSON; None if not found.

    First the callers' local variables (a few microseconds): a decoded answer
    that holds ``value``, or a stream whose last event holds it
    (``chunk.choices[0].delta.model_extra`` in ``async for chunk in stream``).
    Then the garbage collector's referrer lists (one scan of every tracked
    object per level of nesting, once per answer). See the theory of
    operation above for what this cannot find.
    """
    frame = sys._getframe(1)  # pyright: ignore[reportPrivateUsage]
    looked = 0
    while frame is not None and looked < _CALLER_FRAMES:
        if frame.f_globals is not _MODULE_GLOBALS:
            looked += 1
            for local in list(frame.f_locals.values()):
                if isinstance(local, msgspec.Struct):
                    state = _state(local)
                    if state is not None and _SRC in state and _holds(local, value):
                        return local, state.pop(_SRC)
                    continue
                kind: type[Any] = type(typing.cast("object", local))
                last_event = getattr(kind, "_oaitrio_last_event", None)
                last = last_event(local) if last_event is not None else None
                if (
                    last is not None
                    and isinstance(last[0], msgspec.Struct)
                    and _holds(last[0], value)
                ):
                    return last[0], last[1]
        frame = frame.f_back
    frontier: list[Any] = [value]
    seen = {id(value), id(frontier)}
    for _ in range(_CLIMB_LIMIT):
        parents: list[Any] = []
        seen.add(id(parents))
        for ref in gc.get_referrers(*frontier):
            if id(ref) in seen:
                continue
            if isinstance(ref, msgspec.Struct):
                state = _state(ref)
                if state is not None and _SRC in state:
                    return ref, state.pop(_SRC)
            elif not isinstance(ref, list):
                continue
            seen.add(id(typing.cast("object", ref)))
            parents.append(ref)
        if not parents:
            return None
        frontier = parents
    return None


def _wire(value: msgspec.Struct, *, search: bool = True) -> _Wire:
    """(names of the fields present, unknown fields) of ``value``, decoding on demand.

    ``search``: look for the answer a nested object was decoded with. A dump
    asks it of the object it starts from only: below an object that knows
    its JSON every object learnt its own, and below one that does not there
    is nothing to find.
    """
    state = _state(value)
    if state is None:
        return _fields_from_values(value), {}
    found = state.get(_WIRE)
    if found is None:
        if _SRC in state:
            _resolve(value, state)
        elif search:
            found_json = _find_json(value)
            if found_json is not None:
                _walk(found_json[0], msgspec.json.decode(found_json[1]))
        found = state.get(_WIRE)
        if found is None:
            # Built in Python, or its answer is gone: never search again.
            found = state[_WIRE] = _NO_JSON
    if found is _NO_JSON:
        return _fields_from_values(value), {}
    return typing.cast("_Wire", found)


def _at_default(field: msgspec.structs.FieldInfo, value: Any) -> bool:
    if field.default is not msgspec.NODEFAULT:
        return bool(value == field.default)
    if field.default_factory is not msgspec.NODEFAULT:
        return bool(value == field.default_factory())
    return False


def _fields_from_values(value: msgspec.Struct) -> frozenset[str]:
    return frozenset(
        field.name
        for field in _layout(type(value)).fields
        if field.required or not _at_default(field, getattr(value, field.name))
    )


class _DumpOptions(NamedTuple):
    by_alias: bool
    exclude_unset: bool
    exclude_defaults: bool
    exclude_none: bool


def _check_mode(mode: str) -> None:
    if mode not in ("python", "json"):
        raise ValueError(f"mode must be 'python' or 'json', not {mode!r}")


def _wanted(key: str, include: IncEx | None, exclude: IncEx | None) -> bool:
    if include is not None and key not in include:
        return False
    if exclude is None or key not in exclude:
        return True
    # A set names whole fields; a dict says True (the whole field) or what
    # to leave out of the field's value.
    return isinstance(exclude, Mapping) and exclude[key] not in (True, ...)


def _sub(spec: IncEx | None, key: str | int) -> IncEx | None:
    if not isinstance(spec, Mapping):
        return None
    nested: Any = spec.get(key)
    return typing.cast("IncEx", nested) if isinstance(nested, (Set, Mapping)) else None


def _dump_model(
    value: msgspec.Struct,
    options: _DumpOptions,
    include: IncEx | None,
    exclude: IncEx | None,
    *,
    search: bool = False,
) -> dict[str, Any]:
    layout = _layout(type(value))
    present, extra = _wire(value, search=search)
    out: dict[str, Any] = {}
    tag_field = layout.tag_field
    if (
        tag_field is not None
        and (tag_field in present or not options.exclude_unset)
        and _wanted(tag_field, include, exclude)
    ):
        out[tag_field] = layout.tag
    for field in layout.fields:
        name = field.name
        if options.exclude_unset and name not in present:
            continue
        if not _wanted(name, include, exclude):
            continue
        item = getattr(value, name)
        if item is None and options.exclude_none:
            continue
        if options.exclude_defaults and _at_default(field, item):
            continue
        key = field.encode_name if options.by_alias else name
        out[key] = _dump_value(item, options, _sub(include, name), _sub(exclude, name))
    for key, item in extra.items():
        if (item is None and options.exclude_none) or not _wanted(key, include, exclude):
            continue
        out[key] = _dump_value(item, options, _sub(include, key), _sub(exclude, key))
    return out


def _dump_value(
    value: Any, options: _DumpOptions, include: IncEx | None, exclude: IncEx | None
) -> Any:
    if isinstance(value, msgspec.Struct):
        return _dump_model(value, options, include, exclude)
    if isinstance(value, list):
        items = typing.cast("list[Any]", value)
        every_in, every_out = _sub(include, "__all__"), _sub(exclude, "__all__")
        return [
            _dump_value(
                item, options, every_in or _sub(include, index), every_out or _sub(exclude, index)
            )
            for index, item in enumerate(items)
        ]
    if isinstance(value, dict):
        # Copied, so changing the dump never changes the object (or its extras).
        return {
            key: _dump_value(item, options, _sub(include, key), _sub(exclude, key))
            for key, item in typing.cast("dict[str, Any]", value).items()
        }
    return value


def _to_json(dumped: dict[str, Any], indent: int | None) -> str:
    raw = msgspec.json.encode(dumped)
    if indent is not None:
        raw = msgspec.json.format(raw, indent=indent)
    return raw.decode()
