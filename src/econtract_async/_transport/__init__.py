"""The one transport seam: a `Sender` puts each request on the wire once and reads the answer.

- `HttpxSender` (the default, every event loop): one `httpx.AsyncClient`, so respx, httpx's
  `MockTransport`, event hooks, proxies and `mounts` work with no SDK-specific step.
- `AiohttpSender` (`http_backend="aiohttp"`, the `aiohttp` extra, asyncio only): less CPU per
  request at high concurrency.

Each implementation translates its own library's errors into ours and says whether the request
may have reached the server; `EcontractClient` builds requests and reads answers, and never
branches on which sender it has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import httpx

from .._exceptions import ConfigurationError
from ._base import FORM_HEADERS, WIRE_HEADERS, Answer, Sender
from ._httpx import DEFAULT_POOL_SIZE, HttpxSender, PooledTransport, translate_httpx

if TYPE_CHECKING:
    from ._aiohttp import AiohttpSender

__all__ = [
    "DEFAULT_POOL_SIZE",
    "FORM_HEADERS",
    "WIRE_HEADERS",
    "Answer",
    "HttpBackend",
    "HttpxSender",
    "PooledTransport",
    "Sender",
    "aiohttp_sender",
    "translate_httpx",
]

HttpBackend = Literal["httpx", "aiohttp"]


def aiohttp_sender(limits: httpx.Limits | None = None) -> AiohttpSender:
    """An `AiohttpSender`, or a `ConfigurationError` naming the extra when aiohttp is missing."""
    try:
        from ._aiohttp import AiohttpSender
    except ImportError as exc:
        msg = (
            f'http_backend="aiohttp" needs aiohttp: pip install "econtract-async[aiohttp]" ({exc})'
        )
        raise ConfigurationError(msg) from None
    return AiohttpSender(limits)
