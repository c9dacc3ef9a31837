"""Handlers of the calls the official clients make but the API docs do not describe.

Updates, client search, referrals, the latest order of a product, recommendations and the
product API's read-only extras. Their answers are undocumented, so the sandbox serves plausible
JSON derived deterministically from its store and catalogue (`shared/reference/wire-protocol.md`
lists the calls).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ._catalogue import PRODUCT_TYPES
from ._handlers import HANDLERS, Call, digest, found, handles
from ._params import ApiProblem
from ._store import address_identity, client_identity

__all__ = ["register"]


def register() -> None:
    """Make sure this module's handlers are in `HANDLERS` (importing it registers them)."""
    assert "crm.clients.update" in HANDLERS


def _update(call: Call, kind: str, label: str, identity: str) -> dict[str, Any]:
    """Merge the sent fields into a stored record, refusing a clash with another record."""
    try:
        record = call.store.update(kind, call.path["id"], call.values, identity=identity)
    except sqlite3.IntegrityError:
        msg = f"Api error : Invalid parameters : another {label.lower()} has these details"
        raise ApiProblem(400, msg) from None
    if record is None:
        raise ApiProblem(404, f"Api error : {label} {call.path['id']} not found")
    return record


@handles("crm.clients.update")
def update_client(call: Call) -> dict[str, Any]:
    """Change a stored client (its identity follows a new email or segment)."""
    current = found("clients", "Client", call)
    return _update(call, "clients", "Client", client_identity({**current, **call.values}))


@handles("crm.addresses.update")
def update_address(call: Call) -> dict[str, Any]:
    """Change a stored address."""
    current = found("addresses", "Address", call)
    merged = {**current, **call.values}
    return _update(call, "addresses", "Address", address_identity(current["client_id"], merged))


@handles("crm.clients.search")
def search_clients(call: Call) -> list[dict[str, Any]]:
    """Clients whose name, email or phone numbers contain the query (case-insensitive)."""
    needle = str(call.values["query"]).strip().lower()
    fields = ("first_name", "last_name", "email", "cellphone", "landline", "company")
    return [
        client
        for client in call.store.all("clients")
        if any(needle in str(client.get(field) or "").lower() for field in fields)
    ]


@handles("crm.leads.create_referral")
def create_referral(call: Call) -> dict[str, Any]:
    """Store a referral lead with whatever fields were sent."""
    return call.store.insert("leads", {**call.raw, "lead_type": "referral"})


@handles("crm.orders.latest_by_product")
def latest_order_by_product(call: Call) -> dict[str, Any]:
    """The newest order (of `product_id`, when given); 404 when there is none."""
    latest = call.store.latest_orders(product_id=call.values.get("product_id"), limit=1)
    if not latest:
        raise ApiProblem(404, "Api error : No order found")
    return latest[0][0]


def _picks(call: Call, seed: object, count: int) -> list[dict[str, Any]]:
    """`count` active products chosen deterministically from `seed`."""
    active = call.catalogue.select(cat=PRODUCT_TYPES[digest(seed) % len(PRODUCT_TYPES)])
    start = digest("start", seed) % len(active)
    chosen = [active[(start + n) % len(active)] for n in range(min(count, len(active)))]
    return [p.render(call.values.get("lang", "nl")) for p in chosen]


@handles("crm.recommendations.get", "crm.recommendations.renewal")
def recommendation(call: Call) -> dict[str, Any]:
    """Three recommended products for a comparison, stable per comparison id."""
    comparison_id = call.values.get("comparison_id") or call.path["id"]
    renewal = call.endpoint.name == "renewal"
    picks = _picks(call, ("recommendation", comparison_id, renewal), 3)
    return {
        "comparison_id": comparison_id,
        "renewal": renewal,
        "recommendations": [
            {
                "product_id": p["product_id"],
                "producttype": p["producttype"],
                "supplier_id": p["supplier"]["supplier_id"],
                "score": round(1 - n / 10, 2),
            }
            for n, p in enumerate(picks)
        ],
    }


@handles("product.comparisons.list")
def list_comparisons(call: Call) -> list[dict[str, Any]]:
    """The cheapest three active products of every type."""
    lang = call.values.get("lang", "nl")
    return [
        product
        for cat in PRODUCT_TYPES
        for product in call.catalogue.search(cat=cat, lang=lang, sort="sort_price", limit=3)
    ]


