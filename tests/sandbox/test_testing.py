"""Tests of `econtract_async.testing` and its pytest plugin, used the way our users use them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from econtract_async import BadRequestError, EcontractClient
from econtract_async.sandbox import LiveSandbox, Sandbox
from econtract_async.testing import FixedClock, SequentialNonce, sandbox_client

CLIENT = {
    "gender": 1,
    "segment": 1,
    "first_name": "Jan",
    "last_name": "Peeters",
    "cellphone": "0499123456",
    "email": "jan.peeters@example.be",
    "language": "nl",
}


def test_fixed_clock_and_sequential_nonce_are_predictable() -> None:
    """The clock stands still until advanced; nonces count up in 32 hex digits."""
    clock, nonce = FixedClock(100), SequentialNonce()
    assert (clock(), clock()) == (100.0, 100.0)
    clock.advance(5)
    assert clock() == 105.0
    assert [nonce(), nonce()] == [f"{1:032x}", f"{2:032x}"]


@pytest.mark.asyncio
async def test_sandbox_client_with_fixed_clock_signs_fresh_requests() -> None:
    """A frozen clock with sequential nonces never replays, so repeated calls all succeed."""
    async with sandbox_client(clock=FixedClock(1_790_000_000), nonce=SequentialNonce()) as ec:
        first = await ec.products.list(cat="gas", lang="nl", limit=2)
        second = await ec.products.list(cat="gas", lang="nl", limit=2)
    assert first == second
    assert len(first) == 2


@pytest.mark.asyncio
async def test_sandbox_client_with_a_constant_nonce_is_refused_as_a_replay() -> None:
    """Reusing one nonce at one instant is what the real API refuses, and so does the sandbox."""
    clock = FixedClock(1_790_000_000)
    async with sandbox_client(clock=clock, nonce=lambda: "f" * 32, max_retries=0) as ec:
        await ec.products.last_updated(lang="nl")
        with pytest.raises(BadRequestError):
            await ec.products.last_updated(lang="nl")


@pytest.mark.asyncio
async def test_plugin_client_fixture_talks_to_the_plugin_sandbox(
    econtract_client: EcontractClient, econtract_sandbox: Sandbox
) -> None:
    """econtract_client writes into econtract_sandbox, in-process."""
    created = await econtract_client.crm.clients.create(**CLIENT)
    assert econtract_sandbox.store.get("clients", created.id) is not None


@pytest.mark.asyncio
async def test_plugin_live_client_fixture_uses_a_loopback_socket(
    econtract_live_client: EcontractClient, econtract_live_sandbox: LiveSandbox
) -> None:
    """econtract_live_client reaches econtract_live_sandbox over 127.0.0.1."""
    assert econtract_live_sandbox.base_url.startswith("http://127.0.0.1:")
    created = await econtract_live_client.crm.clients.create(**CLIENT)
    assert (await econtract_live_client.crm.clients.get(created.id)).email == CLIENT["email"]


def _run(code: str) -> str:
    """Run Python code in a fresh interpreter and return its output."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_importing_the_sdk_and_testing_helpers_does_not_load_the_server_stack() -> None:
    """`import econtract_async` (and the testing helpers) never imports Starlette or uvicorn."""
    loaded = _run(
        """
        import sys
        import econtract_async, econtract_async.testing, econtract_async.testing.pytest_plugin
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("starlette", "uvicorn")))
        """
    )
    assert loaded == "[]"


def test_plugin_imports_and_fails_loudly_without_the_extra() -> None:
    """Without Starlette, the plugin imports and its fixtures fail (never skip), naming the extra."""
    message = _run(
        """
        import sys
        for name in ("starlette", "uvicorn"):
            sys.modules[name] = None
        import pytest
        from econtract_async.testing import pytest_plugin
        try:
            pytest_plugin._sandbox_class()
        except pytest.fail.Exception as failure:
            print(failure.msg)
        """
    )
    assert "pip install 'econtract-async[sandbox]'" in message


def test_a_suite_using_the_fixtures_fails_without_the_extra(tmp_path: Path) -> None:
    """A user's suite run without the extra ends red with an error per test, none skipped."""
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "conftest.py").write_text(
        "import sys\nfor name in ('starlette', 'uvicorn'):\n    sys.modules[name] = None\n"
    )
    (suite / "test_user.py").write_text(
        "def test_one(econtract_sandbox):\n    assert econtract_sandbox\n\n"
        "def test_two(econtract_live_sandbox):\n    assert econtract_live_sandbox\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(suite)],
        cwd=suite,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout
    assert "2 errors" in done.stdout, done.stdout
    assert "skipped" not in done.stdout
    assert "pip install 'econtract-async[sandbox]'" in done.stdout
