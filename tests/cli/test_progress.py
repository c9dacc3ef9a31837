"""Tests for the import progress (`econtract_async.cli._progress`): live bar and plain lines."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from econtract_async._bulk import BulkSummary, OutcomeKind
from econtract_async.cli._progress import ImportProgress


def summary_of(**counts: int) -> BulkSummary:
    summary = BulkSummary()
    for kind, count in counts.items():
        for _ in range(count):
            summary.add(OutcomeKind(kind))
    return summary


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TestPlainLines:
    def test_without_a_terminal_progress_is_plain_periodic_lines(self) -> None:
        """No TTY: one plain line per interval and a last one; no control codes, no bar."""
        stream = io.StringIO()
        clock = FakeClock()
        console = Console(file=stream, force_terminal=False)
        with ImportProgress(console, 400, "leads.csv", interval=5.0, clock=clock) as progress:
            assert not progress.live
            progress.update(summary_of(created=10))
            clock.now += 5.0
            progress.update(summary_of(created=100, invalid=2))
            clock.now += 1.0
            progress.update(summary_of(created=150, invalid=2))
            clock.now += 4.0
            progress.update(summary_of(created=200, invalid=2))
            progress.note("Stopping: no new rows")
        lines = stream.getvalue().splitlines()
        assert lines == [
            "leads.csv: 102/400 rows, 20 rows/s, created 100 · skipped 0 · invalid 2 · failed 0 · unknown 0",
            "leads.csv: 202/400 rows, 20 rows/s, created 200 · skipped 0 · invalid 2 · failed 0 · unknown 0",
            "Stopping: no new rows",
            "leads.csv: done, 202/400 rows, 20 rows/s, created 200 · skipped 0 · invalid 2 · failed 0 · unknown 0",
        ]

    def test_an_unknown_total_and_no_rows_yet(self) -> None:
        """Without a row count the line shows rows done only; no rate before the first row."""
        stream = io.StringIO()
        with ImportProgress(Console(file=stream), None, "in.jsonl", clock=FakeClock()):
            pass
        assert stream.getvalue() == (
            "in.jsonl: done, 0 rows, -- rows/s, "
            "created 0 · skipped 0 · invalid 0 · failed 0 · unknown 0\n"
        )


class TestLiveBar:
    @pytest.mark.parametrize("width", [80, 120])
    def test_nothing_wraps_with_large_numbers(self, width: int) -> None:
        """At 80 and 120 columns the bar is one line and the counts another; the rate is whole."""
        stream = io.StringIO()
        console = Console(file=stream, width=width, force_terminal=True, color_system=None)
        progress = ImportProgress(console, 1_000_000, "leads-2026-november-export.csv")
        assert progress.live
        progress.update(
            summary_of(created=123_456, skipped=2_345, invalid=120, failed=33, unknown=4)
        )
        console.print(progress.renderable())
        lines = stream.getvalue().splitlines()
        assert len(lines) == 2, lines
        assert "125958/1000000" in lines[0]
        assert "rows/s" in lines[0]
        assert "ETA" in lines[0]
        assert lines[1].strip() == (
            "created 123456 · skipped 2345 · invalid 120 · failed 33 · unknown 4"
        )
