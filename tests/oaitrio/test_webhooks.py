"""client.webhooks: verify and unwrap deliveries, cross-checked against the official SDK."""

from __future__ import annotations

import base64
import functools
import importlib
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import oaitrio
from oaitrio import InvalidWebhookSignatureError
from oaitrio.lib.webhooks import AsyncWebhooks, UnknownWebhookEvent
from oaitrio.types.webhooks import UnwrapWebhookEvent
from protocols.webhooks import sign

SECRET = "whsec_" + base64.b64encode(b"test webhook key, 32 bytes long!").decode()
NOW = 1_750_000_000
MSG_ID = "wh_1"
EVENT = {
    "id": "evt_685343a1381c819085d44c354e1b330e",
    "object": "event",
    "created_at": 1750287018,
    "type": "batch.completed",
    "data": {"id": "batch_abc"},
}
BODY = msgspec.json.encode(EVENT)


def headers_for(
    body: bytes | str = BODY, *, secret: str = SECRET, timestamp: int = NOW, msg_id: str = MSG_ID
) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(body, secret=secret, msg_id=msg_id, timestamp=timestamp),
    }


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    # Both libraries read time.time(); freezing it makes the edges exact.
    with mock.patch.object(time, "time", return_value=NOW + 0.25):
        yield


@pytest.fixture
def webhooks(monkeypatch: pytest.MonkeyPatch) -> AsyncWebhooks:
    monkeypatch.delenv("OPENAI_WEBHOOK_SECRET", raising=False)
    return oaitrio.AsyncOpenAI(api_key="sk-x", webhook_secret=SECRET).webhooks


def test_verify_uses_the_client_secret(webhooks: AsyncWebhooks) -> None:
    webhooks.verify_signature(BODY, headers_for())
    webhooks.verify_signature(BODY.decode(), headers_for())
    other = "whsec_" + base64.b64encode(b"another key of thirty-two bytes!").decode()
    with pytest.raises(InvalidWebhookSignatureError, match="no signature matched"):
        webhooks.verify_signature(BODY, headers_for(secret=other))


def test_verify_reads_the_clock(webhooks: AsyncWebhooks) -> None:
    webhooks.verify_signature(BODY, headers_for(timestamp=NOW - 300))
    with pytest.raises(InvalidWebhookSignatureError, match="too old by 1 s"):
        webhooks.verify_signature(BODY, headers_for(timestamp=NOW - 301))
    with pytest.raises(InvalidWebhookSignatureError, match="too new by 1 s"):
        webhooks.verify_signature(BODY, headers_for(timestamp=NOW + 301))
    webhooks.verify_signature(BODY, headers_for(timestamp=NOW - 1000), tolerance=1000)


def test_an_explicit_secret_wins(webhooks: AsyncWebhooks) -> None:
    other = "whsec_" + base64.b64encode(b"other").decode()
    webhooks.verify_signature(BODY, headers_for(secret=other), secret=other)
    with pytest.raises(InvalidWebhookSignatureError, match="no signature matched"):
        webhooks.verify_signature(BODY, headers_for(secret=other))


def test_no_secret_anywhere_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_WEBHOOK_SECRET", raising=False)
    webhooks = AsyncWebhooks(oaitrio.AsyncOpenAI(api_key="sk-x"))
    for call in (webhooks.verify_signature, webhooks.unwrap):
        with pytest.raises(ValueError, match="No webhook secret") as info:
            call(BODY, headers_for())
        assert "OPENAI_WEBHOOK_SECRET" in str(info.value)
        assert not isinstance(info.value, InvalidWebhookSignatureError)


def test_the_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", SECRET)
    event = oaitrio.AsyncOpenAI(api_key="sk-x").webhooks.unwrap(BODY, headers_for())
    assert event.id == EVENT["id"]


def test_unwrap_verifies_then_decodes(webhooks: AsyncWebhooks) -> None:
    event = webhooks.unwrap(BODY, headers_for())
    assert isinstance(event, UnwrapWebhookEvent)
    assert (event.id, event.type, event.created_at, event.object) == (
        EVENT["id"],
        "batch.completed",
        1750287018,
        "event",
    )
    assert type(event).__name__ == "BatchCompletedWebhookEvent"
    assert event.data.id == "batch_abc"  # type: ignore[union-attr]
    assert event.to_dict() == EVENT
    assert webhooks.unwrap(BODY.decode(), headers_for()) == event


def test_unwrap_refuses_before_decoding(webhooks: AsyncWebhooks) -> None:
    with pytest.raises(InvalidWebhookSignatureError):
        webhooks.unwrap(b"not json", headers_for())


def test_unwrap_is_lenient(webhooks: AsyncWebhooks) -> None:
    raw = msgspec.json.encode(
        {"id": "evt_2", "type": "a.future.event", "data": {"x": [1]}, "new_field": True}
    )
    event = webhooks.unwrap(raw, headers_for(raw))
    assert isinstance(event, UnknownWebhookEvent)
    assert event.type == "a.future.event"
    assert event.data == {"x": [1]}
    assert event.created_at is None  # missing: kept as None, the rest is not lost


