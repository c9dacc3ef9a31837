"""`Catalogue`: cached product-catalogue reads, revalidated by one cheap `last_updated` call.

The life of an entry (`docs/catalogue-cache.md` shows it with numbers):

1. **Miss.** No entry: `last_updated` for the entry's scope (`cat`, `lang`), then the read
   itself; the entry remembers what `last_updated` answered (its `version`). Concurrent misses
   for one key wait for that one fetch.
2. **Fresh** for `ttl` seconds after it was last known current: served from the store.
3. **Revalidation** after that: one `last_updated` call for the scope (shared by every key of
   the scope that needs it at the same time). The same answer extends the entry by `ttl`;
   another answer refetches it. So does an entry older than `max_age`, whatever the answer.
4. **Stale while revalidating**: up to `max_stale` seconds past `ttl`, readers get the current
   entry at once while one background task revalidates it (the catalogue must be open:
   `async with Catalogue(ec) as catalogue`). Later, readers wait for the revalidation.
5. **Stale if error**: when revalidating fails with an outage (5xx, 429, transport, decoding,
   authentication), the last good entry is served, logged, up to `stale_if_error` seconds past
   `ttl`; no new attempt is made for `error_backoff` seconds. Past that limit the error
   surfaces.

Entries live in a `Store`: `MemoryStore` (this process, LRU-bounded) by default, or a
`RedisStore` shared by many processes, where one process per key refreshes (a lock with expiry).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, Self, TypeVar, Unpack

import anyio
import attrs

from .._exceptions import (
    AuthenticationError,
    EcontractError,
    RateLimitError,
    ResponseDecodingError,
    ServerError,
    TransportError,
)
from ._store import Entry, Key, MemoryStore, Store

if TYPE_CHECKING:
    from types import TracebackType

    from anyio.abc import TaskGroup

    from .._client import EcontractClient
    from .._decode import Decoder
    from .._meta import EndpointMeta
    from ..product import (
        Product,
        ProductDetailQueryParams,
        ProductListQueryParams,
        ProductSupplierQueryParams,
        Supplier,
    )

__all__ = ["STALE_IF_ERROR", "Catalogue", "CatalogueSettings", "CatalogueStats"]

logger = logging.getLogger("econtract_async.catalogue")
T = TypeVar("T")
Scope = tuple[str | None, str]
"""`(cat, lang)`: what one `last_updated` call vouches for (`cat` `None`: every type)."""

STALE_IF_ERROR: tuple[type[EcontractError], ...] = (
    ServerError,
    RateLimitError,
    TransportError,
    ResponseDecodingError,
    AuthenticationError,
)
"""Failures that are outages, so the last good entry may stand in (D-094). A bad request, a
missing product or a closed client say something about the call itself and surface at once."""


def _non_negative(instance: Any, attribute: attrs.Attribute[float], value: float) -> None:
    if not value >= 0:
        msg = f"{attribute.name} must be 0 or more, got {value!r}"
        raise ValueError(msg)


def _positive(instance: Any, attribute: attrs.Attribute[float], value: float) -> None:
    if not value > 0:
        msg = f"{attribute.name} must be more than 0, got {value!r}"
        raise ValueError(msg)


@attrs.frozen(kw_only=True)
class CatalogueSettings:
    """How long entries are trusted, and what happens when the API is slow or down (seconds).

    Attributes:
        ttl: an entry is served without asking anything for this long after it was last known
            current (default 300: five minutes).
        max_stale: past `ttl`, the current entry is served at once for this long while one
            background task revalidates it; later readers wait (default 60).
        stale_if_error: past `ttl`, when revalidating fails with an outage the last good entry
            is served (and logged) for this long; later the error surfaces (default 3,600).
        error_backoff: after a failed revalidation of a key, no new attempt for this long;
            readers within `stale_if_error` get the last good entry meanwhile (default 10).
        max_age: an entry fetched longer ago than this is refetched at its next revalidation,
            even when `last_updated` did not move (default 86,400: a day). A safety net for
            changes `last_updated` does not show (D-092).
        lock_timeout: how long one refresher may hold a key's lock before another process may
            take over (default 30: longer than a request with its retries).
        wait_poll: how often a process waiting for another's refresh looks at the store
            (default 0.02).
    """

    ttl: float = attrs.field(default=300.0, validator=_positive)
    max_stale: float = attrs.field(default=60.0, validator=_non_negative)
    stale_if_error: float = attrs.field(default=3600.0, validator=_non_negative)
    error_backoff: float = attrs.field(default=10.0, validator=_non_negative)
    max_age: float = attrs.field(default=86_400.0, validator=_positive)
    lock_timeout: float = attrs.field(default=30.0, validator=_positive)
    wait_poll: float = attrs.field(default=0.02, validator=_positive)

    @property
    def keep_for(self) -> float:
        """How long a store keeps an entry after its last check: as long as it may be served."""
        return self.ttl + max(self.max_stale, self.stale_if_error)


@attrs.define
class CatalogueStats:
    """Counters for metrics; they only grow (read `catalogue.stats`).

    Attributes:
        hits: reads served fresh from the store.
        misses: reads that found no entry and waited for a fetch.
        stale_served: reads served past `ttl`: while revalidating, or after an error.
        revalidations: `last_updated` calls made.
        refreshes: entries fetched again because `last_updated` moved or `max_age` passed.
        errors: revalidations or fetches that failed.
        evictions: entries the in-process store dropped to stay within `max_entries`.
    """

    hits: int = 0
    misses: int = 0
    stale_served: int = 0
    revalidations: int = 0
    refreshes: int = 0
    errors: int = 0
    evictions: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counters by name, e.g. for a Prometheus collector."""
        return attrs.asdict(self)


