"""Properties the official SDKs compute rather than read from the wire.

The spec marks them with ``x-oaiSupportedSDKs``; the generated class has a
property of that name that calls the function here of the same name.
Nothing here imports the generated types, so they can import it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["output_text"]


def _get(item: Any, name: str) -> Any:
    """A field of a typed item, or of a plain JSON one (a member no class fitted)."""
    if isinstance(item, dict):
        return item.get(name)  # type: ignore[union-attr]
    return getattr(item, name, None)


def output_text(response: Any) -> str:
    """The text of every ``output_text`` part of every message in ``response.output``, joined."""
    texts: list[str] = []
    for item in _get(response, "output") or ():
        if _get(item, "type") != "message":
            continue
        for part in _get(item, "content") or ():
            if _get(part, "type") == "output_text":
                texts.append(_get(part, "text") or "")
    return "".join(texts)
