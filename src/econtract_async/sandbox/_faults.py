"""Fault injection: what can go wrong between the SDK and the APIs, on demand and reproducibly.

A `Faults` value describes the faults to inject; a `FaultInjector` holds the current one, a
seeded random source and the one-shot `script`, and decides the fate of each API request.
Admin endpoints are never subject to faults.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["ERROR_STATUSES", "SCRIPT_STEPS", "Decision", "FaultInjector", "Faults"]

ERROR_STATUSES = (500, 502, 503)
"""Statuses that `Faults.error_rates` may inject."""

SCRIPT_STEPS = frozenset({"ok", "500", "502", "503", "429", "drop", "slow"})
"""One-shot steps a `Faults.script` may hold, consumed one per API request."""


def _check_rate(name: str, value: float) -> None:
    """Refuse a probability outside [0, 1]."""
    if not 0.0 <= value <= 1.0:
        msg = f"{name} must be between 0 and 1, got {value!r}"
        raise ValueError(msg)


@attrs.frozen
class Faults:
    """The faults a sandbox injects into API requests (never into `/_sandbox/` admin calls).

    Every rate is a probability per request, drawn from a random source seeded with `seed`, so
    a run is reproducible. `script` lists one-shot steps consumed in order before any random
    draw, e.g. `("503", "ok")` fails the next request and lets the one after it through.

    Attributes:
        latency: seconds added before each request is handled, or a `(low, high)` range.
        error_rates: probability of answering with each of 500, 502 and 503 instead of handling.
        rate_limit_rate: probability of answering 429 with a `Retry-After` header.
        retry_after: the `Retry-After` value in seconds sent with 429 (and scripted 503).
        drop_rate: probability of handling the request (writes included) and then closing the
            connection without an answer: the ambiguous case for non-idempotent writes.
        slow_body_rate: probability of streaming the answer in chunks with pauses in between.
        slow_body_delay: seconds between two chunks of a slow body.
        slow_body_chunks: number of chunks a slow body is cut into.
        seed: seed of the random source.
        script: one-shot steps (`ok`, `500`, `502`, `503`, `429`, `drop`, `slow`).
    """

    latency: float | tuple[float, float] = 0.0
    error_rates: Mapping[int, float] = attrs.field(factory=dict)
    rate_limit_rate: float = 0.0
    retry_after: int = 1
    drop_rate: float = 0.0
    slow_body_rate: float = 0.0
    slow_body_delay: float = 0.05
    slow_body_chunks: int = 4
    seed: int = 0
    script: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if isinstance(self.latency, tuple):
            low, high = self.latency
            if not 0 <= low <= high:
                msg = f"latency range must satisfy 0 <= low <= high, got {self.latency!r}"
                raise ValueError(msg)
        elif self.latency < 0:
            msg = f"latency must not be negative, got {self.latency!r}"
            raise ValueError(msg)
        for status, rate in self.error_rates.items():
            if status not in ERROR_STATUSES:
                msg = f"error_rates accepts statuses {ERROR_STATUSES}, got {status!r}"
                raise ValueError(msg)
            _check_rate(f"error_rates[{status}]", rate)
        if sum(self.error_rates.values()) + self.rate_limit_rate > 1.0:
            msg = "error_rates and rate_limit_rate must add up to at most 1"
            raise ValueError(msg)
        _check_rate("rate_limit_rate", self.rate_limit_rate)
        _check_rate("drop_rate", self.drop_rate)
        _check_rate("slow_body_rate", self.slow_body_rate)
        if self.retry_after < 0 or self.slow_body_delay < 0 or self.slow_body_chunks < 1:
            msg = "retry_after and slow_body_delay must be >= 0 and slow_body_chunks >= 1"
            raise ValueError(msg)
        unknown = [step for step in self.script if step not in SCRIPT_STEPS]
        if unknown:
            msg = f"unknown script steps {unknown!r}; expected some of {sorted(SCRIPT_STEPS)}"
            raise ValueError(msg)

    def to_json(self) -> dict[str, Any]:
        """This value as JSON-ready data (the admin endpoint's answer)."""
        data = attrs.asdict(self)
        data["latency"] = list(self.latency) if isinstance(self.latency, tuple) else self.latency
        data["error_rates"] = {str(k): v for k, v in self.error_rates.items()}
        data["script"] = list(self.script)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, base: Faults | None = None) -> Faults:
        """Build faults from JSON data; keys not given keep their value in `base`.

        Raises:
            ValueError: an unknown key or a value out of range.
        """
        names = {a.name for a in attrs.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            msg = f"unknown fault settings {unknown}; expected some of {sorted(names)}"
            raise ValueError(msg)
        changes = dict(data)
        if isinstance(changes.get("latency"), list):
            low, high = changes["latency"]
            changes["latency"] = (float(low), float(high))
        if "error_rates" in changes:
            changes["error_rates"] = {int(k): float(v) for k, v in changes["error_rates"].items()}
        if "script" in changes:
            changes["script"] = tuple(str(step) for step in changes["script"])
        try:
            return attrs.evolve(base or cls(), **changes)
        except TypeError as exc:
            raise ValueError(str(exc)) from None


@attrs.frozen
class Decision:
    """What happens to one API request."""

    latency: float = 0.0
    status: int | None = None
    """Answer with this error status instead of handling the request."""
    retry_after: int | None = None
    drop: bool = False
    """Handle the request, then close the connection without an answer."""
    slow_chunks: int = 0
    slow_delay: float = 0.0


class FaultInjector:
    """Holds the current `Faults` and decides the fate of each request; thread-safe."""

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self._faults = Faults()
        self._random = random.Random(0)
        self._script: list[str] = []
        self.set(faults or Faults())

    @property
    def current(self) -> Faults:
        """The faults in force, `script` showing the steps not consumed yet."""
        with self._lock:
            return attrs.evolve(self._faults, script=tuple(self._script))

    def set(self, faults: Faults) -> Faults:
        """Replace the faults in force; the random source is reseeded and the script restarts."""
        with self._lock:
            self._faults = faults
            self._random = random.Random(faults.seed)
            self._script = list(faults.script)
        return faults

    def update(self, **changes: Any) -> Faults:
        """Change some settings, keep the others (`update(error_rates={503: 0.5})`)."""
        return self.set(Faults.from_json(changes, base=self.current))

    def reset(self) -> Faults:
        """Inject nothing any more."""
        return self.set(Faults())

    def decide(self) -> Decision:
        """Draw the fate of one API request."""
        with self._lock:
            faults = self._faults
            rng = self._random
            if isinstance(faults.latency, tuple):
                latency = rng.uniform(*faults.latency)
            else:
                latency = faults.latency
            if self._script:
                return self._scripted(self._script.pop(0), faults, latency)
            draw = rng.random()
            threshold = 0.0
            for status in ERROR_STATUSES:
                threshold += faults.error_rates.get(status, 0.0)
                if draw < threshold:
                    return Decision(latency=latency, status=status)
            threshold += faults.rate_limit_rate
            if draw < threshold:
                return Decision(latency=latency, status=429, retry_after=faults.retry_after)
            drop = rng.random() < faults.drop_rate
            slow = rng.random() < faults.slow_body_rate
        return Decision(
            latency=latency,
            drop=drop,
            slow_chunks=faults.slow_body_chunks if slow else 0,
            slow_delay=faults.slow_body_delay if slow else 0.0,
        )

    @staticmethod
    def _scripted(step: str, faults: Faults, latency: float) -> Decision:
        """The decision a one-shot script step stands for."""
        if step == "drop":
            return Decision(latency=latency, drop=True)
        if step == "slow":
            return Decision(
                latency=latency,
                slow_chunks=faults.slow_body_chunks,
                slow_delay=faults.slow_body_delay,
            )
        if step == "ok":
            return Decision(latency=latency)
        status = int(step)
        retry_after = faults.retry_after if status in (429, 503) else None
        return Decision(latency=latency, status=status, retry_after=retry_after)
