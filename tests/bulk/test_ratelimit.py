"""Tests for the shared, adaptive rate limiter (`econtract_async._bulk.ratelimit`)."""

from __future__ import annotations

import pytest

from econtract_async._bulk import RateLimiter
from econtract_async._exceptions import ConfigurationError

pytestmark = pytest.mark.anyio


class FakeTime:
    """A clock that only moves when the limiter sleeps; it records every sleep."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        """The current fake time."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance the fake time instead of waiting."""
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def limiter(rate: float | None, time: FakeTime, **options: float) -> RateLimiter:
    """A limiter driven by `time`."""
    return RateLimiter(rate, clock=time.clock, sleep=time.sleep, **options)


class TestRateLimiter:
    async def test_requests_are_spaced_one_over_rate_apart(self) -> None:
        """At 10 per second, the first request goes at once and each next one 0.1 s later."""
        time = FakeTime()
        bucket = limiter(10, time)
        for _ in range(4):
            await bucket.acquire()
        assert time.sleeps == [0.1, 0.1, 0.1]

    async def test_a_burst_lets_several_requests_start_together(self) -> None:
        """With burst 3 the first three requests do not wait."""
        time = FakeTime()
        bucket = limiter(10, time, burst=3)
        for _ in range(3):
            await bucket.acquire()
        assert time.sleeps == []

    async def test_a_429_pauses_for_retry_after_and_halves_the_rate(self) -> None:
        """After `rate_limited(2)` the next request waits 2 s and the rate is halved."""
        time = FakeTime()
        bucket = limiter(10, time)
        await bucket.acquire()
        assert bucket.rate_limited(2.0) == 2.0
        assert bucket.rate == 5
        await bucket.acquire()
        assert time.sleeps[0] == 2.0

    async def test_successes_recover_the_target_rate(self) -> None:
        """Each success gives back a step of the target rate, never more than the target."""
        bucket = limiter(10, FakeTime())
        bucket.rate_limited(0)
        for _ in range(200):
            bucket.succeeded()
        assert bucket.rate == 10

    async def test_without_a_rate_a_429_still_pauses_everyone(self) -> None:
        """No limit means no spacing, but repeated 429s back off exponentially."""
        time = FakeTime()
        bucket = limiter(None, time)
        await bucket.acquire()
        assert time.sleeps == []
        assert [bucket.rate_limited(None) for _ in range(3)] == [0.5, 1.0, 2.0]
        await bucket.acquire()
        assert time.sleeps == [2.0]

    @pytest.mark.parametrize("rate", [0, -1])
    def test_a_non_positive_rate_is_refused(self, rate: float) -> None:
        """A rate must be above zero (or None)."""
        with pytest.raises(ConfigurationError, match="rate"):
            RateLimiter(rate)
