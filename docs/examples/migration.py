"""The PHP packages' calls, one by one, in econtract-async."""

from __future__ import annotations

from econtract_async import EcontractClient
from econtract_async.crm import AddressFields, ClientFields, ElectricityOrder


async def main(ec: EcontractClient) -> None:
    """`Crm::createOrder`, `getContract`, `getLatestOrders`, `getSupplierRating`,
    `getDefaultUsages` and `Aanbieders::getProducts` / `getProductsLastUpdated`."""
    # $crmService->createOrder($params): the product type is the model you pick.
    order = await ec.crm.orders.create(
        ElectricityOrder(
            comparison_id=1,
            affiliate_id=1,
            sales_channel_id=1,
            ip_address="192.168.1.1",
            supplier_id=5,
            product_id=1,
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
                cellphone="0470123456",
                email="jan.peeters@example.be",
                language="nl",
            ),
            address=AddressFields(
                street="Kerkstraat", nr="12", postal_code="3500", city="Hasselt", country="BE"
            ),
        )
    )
    print("order", order.id)

    # $crmService->getContract($id): every order creates a contract.
    # Fields the schema does not describe are kept in `extra`, never dropped.
    contract_id = order.extra.get("contract_id")
    if contract_id is not None:
        contract = await ec.crm.contracts.get(int(contract_id))
        print("contract", contract.id)

    # $crmService->getLatestOrders($params): GET /api/orders/latest, a list of LatestOrder.
    latest = await ec.crm.orders.latest(product_type="electricity", limit=5)
    assert any(item.id == order.id for item in latest)

    # Crm::getSupplierRating(10): the PHP service class lacks it; here it works.
    print(await ec.crm.suppliers.rating(10))

    # Crm::getDefaultUsages([...]): typed query, codes are integers.
    print(await ec.crm.usages.defaults(producttype="electricity", segment=1))

    # $aanbieders->getProducts($params) and getProducts($params, [2, 5]).
    products = await ec.products.list(cat="electricity", lang="nl", sg="consumer", limit=3)
    ids = [p.product_id for p in products if p.product_id is not None]
    several = await ec.products.list(cat="electricity", productid=ids)
    assert {p.product_id for p in several} == set(ids)

    # $aanbieders->getProducts($params, $id): one product (the API answers with a list).
    if ids:
        detail = await ec.products.get(ids[0], cat="electricity", lang="nl", sg="consumer")
        print(detail)

    # $aanbieders->getProductsLastUpdated($params).
    print(await ec.products.last_updated(cat="electricity"))
