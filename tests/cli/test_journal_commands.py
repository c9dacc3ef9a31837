"""`econtract leads unknown`, `leads resolve`, `journal show` and the `--resend-unknown` warning,
against a live sandbox, with an SQLite journal and with one on a real PostgreSQL server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from bulk.postgres import PostgresServer

from econtract_async.cli import main
from econtract_async.sandbox import LiveSandbox

from .helpers import stored_emails, write_csv

_DATABASES = itertools.count()


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with PostgresServer() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def journal(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "leads.journal.db")
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database(f"cli_{next(_DATABASES)}")


def run_with_drops(live: LiveSandbox, source: Path, journal: str) -> int:
    """Import with every connection dropped after the sandbox stored the lead: all unknown."""
    live.set_faults(drop_rate=1.0)
    try:
        return main(["leads", "import", str(source), "--journal", journal])
    finally:
        live.sandbox.clear_faults()


def test_unknown_lists_what_a_person_needs_to_look_rows_up(
    live: LiveSandbox, tmp_path: Path, journal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "leads.csv", 3)
    assert run_with_drops(live, source, journal) == 1
    capsys.readouterr()
    out_file = tmp_path / "unknown.csv"
    assert main(["leads", "unknown", journal, "--out", str(out_file)]) == 1
    out = capsys.readouterr().out
    assert "3 row(s) may have reached the CRM" in out
    assert "Leads have no lookup" in out
    for n in range(3):
        assert f"row {n + 1}: els{n}@example.be, Els{n} Maes; sent 20" in out
    assert "ConnectionLostError" in out or "TransportError" in out
    assert out_file.read_text().splitlines()[0] == "_row,email,name,sent_at,state,seen"


def test_resolve_settles_rows_and_the_next_run_follows(
    live: LiveSandbox, tmp_path: Path, journal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stored rows are never sent again; rows found not stored are sent by a plain re-run."""
    source = write_csv(tmp_path / "leads.csv", 3)
    run_with_drops(live, source, journal)  # the sandbox stored all three, answers were lost
    not_stored = tmp_path / "not-stored.txt"
    not_stored.write_text("3\n")
    code = main(
        ["leads", "resolve", journal, "--stored-rows", "1,2", "--not-stored", str(not_stored)]
    )
    assert code == 0
    assert "Settled 2 row(s) as stored" in capsys.readouterr().out
    assert main(["leads", "import", str(source), "--journal", journal]) == 0
    emails = stored_emails(live)
    assert (emails["els0@example.be"], emails["els1@example.be"]) == (1, 1)  # not resent
    assert emails["els2@example.be"] == 2  # the person said "not stored": resent
    assert main(["leads", "unknown", journal]) == 0


def test_resend_unknown_warns_how_many_rows_it_sends_again(
    live: LiveSandbox, tmp_path: Path, journal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "leads.csv", 4)
    run_with_drops(live, source, journal)
    capsys.readouterr()
    assert main(["leads", "import", str(source), "--journal", journal, "--resend-unknown"]) == 0
    err = capsys.readouterr().err
    assert "--resend-unknown: 4 row(s) an earlier run may have stored will be sent again" in err


def test_journal_show_counts_by_state_import_and_worker(
    live: LiveSandbox, tmp_path: Path, journal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "leads.csv", 5, bad=frozenset({2}))
    assert main(["leads", "import", str(source), "--journal", journal, "--worker", "w1"]) == 1
    capsys.readouterr()
    assert main(["journal", "show", journal]) == 0
    out = capsys.readouterr().out
    assert "Import leads.csv: 5 rows: 4 created, 1 invalid" in out
    assert "  worker w1: 4 created, 1 invalid" in out
    assert "Worker w1 (leads.csv): left" in out


def test_resolve_without_rows_says_leads_have_no_lookup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["leads", "resolve", str(tmp_path / "missing.db")]) == 2
    assert "no automatic check" in capsys.readouterr().err


def test_a_missing_journal_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["journal", "show", str(tmp_path / "nope.db")]) == 2
    assert "no such journal" in capsys.readouterr().err
