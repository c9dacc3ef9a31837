"""Reading import files (CSV or JSON Lines) row by row, and writing reports to fix and re-import."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal

import attrs

from .._bulk import Outcome
from .._exceptions import FieldError, ValidationError

__all__ = [
    "REPORT_COLUMNS",
    "BrokenRow",
    "FileFormat",
    "ReportWriter",
    "count_rows",
    "detect_format",
    "read_rows",
]

FileFormat = Literal["csv", "jsonl"]
REPORT_COLUMNS = ("_row", "_outcome", "_reason")
"""Columns a report adds in front of the row; the reader drops every column starting with `_`."""


@attrs.frozen
class BrokenRow:
    """A line that is not a row at all (bad JSON, too many CSV values); it ends `invalid`."""

    line: str = attrs.field(repr=False)
    message: str

    def check(self) -> None:
        """Raise the `ValidationError` this row stands for."""
        model = "row"
        raise ValidationError(model, [FieldError("$", "(row)", self.message)])


def detect_format(path: Path) -> FileFormat:
    """`jsonl` for `.jsonl`, `.ndjson` and `.json` files, `csv` otherwise."""
    return "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv"


def _clean(row: Mapping[str | None, Any]) -> dict[str, Any]:
    """Drop report columns and blank header cells."""
    return {key: value for key, value in row.items() if key and not key.startswith("_")}


def read_rows(path: Path, fmt: FileFormat | None = None) -> Iterator[dict[str, Any] | BrokenRow]:
    """Yield the file's rows one at a time; memory does not grow with the file."""
    fmt = fmt or detect_format(path)
    with path.open(newline="", encoding="utf-8-sig") as stream:
        if fmt == "csv":
            yield from _csv_rows(stream)
        else:
            yield from _jsonl_rows(stream)


def _csv_rows(stream: IO[str]) -> Iterator[dict[str, Any] | BrokenRow]:
    """Rows of a CSV file with a header (wire or Python names)."""
    reader = csv.DictReader(stream)
    for row in reader:
        if None in row:
            yield BrokenRow(str(row[None]), "the row has more values than the header has columns")
        else:
            yield _clean(row)


def _jsonl_rows(stream: IO[str]) -> Iterator[dict[str, Any] | BrokenRow]:
    """Rows of a JSON Lines file: one object per non-blank line."""
    for line in stream:
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield BrokenRow(line, f"not valid JSON: {error.msg} (column {error.colno})")
            continue
        if not isinstance(value, dict):
            yield BrokenRow(line, "a line must hold a JSON object")
            continue
        yield _clean(value)


def count_rows(path: Path, fmt: FileFormat | None = None) -> int:
    """How many rows the file holds (a quick streaming pass, for the progress bar's ETA)."""
    fmt = fmt or detect_format(path)
    with path.open(newline="", encoding="utf-8-sig") as stream:
        if fmt == "csv":
            return max(0, sum(1 for _ in csv.reader(stream)) - 1)
        return sum(1 for line in stream if line.strip())


class ReportWriter:
    """Writes invalid, failed and unknown rows with their reasons, in the input's columns.

    A CSV report keeps the input's header after `_row`, `_outcome` and `_reason`, so it can be
    fixed in a spreadsheet and imported again as is: the reader ignores `_` columns. A JSON Lines
    report writes one object per row with the same three keys first.
    """

    def __init__(self, path: Path, fmt: FileFormat, columns: list[str] | None = None) -> None:
        self.path = path
        self.format = fmt
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._stream = path.open("w", newline="", encoding="utf-8")
        self._columns = columns
        self._writer: csv.DictWriter[str] | None = None
        if fmt == "csv" and columns is not None:
            self._start_csv(columns)

    def __repr__(self) -> str:
        return f"ReportWriter({str(self.path)!r}, rows={self.rows})"

    def _start_csv(self, columns: list[str]) -> None:
        """Write the CSV header."""
        names = [*REPORT_COLUMNS, *(c for c in columns if c and not c.startswith("_"))]
        self._writer = csv.DictWriter(self._stream, names, extrasaction="ignore", restval="")
        self._writer.writeheader()

    def write(self, outcome: Outcome) -> None:
        """Add one row to the report."""
        row = outcome.row
        data: dict[str, Any] = dict(row) if isinstance(row, Mapping) else {}
        if isinstance(row, BrokenRow):
            data = {"_line": row.line.rstrip("\n")}
        elif not isinstance(row, Mapping) and row is not None:
            data = {"_model": repr(row)}
        head = {"_row": outcome.position + 1, "_outcome": outcome.kind.value}
        head["_reason"] = outcome.reason
        record = {**head, **data}
        self.rows += 1
        if self.format == "jsonl":
            self._stream.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            return
        if self._writer is None:
            self._start_csv(list(data))
        assert self._writer is not None
        self._writer.writerow(record)

    def close(self) -> None:
        """Finish the file (a CSV report without rows still gets its header)."""
        if self.format == "csv" and self._writer is None:
            self._start_csv(self._columns or [])
        self._stream.close()
