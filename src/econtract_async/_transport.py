"""The only module that touches httpx's network layer: pool choice and error translation.

On asyncio, requests go through aiohttp behind the httpx API (`httpx_aiohttp`): httpx's own
pool costs milliseconds of CPU per request when hundreds are in flight (docs/performance.md).
On trio, httpx's own transport is used, with keep-alive for every pooled connection.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

import httpx

from ._exceptions import (
    ConnectError,
    ConnectionLostError,
    RequestTimeoutError,
    TransportError,
)
from ._redact import RedactedRequest

__all__ = ["default_transport", "map_httpx_errors", "running_on_asyncio"]


def running_on_asyncio() -> bool:
    """Whether the current task runs on an asyncio event loop (rather than trio)."""
    # Not imported at module level: asyncio costs ~10 ms of `import econtract_async`, and a
    # program whose event loop is asyncio has imported it already.
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def default_transport(limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """The fastest transport for the running event loop."""
    if running_on_asyncio():
        from httpx_aiohttp import AiohttpTransport

        return AiohttpTransport(limits=limits)
    return httpx.AsyncHTTPTransport(limits=limits)


def _aiohttp_cause(exc: BaseException) -> TransportError | None:
    """Classify by the aiohttp error behind an httpx one: httpx-aiohttp maps a server that
    hung up after the request was sent to `ConnectTimeout`, which would wrongly read as
    "never sent"."""
    cause = exc.__cause__
    if cause is None or type(cause).__module__.split(".")[0] != "aiohttp":
        return None
    import aiohttp

    if isinstance(cause, aiohttp.ClientConnectorError):
        return ConnectError(f"could not connect: {cause}")
    if isinstance(cause, aiohttp.ServerTimeoutError | TimeoutError):
        return RequestTimeoutError(f"timed out: {cause}", may_have_reached_server=True)
    if isinstance(cause, aiohttp.ClientError):
        return ConnectionLostError(
            f"the connection broke after sending: {type(cause).__name__}: {cause}"
        )
    return None


def translate(exc: httpx.TransportError) -> TransportError:
    """Our error for an httpx transport error, with whether the server may have seen the request."""
    mapped = _aiohttp_cause(exc)
    if mapped is not None:
        return mapped
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return RequestTimeoutError(
            f"timed out before sending ({text})", may_have_reached_server=False
        )
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeoutError(f"timed out ({text})", may_have_reached_server=True)
    if isinstance(exc, httpx.ConnectError | httpx.UnsupportedProtocol | httpx.ProxyError):
        return ConnectError(f"could not connect ({text})")
    if isinstance(
        exc, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError | httpx.NetworkError
    ):
        return ConnectionLostError(f"the connection broke ({text})")
    return TransportError(f"transport failure ({text})")


@contextlib.contextmanager
def map_httpx_errors(
    describe: Callable[[], RedactedRequest], scrub: Callable[[str], str]
) -> Iterator[None]:
    """Turn every httpx transport error into ours, with the redacted request attached."""
    try:
        yield
    except httpx.TransportError as exc:
        error = translate(exc)
        error.args = (scrub(str(error.args[0])),)
        error.request = describe()
        raise error from None
