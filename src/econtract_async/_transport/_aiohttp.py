"""The opt-in fast path (`http_backend="aiohttp"`): requests sent through one `aiohttp.ClientSession`.

Why: at high concurrency aiohttp costs less CPU per request than httpx's client and pool
(docs/performance.md says above which concurrency it pays off). Needs the `aiohttp` extra and
an asyncio event loop. It is indistinguishable from `HttpxSender` to the caller: the same
`WIRE_HEADERS`, the same errors, the same `raw_responses()` contents (the `httpx.Request` there
carries the headers aiohttp really sent). One difference is documented: aiohttp has no write
timeout, so `httpx.Timeout.write` is not applied.

aiohttp resends an idempotent request once, silently, when a kept-alive connection breaks before
the answer starts; for our GETs that would replay a signed `time` + `nonce`. The session is told
not to: every attempt is the client's, signed and counted.
"""

from __future__ import annotations

import asyncio
import functools
import urllib.request

import aiohttp
import httpx
from yarl import URL

from .._exceptions import (
    ClientClosedError,
    ConnectError,
    ConnectionLostError,
    RequestTimeoutError,
    TransportError,
)
from ._base import FORM_HEADERS, WIRE_HEADERS, Answer
from ._httpx import default_ssl_context

__all__ = ["AiohttpSender", "client_timeout", "translate_aiohttp"]

_NOT_FORWARDED = frozenset({"content-encoding", "content-length", "transfer-encoding"})
"""Headers describing the wire body, which aiohttp has already decoded."""


def client_timeout(timeout: httpx.Timeout) -> aiohttp.ClientTimeout:
    """The aiohttp equivalent of an httpx per-attempt timeout.

    httpx's `pool` (waiting for a free connection) plus `connect` bound aiohttp's `connect`,
    which covers both; `connect` alone bounds opening the socket (`sock_connect`), `read` each
    read (`sock_read`). aiohttp has no write timeout, and `total` stays unset, as in httpx.
    """
    pool, connect = timeout.pool, timeout.connect
    acquire = None if pool is None else pool + (connect or 0.0)
    return aiohttp.ClientTimeout(
        total=None, connect=acquire, sock_connect=connect, sock_read=timeout.read
    )


def _as_httpx(
    response: aiohttp.ClientResponse, method: str, url: str, body: bytes | None, content: bytes
) -> httpx.Response:
    """The `httpx.Response` that `raw_responses()` collects, with the headers that went out."""
    sent = [(k, v) for k, v in response.request_info.headers.items()]
    request = httpx.Request(method, url, headers=sent, content=body)
    return httpx.Response(
        response.status,
        headers=[(k, v) for k, v in response.headers.items() if k.lower() not in _NOT_FORWARDED],
        content=content,
        request=request,
        extensions={
            "http_version": b"HTTP/1.1",
            "reason_phrase": (response.reason or "").encode(),
        },
    )


class AiohttpSender:
    """One `aiohttp.ClientSession`, opened in the running loop on first use, closed by `aclose`.

    Args:
        limits: `max_connections` caps the pool (None: no cap); every pooled connection is
            kept alive for `keepalive_expiry` seconds.
    """

    __slots__ = ("_closed", "_limits", "_session", "_timeouts")

    def __init__(self, limits: httpx.Limits | None = None) -> None:
        self._limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=100)
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: tuple[httpx.Timeout, aiohttp.ClientTimeout] | None = None
        self._closed = False

    def _open(self) -> aiohttp.ClientSession:
        """The session, created inside the running loop (aiohttp binds it to that loop)."""
        if self._closed:
            msg = "this EcontractClient was closed; create a new one"
            raise ClientClosedError(msg)
        limits = self._limits
        connector = aiohttp.TCPConnector(
            limit=limits.max_connections or 0,
            limit_per_host=0,
            keepalive_timeout=limits.keepalive_expiry,
            ssl=default_ssl_context(),
        )
        session = aiohttp.ClientSession(
            connector=connector,
            headers=WIRE_HEADERS,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=True,
            # Looking up proxies per request costs CPU; honour them only when some are set.
            trust_env=bool(urllib.request.getproxies()),
        )
        # No silent resend of a GET on a broken kept-alive connection (see the module docstring).
        session._retry_connection = False
        self._session = session
        return session

    def _timeout(self, timeout: httpx.Timeout) -> aiohttp.ClientTimeout:
        """`client_timeout`, cached for the timeout object used last (nearly always the same)."""
        cached = self._timeouts
        if cached is not None and cached[0] is timeout:
            return cached[1]
        converted = client_timeout(timeout)
        self._timeouts = (timeout, converted)
        return converted

    async def send(
        self, method: str, url: str, body: bytes | None, http_timeout: httpx.Timeout
    ) -> Answer:
        """Send one request and read the whole answer, translating aiohttp's errors to ours."""
        session = self._session or self._open()
        # Our URLs are encoded already; yarl need not re-quote them.
        target = URL(url, encoded=True) if url.isascii() else URL(url)
        try:
            async with session.request(
                method,
                target,
                data=body,
                headers=FORM_HEADERS if body is not None else None,
                timeout=self._timeout(http_timeout),
                allow_redirects=False,
            ) as response:
                content = await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _translated(exc) from None
        return Answer(
            response.status,
            response.reason or "",
            response.headers,
            content,
            functools.partial(_as_httpx, response, method, url, body, content),
        )

    async def aclose(self) -> None:
        """Close the session and its connections; later sends raise `ClientClosedError`."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()
            # Let the transports' connection_lost callbacks run before the loop may stop.
            await asyncio.sleep(0)


def _translated(exc: BaseException) -> TransportError:
    mapped = translate_aiohttp(exc)
    return mapped if mapped is not None else TransportError(f"transport failure ({_text(exc)})")


def _text(exc: BaseException) -> str:
    """`Type: message`, leaving out the URLs some aiohttp errors quote (query strings hold secrets)."""
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
    if not isinstance(exc, aiohttp.ClientError | TimeoutError):
        return None
    text = _text(exc)
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
