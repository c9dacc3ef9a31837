"""Clients of either backend aimed at a `WireServer`, signing with a pinned clock and nonce."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from econtract_async import CrmKeyAuth, EcontractClient, RetryConfig, SignedProductKeyAuth

CRM_KEY = "ck_live_9f8e7d6c5b4a3f2e1d0c"
SECRET = "ps_live_1a2b3c4d5e6f7a8b9c0d"
NO_WAIT = RetryConfig(base_delay=0, max_delay=0, max_retry_after=0)


@pytest.fixture(params=["httpx", "aiohttp"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def client(backend: str, url: str, **options: Any) -> EcontractClient:
    """A client of `backend` whose every signature is predictable (nonce 0, 1, 2, ...)."""
    counter = itertools.count()
    settings: dict[str, Any] = {
        "crm_auth": CrmKeyAuth("p-123", CRM_KEY),
        "product_auth": SignedProductKeyAuth(
            "pubkey",
            SECRET,
            clock=lambda: 1700000000,
            nonce=lambda: f"{next(counter):032x}",
            tracking_id="0123456789abc",
        ),
        "crm_base_url": url,
        "product_base_url": url,
        "http_backend": backend,
        "retry": NO_WAIT,
    }
    settings.update(options)
    return EcontractClient(**settings)


@pytest.fixture
def make_client(backend: str) -> Callable[..., EcontractClient]:
    return lambda url, **options: client(backend, url, **options)
