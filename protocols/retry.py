"""Retry policy as pure decisions: (attempt, status, headers, now) in, decision out.

A policy never sleeps and never reads a clock; the caller passes ``now`` (wall
clock, epoch seconds, only used to read an HTTP-date ``retry-after``) and
sleeps for :attr:`RetryDecision.delay` itself.

:class:`DefaultRetryPolicy` mirrors the official ``openai`` SDK:

1. No retry once ``retries_taken >= max_retries``.
2. A server delay (``retry-after-ms``, then ``retry-after`` as seconds or as an
   HTTP-date) longer than ``max_server_delay`` means no retry at all.
3. ``x-should-retry: true`` forces a retry, ``false`` forbids it.
4. Otherwise a failure without a response (connection error, timeout), 408,
   409, 429 and every status >= 500 are retried; nothing else is.
5. The delay is the server's when ``0 < delay <= max_server_delay``, else
   exponential backoff ``min(initial_delay * 2**retries_taken, max_delay)``
   shortened by up to 25 % of jitter.
"""

from __future__ import annotations

import email.utils
import http
import math
import random
from collections.abc import Callable, Mapping
from datetime import timezone
from typing import Protocol

import attrs

__all__ = ["DefaultRetryPolicy", "RetryDecision", "RetryPolicy", "parse_retry_after"]

# 2.0 ** 1024 overflows a float; past this exponent the backoff is capped anyway.
_MAX_EXPONENT = 1000


@attrs.frozen(kw_only=True)
class RetryDecision:
    """What to do after a failed attempt."""

    retry: bool
    """Whether to make another attempt."""
    delay: float
    """Seconds to wait before the next attempt (0 when ``retry`` is False)."""
    reason: str
    """Short human text, e.g. ``"429 Too Many Requests; retry-after 2.0 s"``."""


class RetryPolicy(Protocol):
    """Anything that decides retries; :class:`DefaultRetryPolicy` is one."""

    @property
    def max_retries(self) -> int:
        """How many retries (not attempts) the policy allows at most."""
        ...

    def decide(
        self,
        *,
        retries_taken: int,
        status_code: int | None,
        headers: Mapping[str, str] | None,
        now: float,
    ) -> RetryDecision:
        """Decide whether and when to retry a failed attempt.

        Args:
            retries_taken: Retries made so far (0 after the first attempt).
            status_code: The response status, or None when the attempt failed
                without a response (connection error or timeout).
            headers: The response headers (any case), None without a response.
            now: Wall-clock time in epoch seconds.

        Returns:
            The decision. Pure: the same arguments give the same decision,
            apart from whatever randomness the policy injects (jitter).
        """
        ...


@attrs.frozen(kw_only=True)
class DefaultRetryPolicy:
    """The SDK's retry rules (see the module docstring), with injectable jitter."""

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    """Retries allowed after the first attempt."""
    initial_delay: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    """Backoff before the first retry, in seconds."""
    max_delay: float = attrs.field(default=8.0, validator=attrs.validators.ge(0))
    """Cap on the backoff, in seconds."""
    max_server_delay: float = attrs.field(default=120.0, validator=attrs.validators.ge(0))
    """Longest server-requested delay honoured; a longer one means no retry."""
    jitter: Callable[[], float] = random.random
    """Returns a value in [0, 1); the backoff is shortened by a quarter of it."""

    def with_max_retries(self, n: int) -> DefaultRetryPolicy:
        """A copy of this policy allowing ``n`` retries."""
        return attrs.evolve(self, max_retries=n)

    def decide(
        self,
        *,
        retries_taken: int,
        status_code: int | None,
        headers: Mapping[str, str] | None,
        now: float,
    ) -> RetryDecision:
        """Decide whether and when to retry; see :meth:`RetryPolicy.decide`."""
        what = _describe(status_code)
        if retries_taken >= self.max_retries:
            return _no(f"{what}; no retries left ({retries_taken} of {self.max_retries} taken)")
        lowered = _lower_keys(headers)
        server_delay = parse_retry_after(lowered, now)
        if server_delay is not None and server_delay > self.max_server_delay:
            return _no(
                f"{what}; server asked to wait {server_delay:g} s, "
                f"more than max_server_delay {self.max_server_delay:g} s"
            )
        should_retry = lowered.get("x-should-retry", "").strip().lower()
        if should_retry == "false":
            return _no(f"{what}; x-should-retry: false")
        if should_retry != "true" and not _retryable(status_code):
            return _no(f"{what}; not retryable")
        why = f"{what}; x-should-retry: true" if should_retry == "true" else what
        if server_delay is not None and server_delay > 0:
            return RetryDecision(
                retry=True, delay=server_delay, reason=f"{why}; retry-after {server_delay:g} s"
            )
        backoff = min(self.initial_delay * 2.0 ** min(retries_taken, _MAX_EXPONENT), self.max_delay)
        delay = max(backoff * (1.0 - 0.25 * self.jitter()), 0.0)
        return RetryDecision(retry=True, delay=delay, reason=f"{why}; backoff {delay:.3g} s")


def parse_retry_after(headers: Mapping[str, str] | None, now: float) -> float | None:
    """The delay, in seconds, that the server asked for.

    ``retry-after-ms`` (float milliseconds) wins over ``retry-after``, which may
    be float seconds or an HTTP-date (then ``now`` is subtracted). A header
    that does not parse is skipped, as if absent. Header names may be in any
    case.

    Args:
        headers: Response headers, or None.
        now: Wall-clock time in epoch seconds, for an HTTP-date.

    Returns:
        The delay (possibly zero, negative or infinite: the caller judges it),
        or None when no usable header is present.
    """
    lowered = _lower_keys(headers)
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = lowered.get(name)
        if value is None:
            continue
        try:
            seconds = float(value)
        except ValueError:
            continue
        if not math.isnan(seconds):
            return seconds * scale
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            # RFC 9110 dates are in GMT; "-0000" parses as naive.
            when = when.replace(tzinfo=timezone.utc)
        return when.timestamp() - now
    except (TypeError, ValueError, IndexError, OverflowError):
        # Anything that is not a date is as good as no header.
        return None


def _lower_keys(headers: Mapping[str, str] | None) -> Mapping[str, str]:
    # A plain dict may use any case and a case-insensitive mapping is fine
    # either way; lowering once keeps every later lookup simple.
    if not headers:
        return {}
    return {key.lower(): value for key, value in headers.items()}


def _retryable(status_code: int | None) -> bool:
    return status_code is None or status_code in (408, 409, 429) or status_code >= 500


def _describe(status_code: int | None) -> str:
    if status_code is None:
        return "no response (connection error or timeout)"
    try:
        return f"{status_code} {http.HTTPStatus(status_code).phrase}"
    except ValueError:
        return str(status_code)


def _no(reason: str) -> RetryDecision:
    return RetryDecision(retry=False, delay=0.0, reason=reason)
