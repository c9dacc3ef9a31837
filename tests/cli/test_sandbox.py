"""Tests for `econtract sandbox` (`econtract_async.cli.sandbox`): a real server in a child process."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    """`econtract sandbox --port 0` in a child process, and the variables its export lines set."""
    process = subprocess.Popen(
        [sys.executable, "-m", "econtract_async.cli", "sandbox", "--port", "0", "--db", ":memory:"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    exported: dict[str, str] = {}
    try:
        while len(exported) < 6:
            line = process.stdout.readline()
            assert line, "the sandbox exited before printing its export lines"
            if line.startswith("export "):
                name, _, value = line.removeprefix("export ").strip().partition("=")
                (exported[name],) = shlex.split(value)
        yield process, exported
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=30)


def test_the_export_lines_point_the_cli_at_the_sandbox(
    served: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    """Running the printed export lines lets `econtract products list` reach the sandbox."""
    _, exported = served
    assert set(exported) == {
        "AB_CRM_URL",
        "AB_CRM_ID",
        "AB_CRM_KEY",
        "ECONTRACT_PRODUCT_URL",
        "ECONTRACT_PRODUCT_KEY",
        "ECONTRACT_PRODUCT_SECRET",
    }
    assert not exported["AB_CRM_URL"].endswith(":0"), "the chosen port, not the requested 0"
    done = subprocess.run(
        [sys.executable, "-m", "econtract_async.cli", "products", "list", "--cat", "gas", "--json"],
        env={**os.environ, **exported},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)


@pytest.mark.asyncio
async def test_the_export_lines_configure_from_env(
    served: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    """`EcontractClient.from_env()` with exactly those variables talks to both APIs."""
    from econtract_async import EcontractClient, NotFoundError

    _, exported = served
    async with EcontractClient.from_env(exported) as ec:
        assert await ec.products.list(cat="electricity", limit=1)
        with pytest.raises(NotFoundError):
            await ec.crm.clients.get(999_999)


def test_ctrl_c_stops_the_sandbox_with_exit_0(
    served: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    """Ctrl-C is how a server is stopped: it exits 0."""
    process, _ = served
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert process.returncode == 0
