"""Tests for protocols.retry: pure decisions, fixed jitter, no clock."""

from __future__ import annotations

import email.utils
from collections.abc import Mapping

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.retry import DefaultRetryPolicy, RetryDecision, RetryPolicy, parse_retry_after

NOW = 1_700_000_000.0


def policy(jitter: float = 0.0, **kwargs: float) -> DefaultRetryPolicy:
    return DefaultRetryPolicy(jitter=lambda: jitter, **kwargs)  # type: ignore[arg-type]


def decide(
    p: DefaultRetryPolicy,
    status: int | None,
    headers: Mapping[str, str] | None = None,
    retries_taken: int = 0,
) -> RetryDecision:
    return p.decide(retries_taken=retries_taken, status_code=status, headers=headers, now=NOW)


def test_default_policy_satisfies_the_protocol() -> None:
    p: RetryPolicy = DefaultRetryPolicy()
    assert p.max_retries == 2
    d = DefaultRetryPolicy()
    assert (d.initial_delay, d.max_delay, d.max_server_delay) == (0.5, 8.0, 120.0)


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        (None, True),
        (408, True),
        (409, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
        (599, True),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (418, False),
        (422, False),
        (200, False),
    ],
)
def test_which_statuses_are_retried(status: int | None, retry: bool) -> None:
    decision = decide(policy(), status, None if status is None else {})
    assert decision.retry is retry
    assert decision.delay == (0.5 if retry else 0.0)
    assert decision.reason


@pytest.mark.parametrize(
    ("headers", "status", "retry"),
    [
        ({"x-should-retry": "true"}, 400, True),
        ({"X-Should-Retry": "TRUE"}, 404, True),
        ({"x-should-retry": "false"}, 500, False),
        ({"X-SHOULD-RETRY": "False"}, 429, False),
        ({"x-should-retry": "maybe"}, 500, True),
        ({"x-should-retry": "maybe"}, 400, False),
    ],
)
def test_x_should_retry(headers: dict[str, str], status: int, retry: bool) -> None:
    decision = decide(policy(), status, headers)
    assert decision.retry is retry
    if "x-should-retry" in decision.reason:
        assert headers[next(iter(headers))].lower() in decision.reason


def test_x_should_retry_with_a_case_insensitive_mapping() -> None:
    class Insensitive(dict[str, str]):
        def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
            for name, value in self.items():
                if name.lower() == key.lower():
                    return value
            return default

    assert decide(policy(), 400, Insensitive({"X-Should-Retry": "true"})).retry


@pytest.mark.parametrize("max_retries", [0, 1, 2, 5])
def test_out_of_retries(max_retries: int) -> None:
    p = policy().with_max_retries(max_retries)
    assert p.max_retries == max_retries
    for taken in range(max_retries):
        assert decide(p, 500, retries_taken=taken).retry
    for taken in (max_retries, max_retries + 1):
        decision = decide(p, 500, {"x-should-retry": "true"}, retries_taken=taken)
        assert decision == RetryDecision(
            retry=False,
            delay=0.0,
            reason=f"500 Internal Server Error; no retries left ({taken} of {max_retries} taken)",
        )


def test_with_max_retries_keeps_the_rest() -> None:
    p = policy(0.5, initial_delay=1.0, max_delay=3.0)
    q = p.with_max_retries(7)
    assert attrs.evolve(q, max_retries=p.max_retries) == p


@pytest.mark.parametrize(
    ("jitter", "expected"),
    [
        (0.0, [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]),
        (0.999, [x * (1 - 0.25 * 0.999) for x in (0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0)]),
    ],
)
def test_backoff_sequence(jitter: float, expected: list[float]) -> None:
    p = policy(jitter).with_max_retries(100)
    delays = [decide(p, 503, retries_taken=n).delay for n in range(len(expected))]
    assert delays == pytest.approx(expected)


def test_backoff_cap_and_huge_retry_counts() -> None:
    p = policy(max_delay=3.0).with_max_retries(10**9)
    assert decide(p, None, retries_taken=3).delay == 3.0
    assert decide(p, None, retries_taken=10**6).delay == 3.0


def test_backoff_reason() -> None:
    assert decide(policy(), 503).reason == "503 Service Unavailable; backoff 0.5 s"
    assert decide(policy(), None).reason.startswith("no response")


@pytest.mark.parametrize(
    ("headers", "delay"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"Retry-After": "2.5"}, 2.5),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"Retry-After-Ms": "250.5"}, 0.2505),
        ({"retry-after-ms": "100", "retry-after": "30"}, 0.1),  # ms beats seconds
        ({"retry-after-ms": "soon", "retry-after": "3"}, 3.0),  # garbage ms: seconds
        ({"retry-after": "120"}, 120.0),  # exactly the cap is honoured
        ({"retry-after": email.utils.formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"retry-after": email.utils.formatdate(NOW + 45)}, 45.0),  # "-0000" zone
    ],
)
def test_server_delay_is_used_exactly(headers: dict[str, str], delay: float) -> None:
    decision = decide(policy(0.9), 429, headers)
    assert decision.retry
    assert decision.delay == pytest.approx(delay)
    assert decision.reason.startswith("429 Too Many Requests; retry-after ")


