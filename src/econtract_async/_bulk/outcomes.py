"""What a bulk run reports: one terminal `Outcome` per row, live `BulkStats` and a `BulkSummary`."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from .._exceptions import FieldError

__all__ = ["BulkStats", "BulkSummary", "Outcome", "OutcomeKind"]


class OutcomeKind(enum.StrEnum):
    """The five terminal states a row can end in; every row ends in exactly one."""

    CREATED = "created"
    """The API answered with success; `Outcome.id` holds the id it gave, if any."""
    INVALID = "invalid"
    """The row failed validation: `Outcome.errors` names every bad field. Never sent."""
    FAILED = "failed"
    """The API refused the row or it could not be sent; `Outcome.error` says why."""
    SKIPPED = "skipped"
    """The journal says an earlier run already created this row."""
    UNKNOWN = "unknown"
    """The request may have reached the server but no answer came back; held, not resent."""


@attrs.frozen
class Outcome:
    """The terminal result of one input row."""

    position: int
    """0-based position of the row in the whole input (before sharding)."""
    kind: OutcomeKind
    row: Any = attrs.field(default=None, repr=False)
    """The input row as given (a dict or a model), so a report can show it for fixing."""
    id: int | None = None
    """The id the API gave a created row (or the journal remembered for a skipped one)."""
    errors: tuple[FieldError, ...] = ()
    """Every bad field of an invalid row."""
    error: str = ""
    """Why a row failed or is unknown: the error type and its (redacted) message."""
    attempts: int = 0
    """How many requests this run sent for the row."""

    @property
    def reason(self) -> str:
        """One line explaining a non-created outcome (empty for created rows)."""
        if self.errors:
            return "; ".join(str(error) for error in self.errors)
        return self.error


@attrs.define
class BulkStats:
    """Live counters and internal queue high-water marks of a run.

    They let callers (and tests) check that memory stays bounded whatever the input size:
    `max_in_flight` never exceeds the concurrency, `max_outcome_backlog` never exceeds the outcome
    buffer, and `max_journal_pending` never exceeds the journal's batch size.
    """

    rows_read: int = 0
    """Rows taken from the input, in this shard or not."""
    requests_sent: int = 0
    retries: int = 0
    rate_limited: int = 0
    """How many 429 answers the rate limiter backed off for."""
    in_flight: int = 0
    max_in_flight: int = 0
    outcome_backlog: int = 0
    """Outcomes produced but not yet taken by the caller."""
    max_outcome_backlog: int = 0
    max_journal_pending: int = 0
    """The most outcome records the journal held before committing them."""

    def enter_flight(self) -> None:
        """Count a row whose request is being sent."""
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave_flight(self) -> None:
        """Count a row whose request has been answered (or abandoned)."""
        self.in_flight -= 1


@attrs.define
class BulkSummary:
    """How many rows ended in each outcome; the counts add up to `total`."""

    created: int = 0
    invalid: int = 0
    failed: int = 0
    skipped: int = 0
    unknown: int = 0
    stopped: bool = False
    """True when the run was stopped (or cancelled) before it read the whole input."""

    @property
    def total(self) -> int:
        """Rows that reached a terminal outcome."""
        return self.created + self.invalid + self.failed + self.skipped + self.unknown

    @property
    def ok(self) -> bool:
        """Whether every row ended created or skipped and the whole input was read."""
        return not (self.invalid or self.failed or self.unknown or self.stopped)

    def count(self, kind: OutcomeKind) -> int:
        """The number of rows that ended in `kind`."""
        value: int = getattr(self, kind.value)
        return value

    def add(self, kind: OutcomeKind) -> None:
        """Count one more row ending in `kind`."""
        setattr(self, kind.value, self.count(kind) + 1)

    def as_dict(self) -> dict[str, int]:
        """The counts by outcome name, plus `total`."""
        counts = {kind.value: self.count(kind) for kind in OutcomeKind}
        counts["total"] = self.total
        return counts
