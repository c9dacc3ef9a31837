"""`econtract leads import FILE`: create every lead of a file, concurrently and resumably; and
`econtract leads unknown` / `leads resolve`: list and settle the rows that may have arrived."""

from __future__ import annotations

import argparse
import csv
import functools
import shlex
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import attrs

from .._bulk import (
    BulkRun,
    BulkStats,
    BulkSummary,
    Outcome,
    OutcomeKind,
    Shard,
    bulk_run,
    lead_from_row,
    row_digest,
    send_lead,
)
from .._bulk._journal_sql import redact_target
from .._bulk.journal import Journal, JournalRow
from .._exceptions import ConfigurationError, ValidationError
from .._options import RequestOptions
from ._common import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    add_output_option,
    client_from_env,
    consoles,
    exit_code_for_signal,
    write_json,
)
from ._files import BrokenRow, FileFormat, ReportWriter, count_rows, detect_format, read_rows
from ._progress import OUTCOME_STYLES, ImportProgress, counts_text

if TYPE_CHECKING:
    from rich.console import Console

    from .._bulk.leads import AnyLead

__all__ = [
    "ImportPlan",
    "add_import_arguments",
    "add_resolve_arguments",
    "add_unknown_arguments",
    "import_command",
    "resolve_rows_command",
    "resume_command",
    "unknown_command",
]

_REPORTED = frozenset({OutcomeKind.INVALID, OutcomeKind.FAILED, OutcomeKind.UNKNOWN})


def _positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    value = int(text)
    if value < 1:
        msg = f"must be at least 1, not {value}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _positive_float(text: str) -> float:
    """An argparse type: a number above 0."""
    value = float(text)
    if not value > 0:
        msg = f"must be above 0, not {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `econtract leads import`."""
    parser.add_argument("file", metavar="FILE", help="CSV (with a header) or JSON Lines file")
    parser.add_argument(
        "--type",
        metavar="TYPE",
        help="lead type of rows without a lead_type column: third_party, call_me_back, "
        "click_out, or any other type the CRM knows",
    )
    parser.add_argument("--concurrency", type=_positive_int, default=8, metavar="N")
    parser.add_argument(
        "--rate", type=_positive_float, metavar="R", help="at most R requests per second"
    )
    parser.add_argument(
        "--journal",
        metavar="PATH|URL",
        help="resume journal: an SQLite file (default: FILE's name + .journal.db) or a "
        "postgresql:// URL that workers on many machines share",
    )
    parser.add_argument(
        "--import-id",
        metavar="NAME",
        help="names the import in the journal (default: FILE's name); workers sharing a "
        "journal and an import id finish one import together",
    )
    parser.add_argument(
        "--worker", metavar="NAME", help="this worker's name in the journal (default: unique)"
    )
    parser.add_argument(
        "--chunk-size",
        type=_positive_int,
        default=256,
        metavar="N",
        help="rows a worker claims at a time in a shared journal (default: 256; fixed by the "
        "import's first worker)",
    )
    parser.add_argument(
        "--lease",
        type=_positive_float,
        default=30.0,
        metavar="SECONDS",
        help="after this long without a heartbeat a worker counts as gone and others take "
        "its rows over (default: 30)",
    )
    parser.add_argument(
        "--report",
        metavar="PATH",
        help="where to list invalid, failed and unknown rows (.csv or .jsonl; "
        "default: reports/<name>.report.<input format>)",
    )
    parser.add_argument("--dry-run", action="store_true", help="validate every row, send nothing")
    parser.add_argument("--shard", metavar="i/n", help="handle only shard i of n (0-based)")
    parser.add_argument(
        "--resend-unknown",
        action="store_true",
        help="send again the rows an earlier run left unknown (default: hold them)",
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="on Ctrl-C, how long in-flight requests may finish (default: 30)",
    )
    parser.add_argument("--timeout", type=_positive_float, metavar="SECONDS", help="per request")
    add_output_option(parser)


