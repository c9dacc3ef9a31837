"""Bulk, concurrent, resumable create calls: the primitive, its journal, limiter and outcomes."""

from __future__ import annotations

from .journal import Journal, JournalEntry, JournalState, row_digest
from .leads import BulkLeadsMixin, lead_from_row, send_lead
from .outcomes import BulkStats, BulkSummary, Outcome, OutcomeKind
from .ratelimit import RateLimiter
from .runner import BulkRun, UnknownPolicy, bulk_run
from .sharding import Shard

__all__ = [
    "BulkLeadsMixin",
    "BulkRun",
    "BulkStats",
    "BulkSummary",
    "Journal",
    "JournalEntry",
    "JournalState",
    "Outcome",
    "OutcomeKind",
    "RateLimiter",
    "Shard",
    "UnknownPolicy",
    "bulk_run",
    "lead_from_row",
    "row_digest",
    "send_lead",
]
