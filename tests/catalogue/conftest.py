"""Fixtures for the catalogue cache: a sandbox, a client on it, a fake clock, a real Redis."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from econtract_async import EcontractClient
from econtract_async.sandbox import Sandbox
from econtract_async.testing import FixedClock

NOW = 1_800_000_000
REDIS_MISSING = (
    "the catalogue's Redis tests start a real redis-server, which is not on PATH: "
    "install it with `apt-get install -y redis-server` (.ci/run does this)"
)


@pytest.fixture
def clock() -> FixedClock:
    """The catalogue's clock; the sandbox and the signatures keep real time."""
    return FixedClock(NOW)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A fresh in-process sandbox."""
    with Sandbox() as box:
        yield box


def client_for(sandbox: Sandbox) -> EcontractClient:
    """A client on `sandbox` in-process, with no retries: a fault is seen at once."""
    return EcontractClient(
        product_auth=sandbox.credentials.product_auth(),
        product_base_url=sandbox.base_url,
        transport=sandbox.transport(),
        max_retries=0,
    )


@pytest_asyncio.fixture
async def ec(sandbox: Sandbox) -> AsyncIterator[EcontractClient]:
    """The client every cached and uncached call goes through."""
    async with client_for(sandbox) as client:
        yield client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real redis-server on a free loopback port, for the whole session, without persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(REDIS_MISSING)
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
