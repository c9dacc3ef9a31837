"""Tests for `econtract leads import` (`econtract_async.cli.leads`)."""

from __future__ import annotations

import csv
import json
import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from econtract_async.cli import main
from econtract_async.sandbox import LiveSandbox

from .helpers import stored_emails, write_csv

pytestmark = pytest.mark.integration


def report_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV report."""
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


class TestExitCodes:
    def test_all_rows_created_exits_0(
        self, live: LiveSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A clean file imports with exit code 0 and every lead stored once."""
        source = write_csv(tmp_path / "leads.csv", 30)
        assert main(["leads", "import", str(source)]) == 0
        assert set(stored_emails(live).values()) == {1}
        assert len(stored_emails(live)) == 30
        out = capsys.readouterr().out
        assert "created 30" in out
        assert f"Journal: {tmp_path / 'leads.journal.db'}" in out

    def test_invalid_rows_exit_1_and_are_never_sent(
        self, live: LiveSandbox, tmp_path: Path
    ) -> None:
        """Invalid rows make the exit code 1 and never reach the CRM."""
        source = write_csv(tmp_path / "leads.csv", 10, bad=frozenset({3, 7}))
        assert main(["leads", "import", str(source)]) == 1
        assert "els-at-example.be" not in stored_emails(live)
        assert len(stored_emails(live)) == 8

    def test_a_missing_file_is_a_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Exit code 2 and a message naming the file."""
        assert main(["leads", "import", "nope.csv"]) == 2
        assert "no such file: nope.csv" in capsys.readouterr().err

    def test_missing_credentials_are_a_configuration_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without AB_CRM_ID / AB_CRM_KEY the import stops before reading rows, with exit 2."""
        source = write_csv(tmp_path / "leads.csv", 2)
        assert main(["leads", "import", str(source)]) == 2
        assert "AB_CRM_ID and AB_CRM_KEY" in capsys.readouterr().err

    def test_credentials_are_read_from_a_dotenv_file(
        self, live: LiveSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A .env file in the working directory provides the credentials."""
        lines = [f"{name}={os.environ[name]}" for name in ("AB_CRM_URL", "AB_CRM_ID", "AB_CRM_KEY")]
        for name in ("AB_CRM_URL", "AB_CRM_ID", "AB_CRM_KEY"):
            monkeypatch.delenv(name)
        (tmp_path / ".env").write_text("\n".join(lines) + "\n")
        source = write_csv(tmp_path / "leads.csv", 3)
        assert main(["leads", "import", str(source)]) == 0
        assert len(stored_emails(live)) == 3

    def test_wrong_credentials_stop_the_import_with_exit_2(
        self, live: LiveSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A 401 means configuration, not bad rows: the run stops and the key is not printed."""
        monkeypatch.setenv("AB_CRM_KEY", "wrong-key-123")
        source = write_csv(tmp_path / "leads.csv", 40)
        assert main(["leads", "import", str(source), "--concurrency", "2"]) == 2
        assert not stored_emails(live)
        assert "wrong-key-123" not in (tmp_path / "reports" / "leads.report.csv").read_text()

    def test_a_csv_without_lead_type_needs_type(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without a lead_type column or --type, the command refuses with exit 2."""
        source = tmp_path / "plain.csv"
        source.write_text("first_name,last_name\nJan,Peeters\n")
        assert main(["leads", "import", str(source), "--dry-run"]) == 2
        assert "--type" in capsys.readouterr().err

    @pytest.mark.parametrize("shard", ["3/3", "x", "1/0"])
    def test_a_bad_shard_is_a_usage_error(self, tmp_path: Path, shard: str) -> None:
        """Shards must be i/n with 0 <= i < n."""
        source = write_csv(tmp_path / "leads.csv", 2)
        assert main(["leads", "import", str(source), "--dry-run", "--shard", shard]) == 2


class TestJsonOutput:
    def test_json_summary_is_the_only_thing_on_stdout(
        self, live: LiveSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--json prints one JSON document with the counts, requests, journal and report."""
        source = write_csv(tmp_path / "leads.csv", 10, bad=frozenset({2}))
        assert main(["leads", "import", str(source), "--json"]) == 1
        summary = json.loads(capsys.readouterr().out)
        assert summary["counts"] == {
            "created": 9,
            "skipped": 0,
            "invalid": 1,
            "failed": 0,
            "unknown": 0,
        }
        assert summary["rows"] == 10
        assert summary["requests"]["sent"] == 9
        assert summary["journal"] == str(tmp_path / "leads.journal.db")
        assert summary["report"] == {"path": "reports/leads.report.csv", "rows": 1}
        assert summary["interrupted"] is False
        assert summary["resume_command"] is None
        assert summary["exit_code"] == 1

    def test_output_json_is_the_long_form_and_works_for_a_dry_run(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--output json on a dry run: no requests, no journal, dry_run true."""
        source = write_csv(tmp_path / "leads.csv", 3)
        assert main(["leads", "import", str(source), "--dry-run", "--output", "json"]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary["dry_run"] is True
        assert summary["requests"] is None
        assert summary["journal"] is None
        assert summary["counts"]["created"] == 3


class TestDryRun:
    def test_dry_run_validates_every_row_and_sends_nothing(
        self, live: LiveSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--dry-run reports invalid rows with exit 1 and leaves the CRM untouched."""
        source = write_csv(tmp_path / "leads.csv", 12, bad=frozenset({5}))
        assert main(["leads", "import", str(source), "--dry-run"]) == 1
        assert not stored_emails(live)
        assert not (tmp_path / "leads.journal.db").exists()
        assert "11 valid, 1 invalid of 12 rows; nothing was sent" in capsys.readouterr().out

    def test_dry_run_of_a_clean_file_exits_0_without_credentials(self, tmp_path: Path) -> None:
        """Validation needs no credentials at all."""
        source = write_csv(tmp_path / "leads.csv", 4)
        assert main(["leads", "import", str(source), "--dry-run"]) == 0


class TestReport:
    def test_the_csv_report_lists_every_bad_row_with_its_reasons(
        self, live: LiveSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The report keeps the input's columns after _row, _outcome and _reason."""
        source = write_csv(tmp_path / "leads.csv", 6, bad=frozenset({1, 4}))
        report = tmp_path / "out" / "bad.csv"
        assert main(["leads", "import", str(source), "--report", str(report)]) == 1
        rows = report_rows(report)
        assert [r["_row"] for r in rows] == ["2", "5"]
        assert {r["_outcome"] for r in rows} == {"invalid"}
        assert "first_name (first_name): required" in rows[0]["_reason"]
        assert "email (email)" in rows[0]["_reason"]
        assert rows[0]["last_name"] == "Maes"
        assert f"Report: {report} (2 rows)" in capsys.readouterr().out

    def test_a_fixed_report_imports_as_is(self, live: LiveSandbox, tmp_path: Path) -> None:
        """Fixing the bad cells of a report and importing it creates the missing leads."""
        source = write_csv(tmp_path / "leads.csv", 6, bad=frozenset({1, 4}))
        report = tmp_path / "bad.csv"
        main(["leads", "import", str(source), "--report", str(report)])
        rows = report_rows(report)
        for row in rows:
            n = int(row["_row"]) - 1
            row.update(first_name=f"Els{n}", email=f"els{n}@example.be")
        with report.open("w", newline="") as stream:
            writer = csv.DictWriter(stream, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        assert main(["leads", "import", str(report)]) == 0
        assert set(stored_emails(live)) == {f"els{n}@example.be" for n in range(6)}

    def test_json_lines_input_gets_a_json_lines_report(
        self, live: LiveSandbox, tmp_path: Path
    ) -> None:
        """A JSONL file is imported and its report is JSONL, bad JSON lines included."""
        source = tmp_path / "leads.jsonl"
        good: dict[str, object] = {
            "first_name": "An",
            "last_name": "Aerts",
            "email": "an@example.be",
        }
        good |= {"language": "nl", "address_street": "Kerkstraat", "address_nr": 1}
        good |= {"address_postal_code": "3000", "address_city": "Leuven", "address_country": "BE"}
        lines = [json.dumps(good), "{not json", json.dumps({**good, "language": "de"})]
        source.write_text("\n".join(lines) + "\n")
        assert main(["leads", "import", str(source), "--type", "third_party"]) == 1
        text = (tmp_path / "reports" / "leads.report.jsonl").read_text()
        report = [json.loads(line) for line in text.splitlines()]
        assert [(r["_row"], r["_outcome"]) for r in report] == [(2, "invalid"), (3, "invalid")]
        assert "not valid JSON" in report[0]["_reason"]
        assert report[1]["language"] == "de"
        assert set(stored_emails(live)) == {"an@example.be"}


class TestResume:
    def test_running_the_same_command_again_skips_done_rows(
        self, live: LiveSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The default journal makes a second run skip every created row."""
        source = write_csv(tmp_path / "leads.csv", 25)
        assert main(["leads", "import", str(source)]) == 0
        assert main(["leads", "import", str(source)]) == 0
        assert "skipped 25" in capsys.readouterr().out
        assert set(stored_emails(live).values()) == {1}

    def test_ctrl_c_stops_prints_the_resume_command_and_resuming_finishes(
        self, live: LiveSandbox, tmp_path: Path
    ) -> None:
        """SIGINT mid-import drains, exits 130 with the resume command; resuming stores each once."""
        live.set_faults(latency=0.05)
        source = write_csv(tmp_path / "leads.csv", 400)
        journal = tmp_path / "run.journal.db"
        process = start_import(source, journal)
        wait_for_created_rows(journal, 20, process)
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=60)
        assert process.returncode == 130
        assert "Interrupted. Resume with:" in out
        command = out.split("Interrupted. Resume with:")[1].strip().splitlines()[0]
        assert shlex.split(command)[:3] == ["econtract", "leads", "import"]
        assert str(journal) in command
        assert len(stored_emails(live)) < 400

        live.set_faults(latency=0.0)
        assert main(shlex.split(command)[1:]) == 0
        stored = stored_emails(live)
        assert set(stored) == {f"els{n}@example.be" for n in range(400)}
        assert set(stored.values()) == {1}

    def test_after_kill_9_resuming_duplicates_nothing_and_holds_the_uncertain_rows(
        self, live: LiveSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Rows in flight at a kill -9 are held as unknown; every other row is stored once."""
        live.set_faults(latency=0.05)
        source = write_csv(tmp_path / "leads.csv", 300)
        journal = tmp_path / "run.journal.db"
        process = start_import(source, journal)
        wait_for_created_rows(journal, 20, process)
        process.kill()
        process.communicate(timeout=60)

        live.set_faults(latency=0.0)
        report = tmp_path / "r.csv"
        code = main(
            ["leads", "import", str(source), "--journal", str(journal), "--report", str(report)]
        )
        held = {row["email"] for row in report_rows(report) if row["_outcome"] == "unknown"}
        assert code == (1 if held else 0)
        assert len(held) <= 4
        stored = stored_emails(live)
        assert set(stored.values()) == {1}
        everyone = {f"els{n}@example.be" for n in range(300)}
        assert everyone - held <= set(stored)

    def test_sigint_with_json_output_exits_130_with_a_json_summary_and_plain_progress(
        self, live: LiveSandbox, tmp_path: Path
    ) -> None:
        """Piped: stdout is one JSON document saying interrupted, stderr plain lines, exit 130."""
        live.set_faults(latency=0.05)
        source = write_csv(tmp_path / "leads.csv", 400)
        journal = tmp_path / "run.journal.db"
        process = start_import(source, journal, "--json", stderr=subprocess.PIPE)
        wait_for_created_rows(journal, 20, process)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        assert process.returncode == 130, err
        summary = json.loads(out)
        assert summary["interrupted"] is True
        assert summary["exit_code"] == 130
        assert summary["counts"]["created"] == len(stored_emails(live))
        assert summary["counts"]["created"] < 400
        assert shlex.split(summary["resume_command"])[:3] == ["econtract", "leads", "import"]
        assert "\x1b" not in err, "no terminal control codes in piped progress"
        assert "━" not in err
        assert "Stopping: no new rows" in err
        last = err.strip().splitlines()[-1]
        assert last.startswith(f"leads.csv: done, {summary['rows']}/400 rows, ")
        assert f"created {summary['counts']['created']} · skipped 0" in last


def start_import(
    source: Path, journal: Path, *extra: str, stderr: int = subprocess.DEVNULL
) -> subprocess.Popen[str]:
    """`econtract leads import` in a child process (so it can be signalled or killed)."""
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "econtract_async.cli", "leads", "import", str(source)),
            *("--journal", str(journal), "--concurrency", "4", "--grace", "20", *extra),
        ],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def wait_for_created_rows(journal: Path, count: int, process: subprocess.Popen[str]) -> None:
    """Block until the journal records `count` created rows (the child must still run)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the import finished before it could be interrupted"
        try:
            with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as db:
                (done,) = db.execute(
                    "SELECT count(*) FROM econtract_rows WHERE state = 'created'"
                ).fetchone()
        except sqlite3.OperationalError:
            done = 0
        if done >= count:
            return
        time.sleep(0.05)
    pytest.fail("the import did not make progress")
