"""Tests for protocols.webhooks: Standard Webhooks signatures, pure, with an explicit clock."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.errors import InvalidWebhookSignatureError
from protocols.webhooks import sign, verify_signature

SETTINGS = settings(max_examples=200, deadline=None)

KEY = b"0123456789abcdef-not-a-real-key!"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
RAW_SECRET = "a-raw-secret-without-prefix"
NOW = 1_750_000_000
MSG_ID = "wh_685342796d888190a8fc8f3fe7fa4be0"
BODY = b'{"id":"evt_1","object":"event","created_at":1750000000,"type":"batch.completed","data":{"id":"batch_1"}}'


def headers_for(
    body: bytes | str = BODY,
    *,
    secret: str = SECRET,
    msg_id: str = MSG_ID,
    timestamp: int = NOW,
) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(body, secret=secret, msg_id=msg_id, timestamp=timestamp),
    }


def rejection(
    body: bytes | str, headers: dict[str, str], *, secret: str = SECRET, now: float = NOW
) -> str:
    with pytest.raises(InvalidWebhookSignatureError) as info:
        verify_signature(body, headers, secret=secret, now=now)
    return str(info.value)


def accepted(payload: bytes | str, headers: dict[str, str], **kwargs: object) -> bool:
    """Whether ``verify_signature`` lets the delivery through (it raises otherwise)."""
    try:
        verify_signature(payload, headers, **kwargs)  # type: ignore[arg-type]
    except InvalidWebhookSignatureError:
        return False
    return True


# -- accepted ---------------------------------------------------------------------------


def test_a_valid_delivery_passes() -> None:
    assert accepted(BODY, headers_for(), secret=SECRET, now=NOW)


def test_str_and_bytes_payloads_are_the_same() -> None:
    text = BODY.decode()
    assert sign(text, secret=SECRET, msg_id=MSG_ID, timestamp=NOW) == sign(
        BODY, secret=SECRET, msg_id=MSG_ID, timestamp=NOW
    )
    assert accepted(text, headers_for(BODY), secret=SECRET, now=NOW)


def test_known_answer() -> None:
    # HMAC-SHA256 over "id.timestamp.body" with the base64-decoded key, computed
    # independently of sign().
    import hashlib
    import hmac

    digest = hmac.new(KEY, f"{MSG_ID}.{NOW}.".encode() + BODY, hashlib.sha256).digest()
    assert sign(BODY, secret=SECRET, msg_id=MSG_ID, timestamp=NOW) == (
        "v1," + base64.b64encode(digest).decode()
    )


def test_a_secret_without_prefix_is_its_utf8_bytes() -> None:
    import hashlib
    import hmac

    digest = hmac.new(RAW_SECRET.encode(), f"{MSG_ID}.{NOW}.".encode() + BODY, hashlib.sha256)
    expected = "v1," + base64.b64encode(digest.digest()).decode()
    assert sign(BODY, secret=RAW_SECRET, msg_id=MSG_ID, timestamp=NOW) == expected
    assert accepted(BODY, headers_for(secret=RAW_SECRET), secret=RAW_SECRET, now=NOW)
    # The same characters read as whsec_ base64 are another key.
    assert "no signature matched" in rejection(BODY, headers_for(secret=RAW_SECRET))


def test_header_names_are_case_insensitive() -> None:
    h = headers_for()
    mixed = {
        "Webhook-Id": h["webhook-id"],
        "WEBHOOK-TIMESTAMP": h["webhook-timestamp"],
        "Webhook-Signature": h["webhook-signature"],
        "Content-Type": "application/json",
    }
    assert accepted(BODY, mixed, secret=SECRET, now=NOW)


def test_any_of_several_signatures_may_match() -> None:
    good = headers_for()["webhook-signature"]
    other = sign(
        BODY, secret="whsec_" + base64.b64encode(b"old key").decode(), msg_id=MSG_ID, timestamp=NOW
    )
    for value in (
        f"{other} {good}",
        f"{good} {other}",
        f"v1a,AAAA {good}",
        f"  {other}   {good}  ",
    ):
        assert accepted(BODY, {**headers_for(), "webhook-signature": value}, secret=SECRET, now=NOW)


@pytest.mark.parametrize("offset", [-300, -299, 0, 299, 300])
def test_timestamps_within_tolerance_pass_both_ways(offset: int) -> None:
    assert accepted(BODY, headers_for(timestamp=NOW + offset), secret=SECRET, now=NOW)


def test_now_counts_in_whole_seconds() -> None:
    # Sent 300 s ago by the clock's whole seconds: inside the tolerance.
    assert accepted(BODY, headers_for(timestamp=NOW - 300), secret=SECRET, now=NOW + 0.999)


def test_tolerance_is_configurable() -> None:
    h = headers_for(timestamp=NOW - 10)
    assert accepted(BODY, h, secret=SECRET, now=NOW, tolerance=10)
    with pytest.raises(InvalidWebhookSignatureError, match="too old by 1 s"):
        verify_signature(BODY, h, secret=SECRET, now=NOW, tolerance=9)
    assert accepted(BODY, headers_for(timestamp=NOW), secret=SECRET, now=NOW, tolerance=0)


def test_a_secret_with_surrounding_whitespace_after_the_prefix_still_works() -> None:
    assert accepted(BODY, headers_for(), secret=SECRET + "\n", now=NOW)


# -- rejected, each with a message naming why ----------------------------------------------


@pytest.mark.parametrize("name", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_named(name: str) -> None:
    h = headers_for()
    del h[name]
    assert rejection(BODY, h) == f"missing header {name}"


def test_timestamp_too_old_says_by_how_much() -> None:
    message = rejection(BODY, headers_for(timestamp=NOW - 301))
    assert "too old by 1 s" in message
    assert "301 s ago" in message
    assert "too old by 3599 s" in rejection(BODY, headers_for(timestamp=NOW - 3899))


def test_timestamp_too_new_says_by_how_much() -> None:
    message = rejection(BODY, headers_for(timestamp=NOW + 301))
    assert "too new by 1 s" in message
    assert "301 s in the future" in message


@pytest.mark.parametrize("value", ["", "abc", "-5", "1.5", " 1750000000", "1e9", "١٢٣", "9" * 21])
def test_a_malformed_timestamp_is_named(value: str) -> None:
    h = {**headers_for(), "webhook-timestamp": value}
    message = rejection(BODY, h)
    assert message.startswith("webhook-timestamp must be whole seconds since the epoch")
    assert len(message) < 120


def test_a_tampered_payload_matches_no_signature() -> None:
    message = rejection(BODY.replace(b"batch_1", b"batch_2"), headers_for())
    assert message.startswith("no signature matched")
    assert "1 v1 signature(s)" in message


def test_a_header_without_v1_entries_is_named() -> None:
    for value in ("", "   ", "v2,AAAA", "v1a,AAAA v0,BBBB"):
        h = {**headers_for(), "webhook-signature": value}
        assert rejection(BODY, h) == "webhook-signature holds no 'v1,<base64>' signature entry"


def test_a_bare_signature_without_version_is_not_accepted() -> None:
    good = headers_for()["webhook-signature"]
    h = {**headers_for(), "webhook-signature": good.removeprefix("v1,")}
    assert "no 'v1,<base64>'" in rejection(BODY, h)


def test_a_repeated_header_with_different_values_is_refused() -> None:
    h = {**headers_for(), "Webhook-Id": "wh_other"}
    assert rejection(BODY, h) == "header webhook-id is repeated with different values"
    # The same value twice is harmless.
    assert accepted(BODY, {**headers_for(), "Webhook-Id": MSG_ID}, secret=SECRET, now=NOW)


def test_the_wrong_secret_matches_no_signature() -> None:
    other = "whsec_" + base64.b64encode(b"another key").decode()
    assert rejection(BODY, headers_for(), secret=other).startswith("no signature matched")


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("", "the webhook secret is empty"),
        ("whsec_", "the webhook secret is empty"),
        ("whsec_not*base64!", "starts with 'whsec_' but the rest is not valid base64"),
        ("whsec_abc", "starts with 'whsec_' but the rest is not valid base64"),
    ],
)
def test_a_malformed_secret_is_a_value_error(secret: str, message: str) -> None:
    with pytest.raises(ValueError, match="webhook secret") as info:
        verify_signature(BODY, headers_for(), secret=secret, now=NOW)
    assert message in str(info.value)
    assert not isinstance(info.value, InvalidWebhookSignatureError)
    with pytest.raises(ValueError, match="webhook secret"):
        sign(BODY, secret=secret, msg_id=MSG_ID, timestamp=NOW)


def test_bad_argument_types_and_values() -> None:
    with pytest.raises(TypeError, match="payload must be bytes or str, got dict"):
        verify_signature({"a": 1}, headers_for(), secret=SECRET, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="secret must be a str, got bytes"):
        verify_signature(BODY, headers_for(), secret=KEY, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tolerance must be >= 0"):
        verify_signature(BODY, headers_for(), secret=SECRET, now=NOW, tolerance=-1)
    with pytest.raises(TypeError, match="timestamp must be an int"):
        sign(BODY, secret=SECRET, msg_id=MSG_ID, timestamp="1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timestamp must be >= 0"):
        sign(BODY, secret=SECRET, msg_id=MSG_ID, timestamp=-1)


def test_the_secret_never_appears_in_an_error() -> None:
    key = b"SUPERSECRETKEYBYTES-do-not-print"
    b64 = base64.b64encode(key).decode()
    secrets_ = ["whsec_" + b64, "raw-SUPERSECRET-value"]
    other = "whsec_" + base64.b64encode(b"other").decode()
    errors: list[BaseException] = []

    def collect(fn: Callable[[], object]) -> None:
        try:
            fn()
        except (ValueError, TypeError) as exc:
            errors.append(exc)
        else:
            pytest.fail("expected an error")

    for secret in secrets_:
        good = headers_for(secret=secret)
        cases: list[dict[str, str]] = [
            {k: v for k, v in good.items() if k != "webhook-id"},
            {k: v for k, v in good.items() if k != "webhook-timestamp"},
            {k: v for k, v in good.items() if k != "webhook-signature"},
            {**good, "webhook-timestamp": "nope"},
            {**good, "webhook-signature": "v2,x"},
            {**good, "Webhook-Id": "x"},
            headers_for(secret=secret, timestamp=NOW - 1000),
            headers_for(secret=secret, timestamp=NOW + 1000),
            headers_for(secret=other),
        ]
        for h in cases:
            collect(lambda h=h, secret=secret: verify_signature(BODY, h, secret=secret, now=NOW))
        collect(lambda s=secret, g=good: verify_signature(b"x", g, secret=s, now=NOW))
        collect(lambda s=secret, g=good: verify_signature(BODY, g, secret=s + "!", now=NOW))
        collect(lambda secret=secret: sign(1, secret=secret, msg_id="x", timestamp=1))  # type: ignore[arg-type]
    collect(lambda: verify_signature(BODY, headers_for(), secret="whsec_" + b64 + "*", now=NOW))
    collect(lambda: sign(BODY, secret="whsec_SUPERSECRET*", msg_id="x", timestamp=1))

    assert len(errors) == 2 * 12 + 2
    for exc in errors:
        for text in (str(exc), repr(exc), str(exc.__cause__), str(exc.__context__)):
            assert "SUPERSECRET" not in text
            assert b64 not in text
            assert b64[:12] not in text
        assert exc.__cause__ is None


# -- properties ----------------------------------------------------------------------------

ids = st.text(min_size=0, max_size=40)
timestamps = st.integers(min_value=0, max_value=10**12)
secrets = st.one_of(
    st.binary(min_size=1, max_size=64).map(lambda k: "whsec_" + base64.b64encode(k).decode()),
    st.text(min_size=1, max_size=40).filter(lambda s: not s.startswith("whsec_")),
)
# Large enough that only the signature decides, for the tampering properties.
WIDE = 10.0**13


@SETTINGS
@given(payload=st.binary(max_size=2048), msg_id=ids, timestamp=timestamps, secret=secrets)
def test_sign_then_verify_round_trips(
    payload: bytes, msg_id: str, timestamp: int, secret: str
) -> None:
    h = headers_for(payload, secret=secret, msg_id=msg_id, timestamp=timestamp)
    assert accepted(payload, h, secret=secret, now=timestamp)


@SETTINGS
@given(payload=st.binary(min_size=1, max_size=512), data=st.data())
def test_changing_any_payload_byte_fails(payload: bytes, data: st.DataObject) -> None:
    h = headers_for(payload)
    i = data.draw(st.integers(0, len(payload) - 1))
    new = data.draw(st.integers(0, 255).filter(lambda b: b != payload[i]))
    tampered = payload[:i] + bytes([new]) + payload[i + 1 :]
    assert rejection(tampered, h).startswith("no signature matched")


@SETTINGS
@given(msg_id=st.text(min_size=1, max_size=40), data=st.data())
def test_changing_any_id_character_fails(msg_id: str, data: st.DataObject) -> None:
    h = headers_for(msg_id=msg_id)
    i = data.draw(st.integers(0, len(msg_id) - 1))
    new = data.draw(st.characters().filter(lambda c: c != msg_id[i]))
    h["webhook-id"] = msg_id[:i] + new + msg_id[i + 1 :]
    assert rejection(BODY, h).startswith("no signature matched")


@SETTINGS
@given(timestamp=timestamps, data=st.data())
def test_changing_any_timestamp_byte_fails(timestamp: int, data: st.DataObject) -> None:
    h = headers_for(timestamp=timestamp)
    text = h["webhook-timestamp"]
    i = data.draw(st.integers(0, len(text) - 1))
    new = data.draw(st.characters(codec="ascii").filter(lambda c: c != text[i]))
    h["webhook-timestamp"] = text[:i] + new + text[i + 1 :]
    with pytest.raises(InvalidWebhookSignatureError) as info:
        verify_signature(BODY, h, secret=SECRET, now=timestamp, tolerance=WIDE)
    if new.isdigit():
        # Still a number ("012" is another string than "12", so it fails too).
        assert str(info.value).startswith("no signature matched")


@SETTINGS
@given(data=st.data())
def test_changing_any_signature_byte_fails(data: st.DataObject) -> None:
    h = headers_for()
    sig = h["webhook-signature"]
    i = data.draw(st.integers(0, len(sig) - 1))
    new = data.draw(st.characters(codec="ascii").filter(lambda c: c != sig[i] and not c.isspace()))
    h["webhook-signature"] = sig[:i] + new + sig[i + 1 :]
    assert rejection(BODY, h)
