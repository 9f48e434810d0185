"""``client.webhooks``: check and decode the webhook deliveries the API sends you.

Nothing here talks to the API: verifying is a pure computation
(:mod:`protocols.webhooks`) fed with the clock read here. The methods are
plain (not ``async``), as in the official SDK's ``AsyncWebhooks``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Optional

from protocols import webhooks as _webhooks

from .._models import BaseModel, decode, lenient
from .._resource import AsyncAPIResource
from ..types.webhooks.unwrap_webhook_event import UnwrapWebhookEvent

__all__ = ["AsyncWebhooks", "UnknownWebhookEvent"]


class UnknownWebhookEvent(BaseModel, kw_only=True):
    """A webhook event of a type this version of oaitrio does not know."""

    id: Optional[str] = None
    created_at: Optional[int] = None
    type: str
    """The event type, e.g. ``"batch.completed"``."""
    data: dict[str, Any] = {}
    """The event's payload, as plain JSON values."""
    object: Optional[str] = None


class AsyncWebhooks(AsyncAPIResource):
    """Verify webhook signatures and decode webhook events."""

    def verify_signature(
        self,
        payload: str | bytes,
        headers: Mapping[str, str],
        *,
        secret: str | None = None,
        tolerance: float = 300,
    ) -> None:
        """Check that ``payload`` was sent by OpenAI, recently.

        Args:
            payload: The request body exactly as received, before any JSON
                parsing (re-serialized JSON no longer matches its signature).
            headers: The request headers (any mapping; names are matched
                case-insensitively). ``webhook-id``, ``webhook-timestamp`` and
                ``webhook-signature`` are read.
            secret: The endpoint's signing secret; default the client's
                ``webhook_secret`` (``OPENAI_WEBHOOK_SECRET``).
            tolerance: How many seconds the delivery's timestamp may differ
                from this machine's clock, either way.

        Raises:
            InvalidWebhookSignatureError: The delivery is not authentic or not
                recent; the message says which check failed.
            ValueError: No secret was given and the client has none, or the
                secret is malformed.
        """
        _webhooks.verify_signature(
            payload,
            headers,
            secret=self._secret(secret),
            now=time.time(),
            tolerance=tolerance,
        )

    def unwrap(
        self,
        payload: str | bytes,
        headers: Mapping[str, str],
        *,
        secret: str | None = None,
    ) -> UnwrapWebhookEvent | UnknownWebhookEvent:
        """Verify a delivery (as :meth:`verify_signature`), then decode its event.

        Each event type the spec names decodes to its own class
        (``BatchCompletedWebhookEvent``, ...). Decoding is lenient: unknown
        fields are ignored, and an event type this version does not know is
        returned as an :class:`UnknownWebhookEvent` with its payload in ``data``.

        Args:
            payload: The request body exactly as received.
            headers: The request headers.
            secret: The signing secret; default the client's ``webhook_secret``.

        Returns:
            The event.

        Raises:
            InvalidWebhookSignatureError: The delivery is not authentic or not recent.
            ValueError: No secret is available, or the verified body is not
                JSON (``msgspec.DecodeError`` is a ``ValueError``).
        """
        self.verify_signature(payload, headers, secret=secret)
        raw = payload.encode() if isinstance(payload, str) else payload
        event: Any = decode(raw, UnwrapWebhookEvent)  # type: ignore[arg-type]
        if isinstance(event, dict):  # an event type newer than this version
            return lenient(event, UnknownWebhookEvent)  # type: ignore[no-any-return]
        return event  # type: ignore[no-any-return]

    def _secret(self, secret: str | None) -> str:
        if secret is None:
            secret = self._client.webhook_secret
        if secret is None:
            raise ValueError(
                "No webhook secret: pass secret=..., set webhook_secret on the client "
                "(AsyncOpenAI(webhook_secret=...)) or the OPENAI_WEBHOOK_SECRET "
                "environment variable"
            )
        return secret
