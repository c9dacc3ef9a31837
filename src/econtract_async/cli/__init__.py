"""`econtract`: import leads in bulk, serve the sandbox, and list products from a terminal.

Credentials come from the environment (and a `.env` file in the current directory or above),
never from the command line: `AB_CRM_URL`, `AB_CRM_ID`, `AB_CRM_KEY` for the CRM,
`ECONTRACT_PRODUCT_URL`, `ECONTRACT_PRODUCT_KEY`, `ECONTRACT_PRODUCT_SECRET` for products.

Exit codes: 0 success (every row created or skipped), 1 some rows invalid, failed or unknown,
2 a usage or configuration error, 130 stopped by Ctrl-C after draining (143 for SIGTERM).

`econtract completion bash` (or `zsh`, `fish`, `tcsh`, `powershell`) prints a tab-completion
script generated from this parser.

`--json` (or `--output json`) makes `products list` and `leads import` print one JSON document
on stdout; progress and messages always go to stderr.

Needs the `[cli]` extra; `rich` and `python-dotenv` are imported only when a command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._version import __version__
from ._common import EXIT_USAGE, UsageError, fail

__all__ = ["build_parser", "main"]


def build_parser(*, sandbox_options: bool = False) -> argparse.ArgumentParser:
    """The whole command line: `leads import|unknown|resolve`, `journal show`, `sandbox`,
    `products list`, `completion`.

    `econtract sandbox` parses its own options; `sandbox_options=True` adds them here too (for
    the completion script; it imports the sandbox, which a plain run does not need to).
    """
    parser = argparse.ArgumentParser(
        prog="econtract",
        description="Econtract CRM and product API from the command line.",
        epilog="Credentials are read from the environment and a .env file (see docs).",
    )
    parser.add_argument("--version", action="version", version=f"econtract {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    leads = commands.add_parser("leads", help="lead commands")
    lead_commands = leads.add_subparsers(dest="action", required=True, metavar="ACTION")
    from .leads import add_import_arguments

    add_import_arguments(
        lead_commands.add_parser(
            "import",
            help="create the leads of a CSV or JSON Lines file, concurrently and resumably",
            description="Create every lead of FILE in the CRM; re-run the same command to resume.",
        )
    )

    from .leads import add_resolve_arguments, add_unknown_arguments

    add_unknown_arguments(
        lead_commands.add_parser(
            "unknown",
            help="list the rows of a journal that may have reached the CRM without an answer",
        )
    )
    add_resolve_arguments(
        lead_commands.add_parser(
            "resolve", help="settle unknown rows: stored (never resend) or not (send again)"
        )
    )

    journal = commands.add_parser("journal", help="bulk-import journal commands")
    journal_commands = journal.add_subparsers(dest="action", required=True, metavar="ACTION")
    from .journal import add_show_arguments

    add_show_arguments(
        journal_commands.add_parser(
            "show", help="counts by state, per import and per worker (SQLite or PostgreSQL)"
        )
    )

    sandbox_parents: list[argparse.ArgumentParser] = []
    if sandbox_options:
        try:
            from ..sandbox.__main__ import build_parser as sandbox_parser
        except ImportError:  # without the sandbox extra, `econtract sandbox` has no options
            pass
        else:
            sandbox_parents.append(sandbox_parser(add_help=False))
    commands.add_parser(
        "sandbox",
        help="serve the local sandbox of both APIs (options: econtract sandbox --help)",
        add_help=sandbox_options,
        parents=sandbox_parents,
    )

    products = commands.add_parser("products", help="product API commands")
    product_commands = products.add_subparsers(dest="action", required=True, metavar="ACTION")
    from .products import add_list_arguments

    add_list_arguments(product_commands.add_parser("list", help="print products as a table"))

    from .completion import add_completion_arguments

    add_completion_arguments(
        commands.add_parser(
            "completion",
            help="print a tab-completion script for your shell",
            description="Print a completion script for SHELL, e.g. "
            "econtract completion bash > ~/.local/share/bash-completion/completions/econtract",
        )
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `econtract` command line; return its exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["sandbox"]:  # the sandbox parses its own options (and --help)
        from .sandbox import serve

        return serve(args_list[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    try:
        if args.command == "leads":
            from . import leads

            if args.action == "unknown":
                return leads.unknown_command(args)
            if args.action == "resolve":
                return leads.resolve_rows_command(args)
            return leads.import_command(args, args_list)
        if args.command == "journal":
            from .journal import show_command

            return show_command(args)
        if args.command == "completion":
            from .completion import completion_command

            return completion_command(args)
        from .products import list_command

        return list_command(args)
    except UsageError as error:
        return fail(str(error))
