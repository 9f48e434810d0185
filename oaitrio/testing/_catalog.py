"""Models (``/v1/models``) and the test-only cursor list (``/v1/fake/items``).

``GET /v1/fake/items?after=&limit=`` pages over a programmable list of objects
(``FakeOpenAI.set_items``) with the real API's cursor page shape::

    {"object": "list", "data": [...], "first_id": ..., "last_id": ..., "has_more": ...}

``after`` is the id of the last item seen; ``limit`` is 1 to 100 (default 20).
Each position ``k`` in ``empty_pages_at`` (the number of items before it, from
0 to ``len(items)``) is a gap: no page spans it, and the page that starts there
is EMPTY, with ``has_more: true``, ``first_id: null`` and ``last_id:
"gap_<k>"``; passing that cursor as ``after`` goes on from item ``k``. So a
client that follows ``last_id`` reads every item, and one that stops on an
empty page, or takes the cursor from ``data[-1]``, does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._wire import BadRequest, Reply, json_reply

__all__ = ["Catalog", "default_items"]

_MODELS: tuple[tuple[str, int, str], ...] = (
    ("gpt-4o", 1715367049, "system"),
    ("gpt-4o-mini", 1721172741, "system"),
    ("gpt-4.1", 1744316542, "system"),
    ("gpt-4.1-mini", 1744318173, "system"),
    ("o3-mini", 1737146383, "system"),
    ("text-embedding-3-small", 1705948997, "system"),
    ("text-embedding-3-large", 1705953180, "system"),
    ("text-embedding-ada-002", 1671217299, "openai-internal"),
    ("whisper-1", 1677532384, "openai-internal"),
    ("tts-1", 1681940951, "openai-internal"),
    ("ft:gpt-4o-mini-2024-07-18:acme::A1b2C3d4", 1727000000, "user-fake"),
)
_GAP = "gap_"
MAX_LIMIT = 100


def default_items(count: int = 25) -> list[dict[str, Any]]:
    """``count`` items ``{"id": "item_0001", "object": "fake.item", ...}``."""
    return [
        {"id": f"item_{i:04d}", "object": "fake.item", "created": 1_700_000_000 + i}
        for i in range(1, count + 1)
    ]


def _model_not_found(model: str) -> BadRequest:
    return BadRequest(
        f"The model '{model}' does not exist or you do not have access to it.",
        status=404,
        param="model",
        code="model_not_found",
    )


class Catalog:
    """The mutable listings of one fake server."""

    def __init__(self) -> None:
        self.models: dict[str, dict[str, Any]] = {}
        self._items: list[dict[str, Any]] = []
        self._positions: dict[str, int] = {}
        self._gaps: frozenset[int] = frozenset()
        self.reset()

    def reset(self) -> None:
        """Back to the default models and 25 default items without gaps."""
        self.models = {
            model: {"id": model, "object": "model", "created": created, "owned_by": owner}
            for model, created, owner in _MODELS
        }
        self.set_items(default_items())

    def set_items(
        self, items: Sequence[Mapping[str, Any]] | int, *, empty_pages_at: Iterable[int] = ()
    ) -> None:
        """Replace the paginated list (see the module docstring).

        Raises:
            ValueError: an item lacks a string ``id``, ids repeat or start with
                ``gap_``, or a gap position is outside ``0..len(items)``.
        """
        objects = default_items(items) if isinstance(items, int) else [dict(i) for i in items]
        positions: dict[str, int] = {}
        for index, item in enumerate(objects):
            ident = item.get("id")
            if not isinstance(ident, str) or not ident or ident.startswith(_GAP):
                raise ValueError(f"item {index} needs a string 'id' not starting with {_GAP!r}")
            if ident in positions:
                raise ValueError(f"duplicate item id {ident!r}")
            positions[ident] = index
        gaps = frozenset(empty_pages_at)
        if any(not 0 <= gap <= len(objects) for gap in gaps):
            raise ValueError(f"empty_pages_at positions must be within 0..{len(objects)}")
        self._items, self._positions, self._gaps = objects, positions, gaps

    def list_models(self) -> Reply:
        """``GET /v1/models``."""
        return json_reply({"object": "list", "data": list(self.models.values())})

    def get_model(self, model: str) -> Reply:
        """``GET /v1/models/{model}``."""
        if model not in self.models:
            raise _model_not_found(model)
        return json_reply(self.models[model])

    def delete_model(self, model: str) -> Reply:
        """``DELETE /v1/models/{model}``: only fine-tuned (``ft:``) models."""
        if not model.startswith("ft:"):
            raise _model_not_found(model)
        self.models.pop(model, None)
        return json_reply({"id": model, "object": "model", "deleted": True})

    def list_items(self, query: Mapping[str, str]) -> Reply:
        """``GET /v1/fake/items``."""
        raw_limit = query.get("limit") or "20"
        try:
            limit = int(raw_limit)
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            raise BadRequest(
                f"Invalid 'limit': expected an integer from 1 to {MAX_LIMIT}.", param="limit"
            )
        after = query.get("after") or None
        total = len(self._items)
        if after is None:
            start, past_gap = 0, False
        elif after.startswith(_GAP) and after[len(_GAP) :].isdigit():
            start, past_gap = int(after[len(_GAP) :]), True
            if start not in self._gaps:
                raise BadRequest(f"Invalid 'after': unknown cursor {after!r}.", param="after")
        elif after in self._positions:
            start, past_gap = self._positions[after] + 1, False
        else:
            raise BadRequest(f"Invalid 'after': unknown cursor {after!r}.", param="after")
        if start in self._gaps and not past_gap:
            page: dict[str, Any] = {"data": [], "first_id": None, "last_id": f"{_GAP}{start}"}
            page["has_more"] = True
        else:
            end = min([start + limit, total, *(gap for gap in self._gaps if gap > start)])
            data = self._items[start:end]
            page = {
                "data": data,
                "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None,
                "has_more": end < total or (end in self._gaps and end != start),
            }
        return json_reply({"object": "list", **page})
