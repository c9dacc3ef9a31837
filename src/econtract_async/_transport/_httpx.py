"""The default transport: one `httpx.AsyncClient`, so respx, `MockTransport`, hooks and mounts work.

A client that owns its pool sends through `PooledTransport`: several small httpcore pools behind
one httpx transport. httpcore's pool does work per request that grows with the number of
connections it holds (encode/httpcore#1035): one pool of 64 connections at 64 in flight spends
most of its CPU there, eight pools of 8 do not (docs/performance.md has the measurements).
Every pool is a plain `httpx.AsyncHTTPTransport`, so respx's default mocker, which patches
httpcore's pool, intercepts it like any other httpx transport.
"""

from __future__ import annotations

import functools
import math
import ssl
import urllib.request
from collections.abc import AsyncIterator, Callable

import httpx

from .._exceptions import (
    ClientClosedError,
    ConnectError,
    ConnectionLostError,
    RequestTimeoutError,
    TransportError,
)
from ._base import FORM_HEADERS, WIRE_HEADERS, Answer

__all__ = ["DEFAULT_POOL_SIZE", "HttpxSender", "PooledTransport", "translate_httpx"]

DEFAULT_POOL_SIZE = 8
"""Connections per httpcore pool behind `PooledTransport` (measured: docs/performance.md)."""


@functools.cache
def default_ssl_context() -> ssl.SSLContext:
    """httpx's CA bundle (certifi, or SSL_CERT_FILE/SSL_CERT_DIR), loaded once per process.

    Loading it takes ~25 ms: once per pool, or per client in a test suite, adds up.
    """
    return httpx.create_ssl_context()


class _ReleasingStream(httpx.AsyncByteStream):
    """A response body that tells its pool when it is done (read to the end or closed)."""

    __slots__ = ("_release", "_stream")

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()


class PooledTransport(httpx.AsyncBaseTransport):
    """`limits.max_connections` spread over pools of `pool_size`, each request to the least busy.

    Args:
        limits: the total connection budget and keep-alive settings.
        pool_size: connections per pool; `limits.max_connections=None` means one unbounded pool.
        **options: passed to every `httpx.AsyncHTTPTransport` (`verify`, `http2`, `retries`
            is refused: we count every attempt ourselves).
    """

    def __init__(
        self,
        limits: httpx.Limits,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        **options: object,
    ) -> None:
        if "retries" in options:
            msg = "PooledTransport does not retry: EcontractClient counts and signs every attempt"
            raise TypeError(msg)
        total = limits.max_connections
        count = 1 if total is None else max(1, math.ceil(total / max(pool_size, 1)))
        each = None if total is None else math.ceil(total / count)
        keepalive = limits.max_keepalive_connections
        per_pool = httpx.Limits(
            max_connections=each,
            max_keepalive_connections=None if keepalive is None else math.ceil(keepalive / count),
            keepalive_expiry=limits.keepalive_expiry,
        )
        options.setdefault("verify", default_ssl_context())
        self._pools = [
            httpx.AsyncHTTPTransport(limits=per_pool, **options)  # type: ignore[arg-type]
            for _ in range(count)
        ]
        self._busy = [0] * count

    @property
    def pool_count(self) -> int:
        """How many httpcore pools share the load."""
        return len(self._pools)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        busy = self._busy
        index = busy.index(min(busy))
        busy[index] += 1

        def release() -> None:
            busy[index] -= 1

        try:
            response = await self._pools[index].handle_async_request(request)
        except BaseException:
            release()
            raise
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        response.stream = _ReleasingStream(stream, release)
        return response

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()


def _owned_client(limits: httpx.Limits, timeout: httpx.Timeout) -> httpx.AsyncClient:
    """Our own `httpx.AsyncClient`: pooled transport, unless environment proxies must be honoured."""
    # httpx reads HTTP(S)_PROXY only when it builds its own transport.
    transport = None if urllib.request.getproxies() else PooledTransport(limits)
    client = httpx.AsyncClient(
        transport=transport, limits=limits, timeout=timeout, verify=default_ssl_context()
    )
    del client.headers["Connection"]  # HTTP/1.1 keeps alive anyway; aiohttp does not send it
    return client


class HttpxSender:
    """Sends through one `httpx.AsyncClient`: ours (closed by `aclose`) or the caller's (left open).

    Requests are built with `client.build_request`, so a caller's client adds its own default
    headers, cookies and event hooks; `WIRE_HEADERS` win over its defaults.
    """

    __slots__ = ("_client", "_owns")

    def __init__(self, client: httpx.AsyncClient, *, owns: bool) -> None:
        self._client = client
        self._owns = owns

    @classmethod
    def owned(cls, limits: httpx.Limits, timeout: httpx.Timeout) -> HttpxSender:
        """A sender over a client of our own, made with `limits`."""
        return cls(_owned_client(limits, timeout), owns=True)

    @classmethod
    def over(cls, transport: httpx.AsyncBaseTransport, timeout: httpx.Timeout) -> HttpxSender:
        """A sender over a caller's transport (respx, `MockTransport`, the in-process sandbox)."""
        return cls(httpx.AsyncClient(transport=transport, timeout=timeout), owns=True)

    @property
    def client(self) -> httpx.AsyncClient:
        """The `httpx.AsyncClient` requests go through."""
        return self._client

    async def send(
        self, method: str, url: str, body: bytes | None, http_timeout: httpx.Timeout
    ) -> Answer:
        """Send through httpx (which never resends), translating its errors to ours."""
        client = self._client
        if client.is_closed:
            msg = "this EcontractClient was closed; create a new one"
            raise ClientClosedError(msg)
        request = client.build_request(
            method,
            url,
            content=body,
            headers=WIRE_HEADERS if body is None else FORM_HEADERS,
            timeout=http_timeout,
        )
        try:
            response = await client.send(request)
        except httpx.TransportError as exc:
            raise translate_httpx(exc) from None
        return Answer(
            response.status_code,
            response.reason_phrase,
            response.headers,
            response.content,
            lambda: response,
        )

    async def aclose(self) -> None:
        if self._owns:
            await self._client.aclose()


def translate_httpx(exc: httpx.TransportError) -> TransportError:
    """Our error for an httpx transport error, with whether the server may have seen the request.

    The message names the error type and its text, never the URL (whose query holds secrets).
    """
    cause = exc.__cause__
    if cause is not None and type(cause).__module__.startswith("aiohttp"):
        # httpx-aiohttp reports a server that hung up after sending as `ConnectTimeout`, which
        # would wrongly read as "never sent": the aiohttp error behind it tells the truth.
        from ._aiohttp import translate_aiohttp

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
