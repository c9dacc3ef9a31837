"""One shard of a CSV import: the function a Celery or Ray task wraps, one task per shard."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable
from pathlib import Path

import anyio
import anyio.to_thread

from econtract_async import EcontractClient


async def import_rows(
    rows: Iterable[dict[str, str]], index: int, count: int, state: str
) -> dict[str, int]:
    """Create the leads at positions `index`, `index + count`, ... of `rows`."""
    async with EcontractClient.from_env() as ec:
        summary = await ec.crm.leads.bulk_create(
            rows,
            lead_type="third_party",
            shard=(index, count),
            journal=f"{state}/leads.{index}.journal.db",  # one journal per shard
        )
    return summary.as_dict()


def import_shard(path: str, index: int, count: int, state: str = "/state") -> dict[str, int]:
    """The task body: a worker has no event loop running, so it starts one for the import."""
    with open(path, newline="", encoding="utf-8") as stream:
        rows = csv.DictReader(stream)  # streamed, never loaded whole
        return anyio.run(import_rows, rows, index, count, state)


def write_leads(path: Path, n: int) -> None:
    """A CSV export of `n` leads, as a partner would hand it over."""
    fields = ["first_name", "last_name", "email", "language", "cellphone", "supplier_id"]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fields)
        writer.writeheader()
        for i in range(n):
            writer.writerow(
                {
                    "first_name": "Lotte",
                    "last_name": f"Janssens {i}",
                    "email": f"lotte.{i}@example.be",
                    "language": "nl",
                    "cellphone": "0471234567",
                    "supplier_id": "5",
                }
            )


async def main(ec: EcontractClient) -> None:
    """Run four shards side by side, each in its own thread and event loop, as four workers."""
    with tempfile.TemporaryDirectory() as state:
        leads = Path(state) / "leads.csv"
        write_leads(leads, 10)
        results: list[dict[str, int]] = []

        async def worker(index: int) -> None:
            results.append(
                await anyio.to_thread.run_sync(import_shard, str(leads), index, 4, state)
            )

        async with anyio.create_task_group() as tg:
            for index in range(4):
                tg.start_soon(worker, index)
        print(results)
        assert sum(result["created"] for result in results) == 10  # every row, exactly once

        # A retried task resumes from its journal: nothing is sent twice.
        again = await anyio.to_thread.run_sync(import_shard, str(leads), 0, 4, state)
        assert again["skipped"] == 3