@attrs.frozen
class ImportPlan:
    """Everything an import needs, checked and with defaults filled in."""

    path: Path
    format: FileFormat
    columns: list[str] | None
    shard: Shard
    lead_type: str | None
    journal: str
    """An SQLite file or a `postgresql://` URL."""
    import_id: str
    report: Path
    report_format: FileFormat
    rows: int
    """Rows of this shard (for the progress bar)."""

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ImportPlan:
        """Check the options against the file.

        Raises:
            UsageError: A missing file, a bad shard, or no way to know the lead type.
        """
        path = Path(args.file)
        if not path.is_file():
            msg = f"no such file: {path}"
            raise UsageError(msg)
        try:
            shard = Shard.parse(args.shard)
        except ConfigurationError as error:
            raise UsageError(str(error)) from None
        fmt = detect_format(path)
        columns = None
        if fmt == "csv":
            with path.open(newline="", encoding="utf-8-sig") as stream:
                columns = next(csv.reader(stream), [])
            if not args.type and "lead_type" not in columns:
                msg = f"{path} has no lead_type column: give the lead type with --type"
                raise UsageError(msg)
        suffix = "" if shard.count == 1 else f".shard-{shard.index}-of-{shard.count}"
        journal = str(args.journal or path.with_name(f"{path.stem}{suffix}.journal.db"))
        default_report = Path("reports") / f"{path.stem}{suffix}.report.{fmt}"
        report = Path(args.report) if args.report else default_report
        total = count_rows(path, fmt)
        return cls(
            path=path,
            format=fmt,
            columns=columns,
            shard=shard,
            lead_type=args.type,
            journal=journal,
            import_id=args.import_id or path.name,
            report=report,
            report_format=detect_format(report),
            rows=len(range(shard.index, total, shard.count)),
        )


def _prepare(lead_type: str | None, row: dict[str, Any] | BrokenRow) -> AnyLead:
    """A row of the file as a validated lead model."""
    if isinstance(row, BrokenRow):
        row.check()
    assert not isinstance(row, BrokenRow)
    return lead_from_row(row, lead_type=lead_type)


def resume_command(argv: list[str], plan: ImportPlan) -> str:
    """The shell command that resumes this import: the same options, with the journal."""
    words = ["econtract", *argv]
    if "--journal" not in words and not any(w.startswith("--journal=") for w in words):
        words += ["--journal", str(plan.journal)]
    return shlex.join(words)