@handles("product.comparisons.get")
def get_comparison(call: Call) -> list[dict[str, Any]]:
    """Five products compared, stable per comparison id."""
    return _picks(call, ("comparison", call.path["id"]), 5)


@handles("product.usages.get")
def product_default_usages(call: Call) -> dict[str, Any]:
    """Typical yearly usages per family size."""
    profiles = [
        {
            "family_size": n,
            "usage_day": 1200 + 700 * n,
            "usage_night": 0,
            "usage_gas": 9000 + 2500 * n,
        }
        for n in range(1, 6)
    ]
    return {"unit": "kWh", "profiles": profiles}


def _region(zip_code: str) -> str:
    """The Belgian region of a postal code."""
    digits = "".join(c for c in zip_code if c.isdigit())[:4]
    number = int(digits) if digits else 0
    if 1000 <= number < 1300:
        return "brussels"
    if 1300 <= number < 1500 or 4000 <= number < 8000:
        return "wallonia"
    return "flanders"


@handles("product.grid_operators.get")
def grid_operator(call: Call) -> dict[str, Any]:
    """The (fictional) distribution grid operator of a postal code."""
    zip_code = str(call.values["zip"])
    region = _region(zip_code)
    names = {
        "flanders": "Netwerk Vlaanderen",
        "wallonia": "Réseau Wallon",
        "brussels": "Réseau Bruxellois",
    }
    return {"zip": zip_code, "region": region, "electricity": names[region], "gas": names[region]}


def _supplier(call: Call, supplier_id: int) -> dict[str, Any]:
    """A catalogue supplier, or a 404 answer."""
    for supplier in call.catalogue.suppliers():
        if supplier["supplier_id"] == str(supplier_id):
            return supplier
    raise ApiProblem(404, f"Api error : Supplier {supplier_id} not found")


@handles("product.suppliers.list")
def list_suppliers(call: Call) -> list[dict[str, Any]]:
    """Every supplier of the catalogue."""
    return call.catalogue.suppliers()


@handles("product.suppliers.get")
def get_supplier(call: Call) -> dict[str, Any]:
    """One supplier of the catalogue."""
    return _supplier(call, call.path["id"])


def _product(call: Call) -> Any:
    """The catalogue product of the path's id, or a 404 answer."""
    product = call.catalogue.product(call.path["id"])
    if product is None:
        raise ApiProblem(404, f"Api error : Product {call.path['id']} not found")
    return product


@handles("product.products.is_available_at")
def is_available_at(call: Call) -> dict[str, Any]:
    """Whether a product is sold in the region of a postal code."""
    product = _product(call)
    zip_code = str(call.values["zip"])
    available = bool(product.body["availability"][_region(zip_code)])
    return {"product_id": str(product.product_id), "zip": zip_code, "available": available}


@handles("product.products.price_breakdown")
def price_breakdown(call: Call) -> dict[str, Any]:
    """A product's price, one line per component."""
    product = _product(call)
    price = product.body["price"]
    lines = [{"name": name, "amount": amount} for name, amount in price.items()]
    return {"product_id": str(product.product_id), "lines": lines, "monthly": price["monthly"]}


@handles("product.reviews.list")
def list_reviews(call: Call) -> list[dict[str, Any]]:
    """Twenty stable reviews spread over the suppliers."""
    suppliers = call.catalogue.suppliers()
    lang = call.values.get("lang", "nl")
    text = {
        "nl": "Vlotte overstap, duidelijke factuur.",
        "fr": "Changement facile, facture claire.",
    }
    return [
        {
            "review_id": str(n + 1),
            "supplier_id": suppliers[n % len(suppliers)]["supplier_id"],
            "rating": 5 + digest("review", n) % 6,
            "text": text.get(lang, text["nl"]),
            "date": f"2026-{1 + n % 9:02d}-{1 + n % 27:02d}",
        }
        for n in range(20)
    ]


@handles("product.sales_agents.list")
def list_sales_agents(call: Call) -> list[dict[str, Any]]:
    """A few fictional sales agents."""
    names = ("Lotte Janssens", "Hugo Dubois", "Emma Maes", "Lucas Lambert")
    return [
        {"sales_agent_id": str(n + 1), "name": name, "languages": ["nl", "fr"][: 1 + n % 2]}
        for n, name in enumerate(names)
    ]
