"""multipart/form-data bodies, built without holding any file in memory.

Theory of operation: :class:`MultipartEncoder` renders everything that is
small and in memory (delimiters, part headers, the form fields) once, when it
is built, and leaves each file's content as a :class:`FilePart` placeholder.
:meth:`MultipartEncoder.iter_parts` yields the rendered bytes and, where a
file's content belongs, the :class:`FilePart` itself; the I/O layer
(``oaitrio._files``) reads that file in chunks and sends them. So the encoder
needs no I/O, and the length of the body is known up front whenever every
file's size is.

The layout and the escaping of names follow httpx (which the official SDK
sends uploads with): form fields first, then files; in a ``name`` or
``filename`` parameter ``"`` becomes ``%22``, ``\\`` becomes ``\\\\`` and every
control character but ESC becomes ``%XX`` (so CR and LF can never end a header
line). Form field naming for nested values (``metadata[key]``, ``tags[]``)
follows the official SDK (:func:`flatten_form`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Mapping, Sequence

import attrs

__all__ = ["FilePart", "MultipartEncoder", "flatten_form"]

_CRLF = b"\r\n"
# RFC 2046 section 5.1.1 allows 1 to 70 characters. Only these are also token
# characters, so the Content-Type never needs a quoted boundary ("'" is a token
# character too, but parsers mistake it for RFC 2231 syntax: the stdlib's does).
_BOUNDARY_RE = re.compile(rb"[0-9A-Za-z+_\-.]{1,70}")
# RFC 9110 token characters, for extra part header names.
_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_ESCAPES = {'"': "%22", "\\": "\\\\"} | {chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}
_ESCAPE_RE = re.compile("|".join(re.escape(c) for c in _ESCAPES))
# A random boundary colliding with content is a 2**-128 event; a few retries
# are for the adversarial case where content was built to contain one.
_BOUNDARY_ATTEMPTS = 8


@attrs.frozen(kw_only=True)
class FilePart:
    """A file to send in a multipart body; its content stays with the I/O layer."""

    field: str
    """The form field name, e.g. ``"file"`` or ``"image[]"``."""
    filename: str | None
    """The ``filename`` parameter; None (or ``""``) sends none, as httpx does."""
    content_type: str
    """The part's ``Content-Type``."""
    size: int | None
    """The content's length in bytes, or None when it is not known up front."""
    source: object
    """Where the content is (bytes, a path, a file object); opaque to the encoder."""
    headers: tuple[tuple[str, str], ...] = ()
    """Extra part headers (name, value), after ``Content-Type``."""


class MultipartEncoder:
    """A multipart/form-data body, as bytes frames and file placeholders.

    Attributes:
        boundary: The boundary, without the leading ``--``.
        content_type: The request's ``Content-Type`` header value.
        content_length: The body's length in bytes, or None when a file's size
            is unknown (send it chunked then).

    Args:
        fields: Form fields as (name, value) pairs, in order; a ``str`` value
            is sent as UTF-8. :func:`flatten_form` builds them from a dict.
        files: The file parts, sent after the fields.
        boundary: A fixed boundary (for tests). By default a random one is
            drawn from :mod:`secrets`.

    Raises:
        ValueError: ``boundary`` is not a valid RFC 2046 boundary or occurs in
            the in-memory content (field values, part headers, file contents
            given as bytes); a part header contains CR, LF or NUL, or an extra
            header name is not a token or starts with ``-``.
        TypeError: A field name or value has the wrong type.
    """

    boundary: bytes
    content_type: str
    content_length: int | None

    def __init__(
        self,
        fields: Sequence[tuple[str, str | bytes]],
        files: Sequence[FilePart],
        *,
        boundary: bytes | None = None,
    ) -> None:
        rendered_fields = [_render_field(name, value) for name, value in fields]
        file_heads = [_render_file_head(part) for part in files]
        # Part headers need no check: their lines start with a header name,
        # never with "--" (names starting with "-" are refused).
        in_memory = [value for _, value in rendered_fields]
        in_memory += [part.source for part in files if isinstance(part.source, (bytes, bytearray))]
        if boundary is None:
            for _ in range(_BOUNDARY_ATTEMPTS):
                boundary = secrets.token_hex(16).encode("ascii")
                if not any(boundary in chunk for chunk in in_memory):
                    break
            else:  # pragma: no cover - needs content crafted against `secrets`
                raise ValueError("could not draw a multipart boundary absent from the content")
        else:
            if not isinstance(boundary, bytes) or not _BOUNDARY_RE.fullmatch(boundary):
                raise ValueError(
                    "boundary must be 1 to 70 bytes of ASCII letters, digits and +_-., "
                    f"got {boundary!r}"
                )
            for chunk in in_memory:
                if boundary in chunk:
                    raise ValueError(
                        f"boundary {boundary!r} occurs in the multipart content; choose another"
                    )
        self.boundary = boundary
        self.content_type = "multipart/form-data; boundary=" + boundary.decode("ascii")

        frames: list[bytes | FilePart] = []
        pending: list[bytes] = []
        delimiter = b"--" + boundary + _CRLF
        for head, value in rendered_fields:
            pending += [delimiter, head, value, _CRLF]
        for head, part in zip(file_heads, files, strict=True):
            pending += [delimiter, head]
            frames.append(b"".join(pending))
            frames.append(part)
            pending = [_CRLF]
        pending.append(b"--" + boundary + b"--" + _CRLF)
        frames.append(b"".join(pending))
        self._frames = tuple(frames)

        length = 0
        for frame in self._frames:
            if isinstance(frame, bytes):
                length += len(frame)
            elif frame.size is None:
                self.content_length = None
                break
            else:
                length += frame.size
        else:
            self.content_length = length

    def iter_parts(self) -> Iterator[bytes | FilePart]:
        """The body in order: rendered bytes, and each file's placeholder where its content goes.

        Consecutive small pieces come joined; no two ``bytes`` frames are
        adjacent. The iteration is pure and can be repeated (for a retry).
        """
        return iter(self._frames)


