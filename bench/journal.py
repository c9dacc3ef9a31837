"""Figure 6: bulk import with the journal on (SQLite, PostgreSQL), and one rate across workers.

- Leads per second at 64 in flight and 20 ms latency: the SDK's bulk import with no journal,
  with an SQLite journal, and with a PostgreSQL journal on loopback (1 worker), against raw
  aiohttp posting pre-encoded bodies, all in one run, taking turns.
- Four `econtract leads import` worker processes sharing one PostgreSQL journal at `--rate 40`
  against the sandbox: the total rate, counted from the sandbox's own records.

The PostgreSQL server is the tests' throw-away one (`tests/bulk/postgres.py`), on loopback.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from ._common import ROOT, Table, repeat_interleaved, verdict
from ._server import running
from .transport import _bodies, _rate, aiohttp_raw, sdk_bulk

SQLITE_VS_AIOHTTP = 0.85
POSTGRESQL_VS_AIOHTTP = 0.75
RATE_TOLERANCE = 0.10


def journal_table(in_flight: int, per_flight: int, latency: float, repetitions: int) -> Table:
    """Leads/s with no journal, an SQLite journal and a PostgreSQL journal, vs raw aiohttp."""
    from tests.bulk.postgres import PostgresServer

    count = in_flight * per_flight
    bodies = _bodies(500)
    names = [
        "SDK bulk import, no journal",
        "SDK bulk import, SQLite journal",
        "SDK bulk import, PostgreSQL journal (loopback, 1 worker)",
        "raw `aiohttp.ClientSession` (pre-encoded)",
    ]
    with (
        running(latency) as base,
        tempfile.TemporaryDirectory() as state,
        PostgresServer() as pg,
    ):
        url = pg.create_database("bench")
        runs = itertools.count()

        def fresh_sqlite() -> str:
            return str(Path(state) / f"run-{next(runs)}.journal.db")

        def fresh_pg() -> object:
            from econtract_async.bulk import Journal

            return Journal(url, import_id=f"run-{next(runs)}")

        async def with_pg() -> None:
            journal = fresh_pg()
            try:
                await sdk_bulk(base, count, in_flight, journal=journal)
            finally:
                await journal.close()  # type: ignore[attr-defined]

        runs_by_name: list[Callable[[], Awaitable[None]]] = [
            lambda: sdk_bulk(base, count, in_flight),
            lambda: sdk_bulk(base, count, in_flight, journal=fresh_sqlite()),
            with_pg,
            lambda: aiohttp_raw(base, count, in_flight, bodies),
        ]
        measures = {name: _rate(run, count) for name, run in zip(names, runs_by_name, strict=True)}
        results = repeat_interleaved(measures, repetitions)
    raw = results[names[3]].median
    table = Table(
        f"Bulk import with the journal on: leads/s at {in_flight} in flight, "
        f"{latency * 1000:g} ms latency, median (min-max)",
        ["client", "leads/s", "vs raw aiohttp"],
    )
    for name in names:
        table.rows.append([name, results[name].cell(0), f"{results[name].median / raw:.2f}x"])
    sqlite_ratio = results[names[1]].median / raw
    pg_ratio = results[names[2]].median / raw
    table.notes.append(
        f"Targets: SQLite journal >= {SQLITE_VS_AIOHTTP:g}x raw aiohttp: "
        + verdict(sqlite_ratio >= SQLITE_VS_AIOHTTP, f"{sqlite_ratio:.2f}x")
        + f"; PostgreSQL journal >= {POSTGRESQL_VS_AIOHTTP:g}x: "
        + verdict(pg_ratio >= POSTGRESQL_VS_AIOHTTP, f"{pg_ratio:.2f}x")
        + f". {count} leads per repetition; every row is claimed (`in_flight`, group-committed "
        "in a worker thread before its request leaves) and its outcome recorded. The SDK uses "
        "the client's default transport; the journal is a fresh file / import per repetition."
    )
    return table


def _sandbox_times(db: Path) -> list[float]:
    with sqlite3.connect(db) as conn:
        return sorted(created for (created,) in conn.execute("SELECT created FROM leads"))


def rate_table(rows: int, workers: int, rate: float) -> Table:
    """`workers` CLI processes at `--rate rate` on one PostgreSQL journal: the total rate."""
    from econtract_async.sandbox import Faults, Sandbox, serve_in_thread
    from tests.bulk.postgres import PostgresServer

    with tempfile.TemporaryDirectory() as state, PostgresServer() as pg:
        folder = Path(state)
        source = folder / "leads.csv"
        header = "lead_type,first_name,last_name,email,language,address_street,address_nr,"
        header += "address_postal_code,address_city,address_country"
        lines = [header] + [
            f"third_party,Rate{n},Peeters,rate{n}@example.be,nl,Veldstraat,{n + 1},9000,Gent,BE"
            for n in range(rows)
        ]
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        journal = pg.create_database("rate")
        crm = folder / "crm.db"
        sandbox = Sandbox(db=crm, faults=Faults(latency=0.02))
        with serve_in_thread(sandbox) as live:
            env = dict(os.environ)
            env.update(
                AB_CRM_URL=live.crm_base_url,
                AB_CRM_ID=live.credentials.crm_api_id,
                AB_CRM_KEY=live.credentials.crm_api_key,
            )
            command = [sys.executable, "-m", "econtract_async.cli", "leads", "import", str(source)]
            command += ["--journal", journal, "--rate", str(rate), "--chunk-size", "10"]
            processes = [
                subprocess.Popen(
                    [*command, "--worker", f"w{n}", "--report", str(folder / f"{n}.csv")],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for n in range(workers)
            ]
            for process in processes:
                process.wait(timeout=600)
        sandbox.close()
        times = _sandbox_times(crm)
    trim = max(1, len(times) // 10)  # leave out start-up and the tail
    middle = times[trim:-trim] if len(times) > 2 * trim + 1 else times
    measured = (len(middle) - 1) / (middle[-1] - middle[0]) if len(middle) > 1 else 0.0
    within = abs(measured - rate) <= RATE_TOLERANCE * rate
    table = Table(
        f"One rate for the whole import: {workers} workers sharing a PostgreSQL journal at "
        f"--rate {rate:g}",
        ["workers", "leads stored", "total leads/s (sandbox clock)", "target"],
    )
    table.rows.append(
        [str(workers), str(len(times)), f"{measured:.1f}", f"{rate:g} ± {RATE_TOLERANCE:.0%}"]
    )
    table.notes.append(
        f"Target: total within ±{RATE_TOLERANCE:.0%} of --rate (not {workers} x it): "
        + verdict(within, f"{measured:.1f}/s")
        + f". {workers} `econtract leads import` processes, one import, the sandbox at 20 ms; "
        "the rate is counted from the sandbox's own `created` stamps, leaving out the first "
        "and last tenth of the leads."
    )
    return table
