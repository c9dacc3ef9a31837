"""Every SDK method against the sandbox on a real loopback socket."""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from econtract_async import EcontractClient, RequestOptions
from econtract_async._generated import ENDPOINTS
from econtract_async.sandbox import LiveSandbox

from .conftest import new_client, new_order

pytestmark = [pytest.mark.asyncio, pytest.mark.integration]

Scenario = Callable[[EcontractClient, LiveSandbox], Awaitable[None]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(key: str) -> Callable[[Scenario], Scenario]:
    """Register the round trip of the endpoint `key`."""

    def register(function: Scenario) -> Scenario:
        SCENARIOS[key] = function
        return function

    return register


async def _client(ec: EcontractClient) -> Any:
    """A freshly created client."""
    return await ec.crm.clients.create(new_client())


async def _address(ec: EcontractClient) -> Any:
    """A freshly created address of a fresh client."""
    client = await _client(ec)
    return await ec.crm.addresses.create(
        client_id=client.id,
        street="Stationsstraat",
        nr="5",
        box="",
        postal_code="9000",
        city="Gent",
        country="BE",
    )


@scenario("crm.clients.create")
@scenario("crm.clients.get")
async def clients_create_and_get(ec: EcontractClient, live: LiveSandbox) -> None:
    """A created client is read back with every field it was sent."""
    fields = new_client(birthdate="1956-12-25", family_size=3)
    created = await ec.crm.clients.create(fields)
    fetched = await ec.crm.clients.get(created.id)
    assert fetched == created
    assert (fetched.email, fetched.family_size, fetched.birthdate) == (
        fields["email"],
        3,
        datetime.date(1956, 12, 25),
    )
    assert (fetched.language, fetched.gender) == ("nl", fields["gender"])
    assert isinstance(fetched.created_at, datetime.datetime)  # the sandbox's `Y-m-d H:i:s`
    assert fetched.updated_at is not None
    assert fetched.updated_at >= fetched.created_at


@scenario("crm.clients.update")
async def clients_update(ec: EcontractClient, live: LiveSandbox) -> None:
    """An update changes the given fields and keeps the others."""
    created = await _client(ec)
    updated = await ec.crm.clients.update(created.id, first_name="Johan")
    assert (updated.id, updated.first_name, updated.email) == (created.id, "Johan", created.email)


@scenario("crm.clients.search")
async def clients_search(ec: EcontractClient, live: LiveSandbox) -> None:
    """Search finds a client by part of its email."""
    created = await _client(ec)
    found = await ec.crm.clients.search(query=created.email.split("@")[0])
    assert [c.id for c in found] == [created.id]


@scenario("crm.addresses.create")
@scenario("crm.addresses.get")
async def addresses_create_and_get(ec: EcontractClient, live: LiveSandbox) -> None:
    """A created address is read back."""
    address = await _address(ec)
    assert await ec.crm.addresses.get(address.id) == address
    assert (address.city, address.postal_code) == ("Gent", "9000")


@scenario("crm.addresses.update")
async def addresses_update(ec: EcontractClient, live: LiveSandbox) -> None:
    """An address update keeps its id and client."""
    address = await _address(ec)
    updated = await ec.crm.addresses.update(address.id, floor="2")
    assert (updated.id, updated.client_id, updated.floor) == (address.id, address.client_id, "2")


@scenario("crm.orders.create")
@scenario("crm.contracts.get")
async def orders_create_and_contract(ec: EcontractClient, live: LiveSandbox) -> None:
    """An order creates its client, address and contract."""
    fields = new_order()
    order = await ec.crm.orders.create(fields)
    assert order.producttype == "electricity"
    # Every field of the order tables is typed (D-160); only what no table names stays as the
    # CRM sent it: text (D-105).
    assert (order.ean, order.supplier_id) == (fields["ean"], fields["supplier_id"])
    contract = await ec.crm.contracts.get(int(order.extra["contract_id"]))
    assert contract.extra["order_id"] == str(order.id)
    assert order.client_id is not None
    client = await ec.crm.clients.get(order.client_id)
    assert client.id == order.client_id


@scenario("crm.orders.latest")
async def orders_latest(ec: EcontractClient, live: LiveSandbox) -> None:
    """Latest orders show a new order first and honour their filters."""
    order = await ec.crm.orders.create(new_order(affiliate_id=7001, address_postal_code="8400"))
    latest = await ec.crm.orders.latest(affiliate_id=7001, address_zipcode="8400", limit=5)
    assert [o.id for o in latest] == [order.id]
    assert await ec.crm.orders.latest(affiliate_id=7001, client_language="fr") == []


@scenario("crm.orders.latest_by_product")
async def orders_latest_by_product(ec: EcontractClient, live: LiveSandbox) -> None:
    """The latest order of a product is the newest one stored for it."""
    order = await ec.crm.orders.create(new_order(product_id=777001))
    assert (await ec.crm.orders.latest_by_product(product_id=777001)).id == order.id


@scenario("crm.leads.create")
async def leads_create(ec: EcontractClient, live: LiveSandbox) -> None:
    """A third-party lead is stored with its type."""
    fields = new_client()
    lead = await ec.crm.leads.create(
        {
            "lead_type": "third_party",
            **{k: fields[k] for k in ("first_name", "last_name", "email", "language")},
        }
    )
    assert (lead.lead_type, lead.email) == ("third_party", fields["email"])


@scenario("crm.leads.create_click_out")
async def leads_click_out(ec: EcontractClient, live: LiveSandbox) -> None:
    """A click-out lead is stored."""
    lead = await ec.crm.leads.create_click_out(
        first_name="Jan",
        last_name="Peeters",
        email="jan@example.be",
        url="https://example.invalid/x",
    )
    assert (lead.lead_type, lead.url) == ("click_out", "https://example.invalid/x")


@scenario("crm.leads.create_call_me_back")
async def leads_call_me_back(ec: EcontractClient, live: LiveSandbox) -> None:
    """A call-me-back lead is stored."""
    lead = await ec.crm.leads.create_call_me_back(
        first_name="Jan", last_name="Peeters", phone="0499656565", subject="Energie"
    )
    assert (lead.lead_type, lead.phone) == ("call_me_back", "0499656565")


@scenario("crm.leads.create_referral")
async def leads_referral(ec: EcontractClient, live: LiveSandbox) -> None:
    """A referral keeps the extra fields it was sent."""
    lead = await ec.crm.leads.create_referral(
        options=RequestOptions(extra_params={"email": "friend@example.be"})
    )
    assert (lead.lead_type, lead.email) == ("referral", "friend@example.be")


@scenario("crm.recommendations.get")
@scenario("crm.recommendations.renewal")
async def recommendations(ec: EcontractClient, live: LiveSandbox) -> None:
    """Recommendations are stable for one comparison."""
    first = await ec.crm.recommendations.get(45688954)
    assert first == await ec.crm.recommendations.get(45688954)
    renewal = await ec.crm.recommendations.renewal(45688954)
    assert renewal.extra["renewal"] is True


@scenario("crm.suppliers.rating")
async def supplier_rating(ec: EcontractClient, live: LiveSandbox) -> None:
    """A supplier's rating is the same on every call and lies between 5 and 10."""
    rating = await ec.crm.suppliers.rating(10)
    assert rating == await ec.crm.suppliers.rating(10)
    assert 5 <= rating.extra["rating"] <= 10


@scenario("crm.usages.defaults")
async def default_usages(ec: EcontractClient, live: LiveSandbox) -> None:
    """Bigger families use more electricity."""
    small = await ec.crm.usages.defaults(producttype="dualfuel_pack", segment=1, family_size=1)
    large = await ec.crm.usages.defaults(producttype="dualfuel_pack", segment=1, family_size=5)
    assert (large.du or 0) + (large.nu or 0) > (small.du or 0) > 0
    assert (large.u or 0) > (small.u or 0) > 0


@scenario("product.products.list")
@scenario("product.products.get")
async def products_list_and_get(ec: EcontractClient, live: LiveSandbox) -> None:
    """Listed products can be fetched one by one, in another language and detail level."""
    products = await ec.products.list(cat="internet", lang="nl", sort="sort_price", limit=3)
    assert len(products) == 3
    first = products[0]
    (detail,) = await ec.products.get(
        first.product_id, cat="internet", lang="fr", sg=first.segment, detaillevel=["texts"]
    )
    assert detail.product_id == first.product_id
    assert detail.texts is not None
    assert detail.price is None
    by_id = await ec.products.list(
        cat="internet", lang="nl", productid=[p.product_id for p in products]
    )
    assert {p.product_id for p in by_id} == {p.product_id for p in products}


@scenario("product.products.last_updated")
async def products_last_updated(ec: EcontractClient, live: LiveSandbox) -> None:
    """last_updated (a bare date-time string on the wire) is the newest product's update."""
    updated = await ec.products.last_updated(lang="nl", cat="gas")
    products = await ec.products.list(cat="gas", lang="nl")
    newest = max(products, key=lambda p: p.last_update_timestamp or 0)
    assert updated.last_updated == newest.last_update
    assert updated.extra == {}


@scenario("product.products.is_available_at")
@scenario("product.products.price_breakdown")
async def product_extras(ec: EcontractClient, live: LiveSandbox) -> None:
    """Availability by postal code and the price breakdown of a listed product."""
    (product,) = await ec.products.list(cat="electricity", lang="nl", limit=1)
    available = await ec.products.is_available_at(product.product_id, lang="nl", zip="3500")
    assert available.available is bool(product.availability and product.availability.flanders)
    breakdown = await ec.products.price_breakdown(product.product_id, lang="nl")
    assert breakdown.extra["monthly"] == (product.price.monthly if product.price else None)


@scenario("product.comparisons.list")
@scenario("product.comparisons.get")
async def comparisons(ec: EcontractClient, live: LiveSandbox) -> None:
    """Comparisons return products."""
    assert len(await ec.product.comparisons.list(lang="nl")) == 15
    assert len(await ec.product.comparisons.get(12, lang="fr")) == 5


@scenario("product.usages.get")
@scenario("product.grid_operators.get")
async def usages_and_grid(ec: EcontractClient, live: LiveSandbox) -> None:
    """Default usage profiles and the grid operator of a postal code."""
    usages = await ec.product.usages.get(lang="nl")
    assert len(usages.extra["profiles"]) == 5
    grid = await ec.product.grid_operators.get(lang="nl", zip="1000")
    assert grid.extra["region"] == "brussels"


@scenario("product.suppliers.list")
@scenario("product.suppliers.get")
async def suppliers(ec: EcontractClient, live: LiveSandbox) -> None:
    """Suppliers are listed and fetched by id."""
    listed = await ec.product.suppliers.list(lang="nl")
    assert len(listed) >= 5
    assert await ec.product.suppliers.get(listed[0].supplier_id, lang="nl") == listed[0]


@scenario("product.reviews.list")
@scenario("product.sales_agents.list")
async def reviews_and_agents(ec: EcontractClient, live: LiveSandbox) -> None:
    """Reviews and sales agents are served."""
    assert len(await ec.product.reviews.list(lang="nl")) == 20
    assert len(await ec.product.sales_agents.list(lang="fr")) == 4


@pytest.mark.parametrize("key", sorted({e.key for e in ENDPOINTS}))
async def test_every_sdk_method_round_trips(
    key: str, ec: EcontractClient, live: LiveSandbox
) -> None:
    """Each endpoint of the SDK works end to end over loopback (a new one needs a scenario)."""
    assert key in SCENARIOS, f"no integration scenario for {key}"
    await SCENARIOS[key](ec, live)
