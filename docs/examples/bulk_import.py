"""Bulk lead import from Python: outcomes as they complete, a summary, and a resumed run."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from econtract_async import EcontractClient


def lead_row(n: int, *, email: str | None = None) -> dict[str, Any]:
    """One CSV-like row: wire names, text values."""
    return {
        "first_name": "Lotte",
        "last_name": f"Janssens {n}",
        "email": email or f"lotte.{n}@example.be",
        "language": "nl",
        "cellphone": "0471234567",
        "supplier_id": "5",
        "address_street": "Kerkstraat",
        "address_nr": str(n),
        "address_postal_code": "3500",
        "address_city": "Hasselt",
        "address_country": "BE",
    }


async def main(ec: EcontractClient) -> None:
    """Import five leads (one invalid), then run again with the same journal."""
    rows = [lead_row(1), lead_row(2), lead_row(3, email="not-an-email"), lead_row(4), lead_row(5)]
    with tempfile.TemporaryDirectory() as state:
        journal = Path(state) / "leads.journal.db"

        async with ec.crm.leads.bulk_create(
            rows,  # lead models or dicts; any iterable or async iterable
            lead_type="third_party",  # for dict rows without a lead_type value
            concurrency=16,  # requests in flight
            rate=50,  # requests per second, shared by all workers (None: no limit)
            journal=journal,
        ) as run:
            async for outcome in run:  # as they complete, not in input order
                print(outcome.position, outcome.kind, outcome.id or outcome.reason)
        print(run.summary)  # BulkSummary(created=4, invalid=1, ...)
        assert (run.summary.created, run.summary.invalid) == (4, 1)

        # Or, when only the counts matter: the same journal skips what was created.
        summary = await ec.crm.leads.bulk_create(rows, lead_type="third_party", journal=journal)
        assert (summary.skipped, summary.invalid) == (4, 1)
