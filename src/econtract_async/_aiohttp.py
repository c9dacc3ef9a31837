"""The asyncio fast path: our requests sent through one `aiohttp.ClientSession`, no httpx in between.

Why: at 0 ms latency, raw aiohttp costs ~113 µs of CPU per request and httpx over
`httpx_aiohttp.AiohttpTransport` ~363 µs (docs/benchmarks.md). The difference is httpx's
`AsyncClient.send` (request/response models, hooks, redirect and auth machinery we do not use)
and the conversion layer. Our requests are simple, already encoded and answered by small JSON
bodies, so we hand aiohttp the bytes and read the whole body back.

What users keep: `EcontractClient` still speaks httpx in its API. `raw_responses()` still yields
`httpx.Response` objects, built by `AiohttpResponse.to_httpx` only while capturing. Errors are
translated by `_transport.map_transport_errors`, parsing and status mapping by `_response`, so
both paths share them.

Used only when the client owns its pool (no `http_client=`, no `transport=`) and runs on
asyncio; respx, `httpx.MockTransport`, the in-process sandbox and trio keep the httpx path.
This module imports aiohttp, so it is itself imported on first use.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import Mapping
from typing import TYPE_CHECKING

import aiohttp
import httpx
from yarl import URL

if TYPE_CHECKING:
    from multidict import CIMultiDictProxy

__all__ = ["AiohttpResponse", "AiohttpSender", "client_timeout"]

_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
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


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The CA bundle httpx uses (certifi, or SSL_CERT_FILE/SSL_CERT_DIR), loaded once per process.

    Loading it takes ~25 ms, which a fresh client per task or per test would pay again and again.
    """
    return httpx.create_ssl_context()


class AiohttpResponse:
    """A fully read aiohttp response, seen through `_response.ResponseLike`."""

    __slots__ = ("_response", "content")

    def __init__(self, response: aiohttp.ClientResponse, content: bytes) -> None:
        self._response = response
        self.content = content

    @property
    def status_code(self) -> int:
        """The HTTP status."""
        return self._response.status

    @property
    def reason_phrase(self) -> str:
        """The status line's reason, e.g. `Not Found`."""
        return self._response.reason or ""

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        """Response headers, case-insensitive."""
        return self._response.headers

    @property
    def text(self) -> str:
        """The body decoded with its charset (UTF-8 by default), undecodable bytes replaced."""
        return self.content.decode(self._response.get_encoding(), errors="replace")

    def to_httpx(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> httpx.Response:
        """An `httpx.Response` (with the `httpx.Request` that was sent) for `raw_responses()`."""
        request = httpx.Request(method, url, headers=headers, content=body)
        extensions = {"http_version": b"HTTP/1.1", "reason_phrase": self.reason_phrase.encode()}
        return httpx.Response(
            self.status_code,
            headers=[
                (k, v) for k, v in self._response.headers.items() if k.lower() not in _NOT_FORWARDED
            ],
            content=self.content,
            request=request,
            extensions=extensions,
        )


class AiohttpSender:
    """One `aiohttp.ClientSession`, opened in the running loop on first use, closed by `aclose`.

    Args:
        limits: `max_connections` caps the pool (None: no cap); every pooled connection is
            kept alive for `keepalive_expiry` seconds.
        headers: sent with every request (user agent, accept).
    """

    __slots__ = ("_headers", "_limits", "_session", "_timeouts")

    def __init__(self, limits: httpx.Limits, headers: Mapping[str, str]) -> None:
        self._limits = limits
        self._headers = dict(headers)
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: tuple[httpx.Timeout, aiohttp.ClientTimeout] | None = None

    def _open(self) -> aiohttp.ClientSession:
        """The session, created inside the running loop (aiohttp binds it to that loop)."""
        import urllib.request

        limits = self._limits
        connector = aiohttp.TCPConnector(
            limit=limits.max_connections or 0,
            limit_per_host=0,
            keepalive_timeout=limits.keepalive_expiry,
            ssl=_ssl_context(),
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=self._headers,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=True,
            # Looking up proxies per request costs CPU; honour them only when some are set.
            trust_env=bool(urllib.request.getproxies()),
        )
        return self._session

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
    ) -> AiohttpResponse:
        """Send one request (a form body when `body` is given) and read the whole answer.

        Raises:
            aiohttp.ClientError: and `TimeoutError`; `_transport.map_transport_errors` turns
                them into ours.
        """
        session = self._session or self._open()
        # Our URLs are encoded already (`_encoding.encode_form`); yarl need not re-quote them.
        target = URL(url, encoded=True) if url.isascii() else URL(url)
        async with session.request(
            method,
            target,
            data=body,
            headers=_FORM if body is not None else None,
            timeout=self._timeout(http_timeout),
            allow_redirects=False,
        ) as response:
            return AiohttpResponse(response, await response.read())

    async def aclose(self) -> None:
        """Close the session and its connections; a sender that never sent has nothing to close."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()
            # Let the transports' connection_lost callbacks run before the loop may stop.
            await asyncio.sleep(0)
