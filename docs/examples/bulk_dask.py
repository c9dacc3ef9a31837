"""One import, many workers, on an engine that already exists: Dask.

Every worker runs the same task, `import_worker`, against one shared journal; the journal hands
out chunks of rows, so the workers finish the import together, whoever starts when. Here a Dask
`LocalCluster` runs two worker processes on this machine with an SQLite journal; across machines,
give a `postgresql://` journal and point the same code at your Dask scheduler.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from pathlib import Path

import anyio

from econtract_async import EcontractClient
from econtract_async.bulk import Journal


class CsvRows:
    """A CSV file's rows, streamed; iterable again, so a worker can finish a lost worker's
    chunks at the end of its pass."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __iter__(self) -> Iterator[dict[str, str]]:
        with open(self.path, newline="", encoding="utf-8") as stream:
            yield from csv.DictReader(stream)


async def import_rows(path: str, journal_at: str, import_id: str, worker: str) -> dict[str, int]:
    journal = Journal(journal_at, import_id=import_id, worker=worker)
    try:
        async with EcontractClient.from_env() as ec:
            summary = await ec.crm.leads.bulk_create(
                CsvRows(path), lead_type="third_party", journal=journal, concurrency=8
            )
    finally:
        await journal.close()
    return summary.as_dict()


def import_worker(path: str, journal_at: str, import_id: str, worker: str) -> dict[str, int]:
    """The task body: a Dask (or Celery, Prefect, Airflow) worker runs it; it starts its own
    event loop. Credentials come from the worker's environment."""
    return anyio.run(import_rows, path, journal_at, import_id, worker)


def run_on_dask(path: str, journal_at: str, workers: int = 2) -> list[dict[str, int]]:
    """Start a local Dask cluster and run one `import_worker` task per worker process."""
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        futures = [
            client.submit(import_worker, path, journal_at, "leads.csv", f"dask-{n}", pure=False)
            for n in range(workers)
        ]
        results: list[dict[str, int]] = client.gather(futures)
    return results


def write_leads(path: Path, n: int) -> None:
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
    with tempfile.TemporaryDirectory() as state:
        leads = Path(state) / "leads.csv"
        write_leads(leads, 600)
        journal = str(Path(state) / "leads.journal.db")
        results = await anyio.to_thread.run_sync(run_on_dask, str(leads), journal)
        print(results)
        assert sum(result["created"] for result in results) == 600  # every row, exactly once
        # A rerun (a retried task) sends nothing: every row is skipped.
        again = await anyio.to_thread.run_sync(import_worker, str(leads), journal, "leads.csv", "x")
        assert again["skipped"] == 600
