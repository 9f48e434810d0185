"""A webhook event, as :meth:`AsyncWebhooks.unwrap` returns it (hand-written).

The official SDK returns a union with one class per event type; those come with
the generated surface. Until then every event decodes into this one shape,
which all of them share: ``type`` says which event it is and ``data`` holds its
payload as plain JSON values.
"""

from __future__ import annotations

from typing import Any

from ..._models import BaseModel

__all__ = ["UnwrapWebhookEvent"]


class UnwrapWebhookEvent(BaseModel, kw_only=True):
    id: str
    """The unique ID of the event."""
    created_at: int
    """When the event happened, seconds since the epoch."""
    type: str
    """The event type, e.g. ``"batch.completed"`` or ``"response.completed"``."""
    data: dict[str, Any]
    """The event's payload (for most events, the ``id`` of the object concerned)."""
    object: str | None = None
    """Always ``"event"`` when present."""
