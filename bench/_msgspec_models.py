"""The msgspec anchor for figure 3: the docs' product (msgspec drops unknown fields).

No `from __future__ import annotations`: msgspec resolves these annotations at runtime.
"""

from typing import Any

import msgspec


class Availability(msgspec.Struct):
    flanders: bool | None = None
    wallonia: bool | None = None
    brussels: bool | None = None


class Texts(msgspec.Struct):
    name: str | None = None
    oneliner: str | None = None
    explanation: str | None = None
    remarks: str | None = None


class Links(msgspec.Struct):
    terms_conditions: str | None = None
    clickout: str | None = None


class Logo(msgspec.Struct):
    color: str | None = None
    grayscale: str | None = None


class Supplier(msgspec.Struct):
    supplier_id: int | None = None
    name: str | None = None
    logo: dict[str, Logo] | None = None


class Specification(msgspec.Struct):
    value: Any = None
    unit: str | None = None


class Price(msgspec.Struct):
    monthly: float | None = None
    activation: float | None = None
    modem: float | None = None
    installation_full: float | None = None
    installation_diy: float | None = None
    line_rental: float | None = None


class Product(msgspec.Struct):
    producttype: str | None = None
    product_id: int | None = None
    group_id: int | None = None
    segment: str | None = None
    last_update: str | None = None
    last_update_timestamp: int | None = None
    contract_periods: list[int] | None = None
    availability: Availability | None = None
    texts: Texts | None = None
    links: Links | None = None
    supplier: Supplier | None = None
    options: Any = None
    promotions: Any = None
    specifications: dict[str, Specification] | None = None
    price: Price | None = None


def products() -> Any:
    """The type of a list of products."""
    return list[Product]
