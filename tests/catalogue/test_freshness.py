"""TTL, revalidation and refetch, on a fake clock; typed results equal the uncached ones."""

from __future__ import annotations

import pytest

from econtract_async import EcontractClient, ValidationError
from econtract_async.catalogue import Catalogue, CatalogueSettings, version_token
from econtract_async.product import LastUpdated
from econtract_async.sandbox import Sandbox
from econtract_async.testing import FixedClock

LIST = "product.products.list"
LAST = "product.products.last_updated"


def monthly(products: list[object]) -> list[float | None]:
    return [p.price.monthly if p.price else None for p in products]  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_cached_results_equal_the_uncached_calls(ec: EcontractClient) -> None:
    """Every cached read returns exactly what the typed method returns, typed alike."""
    async with Catalogue(ec) as catalogue:
        for _ in range(2):  # a miss, then a hit
            assert await catalogue.products(cat="internet", lang="fr", sg="consumer") == (
                await ec.product.products.list(cat="internet", lang="fr", sg="consumer")
            )
            assert await catalogue.products(cat="mobile", sid=[11, 12], limit=3) == (
                await ec.product.products.list(cat="mobile", sid=[11, 12], limit=3)
            )
            assert await catalogue.product(1, cat="internet", sg="consumer") == (
                await ec.product.products.get(1, cat="internet", sg="consumer")
            )
            assert await catalogue.suppliers(lang="nl") == await ec.product.suppliers.list()
            assert await catalogue.supplier(11) == await ec.product.suppliers.get(11)
        stats = catalogue.stats
        assert (stats.misses, stats.hits) == (5, 5)
        found = await catalogue.products(cat="internet", lang="fr", sg="consumer")
        assert type(found[0]).__name__ == "Product"


@pytest.mark.asyncio
async def test_a_fresh_entry_is_served_without_any_call(
    ec: EcontractClient, sandbox: Sandbox, clock: FixedClock
) -> None:
    """Within the TTL no request leaves; the key is the full query, defaults included."""
    catalogue = Catalogue(ec, settings=CatalogueSettings(ttl=60), clock=clock)
    first = await catalogue.products(cat="internet")
    assert sandbox.calls == {LAST: 1, LIST: 1}
    clock.advance(59)
    assert await catalogue.products(cat="internet", lang="nl") is first
    assert sandbox.calls == {LAST: 1, LIST: 1}
    await catalogue.products(cat="internet", lang="fr")
    assert sandbox.calls == {LAST: 2, LIST: 2}


@pytest.mark.asyncio
async def test_after_the_ttl_an_unchanged_catalogue_extends_the_entry(
    ec: EcontractClient, sandbox: Sandbox, clock: FixedClock
) -> None:
    """One `last_updated` call per TTL; no refetch while it answers the same."""
    catalogue = Catalogue(ec, settings=CatalogueSettings(ttl=10, max_stale=0), clock=clock)
    first = await catalogue.products(cat="gas")
    for step in range(1, 4):
        clock.advance(11)
        assert await catalogue.products(cat="gas") is first
        assert sandbox.calls == {LAST: 1 + step, LIST: 1}
        clock.advance(5)
        assert await catalogue.products(cat="gas") is first  # extended: fresh again
        assert sandbox.calls == {LAST: 1 + step, LIST: 1}
    assert catalogue.stats.revalidations == 4
    assert catalogue.stats.refreshes == 0


@pytest.mark.asyncio
async def test_a_changed_catalogue_is_refetched(
    ec: EcontractClient, sandbox: Sandbox, clock: FixedClock
) -> None:
    """When `last_updated` moves, the entry is fetched again and readers see the change."""
    catalogue = Catalogue(ec, settings=CatalogueSettings(ttl=10, max_stale=0), clock=clock)
    before = await catalogue.products(cat="internet")
    change = sandbox.change_catalogue(cat="internet")
    clock.advance(5)
    assert await catalogue.products(cat="internet") is before  # within the TTL: not seen yet
    clock.advance(6)
    after = await catalogue.products(cat="internet")
    assert sandbox.calls == {LAST: 2, LIST: 2}
    assert after == await ec.product.products.list(cat="internet")
    changed = next(p for p in after if p.product_id == change.product_ids[0])
    old = next(p for p in before if p.product_id == change.product_ids[0])
    assert changed.price is not None
    assert old.price is not None
    assert changed.price.monthly == pytest.approx((old.price.monthly or 0) + 1)
    assert changed.last_update_timestamp == change.last_update
    assert catalogue.stats.refreshes == 1


