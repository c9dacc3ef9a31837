"""The `Sandbox`: its state (store, catalogue, faults, credentials, clock) and its ASGI app.

Used in-process through `Sandbox.transport()` (an `httpx.ASGITransport`), or served on a
loopback socket by `_server.serve_in_thread` / `run_sandbox`.
"""

from __future__ import annotations

import collections
import functools
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from ._app import DroppedConnection, NonceCache, build_app
from ._catalogue import Catalogue, CatalogueChange, changed
from ._faults import FaultInjector, Faults
from ._store import Store

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from .._auth import CrmKeyAuth, SignedProductKeyAuth
    from .._meta import EndpointMeta

__all__ = ["IN_PROCESS_URL", "Sandbox", "SandboxCredentials", "SandboxTransport"]

IN_PROCESS_URL = "http://sandbox.invalid"
"""Base URL of an in-process sandbox: `.invalid` never resolves, so nothing leaves the process."""


@attrs.frozen
class SandboxCredentials:
    """The credentials a sandbox accepts; the secrets never show in a repr.

    The defaults are public test values: a sandbox guards nothing of value.
    """

    crm_api_id: str = "sandbox-crm-id"
    crm_api_key: str = attrs.field(default="sandbox-crm-key", repr=False)
    public_key: str = "sandbox-public-key"
    secret: str = attrs.field(default="sandbox-secret", repr=False)

    def crm_auth(self) -> CrmKeyAuth:
        """A `CrmKeyAuth` with these CRM credentials."""
        from .._auth import CrmKeyAuth

        return CrmKeyAuth(self.crm_api_id, self.crm_api_key)

    def product_auth(self, **options: Any) -> SignedProductKeyAuth:
        """A `SignedProductKeyAuth` with these product-API credentials (options: clock, nonce)."""
        from .._auth import SignedProductKeyAuth

        return SignedProductKeyAuth(self.public_key, self.secret, **options)


class SandboxTransport(httpx.ASGITransport):
    """An `httpx.ASGITransport` to a sandbox; a dropped connection surfaces as httpx does it."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` to the app; a dropped connection raises `httpx.RemoteProtocolError`."""
        try:
            return await super().handle_async_request(request)
        except DroppedConnection:
            msg = "Server disconnected without sending a complete response."
            raise httpx.RemoteProtocolError(msg, request=request) from None


@functools.lru_cache(maxsize=4)
def _catalogue(seed: int) -> Catalogue:
    """Catalogues are immutable: build each seed once per process."""
    return Catalogue(seed)


def _all_endpoints() -> tuple[EndpointMeta, ...]:
    """Every endpoint the SDK supports (imported late: the generated package is large)."""
    from .._generated import ENDPOINTS

    return ENDPOINTS


class Sandbox:
    """A faithful stand-in for both Econtract APIs, driven by the SDK's schema.

    Args:
        db: SQLite database file for the CRM state (kept across restarts), or `":memory:"`.
        credentials: the credentials it accepts (public test defaults when omitted).
        faults: faults to inject from the start (none when omitted).
        catalogue_seed: seed of the product catalogue; the default serves the documented one.
        clock: the server clock, for signature freshness and order ages.
        max_clock_skew: how far (seconds) a signed `time` may be from the server clock.
        endpoints: the endpoints to serve (default: every endpoint of the SDK).
        real_shapes: answer in the shapes the real servers send (default): CRM answers in
            the `{"status": 200, "data": ...}` envelope with ids as text, last-updated as a
            bare string, errors in their three body forms (D-105). `False` serves bare
            objects and plain-text errors.

    Example:
        >>> sandbox = Sandbox()
        >>> transport = sandbox.transport()  # hand it to httpx or EcontractClient
        >>> sandbox.set_faults(error_rates={503: 0.2}, seed=7).error_rates[503]
        0.2
        >>> sandbox.close()
    """

    def __init__(
        self,
        *,
        db: str | Path = ":memory:",
        credentials: SandboxCredentials | None = None,
        faults: Faults | None = None,
        catalogue_seed: int = 2026,
        clock: Callable[[], float] = time.time,
        max_clock_skew: float = 300.0,
        endpoints: Iterable[EndpointMeta] | None = None,
        real_shapes: bool = True,
    ) -> None:
        self.credentials = credentials or SandboxCredentials()
        self.clock = clock
        self.max_clock_skew = max_clock_skew
        self.real_shapes = real_shapes
        self.store = Store(db, clock=clock)
        self.catalogue = _catalogue(catalogue_seed)
        self.calls: collections.Counter[str] = collections.Counter()
        """API requests answered by a handler, by endpoint key; injected faults not counted."""
        self.fault_injector = FaultInjector(faults)
        self.nonces = NonceCache()
        self.endpoints = tuple(_all_endpoints() if endpoints is None else endpoints)
        self.app: Starlette = build_app(self, self.endpoints)
        self.base_url = IN_PROCESS_URL

    @property
    def crm_base_url(self) -> str:
        """Where the CRM API is served (both APIs share one origin)."""
        return self.base_url

    @property
    def product_base_url(self) -> str:
        """Where the product API is served."""
        return self.base_url

    @property
    def faults(self) -> Faults:
        """The faults in force."""
        return self.fault_injector.current

    def set_faults(self, faults: Faults | None = None, /, **changes: Any) -> Faults:
        """Replace the faults (`set_faults(Faults(...))`) or change some (`drop_rate=1`)."""
        if faults is not None:
            return self.fault_injector.set(attrs.evolve(faults, **changes))
        return self.fault_injector.update(**changes)

    def clear_faults(self) -> Faults:
        """Inject no fault any more."""
        return self.fault_injector.reset()

    def change_catalogue(
        self, *, cat: str | None = None, product_ids: Iterable[int] = ()
    ) -> CatalogueChange:
        """Change some products now, so `last_updated` moves (see `_catalogue.changed`)."""
        self.catalogue, change = changed(
            self.catalogue, cat=cat, product_ids=product_ids, now=self.clock()
        )
        return change

    def transport(self) -> SandboxTransport:
        """An in-process httpx transport to this sandbox (no socket at all)."""
        return SandboxTransport(self.app)

    def close(self) -> None:
        """Close the database (a file keeps what was written)."""
        self.store.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Sandbox:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Sandbox(db={self.store.path!r}, credentials={self.credentials!r})"