@attrs.frozen
class _Kind:
    """One cached read: the endpoint and the model its JSON body decodes into."""

    name: str
    endpoint_key: str
    model_name: str
    many: bool


_KINDS = {
    kind.name: kind
    for kind in (
        _Kind("products", "product.products.list", "Product", True),
        _Kind("product", "product.products.get", "Product", True),
        _Kind("suppliers", "product.suppliers.list", "Supplier", True),
        _Kind("supplier", "product.suppliers.get", "Supplier", False),
    )
}


class _Flight:
    """One shared piece of work: the first caller does it, the others wait for its outcome."""

    __slots__ = ("done", "error", "result", "traceback")

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.result: Any = _PENDING
        self.error: BaseException | None = None
        self.traceback: TracebackType | None = None


_PENDING = object()


async def _shared(
    flights: dict[Hashable, _Flight], key: Hashable, work: Callable[[], Awaitable[T]]
) -> T:
    """`await work()`, once for every concurrent caller with the same `key` (single flight).

    Followers get the leader's result or exception. A leader that was cancelled leaves no
    outcome: one of its followers then does the work.
    """
    while True:
        flight = flights.get(key)
        if flight is None:
            break
        await flight.done.wait()
        if flight.error is not None:
            raise flight.error.with_traceback(flight.traceback)
        if flight.result is not _PENDING:
            result: T = flight.result
            return result
    flight = _Flight()
    flights[key] = flight
    try:
        flight.result = await work()
    except Exception as exc:
        flight.error, flight.traceback = exc, exc.__traceback__
        raise
    finally:
        del flights[key]
        flight.done.set()
    return flight.result  # type: ignore[no-any-return]


def version_token(answer: object) -> str:
    """What `last_updated` answered, as a stable string: any change of any field is a change.

    Works on whatever the typed call returns (a `LastUpdated` model today; a bare date string
    once decoding follows the real API, `wire-protocol.md`, "Responses"), so the cache does not
    depend on which field carries the date (D-091).
    """
    data = attrs.asdict(answer) if attrs.has(type(answer)) else answer  # type: ignore[arg-type]
    return json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)


def _freeze(value: Any) -> Hashable:
    """A query value as part of a key: lists become tuples, so `[1, 2]` and `(1, 2)` agree."""
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return repr(value)