def import_command(args: argparse.Namespace, argv: list[str]) -> int:
    """Run `econtract leads import`; return the exit code."""
    out, err = consoles()
    plan = ImportPlan.from_args(args)
    report = ReportWriter(plan.report, plan.report_format, plan.columns)
    signals: list[int] = []
    try:
        if args.dry_run:
            summary = _dry_run(plan, report)
            stats = None
            auth_refused = False
        else:
            client = client_from_env(need="crm", http_backend="aiohttp")
            summary, stats, auth_refused = anyio.run(
                _import, plan, args, client, report, err, signals
            )
    finally:
        report.close()
    if auth_refused:
        code = EXIT_USAGE
    elif signals:
        code = exit_code_for_signal(signals[0])
    else:
        code = EXIT_OK if summary.ok else EXIT_INCOMPLETE
    resume = resume_command(argv, plan) if summary.stopped and not auth_refused else None
    if args.output == "json":
        write_json(_summary_document(plan, summary, report, stats, resume, code))
    else:
        _print_summary(out, plan, summary, report, stats)
    if auth_refused:
        err.print("The CRM refused the credentials (HTTP 401): check AB_CRM_ID and AB_CRM_KEY.")
        return code
    if args.output == "json":
        return code
    if resume is not None:
        out.print("Interrupted. Resume with:", style="bold")
        out.print(f"  {resume}", markup=False, highlight=False, soft_wrap=True)
    if summary.unknown and not args.dry_run:
        out.print(
            f"{summary.unknown} row(s) are unknown: the CRM may have stored them. Check, then "
            "re-run with --resend-unknown to send them again.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    return code


def _dry_run(plan: ImportPlan, report: ReportWriter) -> BulkSummary:
    """Validate every row of the shard; count valid rows as `created` would-be rows."""
    summary = BulkSummary()
    for position, row in enumerate(read_rows(plan.path, plan.format)):
        if not plan.shard.owns(position):
            continue
        try:
            _prepare(plan.lead_type, row)
        except ValidationError as invalid:
            summary.add(OutcomeKind.INVALID)
            report.write(Outcome(position, OutcomeKind.INVALID, row, errors=invalid.errors))
        else:
            summary.add(OutcomeKind.CREATED)
    return summary


async def _import(
    plan: ImportPlan,
    args: argparse.Namespace,
    client: Any,
    report: ReportWriter,
    err: Console,
    signals: list[int],
) -> tuple[BulkSummary, BulkStats, bool]:
    """Run the import with a progress bar; Ctrl-C stops it gracefully, twice abandons.

    Each signal received is appended to `signals` (the first one sets the exit code).
    """
    options = RequestOptions(timeout=args.timeout, max_retries=0)
    auth_refused = False
    if args.resend_unknown:
        await _warn_resend(plan, err)
    async with client:
        run: BulkRun[dict[str, Any] | BrokenRow, AnyLead] = bulk_run(
            functools.partial(read_rows, plan.path, plan.format),  # re-readable: see bulk_run
            functools.partial(_prepare, plan.lead_type),
            functools.partial(send_lead, client, options=options),
            identify=functools.partial(row_digest, salt=plan.lead_type or ""),
            concurrency=args.concurrency,
            rate=args.rate,
            journal=plan.journal,
            import_id=plan.import_id,
            worker=args.worker,
            lease=args.lease,
            chunk_size=args.chunk_size,
            shard=plan.shard,
            on_unknown="resend" if args.resend_unknown else "hold",
        )
        description = f"{plan.path.name}" + (f" [{plan.shard}]" if plan.shard.count > 1 else "")
        with ImportProgress(err, plan.rows, description) as progress:
            async with anyio.create_task_group() as signals_group:
                signals_group.start_soon(_watch_signals, run, progress, args.grace, signals)
                async with run:
                    async for outcome in run:
                        if outcome.kind in _REPORTED:
                            report.write(outcome)
                        if outcome.error.startswith("AuthenticationError") and not auth_refused:
                            auth_refused = True
                            run.stop(grace=args.grace)
                        progress.update(run.summary)
                progress.update(run.summary)
                signals_group.cancel_scope.cancel()
    return run.summary, run.stats, auth_refused


async def _watch_signals(
    run: BulkRun[Any, Any], progress: ImportProgress, grace: float, signals: list[int]
) -> None:
    """First Ctrl-C (or SIGTERM): stop gracefully. Second: abandon requests in flight."""
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as received:
        count = 0
        async for signum in received:
            signals.append(int(signum))
            count += 1
            if count == 1:
                progress.note(
                    f"Stopping: no new rows; {run.stats.in_flight} request(s) in flight may "
                    f"finish within {grace:g}s. Press Ctrl-C again to abandon them."
                )
                run.stop(grace=grace)
            else:
                progress.note("Abandoning requests in flight: their rows end unknown.")
                run.abort()


def _summary_document(
    plan: ImportPlan,
    summary: BulkSummary,
    report: ReportWriter,
    stats: BulkStats | None,
    resume: str | None,
    code: int,
) -> dict[str, Any]:
    """The import summary as one JSON document (`--output json`); `stats` None: a dry run."""
    return {
        "file": str(plan.path),
        "shard": str(plan.shard),
        "dry_run": stats is None,
        "rows": summary.total,
        "counts": {kind.value: summary.count(kind) for kind in OUTCOME_STYLES},
        "requests": None
        if stats is None
        else {
            "sent": stats.requests_sent,
            "retried": stats.retries,
            "rate_limited": stats.rate_limited,
        },
        "journal": None if stats is None else str(plan.journal),
        "report": {"path": str(report.path), "rows": report.rows},
        "interrupted": resume is not None,
        "resume_command": resume,
        "exit_code": code,
    }


def _print_summary(
    out: Console,
    plan: ImportPlan,
    summary: BulkSummary,
    report: ReportWriter,
    stats: BulkStats | None,
) -> None:
    """Print the counts, the requests, the report and the journal (`stats` None: a dry run)."""
    shard = f" (shard {plan.shard})" if plan.shard.count > 1 else ""
    if stats is None:
        out.print(
            f"Dry run of {plan.path}{shard}: {summary.created} valid, {summary.invalid} invalid "
            f"of {summary.total} rows; nothing was sent.",
            highlight=False,
            soft_wrap=True,
        )
    else:
        out.print(
            f"Import of {plan.path}{shard}: {summary.total} rows", highlight=False, soft_wrap=True
        )
        out.print(f"  {counts_text(summary)}", highlight=False, soft_wrap=True)
        out.print(
            f"  {stats.requests_sent} requests sent, {stats.retries} retried, "
            f"{stats.rate_limited} answered 429",
            highlight=False,
            soft_wrap=True,
        )
        out.print(
            f"Journal: {redact_target(plan.journal)} (import {plan.import_id})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    out.print(
        f"Report: {report.path} ({report.rows} rows)", markup=False, highlight=False, soft_wrap=True
    )


async def _warn_resend(plan: ImportPlan, err: Console) -> None:
    """Say what `--resend-unknown` is about to do, and to how many rows, before it does it."""
    if "://" not in plan.journal and not await anyio.Path(plan.journal).is_file():
        return
    async with Journal(plan.journal, import_id=plan.import_id) as journal:
        rows = [row for row in await journal.unknown() if plan.shard.owns(row.entry.position)]
    if rows:
        err.print(
            f"--resend-unknown: {len(rows)} row(s) an earlier run may have stored will be sent "
            "again; a lead sent twice is two leads in the CRM (leads have no lookup). To settle "
            "rows one by one instead: econtract leads unknown / econtract leads resolve.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def add_unknown_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `econtract leads unknown`."""
    from .journal import add_journal_argument

    add_journal_argument(parser)
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="also write the rows as CSV (_row, email, name, sent_at, seen): edit it down and "
        "hand it to `leads resolve --stored` or `--not-stored`",
    )


def _name(row: JournalRow) -> str:
    label = row.label
    full = " ".join(part for part in (label.get("first_name"), label.get("last_name")) if part)
    return full or label.get("name", "") or label.get("company_name", "")


def _when(stamp: float | None) -> str:
    if stamp is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))


