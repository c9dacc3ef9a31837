"""`econtract journal show JOURNAL`: what a bulk-import journal holds, for SQLite and PostgreSQL.

Also the one place the commands that read a journal (`leads unknown`, `leads resolve`) open it:
a path or a `postgresql://` URL, and the import inside it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import anyio

from .._bulk import Journal
from .._bulk._journal_sql import redact_target
from .._exceptions import ConfigurationError
from ._common import EXIT_OK, UsageError, consoles

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["add_journal_argument", "add_show_arguments", "open_import", "show_command"]

_STATES = ("created", "invalid", "failed", "unknown", "in_flight")


def add_journal_argument(parser: argparse.ArgumentParser) -> None:
    """The JOURNAL argument and `--import-id` every journal-reading command takes."""
    parser.add_argument("journal", metavar="JOURNAL", help="journal file, or a postgresql:// URL")
    parser.add_argument(
        "--import-id",
        metavar="NAME",
        help="the import inside the journal (default: the only one; the CLI names an import "
        "after its input file)",
    )


def add_show_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `econtract journal show`."""
    add_journal_argument(parser)


async def open_import(target: str, import_id: str | None) -> Journal:
    """The journal at `target`, opened on `import_id` (or its only import).

    Raises:
        UsageError: No such journal, or several imports and none chosen.
    """
    if "://" not in target and not await anyio.Path(target).is_file():
        msg = f"no such journal: {target}"
        raise UsageError(msg)
    probe = Journal(target)
    try:
        await probe.open()
        names = await probe.imports()
    except ConfigurationError as error:
        await probe.close()
        raise UsageError(str(error)) from None
    await probe.close()
    if import_id is None:
        if len(names) != 1:
            listed = ", ".join(names) or "none"
            msg = f"{redact_target(target)} holds {len(names)} imports ({listed}): pick one with --import-id"
            raise UsageError(msg)
        import_id = names[0]
    elif import_id not in names:
        msg = f"{redact_target(target)} has no import {import_id!r} (it has: {', '.join(names)})"
        raise UsageError(msg)
    journal = Journal(target, import_id=import_id)
    await journal.open()
    return journal


def show_command(args: argparse.Namespace) -> int:
    """Run `econtract journal show`; return the exit code."""
    out, _ = consoles()
    anyio.run(_show, args.journal, args.import_id, out)
    return EXIT_OK


async def _show(target: str, import_id: str | None, out: Console) -> None:
    probe = Journal(target)
    if "://" not in target and not await anyio.Path(target).is_file():
        msg = f"no such journal: {target}"
        raise UsageError(msg)
    try:
        await probe.open()
        report = await probe.report(import_id)
    except ConfigurationError as error:
        raise UsageError(str(error)) from None
    finally:
        await probe.close()

    def line(text: str) -> None:
        out.print(text, markup=False, highlight=False, soft_wrap=True)

    line(f"Journal {redact_target(target)} ({probe.backend})")
    if not report.by_import:
        line("  no rows yet")
    for name, counts in report.by_import.items():
        total = sum(counts.values())
        line(f"Import {name}: {total} rows: {_counts(counts)}")
        for name_of_worker, per_worker in report.by_worker.get(name, {}).items():
            line(f"  worker {name_of_worker}: {_counts(per_worker)}")
    for worker in report.workers:
        line(
            f"Worker {worker['worker']} ({worker['import_id']}): {worker['status']}, "
            f"host {worker['host']}, pid {worker['pid']}, {worker['chunks_held']} chunk(s) held"
        )


def _counts(counts: dict[str, int]) -> str:
    known = [f"{counts[state]} {state}" for state in _STATES if counts.get(state)]
    others = [f"{n} {state}" for state, n in counts.items() if state not in _STATES]
    return ", ".join(known + others) or "none"
