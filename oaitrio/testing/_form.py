"""multipart/form-data request bodies, read with the standard library's MIME parser.

The boundary comes from the request's ``Content-Type``; the body is parsed by
:mod:`email` (``policy.HTTP``), which keeps each part's bytes exactly as sent.
That parser is lenient and records what it had to guess as *defects*; here
any defect, a part without a ``name``, or nested multipart content is refused
with a 400 that says what was wrong, as a body that is not JSON is on the
JSON routes.

Field names follow the official SDK: a list is sent as repeated ``name[]``
parts, which :meth:`Form.values` and :meth:`Form.files` read under ``name``.
"""

from __future__ import annotations

import email.parser
import email.policy
from collections.abc import Sequence
from email.message import Message

import attrs

from ._wire import BadRequest

__all__ = ["Form", "FormPart", "is_multipart", "parse_form"]

_MEDIA_TYPE = "multipart/form-data"
_DEFECTS = {
    "StartBoundaryNotFoundDefect": "the boundary of the Content-Type header never occurs in it",
    "CloseBoundaryNotFoundDefect": "it ends before its closing boundary",
    "MissingHeaderBodySeparatorDefect": "its headers are not followed by a blank line",
    "InvalidHeaderDefect": "a header is invalid",
}


@attrs.frozen
class FormPart:
    """One part of a multipart/form-data body."""

    name: str
    """The ``name`` of its ``Content-Disposition``, ``[]`` suffix included."""
    filename: str | None
    """The ``filename`` parameter, or None when the part is a plain field."""
    content_type: str
    """The part's ``Content-Type`` (``text/plain`` when it has none)."""
    data: bytes
    """The part's content, exactly as sent."""


@attrs.frozen
class Form:
    """A parsed multipart/form-data body: its parts in order."""

    parts: tuple[FormPart, ...]
    """Every part, in the order they were sent."""

    def files(self, name: str) -> list[FormPart]:
        """The parts named ``name`` or ``name[]``, in order."""
        return [part for part in self.parts if part.name in (name, f"{name}[]")]

    def values(self, name: str) -> list[str]:
        """The text of the parts named ``name`` or ``name[]``, in order.

        Raises:
            BadRequest: a value is not UTF-8.
        """
        out: list[str] = []
        for part in self.files(name):
            try:
                out.append(part.data.decode("utf-8"))
            except UnicodeDecodeError:
                raise BadRequest(
                    f"Invalid '{name}': the form field is not UTF-8 text.", param=name
                ) from None
        return out

    def value(self, name: str) -> str | None:
        """The text of the last part named ``name``, or None when there is none."""
        values = self.values(name)
        return values[-1] if values else None


def is_multipart(content_type: str) -> bool:
    """Whether a ``Content-Type`` header value names multipart/form-data."""
    return content_type.partition(";")[0].strip().lower() == _MEDIA_TYPE


def _refuse(reason: str) -> BadRequest:
    return BadRequest(f"Could not parse the multipart/form-data body: {reason}.")


def parse_form(body: bytes, content_type: str) -> Form:
    """Parse a multipart/form-data body sent with ``content_type``.

    Raises:
        BadRequest: the header has no boundary, or the body is not a
            well-formed multipart body with a named part each.
    """
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if message.get_boundary() is None:
        raise _refuse("the Content-Type header has no boundary parameter")
    if message.defects or not message.is_multipart():
        raise _refuse(_explain(message.defects) if message.defects else "it has no parts")
    parts: list[FormPart] = []
    for index, part in enumerate(message.iter_parts()):
        parts.append(_part(index, part))
    return Form(tuple(parts))


def _explain(defects: Sequence[Exception]) -> str:
    """What the parser's defects mean, the first one that has an explanation first."""
    reasons = [_DEFECTS.get(type(defect).__name__, type(defect).__name__) for defect in defects]
    reasons.sort(key=lambda reason: reason not in _DEFECTS.values())
    return "; ".join(reasons)


def _part(index: int, part: Message) -> FormPart:
    if part.defects:
        raise _refuse(f"part {index} is malformed ({_explain(part.defects)})")
    if part.get_content_disposition() != "form-data":
        raise _refuse(f"part {index} has no 'Content-Disposition: form-data' header")
    name = part.get_param("name", header="content-disposition")
    if not isinstance(name, str) or not name:
        raise _refuse(f"part {index} has no name")
    data = part.get_payload(decode=True)
    if part.is_multipart() or not isinstance(data, bytes):
        raise _refuse(f"part {name!r} holds nested multipart content")
    return FormPart(name, part.get_filename(), part.get_content_type(), data)