def test_unwrap_of_a_signed_non_json_body_is_a_value_error(webhooks: AsyncWebhooks) -> None:
    with pytest.raises(ValueError, match="JSON"):
        webhooks.unwrap(b"not json", headers_for(b"not json"))


# -- the same verdicts as the official SDK -------------------------------------------------

openai = importlib.import_module("openai")

OTHER = "whsec_" + base64.b64encode(b"another key").decode()
RAW = "raw-secret"


def cases() -> list[object]:
    good = headers_for()

    def without(name: str) -> dict[str, str]:
        return {k: v for k, v in good.items() if k != name}

    rotated = headers_for(secret=OTHER)["webhook-signature"] + " " + good["webhook-signature"]
    table: list[tuple[str, bytes, dict[str, str], str, bool]] = [
        ("valid", BODY, good, SECRET, True),
        ("title-case headers", BODY, {k.title(): v for k, v in good.items()}, SECRET, True),
        ("raw secret", BODY, headers_for(secret=RAW), RAW, True),
        ("raw secret, wrong", BODY, headers_for(secret=RAW), RAW + "x", False),
        ("tampered", BODY + b" ", good, SECRET, False),
        ("wrong secret", BODY, good, OTHER, False),
        ("old edge", BODY, headers_for(timestamp=NOW - 300), SECRET, True),
        ("too old", BODY, headers_for(timestamp=NOW - 301), SECRET, False),
        ("new edge", BODY, headers_for(timestamp=NOW + 300), SECRET, True),
        ("too new", BODY, headers_for(timestamp=NOW + 301), SECRET, False),
        ("rotation", BODY, {**good, "webhook-signature": rotated}, SECRET, True),
        ("no signature header", BODY, without("webhook-signature"), SECRET, False),
        ("no id header", BODY, without("webhook-id"), SECRET, False),
        ("no timestamp header", BODY, without("webhook-timestamp"), SECRET, False),
        ("bad timestamp", BODY, {**good, "webhook-timestamp": "soon"}, SECRET, False),
        ("other id", BODY, {**good, "webhook-id": "wh_2"}, SECRET, False),
        ("unicode body", "héllo ✓".encode(), headers_for("héllo ✓"), SECRET, True),
    ]
    return [pytest.param(*row[1:], id=row[0]) for row in table]


@functools.cache
def both(secret: str) -> tuple[AsyncWebhooks, Any]:
    return (
        AsyncWebhooks(oaitrio.AsyncOpenAI(api_key="sk-x", webhook_secret=secret)),
        openai.AsyncOpenAI(api_key="sk-x", webhook_secret=secret).webhooks,
    )


def verdicts(payload: bytes, headers: dict[str, str], secret: str) -> tuple[bool, bool]:
    ours, theirs = both(secret)

    def accepted(verify: object) -> bool:
        try:
            verify(payload, headers)  # type: ignore[operator]
        except ValueError:  # InvalidWebhookSignatureError in both, or the SDK's missing header
            return False
        return True

    return accepted(ours.verify_signature), accepted(theirs.verify_signature)


@pytest.mark.parametrize(("payload", "headers", "secret", "expected"), cases())
def test_same_verdict_as_the_official_sdk(
    payload: bytes, headers: dict[str, str], secret: str, expected: bool
) -> None:
    assert verdicts(payload, headers, secret) == (expected, expected)


@settings(max_examples=100, deadline=None)
@given(
    body=st.text(max_size=200),
    offset=st.integers(-400, 400),
    msg_id=st.text(alphabet=st.characters(codec="ascii", exclude_characters="\r\n"), max_size=20),
    sign_with=st.sampled_from([SECRET, OTHER, RAW]),
    verify_with=st.sampled_from([SECRET, OTHER, RAW]),
)
def test_same_verdict_on_generated_deliveries(
    body: str, offset: int, msg_id: str, sign_with: str, verify_with: str
) -> None:
    headers = headers_for(body, secret=sign_with, timestamp=NOW + offset, msg_id=msg_id)
    ours, theirs = verdicts(body.encode(), headers, verify_with)
    assert ours == theirs
    assert ours == (sign_with == verify_with and abs(offset) <= 300)


def test_unwrap_agrees_with_the_official_sdk(webhooks: AsyncWebhooks) -> None:
    theirs = openai.AsyncOpenAI(api_key="sk-x", webhook_secret=SECRET).webhooks.unwrap(
        BODY, headers_for()
    )
    ours = webhooks.unwrap(BODY, headers_for())
    assert (ours.id, ours.type, ours.created_at, ours.object) == (
        theirs.id,
        theirs.type,
        theirs.created_at,
        theirs.object,
    )
    assert ours.data.to_dict() == theirs.data.model_dump()  # type: ignore[union-attr]
    assert type(ours).__name__ == type(theirs).__name__
