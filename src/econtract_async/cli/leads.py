"""`econtract leads import FILE`: create every lead of a file, concurrently and resumably."""

from __future__ import annotations

import argparse
import csv
import functools
import shlex
import signal
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
from .._exceptions import ConfigurationError, ValidationError
from .._options import RequestOptions
from ._common import EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE, UsageError, client_from_env, consoles
from ._files import BrokenRow, FileFormat, ReportWriter, count_rows, detect_format, read_rows
from ._progress import ImportProgress, counts_text

if TYPE_CHECKING:
    from rich.console import Console

    from .._bulk.leads import AnyLead

__all__ = ["ImportPlan", "add_import_arguments", "import_command", "resume_command"]

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
        "--journal", metavar="PATH", help="resume journal (default: FILE's name + .journal.db)"
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


@attrs.frozen
class ImportPlan:
    """Everything an import needs, checked and with defaults filled in."""

    path: Path
    format: FileFormat
    columns: list[str] | None
    shard: Shard
    lead_type: str | None
    journal: Path
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
        journal = Path(args.journal or path.with_name(f"{path.stem}{suffix}.journal.db"))
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
    try:
        if args.dry_run:
            summary = _dry_run(plan, report)
            stats = None
            auth_refused = False
        else:
            client = client_from_env(need="crm", http_backend="aiohttp")
            summary, stats, auth_refused = anyio.run(_import, plan, args, client, report, err)
    finally:
        report.close()
    _print_summary(out, plan, summary, report, stats)
    if auth_refused:
        err.print("The CRM refused the credentials (HTTP 401): check AB_CRM_ID and AB_CRM_KEY.")
        return EXIT_USAGE
    if summary.stopped:
        out.print("Interrupted. Resume with:", style="bold")
        out.print(f"  {resume_command(argv, plan)}", markup=False, highlight=False, soft_wrap=True)
    if summary.unknown and not args.dry_run:
        out.print(
            f"{summary.unknown} row(s) are unknown: the CRM may have stored them. Check, then "
            "re-run with --resend-unknown to send them again.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    return EXIT_OK if summary.ok else EXIT_INCOMPLETE


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
) -> tuple[BulkSummary, BulkStats, bool]:
    """Run the import with a progress bar; Ctrl-C stops it gracefully, twice abandons."""
    options = RequestOptions(timeout=args.timeout, max_retries=0)
    auth_refused = False
    async with client:
        run: BulkRun[dict[str, Any] | BrokenRow, AnyLead] = bulk_run(
            read_rows(plan.path, plan.format),
            functools.partial(_prepare, plan.lead_type),
            functools.partial(send_lead, client, options=options),
            identify=functools.partial(row_digest, salt=plan.lead_type or ""),
            concurrency=args.concurrency,
            rate=args.rate,
            journal=plan.journal,
            shard=plan.shard,
            on_unknown="resend" if args.resend_unknown else "hold",
        )
        description = f"{plan.path.name}" + (f" [{plan.shard}]" if plan.shard.count > 1 else "")
        with ImportProgress(err, plan.rows, description) as progress:
            async with anyio.create_task_group() as signals:
                signals.start_soon(_watch_signals, run, progress, args.grace)
                async with run:
                    async for outcome in run:
                        if outcome.kind in _REPORTED:
                            report.write(outcome)
                        if outcome.error.startswith("AuthenticationError") and not auth_refused:
                            auth_refused = True
                            run.stop(grace=args.grace)
                        progress.update(run.summary)
                progress.update(run.summary)
                signals.cancel_scope.cancel()
    return run.summary, run.stats, auth_refused


async def _watch_signals(run: BulkRun[Any, Any], progress: ImportProgress, grace: float) -> None:
    """First Ctrl-C (or SIGTERM): stop gracefully. Second: abandon requests in flight."""
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as received:
        count = 0
        async for _ in received:
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
        out.print(f"Journal: {plan.journal}", markup=False, highlight=False, soft_wrap=True)
    out.print(
        f"Report: {report.path} ({report.rows} rows)", markup=False, highlight=False, soft_wrap=True
    )
