"""What each endpoint does, keyed by `EndpointMeta.key` (`crm.clients.get`, ...).

Routes, credentials and parameter checks come from the schema (`_app.py`); this module only
says what an already checked request does to the store or reads from the catalogue. A new
endpoint in `schema/` is served once a handler is registered here (a test fails until then).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from ._params import ApiProblem, Parsed
from ._store import address_identity, client_identity, order_identity

if TYPE_CHECKING:
    from .._meta import EndpointMeta
    from ._catalogue import Catalogue
    from ._store import Store

__all__ = ["HANDLERS", "Call", "Handler", "digest", "found", "handles"]


@attrs.frozen
class Call:
    """One checked request, handed to a handler."""

    endpoint: EndpointMeta
    path: dict[str, Any]
    """Path parameters, converted (`{"id": 63}`)."""
    params: Parsed | None
    """Checked query or form parameters; `None` when the endpoint takes none."""
    store: Store
    catalogue: Catalogue
    raw: dict[str, Any] = attrs.field(factory=dict)
    """Every parameter sent, credentials removed (for endpoints without a request model)."""

    @property
    def values(self) -> dict[str, Any]:
        """Checked parameters by wire name."""
        return {} if self.params is None else self.params.values


Handler = Callable[[Call], Any]
HANDLERS: dict[str, Handler] = {}


def handles(*keys: str) -> Callable[[Handler], Handler]:
    """Register a handler for the endpoints with these keys."""

    def register(handler: Handler) -> Handler:
        for key in keys:
            HANDLERS[key] = handler
        return handler

    return register


def found(kind: str, label: str, call: Call) -> dict[str, Any]:
    """The stored record for the path's `id`, or a 404 answer."""
    record = call.store.get(kind, call.path["id"])
    if record is None:
        msg = f"Api error : {label} {call.path['id']} not found"
        raise ApiProblem(404, msg)
    return record


@handles("crm.clients.get")
def get_client(call: Call) -> dict[str, Any]:
    """A stored client."""
    return found("clients", "Client", call)


@handles("crm.addresses.get")
def get_address(call: Call) -> dict[str, Any]:
    """A stored address."""
    return found("addresses", "Address", call)


@handles("crm.contracts.get")
def get_contract(call: Call) -> dict[str, Any]:
    """A stored contract (one is created with every order)."""
    return found("contracts", "Contract", call)


@handles("crm.clients.create")
def create_client(call: Call) -> dict[str, Any]:
    """Create a client, or update the one with the same email and segment."""
    record, _ = call.store.upsert("clients", client_identity(call.values), call.values)
    return record


@handles("crm.addresses.create")
def create_address(call: Call) -> dict[str, Any]:
    """Create an address of an existing client, or update the same address."""
    data = call.values
    if call.store.get("clients", data["client_id"]) is None:
        msg = f"Api error : Invalid parameters : Parameter client_id: no client {data['client_id']}"
        raise ApiProblem(400, msg)
    record, _ = call.store.upsert("addresses", address_identity(data["client_id"], data), data)
    return record


@handles("crm.orders.create")
def create_order(call: Call) -> dict[str, Any]:
    """Upsert the client, the address(es), the order and its contract, all in one transaction."""
    assert call.params is not None
    groups = call.params.groups
    store = call.store
    order = dict(groups.get("", {}))
    with store.transaction():
        client_data = groups.get("client", {})
        client, _ = store.upsert("clients", client_identity(client_data), client_data)
        order["client_id"] = client["id"]
        for group in ("address", "invoice_address"):
            if groups.get(group):
                data = {**groups[group], "client_id": client["id"]}
                address, _ = store.upsert("addresses", address_identity(client["id"], data), data)
                order[f"{group}_id"] = address["id"]
        facets = {
            "zipcode": str(groups.get("address", {}).get("postal_code", "")),
            "language": client_data.get("language"),
            "product_type": order.get("producttype"),
            "affiliate_id": order.get("affiliate_id"),
            "product_id": order.get("product_id"),
        }
        identity = order_identity(client["id"], order)
        stored, _ = store.upsert("orders", identity, order, facets=facets)
        contract_data = {
            "order_id": stored["id"],
            "client_id": client["id"],
            "address_id": order.get("address_id"),
            "producttype": order.get("producttype"),
            "supplier_id": order.get("supplier_id"),
            "product_id": order.get("product_id"),
            "status": "pending",
        }
        contract, _ = store.upsert("contracts", f"order:{stored['id']}", contract_data)
        stored, _ = store.upsert("orders", identity, {"contract_id": contract["id"]})
    return stored


@handles("crm.orders.latest")
def latest_orders(call: Call) -> list[dict[str, Any]]:
    """The newest orders, filtered as the official client's `latest` call allows."""
    values = call.values
    found = call.store.latest_orders(
        age_days=values.get("age"),
        zipcode=None if values.get("address_zipcode") is None else str(values["address_zipcode"]),
        language=values.get("client_language"),
        product_type=values.get("product_type"),
        affiliate_id=values.get("affiliate_id"),
        limit=values.get("limit", 10),
    )
    keep = ("id", "producttype", "supplier_id", "product_id", "affiliate_id", "created_at")
    return [
        {
            **{key: record.get(key) for key in keep},
            "product_type": record.get("producttype"),
            "address_zipcode": facets.get("zipcode"),
            "client_language": facets.get("language"),
        }
        for record, facets in found
    ]


