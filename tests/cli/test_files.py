"""Tests for reading import files and writing reports (`econtract_async.cli._files`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from econtract_async._bulk import Outcome, OutcomeKind
from econtract_async.cli._files import BrokenRow, ReportWriter, count_rows, read_rows


class TestReadRows:
    def test_csv_rows_drop_report_columns(self, tmp_path: Path) -> None:
        """Columns starting with `_` (a report's) are ignored on input."""
        path = tmp_path / "in.csv"
        path.write_text("_row,_outcome,first_name\n3,invalid,Jan\n")
        assert list(read_rows(path)) == [{"first_name": "Jan"}]

    def test_a_csv_row_with_too_many_values_is_broken(self, tmp_path: Path) -> None:
        """Extra values are not silently dropped."""
        path = tmp_path / "in.csv"
        path.write_text("a,b\n1,2,3\n")
        (row,) = read_rows(path)
        assert isinstance(row, BrokenRow)
        assert "more values" in row.message

    def test_jsonl_skips_blank_lines_and_flags_non_objects(self, tmp_path: Path) -> None:
        """Blank lines are no rows; a JSON array is a broken row."""
        path = tmp_path / "in.jsonl"
        path.write_text('{"a": 1}\n\n[1, 2]\n')
        rows = list(read_rows(path))
        assert rows[0] == {"a": 1}
        assert isinstance(rows[1], BrokenRow)
        assert count_rows(path) == 2

    def test_counting_csv_rows_handles_quoted_newlines(self, tmp_path: Path) -> None:
        """A quoted multi-line value is one row."""
        path = tmp_path / "in.csv"
        path.write_text('a,b\n"x\ny",1\nz,2\n')
        assert count_rows(path) == 2


class TestReportWriter:
    def test_an_empty_csv_report_still_has_its_header(self, tmp_path: Path) -> None:
        """Tools reading the report always find the columns."""
        report = ReportWriter(tmp_path / "r.csv", "csv", ["first_name"])
        report.close()
        assert (tmp_path / "r.csv").read_text().splitlines() == ["_row,_outcome,_reason,first_name"]

    def test_a_failed_row_is_written_with_its_error(self, tmp_path: Path) -> None:
        """Failed rows carry the API's message in `_reason`."""
        report = ReportWriter(tmp_path / "r.jsonl", "jsonl")
        report.write(
            Outcome(9, OutcomeKind.FAILED, {"email": "a@b.be"}, error="BadRequestError: x")
        )
        report.close()
        assert (tmp_path / "r.jsonl").read_text() == (
            '{"_row": 10, "_outcome": "failed", "_reason": "BadRequestError: x", "email": "a@b.be"}\n'
        )


def test_importing_the_package_does_not_import_the_cli() -> None:
    """`import econtract_async` loads neither the CLI nor python-dotenv.

    (rich may still be loaded: httpx imports it for its own command line when installed.)
    """
    code = (
        "import sys, econtract_async; "
        "print('econtract_async.cli' in sys.modules, 'dotenv' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
