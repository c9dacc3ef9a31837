"""Serving a sandbox with uvicorn on a real 127.0.0.1 socket, in a background thread.

A thread (rather than a task) keeps the server independent of the caller's event loop, so the
same sandbox serves asyncio and trio tests, and sync pytest fixtures, alike (httpx's own test
server does the same). The socket is bound before the thread starts, so the port is known and
a free one is picked when `port=0`.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import attrs
import uvicorn

from .._redact import REDACTED, SECRET_PARAMS
from ._app import DroppedConnection
from ._sandbox import Sandbox, SandboxCredentials

__all__ = [
    "LiveSandbox",
    "RedactAccessLog",
    "install_log_filters",
    "run_sandbox",
    "serve_in_thread",
]

HOST = "127.0.0.1"


class _HideDroppedConnections(logging.Filter):
    """Keeps uvicorn from logging a traceback for each connection dropped on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection)


_SECRET_QUERY = re.compile(rf"([?&](?:{'|'.join(sorted(SECRET_PARAMS))})=)[^&\s]*")


class RedactAccessLog(logging.Filter):
    """Replaces secret query parameters (`crm_api_key`, `apikey`) in uvicorn's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _SECRET_QUERY.sub(rf"\g<1>{REDACTED}", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def install_log_filters() -> None:
    """Hide dropped-connection tracebacks and secrets in uvicorn's logs (after uvicorn set them up)."""
    error_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _HideDroppedConnections) for f in error_log.filters):
        error_log.addFilter(_HideDroppedConnections())
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactAccessLog) for f in access_log.filters):
        access_log.addFilter(RedactAccessLog())


@attrs.frozen
class LiveSandbox:
    """A sandbox served on a loopback socket: where to reach it, and the sandbox itself."""

    sandbox: Sandbox
    port: int

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`; both APIs share it."""
        return f"http://{HOST}:{self.port}"

    @property
    def crm_base_url(self) -> str:
        """Base URL of the CRM API."""
        return self.base_url

    @property
    def product_base_url(self) -> str:
        """Base URL of the product API."""
        return self.base_url

    @property
    def credentials(self) -> SandboxCredentials:
        """The credentials the sandbox accepts."""
        return self.sandbox.credentials

    def set_faults(self, *args: Any, **changes: Any) -> Any:
        """Change the faults at run time (see `Sandbox.set_faults`)."""
        return self.sandbox.set_faults(*args, **changes)

    def change_catalogue(self, **change: Any) -> Any:
        """Change some products at run time (see `Sandbox.change_catalogue`)."""
        return self.sandbox.change_catalogue(**change)


def _bind(port: int) -> socket.socket:
    """A listening TCP socket on 127.0.0.1 (`port=0`: a free port).

    It listens before it is returned: `econtract sandbox` prints its `export` lines next, and a
    client that connects at once waits in the backlog until uvicorn serves, instead of being
    refused while the server is still starting.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(128)
    return sock


@contextlib.contextmanager
def serve_in_thread(
    sandbox: Sandbox, *, port: int = 0, startup_timeout: float = 10.0
) -> Iterator[LiveSandbox]:
    """Serve `sandbox` on 127.0.0.1 in a thread until the block ends, then stop cleanly.

    Raises:
        RuntimeError: the server did not start within `startup_timeout` seconds.
    """
    sock = _bind(port)
    config = uvicorn.Config(
        sandbox.app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    install_log_filters()
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="econtract-sandbox", daemon=True
    )
    thread.start()
    try:
        waited = 0.0
        while not server.started:
            if not thread.is_alive() or waited > startup_timeout:
                msg = "the sandbox server did not start"
                raise RuntimeError(msg)
            threading.Event().wait(0.01)
            waited += 0.01
        yield LiveSandbox(sandbox, sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextlib.asynccontextmanager
async def run_sandbox(
    sandbox: Sandbox | None = None, *, port: int = 0, **options: Any
) -> AsyncIterator[LiveSandbox]:
    """Start a sandbox on a free loopback port for the duration of an `async with` block.

    Args:
        sandbox: the sandbox to serve; a new one is made from `options` when omitted (and
            closed afterwards).
        port: the port, 0 for a free one.
        **options: arguments of `Sandbox` (`db`, `faults`, `credentials`, ...).

    Example:
        ```python
        async with run_sandbox(db="sandbox.db") as live:
            ec = EcontractClient(
                crm_auth=live.credentials.crm_auth(),
                product_auth=live.credentials.product_auth(),
                crm_base_url=live.crm_base_url,
                product_base_url=live.product_base_url,
            )
        ```
    """
    own = sandbox is None
    served = Sandbox(**options) if sandbox is None else sandbox
    stack = contextlib.ExitStack()
    try:
        live = await anyio.to_thread.run_sync(
            lambda: stack.enter_context(serve_in_thread(served, port=port))
        )
        yield live
    finally:
        await anyio.to_thread.run_sync(stack.close)
        if own:
            served.close()
