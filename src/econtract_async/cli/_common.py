"""What every `econtract` command shares: exit codes, errors, the environment and consoles."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

from .._exceptions import ConfigurationError

if TYPE_CHECKING:
    from rich.console import Console

    from .._client import EcontractClient
    from .._transport import HttpBackend

__all__ = [
    "EXIT_INCOMPLETE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "UsageError",
    "add_output_option",
    "client_from_env",
    "consoles",
    "exit_code_for_signal",
    "fail",
    "load_env",
    "write_json",
]

EXIT_OK = 0
EXIT_INCOMPLETE = 1
"""Some rows are invalid, failed or unknown."""
EXIT_USAGE = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT
"""Stopped by Ctrl-C (after draining), as shells expect: 130."""


def exit_code_for_signal(signum: int) -> int:
    """The shell convention for a run stopped by signal `signum`: 128 + its number."""
    return 128 + signum


def add_output_option(parser: argparse.ArgumentParser) -> None:
    """`--output {table,json}` and its short form `--json`; the choice lands in `args.output`.

    Not given, `args.output` is None (a table); None as the default lets argparse refuse
    `--json --output table` instead of silently taking the last one.
    """
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--output",
        choices=("table", "json"),
        default=None,
        help="table for people, json (one document on stdout) for scripts (default: table)",
    )
    group.add_argument(
        "--json", dest="output", action="store_const", const="json", help="same as --output json"
    )


def write_json(document: Any) -> None:
    """Write `document` to stdout as one JSON document and a newline (nothing else goes there)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


class UsageError(Exception):
    """A bad option, a missing file or missing credentials: exit code 2."""


def fail(message: str) -> int:
    """Print `message` as an error and return the usage exit code."""
    sys.stderr.write(f"econtract: error: {message}\n")
    return EXIT_USAGE


def load_env() -> None:
    """Read a `.env` file (current directory or above) without overriding the environment."""
    try:
        from dotenv import find_dotenv, load_dotenv
    except ImportError:
        return
    load_dotenv(find_dotenv(usecwd=True), override=False)


def client_from_env(*, need: str, http_backend: HttpBackend = "httpx") -> EcontractClient:
    """A client from the environment and `.env`; `need` is `crm` or `product`.

    `http_backend="aiohttp"` is what the bulk import asks for: the CLI is an application, and
    picks the transport that costs least CPU at its concurrency (docs/performance.md).

    Raises:
        UsageError: The credentials `need` asks for are missing or half set.
    """
    from .._client import EcontractClient

    load_env()
    wanted = ("AB_CRM_ID", "AB_CRM_KEY") if need == "crm" else ("ECONTRACT_PRODUCT_KEY",)
    missing = [name for name in wanted if not os.environ.get(name)]
    if missing:
        msg = f"set {' and '.join(missing)} in the environment or a .env file"
        raise UsageError(msg)
    try:
        return EcontractClient.from_env(http_backend=http_backend)
    except ConfigurationError as error:
        raise UsageError(str(error)) from None


def consoles() -> tuple[Console, Console]:
    """Rich consoles for results (stdout) and progress and messages (stderr).

    Raises:
        UsageError: rich is not installed (the `[cli]` extra is missing).
    """
    try:
        from rich.console import Console
    except ImportError:
        msg = "the econtract command needs its extra: pip install 'econtract-async[cli]'"
        raise UsageError(msg) from None
    return Console(), Console(stderr=True)