class Catalogue:
    """Cached reads of the product catalogue, with the same typed results as the uncached calls.

    Create one per application, next to its `EcontractClient`, and open it for the
    application's lifetime (`async with`): the open catalogue revalidates expired entries in
    the background while readers get the current ones. Unopened, it works too, but a reader
    of an expired entry waits for the revalidation.

    Results are shared by every reader of the same query: treat them as read-only.

    Args:
        ec: the client whose typed methods fetch (its product-API credentials sign them).
        settings: TTL and staleness limits (`CatalogueSettings` defaults when omitted).
        store: where entries live; a `MemoryStore(max_entries)` when omitted.
        max_entries: the size of the default `MemoryStore` (ignored with `store`).
        clock: seconds since the epoch; shared stores need the same clock in every process.

    Example:
        ```python
        async with EcontractClient.from_env() as ec, Catalogue(ec) as catalogue:
            internet = await catalogue.products(cat="internet", lang="nl")
        ```
    """

    def __init__(
        self,
        ec: EcontractClient,
        *,
        settings: CatalogueSettings | None = None,
        store: Store | None = None,
        max_entries: int = 1000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._ec = ec
        self.settings = settings or CatalogueSettings()
        self._owns_store = store is None
        self.store: Store = store if store is not None else MemoryStore(max_entries, clock=clock)
        self._clock = clock
        self._stats = CatalogueStats()
        self._flights: dict[Hashable, _Flight] = {}
        self._version_flights: dict[Hashable, _Flight] = {}
        self._versions: dict[Scope, tuple[str, float]] = {}
        """The last `last_updated` answer per scope, and when it was asked."""
        self._failed: dict[Key, float] = {}
        """When each key's last revalidation failed (cleared by a success)."""
        self._group: TaskGroup | None = None
        self._decoder: Decoder | None = None

    # Lifecycle

    async def __aenter__(self) -> Self:
        group = anyio.create_task_group()
        await group.__aenter__()
        self._group = group
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        group, self._group = self._group, None
        if group is not None:
            group.cancel_scope.cancel()
            await group.__aexit__(None, None, None)
        if self._owns_store:
            await self.store.aclose()

    @property
    def stats(self) -> CatalogueStats:
        """A snapshot of the counters."""
        evictions = getattr(self.store, "evictions", 0)
        return attrs.evolve(self._stats, evictions=evictions)

    # The cached reads

    async def products(self, **query: Unpack[ProductListQueryParams]) -> list[Product]:
        """`ec.product.products.list(**query)`, cached (key: the full query)."""
        fields: dict[str, Any] = query  # type: ignore[assignment]
        if "lang" not in fields:
            fields["lang"] = "nl"
        resource = self._ec.product.products
        return await self._read(  # type: ignore[no-any-return]
            "products", None, fields, fields.get("cat"), lambda: resource.list(**fields)
        )

    async def product(self, id: int, **query: Unpack[ProductDetailQueryParams]) -> list[Product]:
        """`ec.product.products.get(id, **query)`, cached: a list, as the uncached call (D-048)."""
        fields: dict[str, Any] = query  # type: ignore[assignment]
        if "lang" not in fields:
            fields["lang"] = "nl"
        resource = self._ec.product.products
        return await self._read(  # type: ignore[no-any-return]
            "product", id, fields, fields.get("cat"), lambda: resource.get(id, **fields)
        )

    async def suppliers(self, **query: Unpack[ProductSupplierQueryParams]) -> list[Supplier]:
        """`ec.product.suppliers.list(**query)`, cached; revalidated by the `lang`'s products."""
        fields: dict[str, Any] = query  # type: ignore[assignment]
        if "lang" not in fields:
            fields["lang"] = "nl"
        resource = self._ec.product.suppliers
        return await self._read(  # type: ignore[no-any-return]
            "suppliers", None, fields, None, lambda: resource.list(**fields)
        )

    async def supplier(self, id: int, **query: Unpack[ProductSupplierQueryParams]) -> Supplier:
        """`ec.product.suppliers.get(id, **query)`, cached; revalidated like `suppliers`."""
        fields: dict[str, Any] = query  # type: ignore[assignment]
        if "lang" not in fields:
            fields["lang"] = "nl"
        resource = self._ec.product.suppliers
        return await self._read(  # type: ignore[no-any-return]
            "supplier", id, fields, None, lambda: resource.get(id, **fields)
        )

    # How a read is served

    async def _read(
        self,
        kind: str,
        ident: Any,
        fields: dict[str, Any],
        cat: Any,
        call: Callable[[], Awaitable[Any]],
    ) -> Any:
        """Serve one read: the hit path first, as short as it can be."""
        key: Key = (kind, ident, *sorted(fields.items()))
        try:
            entry = await self.store.get(key, self._decode)
        except TypeError:  # an unhashable value, e.g. a list: freeze the key
            key = (kind, _freeze(ident), *sorted((k, _freeze(v)) for k, v in fields.items()))
            entry = await self.store.get(key, self._decode)
        now = self._clock()
        settings = self.settings
        if entry is not None and now - entry.checked_at < settings.ttl:
            self._stats.hits += 1
            return entry.value
        scope_key: Scope = (None if cat is None else str(cat), str(fields["lang"]))

        def refresh() -> Awaitable[Entry]:
            return _shared(
                self._flights, key, lambda: self._refresh(kind, key, scope_key, call, entry)
            )

        if entry is None:
            self._stats.misses += 1
            return (await refresh()).value
        stale_for = now - entry.checked_at - settings.ttl
        backing_off = now - self._failed.get(key, -1e300) < settings.error_backoff
        if stale_for < settings.max_stale and self._group is not None:
            self._stats.stale_served += 1
            if key not in self._flights and not backing_off:
                self._group.start_soon(self._in_background, refresh)
            return entry.value
        if backing_off and stale_for < settings.stale_if_error:
            self._stats.stale_served += 1
            return entry.value
        try:
            return (await refresh()).value
        except STALE_IF_ERROR as error:
            if stale_for >= settings.stale_if_error:
                raise
            self._stats.stale_served += 1
            logger.warning(
                "catalogue: serving %s %s checked %.0f s ago: %s",
                kind,
                dict(fields),
                now - entry.checked_at,
                error,
            )
            return entry.value

    async def _in_background(self, refresh: Callable[[], Awaitable[Entry]]) -> None:
        """A stale-while-revalidate refresh: its failure is logged, never raised."""
        try:
            await refresh()
        except STALE_IF_ERROR as error:
            logger.warning("catalogue: background revalidation failed: %s", error)
        except Exception:
            logger.exception("catalogue: background revalidation failed")

    async def _refresh(
        self,
        kind: str,
        key: Key,
        scope: Scope,
        call: Callable[[], Awaitable[Any]],
        seen: Entry | None,
    ) -> Entry:
        """Revalidate or fetch `key` once among every process sharing the store."""
        settings = self.settings
        store = self.store
        while not await store.lock(key, settings.lock_timeout):
            # Another process refreshes this key: wait until its entry lands, or its lock lapses.
            await anyio.sleep(settings.wait_poll)
            current = await store.get(key, self._decode)
            if current is not None and (seen is None or current.checked_at > seen.checked_at):
                return current
        try:
            current = await store.get(key, self._decode)
            if current is not None and (seen is None or current.checked_at > seen.checked_at):
                return current  # refreshed by another process meanwhile
            return await self._revalidate(kind, key, scope, call, current)
        except EcontractError:
            self._stats.errors += 1
            self._failed[key] = self._clock()
            raise
        finally:
            with anyio.CancelScope(shield=True):
                await store.unlock(key)

    async def _revalidate(
        self,
        kind: str,
        key: Key,
        scope: Scope,
        call: Callable[[], Awaitable[Any]],
        current: Entry | None,
    ) -> Entry:
        """Ask `last_updated`; extend `current` when it did not move, else fetch again."""
        settings = self.settings
        version, asked_at = await self._version(scope, current)
        if (
            current is not None
            and version == current.version
            and asked_at - current.fetched_at < settings.max_age
        ):
            extended = attrs.evolve(current, checked_at=asked_at)
            await self.store.touch(key, extended, settings.keep_for)
            self._failed.pop(key, None)
            return extended
        if self.store.serializes:
            with self._ec.raw_responses() as responses:
                value = await call()
            body: str | None = responses[-1].text
        else:
            value, body = await call(), None
        if current is not None:
            self._stats.refreshes += 1
        entry = Entry(kind, value, version, asked_at, asked_at, uuid.uuid4().hex, body)
        await self.store.set(key, entry, settings.keep_for)
        self._failed.pop(key, None)
        return entry

    async def _version(self, scope: Scope, current: Entry | None) -> tuple[str, float]:
        """`last_updated` for `scope` and when it was asked: one call shared by concurrent keys.

        An answer asked for less than `ttl` ago and after `current` was last checked is
        reused: it already vouches for the scope at that time.
        """
        known = self._versions.get(scope)
        now = self._clock()
        if (
            known is not None
            and now - known[1] < self.settings.ttl
            and (current is None or known[1] > current.checked_at)
        ):
            return known

        async def ask() -> tuple[str, float]:
            asked_at = self._clock()
            cat, lang = scope
            self._stats.revalidations += 1
            products = self._ec.product.products
            query: dict[str, str] = {"lang": lang} if cat is None else {"cat": cat, "lang": lang}
            answer = await products.last_updated(query)
            found = (version_token(answer), asked_at)
            self._versions[scope] = found
            return found

        return await _shared(self._version_flights, scope, ask)

    # Stored bodies back into typed values

    def _decode(self, kind: str, body: str) -> Any:
        """The typed value of a stored JSON body, decoded as the uncached call decodes it."""
        from .. import product as models
        from .._decode import Decoder
        from .._generated import ENDPOINTS

        spec = _KINDS[kind]
        if self._decoder is None:
            self._decoder = Decoder()
        endpoint: EndpointMeta = next(e for e in ENDPOINTS if e.key == spec.endpoint_key)
        model = getattr(models, spec.model_name)
        data = json.loads(body)
        if spec.many:
            return self._decoder.many(data, model, endpoint)
        return self._decoder.one(data, model, endpoint)
