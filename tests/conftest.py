"""Shared fixtures: real-looking credentials with a pinned clock and nonce, and a respx-ready client."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from econtract_async import CrmKeyAuth, EcontractClient, RetryConfig, SignedProductKeyAuth

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.append(str(PROJECT_ROOT))  # `codegen/` is build-time only, never installed

CRM_URL = "https://crm.example.test"
PRODUCT_URL = "https://api.example.test"
FIXED_TIME = 1700000000


@pytest.fixture
def crm_auth() -> CrmKeyAuth:
    """CRM credentials whose key looks like a live one."""
    return CrmKeyAuth("p-123", "ck_live_9f8e7d6c5b4a3f2e1d0c")


@pytest.fixture
def product_auth() -> SignedProductKeyAuth:
    """Product credentials with a fixed clock and a new, predictable nonce per request."""
    counter = itertools.count()
    return SignedProductKeyAuth(
        "pubkey",
        "ps_live_1a2b3c4d5e6f7a8b9c0d",
        clock=lambda: FIXED_TIME,
        nonce=lambda: f"{next(counter):032x}",
        tracking_id="0123456789abc",
    )


@pytest.fixture
def make_client(
    crm_auth: CrmKeyAuth, product_auth: SignedProductKeyAuth
) -> Callable[..., EcontractClient]:
    """A factory of clients on httpx's own transport (which respx intercepts), retrying at once."""

    def make(**overrides: Any) -> EcontractClient:
        settings: dict[str, Any] = {
            "crm_auth": crm_auth,
            "product_auth": product_auth,
            "crm_base_url": CRM_URL,
            "product_base_url": PRODUCT_URL,
            "transport": httpx.AsyncHTTPTransport(),
            "retry": RetryConfig(base_delay=0, max_delay=0, max_retry_after=0),
        }
        settings.update(overrides)
        return EcontractClient(**settings)

    return make
