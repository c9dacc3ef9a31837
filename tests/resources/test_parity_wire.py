"""The official clients' undocumented calls (docs/parity.md): their exact wire form, written out by hand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import attrs
import httpx
import pytest
import respx

from econtract_async import EcontractClient, RequestOptions, ValidationError, product_signature
from econtract_async._generated import ENDPOINTS
from econtract_async.crm import (
    Address,
    Client,
    CreatedLead,
    Order,
    Recommendation,
    RenewalQuery,
)
from econtract_async.product import (
    GridOperator,
    PostcodeAvailability,
    PriceBreakdown,
    Product,
    ProductUsages,
    Review,
    SalesAgent,
    Supplier,
)

CRM = "https://crm.example.test"
PRODUCT = "https://api.example.test"
CRM_CREDENTIALS = [("crm_api_id", "p-123"), ("crm_api_key", "ck_live_9f8e7d6c5b4a3f2e1d0c")]
NONCE = f"{0:032x}"
PRODUCT_CREDENTIALS = [
    ("key", "pubkey"),
    ("time", "1700000000"),
    ("nonce", NONCE),
    ("apikey", product_signature("pubkey", "ps_live_1a2b3c4d5e6f7a8b9c0d", 1700000000, NONCE)),
    ("abcid", "0123456789abc"),
]

Call = Callable[[EcontractClient], Awaitable[Any]]


@attrs.frozen
class Case:
    """One parity call: how the SDK is called, and what must go over the wire."""

    key: str
    call: Call
    method: str
    url: str
    params: list[tuple[str, str]]
    response: type[Any]
    many: bool = False


def extra(**params: str | int) -> RequestOptions:
    """Options carrying parameters the reference does not name."""
    return RequestOptions(extra_params=params)


CASES = [
    Case(
        "crm.clients.search",
        lambda ec: ec.crm.clients.search(query="peeters", options=extra(limit=5)),
        "POST",
        f"{CRM}/api/clients/search",
        [("query", "peeters"), ("limit", "5")],
        Client,
        many=True,
    ),
    Case(
        "crm.clients.update",
        lambda ec: ec.crm.clients.update(63, email="an@example.be", cellphone="0499123456"),
        "POST",
        f"{CRM}/api/clients/63",
        [("cellphone", "0499123456"), ("email", "an@example.be")],
        Client,
    ),
    Case(
        "crm.addresses.update",
        lambda ec: ec.crm.addresses.update(7, city="Gent", postal_code=9000),
        "POST",
        f"{CRM}/api/addresses/7",
        [("postal_code", "9000"), ("city", "Gent")],
        Address,
    ),
    Case(
        "crm.leads.create_referral",
        lambda ec: ec.crm.leads.create_referral(options=extra(first_name="An", referrer_id=63)),
        "POST",
        f"{CRM}/api/referrals",
        [("first_name", "An"), ("referrer_id", "63")],
        CreatedLead,
    ),
    Case(
        "crm.orders.latest_by_product",
        lambda ec: ec.crm.orders.latest_by_product(product_id=12),
        "GET",
        f"{CRM}/api/orders/latestByProduct",
        [("product_id", "12")],
        Order,
    ),
    Case(
        "crm.recommendations.get",
        lambda ec: ec.crm.recommendations.get(5, comparison_id=901),
        "GET",
        f"{CRM}/api/recommendations/5",
        [("comparison_id", "901")],
        Recommendation,
    ),
    Case(
        "crm.recommendations.renewal",
        lambda ec: ec.crm.recommendations.renewal(5),
        "GET",
        f"{CRM}/api/recommendations/5/renewal",
        [("comparison_id", "0")],
        Recommendation,
    ),
    Case(
        "product.products.is_available_at",
        lambda ec: ec.products.is_available_at(12, zip=9000),
        "GET",
        f"{PRODUCT}/products/is_available_at/12.json",
        [("lang", "nl"), ("zip", "9000")],
        PostcodeAvailability,
    ),
    Case(
        "product.products.price_breakdown",
        lambda ec: ec.product.products.price_breakdown(12),
        "GET",
        f"{PRODUCT}/products/pbs/12.json",
        [("lang", "nl")],
        PriceBreakdown,
    ),
    Case(
        "product.comparisons.list",
        lambda ec: ec.product.comparisons.list(lang="fr"),
        "GET",
        f"{PRODUCT}/comparison.json",
        [("lang", "fr")],
        Product,
        many=True,
    ),
    Case(
        "product.comparisons.get",
        lambda ec: ec.product.comparisons.get(3),
        "GET",
        f"{PRODUCT}/comparison/3.json",
        [("lang", "nl")],
        Product,
        many=True,
    ),
    Case(
        "product.suppliers.list",
        lambda ec: ec.product.suppliers.list(),
        "GET",
        f"{PRODUCT}/suppliers.json",
        [("lang", "nl")],
        Supplier,
        many=True,
    ),
    Case(
        "product.suppliers.get",
        lambda ec: ec.product.suppliers.get(15),
        "GET",
        f"{PRODUCT}/suppliers/15.json",
        [("lang", "nl")],
        Supplier,
    ),
    Case(
        "product.reviews.list",
        lambda ec: ec.product.reviews.list(options=extra(product_id=12)),
        "GET",
        f"{PRODUCT}/reviews.json",
        [("lang", "nl"), ("product_id", "12")],
        Review,
        many=True,
    ),
    Case(
        "product.sales_agents.list",
        lambda ec: ec.product.sales_agents.list(),
        "GET",
        f"{PRODUCT}/sales_agent.json",
        [("lang", "nl")],
        SalesAgent,
        many=True,
    ),
    Case(
        "product.usages.get",
        lambda ec: ec.product.usages.get(),
        "GET",
        f"{PRODUCT}/usages.json",
        [("lang", "nl")],
        ProductUsages,
    ),
    Case(
        "product.grid_operators.get",
        lambda ec: ec.product.grid_operators.get(zip="1000", lang="fr"),
        "GET",
        f"{PRODUCT}/dnb.json",
        [("lang", "fr"), ("zip", "1000")],
        GridOperator,
    ),
]

UNKNOWN = {"id": 5, "surprise": {"nested": [1, 2]}}
"""A response with a field no schema describes."""


def sent(request: httpx.Request) -> list[tuple[str, str]]:
    """The parameters of a request, in order, from its query (GET) or form body (POST)."""
    raw = request.url.query if request.method == "GET" else request.content
    return parse_qsl(raw.decode(), keep_blank_values=True)


def test_every_undocumented_endpoint_has_a_case() -> None:
    """The cases cover exactly the endpoints the schema marks `documented: false`."""
    assert {c.key for c in CASES} == {e.key for e in ENDPOINTS if not e.documented}


@pytest.mark.asyncio
@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
async def test_parity_call_sends_the_official_clients_wire_form(
    case: Case, make_client: Callable[..., EcontractClient]
) -> None:
    """Method, path, parameter names in order, credentials last, and their placement."""
    body: Any = [UNKNOWN] if case.many else UNKNOWN
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(return_value=httpx.Response(200, json=body))
            result = await case.call(ec)

    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == case.method
    assert str(request.url).split("?")[0] == case.url
    credentials = CRM_CREDENTIALS if case.url.startswith(CRM) else PRODUCT_CREDENTIALS
    assert sent(request) == case.params + credentials
    if case.method == "GET":
        assert request.content == b""
    else:
        assert request.url.query == b""
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    items = result if case.many else [result]
    assert [type(item) for item in items] == [case.response]
    assert items[0].extra["surprise"] == {"nested": [1, 2]}


@pytest.mark.asyncio
async def test_update_client_sends_only_the_given_fields(
    make_client: Callable[..., EcontractClient],
) -> None:
    """No required-field checks, no `landline=` filler, no `client_id` or `user_id`."""
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(return_value=httpx.Response(200, json={"id": 63}))
            client = await ec.crm.clients.update(63, {"last_name": "Peeters"})

    names = [name for name, _ in sent(route.calls.last.request)]
    assert names == ["last_name", "crm_api_id", "crm_api_key"]
    assert client.id == 63


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "call",
    [
        lambda ec: ec.crm.recommendations.renewal(5),
        lambda ec: ec.crm.recommendations.renewal(5, RenewalQuery()),
        lambda ec: ec.crm.recommendations.renewal(5, {"comparison_id": "0"}),
        lambda ec: ec.crm.recommendations.renewal(5, comparison_id=0),
    ],
    ids=["nothing", "model", "mapping-text", "keyword"],
)
async def test_renewal_always_sends_comparison_id_0(
    call: Call, make_client: Callable[..., EcontractClient]
) -> None:
    """D-131: `comparison_id=0` is a constant, sent once before the credentials however the
    call is written; 0 (or its text) may be given, it changes nothing."""
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(return_value=httpx.Response(200, json={}))
            await call(ec)

    assert sent(route.calls.last.request) == [("comparison_id", "0"), *CRM_CREDENTIALS]


@pytest.mark.asyncio
@pytest.mark.parametrize("given", [7, "7", -1], ids=["int", "text", "negative"])
async def test_renewal_refuses_another_comparison_id(
    given: object, make_client: Callable[..., EcontractClient]
) -> None:
    """The official client sends no other value, so neither may a caller: refused, nothing sent."""
    async with make_client() as ec:
        with respx.mock(assert_all_called=False) as router:
            route = router.route().mock(return_value=httpx.Response(200, json={}))
            with pytest.raises(ValidationError) as caught:
                await ec.crm.recommendations.renewal(5, {"comparison_id": given})

    assert route.call_count == 0
    assert [(e.wire, e.message) for e in caught.value.errors] == [
        ("comparison_id", f"always 0 for RenewalQuery, got {given!r}")
    ]


@pytest.mark.asyncio
async def test_update_address_does_not_send_an_empty_box(
    make_client: Callable[..., EcontractClient],
) -> None:
    """`box`, sent empty by `addresses.create`, is left out of an update that does not set it."""
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(return_value=httpx.Response(200, json={"id": 7}))
            await ec.crm.addresses.update(7, street="Kerkstraat")

    assert sent(route.calls.last.request)[0] == ("street", "Kerkstraat")
    assert "box" not in dict(sent(route.calls.last.request))


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("call", "paths"),
    [
        (lambda ec: ec.crm.clients.search(query=""), {"query"}),
        (lambda ec: ec.crm.clients.update(0, email="an@example.be"), {"id"}),
        (lambda ec: ec.crm.clients.update(3, email="x", family_size=-1), {"email", "family_size"}),
        (lambda ec: ec.product.grid_operators.get(lang="de"), {"zip", "lang"}),
        (lambda ec: ec.products.is_available_at(3, zip="x"), {"zip"}),
        (lambda ec: ec.crm.recommendations.renewal(-1), {"id"}),
    ],
    ids=[
        "empty-query",
        "bad-id",
        "bad-email-and-size",
        "no-zip-bad-lang",
        "bad-zip",
        "bad-path-id",
    ],
)
async def test_named_parameters_are_checked_before_sending(
    call: Call, paths: set[str], make_client: Callable[..., EcontractClient]
) -> None:
    """The parameters the reference names are typed: bad values are all named, none is sent."""
    async with make_client() as ec:
        with respx.mock(assert_all_called=False) as router:
            route = router.route().mock(return_value=httpx.Response(200, json={}))
            with pytest.raises(ValidationError) as caught:
                await call(ec)

    assert route.call_count == 0
    assert {error.path for error in caught.value.errors} == paths
