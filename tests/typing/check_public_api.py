"""Static checks of the public surface: `mypy --strict tests/typing` must pass; pytest never runs this.

The file name does not start with `test_`, so pytest does not collect it.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal, assert_type

import econtract_async.crm
import econtract_async.product
from econtract_async import (
    APIError,
    CrmKeyAuth,
    EcontractClient,
    RateLimitError,
    RequestOptions,
    SignedProductKeyAuth,
    ValidationError,
    unverified,
)
from econtract_async.crm import AddressFields as Address
from econtract_async.crm import (
    Client,
    ClientFields,
    CreatedLead,
    ElectricityOrder,
    LatestOrder,
    NewClient,
    Order,
)
from econtract_async.product import LastUpdated, Product


async def crm_calls(ec: EcontractClient) -> None:
    """The CRM namespace returns the documented models."""
    assert_type(await ec.crm.clients.get(63), Client)
    created = await ec.crm.clients.create(
        gender=1,
        segment=1,
        first_name="Jan",
        last_name="Peeters",
        cellphone="0471234567",
        email="jan@example.be",
        language="nl",
        birthdate=datetime.date(1980, 2, 29),
    )
    assert_type(created, Client)
    new = NewClient(
        gender=1,
        segment=1,
        first_name="Jan",
        last_name="Peeters",
        cellphone=unverified("+33612345678"),
        email="jan@example.be",
        language="fr",
    )
    assert_type(new.to_wire(), list[tuple[str, str]])
    assert_type(await ec.crm.clients.create(new), Client)
    assert_type(await ec.crm.clients.create({"gender": "1", "first_name": "Jan"}), Client)
    assert_type(await ec.crm.clients.create(new, options=RequestOptions(max_retries=0)), Client)
    order = ElectricityOrder(
        comparison_id=1,
        affiliate_id=2,
        sales_channel_id=3,
        ip_address="192.0.2.10",
        supplier_id=5,
        product_id=7,
        payment_method=1,
        mru_type=2,
        connection_type=1,
        has_budget_meter=False,
        has_solar_panels=False,
        situation=3,
        client=ClientFields(
            gender=1,
            segment=1,
            first_name="Jan",
            last_name="Peeters",
            cellphone="0471234567",
            email="jan@example.be",
            language="nl",
        ),
        address=Address(
            street="Veldstraat", nr="10", postal_code="9000", city="Gent", country="BE"
        ),
    )
    assert_type(await ec.crm.orders.create(order), Order)
    by_keywords = await ec.crm.orders.create(
        producttype="gas",
        comparison_id=1,
        affiliate_id=2,
        sales_channel_id=3,
        ip_address="192.0.2.10",
        supplier_id=5,
        product_id=7,
        payment_method=1,
        situation=3,
        mru_nr="0012345",
        client={
            "gender": 1,
            "segment": 1,
            "first_name": "Jan",
            "last_name": "Peeters",
            "cellphone": "0471234567",
            "email": "jan@example.be",
            "language": "nl",
            "fax": "",
        },
        address=Address(
            street="Veldstraat", nr="10", postal_code="9000", city="Gent", country="BE"
        ),
    )
    assert_type(by_keywords, Order)
    third_party = await ec.crm.leads.create(
        lead_type="third_party", first_name="Jan", last_name="P", email="j@x.be", language="nl"
    )
    assert_type(third_party, CreatedLead)
    generic = await ec.crm.leads.create(
        lead_type="energy", gender=1, segment=1, first_name="J", last_name="P", email="j@x.be",
        language="nl",
    )  # fmt: skip
    assert_type(generic, CreatedLead)
    assert_type(await ec.crm.orders.latest(limit=5), list[LatestOrder])
    lead = await ec.crm.leads.create_call_me_back(first_name="Jan", phone="0471234567")
    assert_type(lead, CreatedLead)
    assert_type(lead.id, int)
    assert_type(lead.call_at, datetime.datetime | None)
    client = await ec.crm.clients.get(63, options=RequestOptions(max_retries=0))
    assert_type(client, Client)
    assert_type(client.id, int)
    assert_type(client.birthdate, datetime.date | None)
    assert_type(client.created_at, datetime.datetime | None)
    assert_type(client.language, Literal["nl", "fr"] | None)
    assert_type(client.gender, int | None)
    assert_type(client.idnr, str | None)
    assert_type(by_keywords.id, int)
    assert_type(by_keywords.ean, str | None)
    assert_type(by_keywords.mru_nr, str | None)
    assert_type(by_keywords.has_solar_panels, bool | None)
    assert_type(by_keywords.wishdate, datetime.date | None)
    assert_type(by_keywords.client_id, int | None)


async def product_calls(ec: EcontractClient) -> None:
    """The product namespace (and its `ec.products` shortcut) returns lists of products."""
    products = await ec.products.list(cat="internet", lang="nl")
    assert_type(products, list[Product])
    assert_type(await ec.product.products.list(cat="energy", productid=[2, 5]), list[Product])
    assert_type(await ec.products.get(2, cat="internet", sg="consumer"), list[Product])
    assert_type(await ec.products.last_updated(), LastUpdated)
    assert_type(products[0].product_id, int | None)
    view = ec.with_options(end_user_ip="203.0.113.9")
    assert_type(view, EcontractClient)


async def construction_and_errors() -> None:
    """Constructors, factories and error attributes are typed."""
    ec = EcontractClient(
        crm_auth=CrmKeyAuth("p-123", "key"),
        product_auth=SignedProductKeyAuth("pubkey", "secret", clock=lambda: 1700000000.0),
    )
    assert_type(EcontractClient.from_env(), EcontractClient)
    async with ec as opened:
        assert_type(opened, EcontractClient)
        try:
            await opened.crm.clients.get(63)
        except ValidationError as exc:
            assert_type(exc.errors[0].wire, str)
        except RateLimitError as exc:
            assert_type(exc.retry_after, float | None)
        except APIError as exc:
            assert_type(exc.status_code, int)


async def public_homes(ec: EcontractClient) -> None:
    """What the client hands out is typed by the classes of the public modules.

    `assert_type` cannot tell where a class is defined (a re-export is the same class); that
    they are defined in `econtract_async.crm` / `econtract_async.product`, so that checkers and
    IDEs name them so, is what tests/typing/test_revealed_names.py asserts on mypy's output.
    """
    assert_type(ec.crm, econtract_async.crm.CrmNamespace)
    assert_type(ec.product, econtract_async.product.ProductNamespace)
    assert_type(ec.crm.clients, econtract_async.crm.ClientsResource)
    assert_type(ec.crm.orders, econtract_async.crm.OrdersResource)
    assert_type(ec.products, econtract_async.product.ProductsResource)
    assert_type(await ec.crm.clients.get(63), econtract_async.crm.Client)
    order: dict[str, Any] = {}
    assert_type(await ec.crm.orders.create(order), econtract_async.crm.Order)
    assert_type(await ec.crm.leads.create(order), econtract_async.crm.CreatedLead)
    assert_type(await ec.crm.addresses.get(1), econtract_async.crm.Address)
    assert_type(await ec.products.list(cat="internet"), list[econtract_async.product.Product])
    assert_type(await ec.product.suppliers.list(), list[econtract_async.product.Supplier])