def flatten_form(data: Mapping[str, object]) -> list[tuple[str, str | bytes]]:
    """Form fields from nested values, named as the official SDK names them.

    A dict nests with brackets (``{"metadata": {"k": "v"}}`` gives
    ``metadata[k]``), a list or tuple repeats its name with ``[]``
    (``{"tags": ["a", "b"]}`` gives ``tags[]`` twice), booleans become
    ``"true"``/``"false"``, numbers ``str(n)``, None is left out, and ``str``
    and ``bytes`` are kept as they are.

    Args:
        data: The non-file request parameters.

    Returns:
        (name, value) pairs, in the order of ``data``.

    Raises:
        TypeError: A value is of another type (a file belongs in ``files``).
    """
    out: list[tuple[str, str | bytes]] = []
    for key, value in data.items():
        _flatten_into(out, key, value)
    return out


def _flatten_into(out: list[tuple[str, str | bytes]], key: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for subkey, subvalue in value.items():  # pyright: ignore[reportUnknownVariableType]
            _flatten_into(out, f"{key}[{subkey}]", subvalue)  # pyright: ignore[reportUnknownArgumentType]
    elif isinstance(value, (list, tuple)):
        for item in value:  # pyright: ignore[reportUnknownVariableType]
            _flatten_into(out, key + "[]", item)  # pyright: ignore[reportUnknownArgumentType]
    elif value is True:
        out.append((key, "true"))
    elif value is False:
        out.append((key, "false"))
    elif isinstance(value, (str, bytes)):
        out.append((key, value))
    elif isinstance(value, (int, float)):
        out.append((key, str(value)))
    else:
        raise TypeError(
            f"form field {key!r} has a value of type {type(value).__name__}; expected str, "
            "bytes, int, float, bool, None, a list or a dict (files go in the files argument)"
        )


def _quote(name: str, value: str) -> bytes:
    escaped = _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], value)
    return f'{name}="{escaped}"'.encode()


def _render_field(name: str, value: str | bytes) -> tuple[bytes, bytes]:
    if not isinstance(name, str):
        raise TypeError(f"a form field name must be a str, got {type(name).__name__}")
    if isinstance(value, str):
        data = value.encode()
    elif isinstance(value, bytes):
        data = value
    else:
        raise TypeError(
            f"form field {name!r} must be str or bytes, got {type(value).__name__} "
            "(flatten_form converts other values)"
        )
    return b"Content-Disposition: form-data; " + _quote("name", name) + _CRLF + _CRLF, data


def _render_file_head(part: FilePart) -> bytes:
    if not isinstance(part.field, str):
        raise TypeError(f"a file's field name must be a str, got {type(part.field).__name__}")
    pieces = [b"Content-Disposition: form-data; ", _quote("name", part.field)]
    if part.filename:
        pieces += [b"; ", _quote("filename", part.filename)]
    headers = [("Content-Type", part.content_type), *part.headers]
    for header, value in headers:
        if not _TOKEN_RE.fullmatch(header) or header.startswith("-"):
            raise ValueError(
                f"file {part.field!r}: part header name {header!r} is not a token "
                "(or starts with '-')"
            )
        if any(c in value for c in "\r\n\0"):
            raise ValueError(f"file {part.field!r}: part header {header} contains CR, LF or NUL")
        pieces += [_CRLF, header.encode() + b": " + value.encode()]
    pieces.append(_CRLF + _CRLF)
    return b"".join(pieces)
