"""Webhook signatures as the OpenAI API sends them (the Standard Webhooks scheme).

Theory of operation: the sender signs ``f"{webhook-id}.{webhook-timestamp}.{body}"``
with HMAC-SHA256 and puts ``v1,<base64 digest>`` in the ``webhook-signature``
header (several space-separated entries while a secret is being rotated; any
one matching is enough). ``webhook-timestamp`` is whole seconds since the
epoch; a delivery older or newer than ``tolerance`` seconds is refused, so a
captured request cannot be replayed later.

The secret is the one the dashboard shows: ``whsec_`` followed by the base64 of
the key bytes. A secret without that prefix is used as its UTF-8 bytes, as the
official SDK does.

Everything here is pure: the caller passes the current time. Messages name
what was wrong and never contain the secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping

from .errors import InvalidWebhookSignatureError

__all__ = ["sign", "verify_signature"]

_SECRET_PREFIX = "whsec_"
_VERSION = "v1,"
# Whole seconds since the epoch fit in 20 digits for any date anyone will send;
# the bound keeps a hostile header from making int() parse megabytes.
_MAX_TIMESTAMP_DIGITS = 20


def verify_signature(
    payload: bytes | str,
    headers: Mapping[str, str],
    *,
    secret: str,
    now: float,
    tolerance: float = 300,
) -> None:
    """Check that a webhook delivery was signed with ``secret`` and is recent.

    Args:
        payload: The request body exactly as received (a ``str`` is taken as
            its UTF-8 encoding).
        headers: The request headers; names are matched case-insensitively.
        secret: The endpoint's signing secret (``whsec_...``).
        now: The current time, seconds since the epoch. Timestamps are whole
            seconds, so ``now`` is truncated to whole seconds too.
        tolerance: How many seconds the timestamp may differ from ``now``, in
            either direction. A difference of exactly ``tolerance`` passes.

    Raises:
        InvalidWebhookSignatureError: A header is missing or repeated with
            different values, the timestamp is malformed or outside the
            tolerance, or no ``v1`` signature matches.
        ValueError: ``secret`` is empty, or starts with ``whsec_`` but the
            rest is not base64; ``tolerance`` is negative.
        TypeError: ``payload`` or ``secret`` has the wrong type.
    """
    key = _secret_key(secret)
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0 seconds, got {tolerance!r}")
    body = _payload_bytes(payload)
    msg_id = _required_header(headers, "webhook-id")
    timestamp = _required_header(headers, "webhook-timestamp")
    signature_header = _required_header(headers, "webhook-signature")

    sent_at = _parse_timestamp(timestamp)
    age = int(now) - sent_at
    if age > tolerance:
        raise InvalidWebhookSignatureError(
            f"webhook-timestamp is too old by {age - tolerance:g} s: "
            f"sent {age} s ago, tolerance is {tolerance:g} s"
        )
    if -age > tolerance:
        raise InvalidWebhookSignatureError(
            f"webhook-timestamp is too new by {-age - tolerance:g} s: "
            f"{-age} s in the future, tolerance is {tolerance:g} s"
        )

    candidates = [
        entry[len(_VERSION) :] for entry in signature_header.split() if entry.startswith(_VERSION)
    ]
    if not candidates:
        raise InvalidWebhookSignatureError(
            "webhook-signature holds no 'v1,<base64>' signature entry"
        )
    expected = _digest(key, msg_id, timestamp, body)
    matched = False
    for candidate in candidates:
        # No early exit: every candidate costs the same whether or not an
        # earlier one matched.
        matched |= hmac.compare_digest(expected, candidate.encode("utf-8", "surrogatepass"))
    if not matched:
        raise InvalidWebhookSignatureError(
            f"no signature matched: none of the {len(candidates)} v1 signature(s) in "
            "webhook-signature is the HMAC-SHA256 of this id, timestamp and payload "
            "under the given secret"
        )


def sign(payload: bytes | str, *, secret: str, msg_id: str, timestamp: int) -> str:
    """The ``webhook-signature`` header value for a delivery, as the API would send it.

    Meant for tests, including tests of your own webhook handlers.

    Args:
        payload: The body to sign (a ``str`` is taken as its UTF-8 encoding).
        secret: The signing secret (``whsec_...`` or a raw secret string).
        msg_id: The ``webhook-id`` header value.
        timestamp: The ``webhook-timestamp`` header value, seconds since the epoch.

    Returns:
        ``"v1,<base64 HMAC-SHA256>"``.

    Raises:
        ValueError: ``secret`` is empty or not valid after ``whsec_``;
            ``timestamp`` is negative.
        TypeError: An argument has the wrong type.
    """
    key = _secret_key(secret)
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise TypeError(f"timestamp must be an int (seconds), got {type(timestamp).__name__}")
    if timestamp < 0:
        raise ValueError(f"timestamp must be >= 0, got {timestamp}")
    if not isinstance(msg_id, str):
        raise TypeError(f"msg_id must be a str, got {type(msg_id).__name__}")
    digest = _digest(key, msg_id, str(timestamp), _payload_bytes(payload))
    return _VERSION + digest.decode("ascii")


def _digest(key: bytes, msg_id: str, timestamp: str, body: bytes) -> bytes:
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode("utf-8", "surrogatepass"), hashlib.sha256)
    mac.update(body)
    return base64.b64encode(mac.digest())


def _secret_key(secret: str) -> bytes:
    if not isinstance(secret, str):
        raise TypeError(f"the webhook secret must be a str, got {type(secret).__name__}")
    if secret.startswith(_SECRET_PREFIX):
        try:
            key = base64.b64decode(secret[len(_SECRET_PREFIX) :].strip(), validate=True)
        except binascii.Error:
            # `from None`: the decoder's error is about the secret's characters.
            raise ValueError(
                "the webhook secret starts with 'whsec_' but the rest is not valid base64"
            ) from None
    else:
        key = secret.encode()
    if not key:
        raise ValueError("the webhook secret is empty")
    return key


def _payload_bytes(payload: bytes | str) -> bytes:
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode()
    raise TypeError(f"the webhook payload must be bytes or str, got {type(payload).__name__}")


def _required_header(headers: Mapping[str, str], name: str) -> str:
    found: str | None = None
    for key, value in headers.items():
        if key.lower() != name:
            continue
        if found is not None and value != found:
            raise InvalidWebhookSignatureError(f"header {name} is repeated with different values")
        found = value
    if found is None:
        raise InvalidWebhookSignatureError(f"missing header {name}")
    return found


def _parse_timestamp(value: str) -> int:
    if not (0 < len(value) <= _MAX_TIMESTAMP_DIGITS and value.isascii() and value.isdigit()):
        shown = (
            value if len(value) <= _MAX_TIMESTAMP_DIGITS else value[:_MAX_TIMESTAMP_DIGITS] + "..."
        )
        raise InvalidWebhookSignatureError(
            f"webhook-timestamp must be whole seconds since the epoch, got {shown!r}"
        )
    return int(value)