@handles("crm.leads.create", "crm.leads.create_call_me_back", "crm.leads.create_click_out")
def create_lead(call: Call) -> dict[str, Any]:
    """Store a lead; identical leads are separate rows, as the CRM documents no de-duplication."""
    data = dict(call.values)
    if call.endpoint.name == "create_click_out":
        data.setdefault("lead_type", "click_out")
    return call.store.insert("leads", data)


def digest(*parts: object) -> int:
    """A stable number from the inputs (the same inputs give the same answer in every run)."""
    text = "|".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


@handles("crm.suppliers.rating")
def supplier_rating(call: Call) -> dict[str, Any]:
    """A made-up but stable rating out of 10 for a supplier, with its parts and a review count."""
    supplier_id = call.path["id"]
    seed = digest("rating", supplier_id)
    parts = {
        name: round(5 + (digest(name, supplier_id) % 450) / 100, 2)
        for name in ("service", "price", "switching", "information")
    }
    return {
        "supplier_id": supplier_id,
        "rating": round(sum(parts.values()) / len(parts), 2),
        "scores": parts,
        "count": 25 + seed % 2000,
    }


@handles("crm.usages.defaults")
def default_usages(call: Call) -> dict[str, Any]:
    """Estimated yearly usages in kWh for a household profile, stable for the same inputs.

    Under the keys the reference names (D-102): `du` day, `nu` night, `nou` exclusive night,
    `u` gas.
    """
    values = call.values
    producttype = values["producttype"]
    if producttype not in ("electricity", "gas", "dualfuel_pack"):
        msg = (
            "Api error : Invalid parameters : Parameter producttype must be one of"
            " electricity, gas, dualfuel_pack"
        )
        raise ApiProblem(400, msg)
    people = values.get("family_size") or 2
    jitter = digest(sorted(values.items())) % 200
    out: dict[str, Any] = {"producttype": producttype, "segment": values["segment"], "unit": "kWh"}
    if producttype in ("electricity", "dualfuel_pack"):
        total = 1200 + 700 * people + jitter
        if values.get("has_solar"):
            total = int(total * 0.6)
        two_rate = values.get("meter_type") not in (None, 1)
        out["du"] = int(total * 0.6) if two_rate else total
        out["nu"] = total - out["du"]
        out["nou"] = 0
    if producttype in ("gas", "dualfuel_pack"):
        gas = 9000 + 2500 * people + (values.get("home_size") or 0) * 40 + jitter * 10
        for isolated in ("roof_isolation", "wall_isolation"):
            if values.get(isolated):
                gas = int(gas * 0.85)
        if values.get("glass") == "double":
            gas = int(gas * 0.92)
        out["u"] = gas
    return out


def _statuses(values: dict[str, Any], key: str) -> list[int]:
    """Requested product statuses, active (1) by default."""
    wanted = values.get(key)
    if wanted is None or wanted == []:
        return [1]
    return list(wanted) if isinstance(wanted, list) else [int(wanted)]


@handles("product.products.list")
def list_products(call: Call) -> list[dict[str, Any]]:
    """Catalogue products filtered, sorted, limited and cut to the requested detail level."""
    values = call.values
    return call.catalogue.search(
        cat=values["cat"],
        lang=values.get("lang", "nl"),
        segment=values.get("sg"),
        supplier_ids=values.get("sid", ()),
        product_ids=values.get("productid", ()),
        statuses=_statuses(values, "status"),
        sort=values.get("sort", "fn"),
        limit=values.get("limit"),
        parts=values.get("detaillevel") or None,
    )


@handles("product.products.get")
def get_product(call: Call) -> Any:
    """One product of type `cat`, whatever its status; an empty list when there is none."""
    values = call.values
    product = call.catalogue.product(call.path["id"])
    if product is None or product.producttype != values["cat"]:
        if call.endpoint.many:
            return []
        msg = f"Api error : Product {call.path['id']} not found"
        raise ApiProblem(404, msg)
    found = product.render(values.get("lang", "nl"), values.get("detaillevel") or None)
    return [found] if call.endpoint.many else found


@handles("product.products.last_updated")
def last_updated(call: Call) -> dict[str, Any]:
    """The newest `last_update` over the matching products.

    The real server answers the bare date-time string (`real_shape`, D-105); with
    `real_shapes=False` the object form: `last_update` mirrors the products' own key and
    `last_updated` is the name in `schema/product/products.yaml`, both sent.
    """
    values = call.values
    found = call.catalogue.last_updated(
        cat=values.get("cat"),
        supplier_id=values.get("supplier_id"),
        statuses=_statuses(values, "active"),
    )
    return {"last_updated": found["last_update"], **found}