@pytest.mark.parametrize(
    "headers",
    [
        {"retry-after": "soon"},
        {"retry-after": ""},
        {"retry-after": "nan"},
        {"retry-after": "0"},
        {"retry-after": "-5"},
        {"retry-after-ms": "0"},
        {"retry-after": email.utils.formatdate(NOW - 60, usegmt=True)},  # in the past
        {"retry-after": "Mon, 99 Foo 2024 25:61:61 GMT"},
    ],
)
def test_unusable_server_delay_falls_back_to_backoff(headers: dict[str, str]) -> None:
    decision = decide(policy(), 500, headers)
    assert decision.retry
    assert decision.delay == 0.5
    assert "backoff" in decision.reason


@pytest.mark.parametrize(
    "headers",
    [
        {"retry-after": "121"},
        {"retry-after-ms": "600000"},
        {"retry-after": "1e400"},
        {"retry-after": "inf"},
        {"retry-after": email.utils.formatdate(NOW + 3600, usegmt=True)},
    ],
)
def test_server_delay_above_the_cap_means_no_retry(headers: dict[str, str]) -> None:
    for extra in ({}, {"x-should-retry": "true"}):
        decision = decide(policy(), 429, {**headers, **extra})
        assert not decision.retry
        assert decision.delay == 0.0
        assert "server asked to wait" in decision.reason


def test_max_server_delay_is_configurable() -> None:
    assert decide(policy(max_server_delay=5.0), 429, {"retry-after": "6"}).retry is False
    assert decide(policy(max_server_delay=5.0), 429, {"retry-after": "5"}).delay == 5.0


def test_x_should_retry_true_honours_retry_after() -> None:
    decision = decide(policy(), 400, {"x-should-retry": "true", "retry-after": "3"})
    assert decision == RetryDecision(
        retry=True, delay=3.0, reason="400 Bad Request; x-should-retry: true; retry-after 3 s"
    )


def test_parse_retry_after() -> None:
    assert parse_retry_after(None, NOW) is None
    assert parse_retry_after({}, NOW) is None
    assert parse_retry_after({"x-other": "1"}, NOW) is None
    assert parse_retry_after({"RETRY-AFTER": "7"}, NOW) == 7.0
    assert parse_retry_after({"retry-after": "garbage"}, NOW) is None
    assert parse_retry_after({"retry-after": "-3"}, NOW) == -3.0
    date = email.utils.formatdate(NOW + 10, usegmt=True)
    assert parse_retry_after({"retry-after": date}, NOW) == pytest.approx(10.0)
    assert parse_retry_after({"retry-after": date}, NOW + 10) == pytest.approx(0.0)


def test_policy_validates_its_fields() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        DefaultRetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="max_delay"):
        DefaultRetryPolicy(max_delay=-1.0)


HEADER_VALUES = st.one_of(
    st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.floats(-1e6, 1e6).map(lambda t: email.utils.formatdate(NOW + t, usegmt=True)),
)
HEADERS = st.none() | st.dictionaries(
    st.sampled_from(
        ["retry-after", "Retry-After", "retry-after-ms", "x-should-retry", "X-Should-Retry"]
    ),
    HEADER_VALUES | st.sampled_from(["true", "false", "TRUE"]),
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(
    retries_taken=st.integers(0, 10**4),
    max_retries=st.integers(0, 10),
    status=st.none() | st.integers(100, 599),
    headers=HEADERS,
    jitter=st.floats(0.0, 1.0, exclude_max=True),
    max_delay=st.floats(0.0, 60.0),
    max_server_delay=st.floats(0.0, 600.0),
)
def test_decisions_are_always_bounded(
    retries_taken: int,
    max_retries: int,
    status: int | None,
    headers: dict[str, str] | None,
    jitter: float,
    max_delay: float,
    max_server_delay: float,
) -> None:
    p = DefaultRetryPolicy(
        max_retries=max_retries,
        max_delay=max_delay,
        max_server_delay=max_server_delay,
        jitter=lambda: jitter,
    )
    decision = p.decide(retries_taken=retries_taken, status_code=status, headers=headers, now=NOW)
    assert 0.0 <= decision.delay <= max(max_delay, max_server_delay)
    if retries_taken >= max_retries:
        assert not decision.retry
    if not decision.retry:
        assert decision.delay == 0.0
    assert decision.reason