def unknown_command(args: argparse.Namespace) -> int:
    """Run `econtract leads unknown`; exit 1 when rows are unknown, 0 when none are."""
    out, _ = consoles()
    rows = anyio.run(_unknown_rows, args.journal, args.import_id)
    line = functools.partial(out.print, markup=False, highlight=False, soft_wrap=True)
    line(
        f"{len(rows)} row(s) may have reached the CRM without an answer. Leads have no lookup "
        "in the CRM API: check them in the CRM, then `econtract leads resolve`."
    )
    for row in rows:
        line(
            f"  row {row.row_number}: {row.label.get('email', '-')}, {_name(row) or '-'}; "
            f"sent {_when(row.sent_at) or '-'} by {row.worker or '-'}, "
            f"{row.entry.attempts} attempt(s); {row.entry.state}: {row.entry.detail or '-'}"
        )
    if args.out:
        with Path(args.out).open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(["_row", "email", "name", "sent_at", "state", "seen"])
            for row in rows:
                writer.writerow(
                    [
                        row.row_number,
                        row.label.get("email", ""),
                        _name(row),
                        _when(row.sent_at),
                        row.entry.state,
                        row.entry.detail,
                    ]
                )
        line(f"Written to {args.out}")
    return EXIT_INCOMPLETE if rows else EXIT_OK