@pytest.mark.asyncio
async def test_a_change_elsewhere_does_not_refetch(
    ec: EcontractClient, sandbox: Sandbox, clock: FixedClock
) -> None:
    """`last_updated` is asked per `cat`: a change of gas leaves internet's entry alone."""
    catalogue = Catalogue(ec, settings=CatalogueSettings(ttl=10, max_stale=0), clock=clock)
    await catalogue.products(cat="internet")
    sandbox.change_catalogue(cat="gas")
    clock.advance(11)
    await catalogue.products(cat="internet")
    assert sandbox.calls == {LAST: 2, LIST: 1}


@pytest.mark.asyncio
async def test_max_age_refetches_even_when_last_updated_stands_still(
    ec: EcontractClient, sandbox: Sandbox, clock: FixedClock
) -> None:
    """The safety net for changes `last_updated` does not show."""
    settings = CatalogueSettings(ttl=10, max_stale=0, max_age=25)
    catalogue = Catalogue(ec, settings=settings, clock=clock)
    await catalogue.products(cat="internet")
    clock.advance(11)
    await catalogue.products(cat="internet")
    assert sandbox.calls[LIST] == 1
    clock.advance(15)
    await catalogue.products(cat="internet")
    assert sandbox.calls == {LAST: 3, LIST: 2}


@pytest.mark.asyncio
async def test_keys_of_one_scope_share_a_recent_last_updated_answer(
    ec: EcontractClient, sandbox: Sandbox, clock: FixedClock
) -> None:
    """A second key of the same `cat`/`lang` reuses the answer asked a moment ago."""
    catalogue = Catalogue(ec, settings=CatalogueSettings(ttl=10, max_stale=0), clock=clock)
    await catalogue.products(cat="internet")
    await catalogue.products(cat="internet", sg="sme")
    await catalogue.product(1, cat="internet", sg="consumer")
    assert sandbox.calls == {LAST: 1, LIST: 2, "product.products.get": 1}


@pytest.mark.asyncio
async def test_bad_input_raises_before_any_request_and_is_not_cached(
    ec: EcontractClient, sandbox: Sandbox
) -> None:
    """Hostile values reach the typed method's validation; nothing is stored."""
    catalogue = Catalogue(ec)
    for bad in ({"cat": "internet\n", "lang": "xx"}, {"cat": "internet", "sid": [{"a": 1}]}):
        with pytest.raises(ValidationError):
            await catalogue.products(**bad)  # type: ignore[arg-type]
    assert sandbox.calls[LIST] == 0
    assert len(catalogue.store) == 0  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_lists_and_tuples_make_the_same_key(ec: EcontractClient, sandbox: Sandbox) -> None:
    """`sid=[11, 12]` and `sid=(11, 12)` are one query."""
    catalogue = Catalogue(ec)
    first = await catalogue.products(cat="mobile", sid=[11, 12])
    assert await catalogue.products(cat="mobile", sid=(11, 12)) is first
    assert sandbox.calls[LIST] == 1


def test_version_token_sees_every_field() -> None:
    """Any field of the answer moving is a change; the same answer is the same token."""
    a = LastUpdated(last_updated="2018-10-23 13:45:12", last_update_timestamp=1)
    assert version_token(a) == version_token(
        LastUpdated(last_updated="2018-10-23 13:45:12", last_update_timestamp=1)
    )
    assert version_token(a) != version_token(LastUpdated(last_updated="2018-10-23 13:45:12"))
    assert version_token("2018-10-23 13:45:12") != version_token("2018-10-23 13:45:13")


def test_settings_refuse_nonsense() -> None:
    """A zero TTL or a negative limit is a clear error, naming the setting."""
    with pytest.raises(ValueError, match="ttl"):
        CatalogueSettings(ttl=0)
    with pytest.raises(ValueError, match="max_stale"):
        CatalogueSettings(max_stale=-1)
