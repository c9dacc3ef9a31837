"""The one place that classifies network failures: pool choice and error translation.

On asyncio, a client that owns its pool sends through one `aiohttp.ClientSession` directly
(`_aiohttp.AiohttpSender`): httpx's `AsyncClient.send` plus the httpx-aiohttp conversion layer
cost about 250 µs of CPU per request, twice what aiohttp itself costs (docs/performance.md). A
caller's own `http_client` or `transport` goes through httpx; so do trio and
`http_backend="httpx"`, over httpx's own transport. An httpx error whose cause is an aiohttp
one (a caller who plugs in httpx-aiohttp) is classified by that cause.

Both kinds of failure are translated here, and only here: httpx's `TransportError` tree by
`translate`, aiohttp's `ClientError` tree (and asyncio timeouts) by `translate_aiohttp`. Each
says whether the request may have reached the server, which decides what may be retried.
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

__all__ = [
    "default_transport",
    "map_transport_errors",
    "running_on_asyncio",
    "translate",
    "translate_aiohttp",
]


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
    """httpx's own transport, for trio and `http_backend="httpx"`, keeping every pooled
    connection alive (httpx's default keeps 20 and reopens the rest per request)."""
    return httpx.AsyncHTTPTransport(limits=limits)


def _aiohttp_text(exc: BaseException) -> str:
    """`Type: message`, leaving out the URLs some aiohttp errors quote (query strings hold secrets)."""
    import aiohttp

    name = type(exc).__name__
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"{name}: {exc.status}, message={exc.message!r}"
    if isinstance(
        exc,
        aiohttp.ConnectionTimeoutError
        | aiohttp.InvalidURL
        | aiohttp.NonHttpUrlClientError
        | aiohttp.RedirectClientError,
    ):
        return name
    text = str(exc)
    return f"{name}: {text}" if text else name


def translate_aiohttp(exc: BaseException) -> TransportError | None:
    """Our error for an aiohttp failure or an asyncio timeout; None for anything else.

    Connecting (a refused or unresolvable host, a TLS failure, a bad URL, a proxy refusing the
    tunnel) never reached the server. A connect timeout, which also covers waiting for a free
    pooled connection, did not either. A read timeout, a server hanging up, a reset or a
    truncated body happened after the request was written: it may have been processed.
    """
    if not isinstance(exc, TimeoutError) and type(exc).__module__.split(".")[0] != "aiohttp":
        return None
    import aiohttp

    if not isinstance(exc, aiohttp.ClientError | TimeoutError):
        return None
    text = _aiohttp_text(exc)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return RequestTimeoutError(
            f"timed out before sending ({text})", may_have_reached_server=False
        )
    if isinstance(exc, aiohttp.ServerTimeoutError | TimeoutError):
        return RequestTimeoutError(f"timed out ({text})", may_have_reached_server=True)
    if isinstance(
        exc,
        aiohttp.ClientConnectorError
        | aiohttp.ServerFingerprintMismatch
        | aiohttp.ClientHttpProxyError
        | aiohttp.InvalidURL
        | aiohttp.NonHttpUrlClientError,
    ):
        return ConnectError(f"could not connect ({text})")
    if isinstance(
        exc,
        aiohttp.ClientConnectionError | aiohttp.ClientPayloadError | aiohttp.ClientResponseError,
    ):
        return ConnectionLostError(f"the connection broke after sending ({text})")
    return TransportError(f"transport failure ({text})")


def translate(exc: httpx.TransportError) -> TransportError:
    """Our error for an httpx transport error, with whether the server may have seen the request."""
    # httpx-aiohttp reports a server that hung up after the request was sent as `ConnectTimeout`,
    # which would wrongly read as "never sent": the aiohttp error behind it tells the truth.
    cause = exc.__cause__
    if cause is not None:
        mapped = translate_aiohttp(cause)
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
def map_transport_errors(
    describe: Callable[[], RedactedRequest], scrub: Callable[[str], str]
) -> Iterator[None]:
    """Turn every httpx or aiohttp transport error into ours, scrubbed, with the redacted request.

    The original exception is not chained: it may quote the URL, whose query string holds
    credentials.
    """
    try:
        yield
    except httpx.TransportError as exc:
        error = translate(exc)
    except Exception as exc:
        mapped = translate_aiohttp(exc)
        if mapped is None:
            raise
        error = mapped
    else:
        return
    error.args = (scrub(str(error.args[0])),)
    error.request = describe()
    raise error from None
