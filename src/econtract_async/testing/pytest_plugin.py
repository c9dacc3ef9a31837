"""pytest fixtures for testing code that uses econtract-async against the sandbox.

Registered through the `pytest11` entry point, so installing `econtract-async[sandbox]` is
enough. Importing this module never needs the `[sandbox]` extra: without it, a test that asks
for one of the fixtures below fails (an error, never a skip) with a message that says what to
install, because a suite that goes green with every sandbox test skipped hides a broken install
(decision D-071). Tests that ask for none of them are unaffected.

Fixtures (each test gets its own, empty sandbox):

- `econtract_sandbox`: an in-process `Sandbox` (in-memory SQLite).
- `econtract_client`: an `EcontractClient` wired to `econtract_sandbox` via httpx's ASGI
  transport: no socket at all.
- `econtract_live_sandbox`: a `LiveSandbox` served by uvicorn on a real 127.0.0.1 socket in a
  background thread.
- `econtract_live_client`: an `EcontractClient` talking to `econtract_live_sandbox`.

The two client fixtures are async: they are `pytest_asyncio` fixtures when pytest-asyncio is
installed, plain fixtures otherwise (for anyio's pytest plugin).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pytest

if TYPE_CHECKING:
    from .._client import EcontractClient
    from ..sandbox import LiveSandbox, Sandbox

__all__ = [
    "econtract_client",
    "econtract_live_client",
    "econtract_live_sandbox",
    "econtract_sandbox",
]

MISSING_EXTRA = (
    "the econtract_async sandbox fixtures need the [sandbox] extra: "
    "pip install 'econtract-async[sandbox]'"
)

F = TypeVar("F", bound=Callable[..., Any])


def _async_fixture(function: F) -> F:
    """A pytest-asyncio fixture when that plugin is installed, else a plain one (for anyio)."""
    try:
        import pytest_asyncio
    except ImportError:
        return cast("F", pytest.fixture(function))
    return cast("F", pytest_asyncio.fixture(function))


def _sandbox_class() -> type[Sandbox]:
    """The `Sandbox` class, or a test failure explaining which extra is missing."""
    try:
        from ..sandbox import Sandbox
    except ImportError as exc:
        pytest.fail(f"{MISSING_EXTRA} ({exc})", pytrace=False)
    return Sandbox


@pytest.fixture
def econtract_sandbox() -> Iterator[Sandbox]:
    """A fresh in-process sandbox with an in-memory database."""
    with _sandbox_class()() as sandbox:
        yield sandbox


@pytest.fixture
def econtract_live_sandbox() -> Iterator[LiveSandbox]:
    """A fresh sandbox served on a free 127.0.0.1 port by uvicorn in a background thread."""
    sandbox_class = _sandbox_class()
    from ..sandbox import serve_in_thread

    with sandbox_class() as sandbox, serve_in_thread(sandbox) as live:
        yield live


@_async_fixture
async def econtract_client(econtract_sandbox: Sandbox) -> AsyncIterator[EcontractClient]:
    """An `EcontractClient` wired to `econtract_sandbox` in-process."""
    from . import client_for

    async with client_for(econtract_sandbox) as client:
        yield client


@_async_fixture
async def econtract_live_client(
    econtract_live_sandbox: LiveSandbox,
) -> AsyncIterator[EcontractClient]:
    """An `EcontractClient` talking to `econtract_live_sandbox` over loopback."""
    from . import client_for

    async with client_for(econtract_live_sandbox) as client:
        yield client