async def _unknown_rows(target: str, import_id: str | None) -> list[JournalRow]:
    from .journal import open_import

    journal = await open_import(target, import_id)
    try:
        return await journal.unknown()
    finally:
        await journal.close()


def _row_numbers(text: str) -> list[int]:
    """An argparse type: `3,5,9` -> [3, 5, 9] (1-based data rows)."""
    try:
        numbers = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        msg = f"expected row numbers such as 3,5,9, not {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not numbers or min(numbers) < 1:
        msg = f"row numbers start at 1, not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return numbers


def add_resolve_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `econtract leads resolve`."""
    from .journal import add_journal_argument

    add_journal_argument(parser)
    parser.add_argument(
        "--stored",
        metavar="FILE",
        help="rows found in the CRM: a CSV with a _row column (`leads unknown --out`, a report) "
        "or one row number per line; they count as created and are never sent again",
    )
    parser.add_argument(
        "--not-stored",
        metavar="FILE",
        help="rows not in the CRM (same formats): the next run sends them again",
    )
    parser.add_argument("--stored-rows", type=_row_numbers, metavar="N,N", default=[])
    parser.add_argument("--not-stored-rows", type=_row_numbers, metavar="N,N", default=[])


def _rows_in(path: str) -> list[int]:
    """1-based row numbers from a CSV with a `_row` column, or one number per line."""
    file = Path(path)
    if not file.is_file():
        msg = f"no such file: {path}"
        raise UsageError(msg)
    text = file.read_text(encoding="utf-8-sig")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and all(line.isdigit() for line in lines):
        return [int(line) for line in lines]
    reader = csv.DictReader(text.splitlines())
    if "_row" not in (reader.fieldnames or []):
        msg = f"{path}: expected a _row column or one row number per line"
        raise UsageError(msg)
    numbers = []
    for record in reader:
        value = (record.get("_row") or "").strip()
        if not value.isdigit():
            msg = f"{path}: _row {value!r} is not a row number"
            raise UsageError(msg)
        numbers.append(int(value))
    return numbers


def resolve_rows_command(args: argparse.Namespace) -> int:
    """Run `econtract leads resolve`; return the exit code."""
    out, _ = consoles()
    stored = list(args.stored_rows) + (_rows_in(args.stored) if args.stored else [])
    not_stored = list(args.not_stored_rows) + (_rows_in(args.not_stored) if args.not_stored else [])
    if not stored and not not_stored:
        msg = (
            "say which rows to settle: --stored FILE, --not-stored FILE, --stored-rows N,N or "
            "--not-stored-rows N,N (leads have no lookup in the CRM API, so no automatic check)"
        )
        raise UsageError(msg)
    both = sorted(set(stored) & set(not_stored))
    if both:
        msg = f"rows both stored and not stored: {', '.join(map(str, both))}"
        raise UsageError(msg)
    changed = anyio.run(_resolve, args.journal, args.import_id, stored, not_stored)
    out.print(
        f"Settled {changed[0]} row(s) as stored (never sent again) and {changed[1]} as not "
        "stored (sent by the next run); rows that were not unknown are left as they were.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    return EXIT_OK


async def _resolve(
    target: str, import_id: str | None, stored: list[int], not_stored: list[int]
) -> tuple[int, int]:
    from .journal import open_import

    journal = await open_import(target, import_id)
    try:
        done = await journal.resolve([n - 1 for n in stored], stored=True) if stored else 0
        freed = (
            await journal.resolve([n - 1 for n in not_stored], stored=False) if not_stored else 0
        )
    finally:
        await journal.close()
    return done, freed
