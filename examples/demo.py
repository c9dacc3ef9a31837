"""`make demo`: bulk-import the demo leads into a local sandbox with faults, then resume.

1. Serves the sandbox on a free loopback port, in this process, with 20 ms latency and a few
   percent injected faults (5xx, 429, connections dropped after the lead was stored).
2. Runs `econtract leads import examples/leads.csv` with a live progress bar and prints the
   summary and the report path.
3. Runs the very same command again: the journal makes it skip every row already created (rows
   left `unknown` stay held, invalid rows are reported again, failed rows are retried).
4. Checks in the sandbox's database that no lead was stored twice, and stops everything.

Credentials are handed to the command through the environment, as a user would.
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from econtract_async.sandbox import Faults, Sandbox, serve_in_thread

__all__ = ["main"]

HERE = Path(__file__).resolve().parent
LEADS = HERE / "leads.csv"
FAULTS = Faults(
    latency=0.02,
    error_rates={500: 0.01, 502: 0.01, 503: 0.02},
    rate_limit_rate=0.02,
    retry_after=0,
    drop_rate=0.01,
    seed=2026,
)


def _banner(text: str) -> None:
    """A visible step title."""
    print(f"\n\033[1m== {text}\033[0m", flush=True)


def _stored_twice(db: Path) -> tuple[int, int]:
    """How many leads the sandbox CRM holds, and how many e-mail addresses it holds twice."""
    with sqlite3.connect(db) as conn:
        emails = Counter(
            json.loads(data).get("email") for (data,) in conn.execute("SELECT data FROM leads")
        )
    return sum(emails.values()), sum(1 for count in emails.values() if count > 1)


def main() -> int:
    """Run the demo; 0 when it behaved as described."""
    with tempfile.TemporaryDirectory(prefix="econtract-demo-") as scratch:
        db = Path(scratch) / "crm.db"
        journal = Path(scratch) / "leads.journal.db"
        report = Path("reports") / "leads.report.csv"
        sandbox = Sandbox(db=db, faults=FAULTS)
        with serve_in_thread(sandbox) as live:
            env = {
                **os.environ,
                "AB_CRM_URL": live.crm_base_url,
                "AB_CRM_ID": live.credentials.crm_api_id,
                "AB_CRM_KEY": live.credentials.crm_api_key,
            }
            command = [
                "econtract",
                "leads",
                "import",
                os.path.relpath(LEADS),
                "--concurrency",
                "16",
                "--journal",
                str(journal),
                "--report",
                str(report),
            ]
            _banner(
                f"Sandbox on {live.base_url}: 20 ms latency, ~4% 5xx, 2% 429, 1% dropped "
                "connections"
            )
            codes = []
            for step in ("First import", "Same command again: resume from the journal"):
                _banner(f"{step}\n$ {shlex.join(command)}")
                done = subprocess.run(
                    [sys.executable, "-m", "econtract_async.cli", *command[1:]],
                    env=env,
                    check=False,
                )
                codes.append(done.returncode)
                print(f"(exit code {done.returncode}: 0 all done, 1 rows to look at, 2 usage)")
        sandbox.close()
        total, twice = _stored_twice(db)
    _banner("Result")
    print(f"The sandbox CRM holds {total} leads; {twice} e-mail address(es) stored twice.")
    print(f"Rows to fix and re-import are listed in {report}; the sandbox has stopped.")
    return 0 if twice == 0 and all(code in (0, 1) for code in codes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
