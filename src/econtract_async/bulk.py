"""Public home of bulk, concurrent, resumable create calls.

`ec.crm.leads.bulk_create(...)` covers leads; `bulk_run` is the general primitive other create
calls (orders, clients) can use. See `docs/bulk-import.md`.
"""

from __future__ import annotations

from ._bulk import (
    BulkRun,
    BulkStats,
    BulkSummary,
    Journal,
    JournalEntry,
    Outcome,
    OutcomeKind,
    RateLimiter,
    Shard,
    UnknownPolicy,
    bulk_run,
)

__all__ = [
    "BulkRun",
    "BulkStats",
    "BulkSummary",
    "Journal",
    "JournalEntry",
    "Outcome",
    "OutcomeKind",
    "RateLimiter",
    "Shard",
    "UnknownPolicy",
    "bulk_run",
]
