"""Rate limiters of a bulk run, adaptive on HTTP 429: a token bucket shared by the run's tasks, and
one schedule shared by every worker of an import through its journal."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio

from .._exceptions import ConfigurationError

if TYPE_CHECKING:
    from .journal import Journal

__all__ = ["RateLimiter", "SharedRateLimiter"]

_BACKOFF_FACTOR = 0.5
"""On a 429 the rate is multiplied by this (multiplicative decrease)."""
_RECOVERY_STEP = 0.05
"""Each success gives back this fraction of the target rate (additive increase)."""
_MAX_PAUSE = 60.0
_EPSILON = 1e-9
"""Float slack: a bucket refilled to 0.9999999999999 holds a whole token."""


class RateLimiter:
    """Spread requests out to at most `rate` per second, and back off when the server says 429.

    Workers call `acquire()` before each request. Tokens refill continuously up to `burst`; waiters
    are served in arrival order because they queue on one fair lock. After `rate_limited()`
    everyone pauses for the server's `Retry-After` (or an exponential back-off when there is none)
    and the rate is halved; each `succeeded()` then gives back a little of the target rate, so a
    run recovers once the server stops refusing.

    Args:
        rate: Target requests per second, or None for no limit (a 429 still pauses everyone).
        burst: How many requests may start at once after an idle spell (default: one).
        min_rate: The floor the adaptive rate never drops below.
        clock: Returns the current time in seconds (injectable for tests).
        sleep: Sleeps for a number of seconds (injectable for tests).
    """

    def __init__(
        self,
        rate: float | None = None,
        *,
        burst: float = 1.0,
        min_rate: float = 0.5,
        clock: Callable[[], float] = anyio.current_time,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        if rate is not None and rate <= 0:
            msg = f"rate must be positive or None, not {rate!r}"
            raise ConfigurationError(msg)
        if burst < 1:
            msg = f"burst must be at least 1, not {burst!r}"
            raise ConfigurationError(msg)
        self.target = rate
        self.rate = rate
        """The current, possibly reduced, rate."""
        self.burst = burst
        self.min_rate = min(min_rate, rate) if rate is not None else min_rate
        self._clock = clock
        self._sleep = sleep
        self._tokens = burst
        self._stamp: float | None = None
        self._paused_until = -math.inf
        self._strikes = 0
        self._lock = anyio.Lock()

    def __repr__(self) -> str:
        return f"RateLimiter(rate={self.rate!r}, target={self.target!r})"

    async def acquire(self) -> None:
        """Wait until one more request may start."""
        if (
            self.rate is None
            and not self._lock.locked()
            and (self._paused_until == -math.inf or self._clock() >= self._paused_until)
        ):
            return  # no limit, no pause and no one queued: nothing to wait for
        async with self._lock:
            while True:
                now = self._clock()
                if now < self._paused_until:
                    await self._sleep(self._paused_until - now)
                    continue
                if self.rate is None:
                    return
                self._refill(now)
                if self._tokens >= 1 - _EPSILON:
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self._sleep((1 - self._tokens) / self.rate)

    def rate_limited(self, retry_after: float | None = None) -> float:
        """Record a 429: pause everyone, lower the rate, and return the pause in seconds."""
        self._strikes += 1
        if retry_after is not None and retry_after >= 0:
            pause = min(retry_after, _MAX_PAUSE)
        else:
            pause = min(_BACKOFF_FACTOR * 2 ** (self._strikes - 1), _MAX_PAUSE)
        now = self._clock()
        self._paused_until = max(self._paused_until, now + pause)
        if self.rate is not None:
            self._refill(now)
            self.rate = max(self.min_rate, self.rate * _BACKOFF_FACTOR)
            self._tokens = min(self._tokens, 1.0)
        return pause

    def succeeded(self) -> None:
        """Record an accepted request: creep back towards the target rate."""
        self._strikes = 0
        if self.rate is not None and self.target is not None and self.rate < self.target:
            self.rate = min(self.target, self.rate + self.target * _RECOVERY_STEP)

    def _refill(self, now: float) -> None:
        """Add the tokens earned since the last refill."""
        assert self.rate is not None
        if self._stamp is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now


class SharedRateLimiter(RateLimiter):
    """One rate for every worker of an import: the schedule lives in the shared journal.

    Each `acquire()` reserves the import's next send slot in the journal's database (the next
    free slot moves on by 1/rate per slot taken, whoever takes it), so n workers together send
    at `rate`, not n times it. A 429 seen by any worker pauses the import's schedule and halves
    its rate, so every worker slows; the rate creeps back by `_RECOVERY_STEP` of the target
    per slot reserved afterwards. With no rate, only the 429 pauses are shared (workers learn
    another's pause with their next heartbeat).

    Args:
        journal: The journal of the import (opened and joined by the run).
        rate: The import's target requests per second, or None.
        slots_per_reservation: Slots taken per database round trip (default: one per 50/s).
    """

    def __init__(
        self,
        journal: Journal,
        rate: float | None,
        *,
        slots_per_reservation: int | None = None,
        clock: Callable[[], float] = anyio.current_time,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        super().__init__(rate, clock=clock, sleep=sleep)
        self.journal = journal
        self.slots = slots_per_reservation or max(1, int((rate or 0) // 50))
        self._queue: deque[float] = deque()
        self._reports: list[float | None] = []
        self._shared_strike = False

    def __repr__(self) -> str:
        return f"SharedRateLimiter(target={self.target!r}, journal={self.journal!r})"

    async def acquire(self) -> None:
        """Wait for this worker's next slot of the import's schedule."""
        if (
            self.target is None
            and not self._reports
            and not self._shared_strike
            and not self._lock.locked()
            and (self._paused_until == -math.inf or self._clock() >= self._paused_until)
        ):
            return  # no shared rate, nothing to report, no pause: nothing to wait for
        async with self._lock:
            while self._reports:
                pause = self._reports.pop(0)
                await self._shared(
                    "rate_limited", pause, _BACKOFF_FACTOR, self.min_rate, _MAX_PAUSE
                )
                self._queue.clear()
            if self._shared_strike and not self._reports and self._strikes == 0:
                self._shared_strike = False
                await self._shared("succeeded")
            while True:
                now = self._clock()
                if now < self._paused_until:
                    await self._sleep(self._paused_until - now)
                    continue
                if self.target is None:
                    return
                if not self._queue:
                    wait, spacing = await self._shared("reserve", self.slots, _RECOVERY_STEP)
                    base = self._clock() + wait
                    self._queue.extend(base + k * spacing for k in range(self.slots))
                slot = self._queue.popleft()
                now = self._clock()
                if slot > now:
                    await self._sleep(slot - now)
                return

    async def _shared(self, operation: str, *args: Any) -> Any:
        store = await self.journal._store()
        return await store.call(getattr(store, operation), self.journal.import_id, *args)

    def rate_limited(self, retry_after: float | None = None) -> float:
        """Pause this worker at once and report the 429 to every worker with the next slot."""
        pause = super().rate_limited(retry_after)
        self._reports.append(retry_after if retry_after is not None and retry_after >= 0 else None)
        self._shared_strike = True
        return pause

    def pause(self, seconds: float) -> None:
        """Another worker's 429: pause for `seconds` (learnt from a heartbeat)."""
        if seconds > 0:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
