"""Webhook event types, laid out like ``openai.types.webhooks``."""

from __future__ import annotations

from .unwrap_webhook_event import UnwrapWebhookEvent as UnwrapWebhookEvent

__all__ = ["UnwrapWebhookEvent"]
