"""What every `econtract` command shares: exit codes, errors, the environment and consoles."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from .._exceptions import ConfigurationError

if TYPE_CHECKING:
    from rich.console import Console

    from .._client import EcontractClient
    from .._transport import HttpBackend

__all__ = [
    "EXIT_INCOMPLETE",
    "EXIT_OK",
    "EXIT_USAGE",
    "UsageError",
    "client_from_env",
    "consoles",
    "fail",
    "load_env",
]

EXIT_OK = 0
EXIT_INCOMPLETE = 1
"""Some rows are invalid, failed or unknown, or the run was interrupted."""
EXIT_USAGE = 2


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
