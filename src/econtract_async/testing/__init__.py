"""Helpers for testing code that uses econtract-async: a fixed clock, predictable nonces and a
client wired to the in-process sandbox.

Importing this module stays light: the sandbox (and Starlette with it) is imported only when
`sandbox_client()` or `client_for()` is called. The pytest fixtures live in
`econtract_async.testing.pytest_plugin`, registered automatically when the package is installed.

Example:
    ```python
    from econtract_async.testing import sandbox_client

    async def test_signup_creates_a_client():
        async with sandbox_client() as ec:
            client = await signup(ec, email="jan@example.be")  # your code
            assert (await ec.crm.clients.get(client.id)).email == "jan@example.be"
    ```
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._client import EcontractClient
    from ..sandbox import LiveSandbox, Sandbox

__all__ = ["FixedClock", "SequentialNonce", "client_for", "sandbox_client"]


class FixedClock:
    """A clock that stands still until told to move: pass it as `clock=` to the auth and sandbox.

    Args:
        now: the Unix time it shows.

    Example:
        >>> clock = FixedClock(1_700_000_000)
        >>> clock()
        1700000000.0
        >>> clock.advance(30)
        >>> clock()
        1700000030.0
    """

    def __init__(self, now: float = 1_700_000_000) -> None:
        self.now = float(now)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative number)."""
        self.now += seconds

    def __repr__(self) -> str:
        return f"FixedClock({self.now!r})"


class SequentialNonce:
    """Nonces `000...001`, `000...002`, ...: predictable, yet never repeated (a repeat is refused).

    Example:
        >>> nonce = SequentialNonce()
        >>> nonce()
        '00000000000000000000000000000001'
    """

    def __init__(self, start: int = 1) -> None:
        self._counter = itertools.count(start)
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            return f"{next(self._counter):032x}"

    def __repr__(self) -> str:
        return "SequentialNonce()"


def client_for(
    target: Sandbox | LiveSandbox,
    *,
    clock: Any = None,
    nonce: Any = None,
    **client_options: Any,
) -> EcontractClient:
    """An `EcontractClient` with the sandbox's credentials and base URLs.

    A `Sandbox` is reached in-process (through its ASGI transport), a `LiveSandbox` over its
    loopback socket.

    Args:
        target: the sandbox to talk to.
        clock: the product signature's clock (default: the real time).
        nonce: the product signature's nonce source (default: random).
        **client_options: more `EcontractClient` arguments (`max_retries`, `retry`, ...).
    """
    from .._client import EcontractClient
    from ..sandbox import Sandbox

    signing: dict[str, Any] = {}
    if clock is not None:
        signing["clock"] = clock
    if nonce is not None:
        signing["nonce"] = nonce
    credentials = target.credentials
    options: dict[str, Any] = {
        "crm_auth": credentials.crm_auth(),
        "product_auth": credentials.product_auth(**signing),
        "crm_base_url": target.crm_base_url,
        "product_base_url": target.product_base_url,
    }
    if isinstance(target, Sandbox) and "http_client" not in client_options:
        options["transport"] = target.transport()
    options.update(client_options)
    return EcontractClient(**options)


@contextlib.asynccontextmanager
async def sandbox_client(
    sandbox: Sandbox | None = None,
    *,
    clock: Any = None,
    nonce: Any = None,
    **client_options: Any,
) -> AsyncIterator[EcontractClient]:
    """A ready `EcontractClient` talking to an in-process sandbox; both are closed afterwards.

    Args:
        sandbox: the sandbox to use; a fresh in-memory one when omitted (then closed at the end).
        clock: a clock shared by the client's signature and a sandbox made here
            (`FixedClock(...)` keeps every test at the same instant).
        nonce: the signature's nonce source (`SequentialNonce()` for predictable requests).
        **client_options: more `EcontractClient` arguments (`max_retries`, `retry`, ...).
    """
    from ..sandbox import Sandbox

    own = sandbox is None
    if sandbox is None:
        sandbox = Sandbox() if clock is None else Sandbox(clock=clock)
    try:
        async with client_for(sandbox, clock=clock, nonce=nonce, **client_options) as client:
            yield client
    finally:
        if own:
            sandbox.close()
