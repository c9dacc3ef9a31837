"""The pydantic v2 anchor for figure 3: the docs' product, lax mode, unknown fields kept.

No `from __future__ import annotations`: pydantic resolves these annotations at runtime.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter


class Base(BaseModel):
    model_config = ConfigDict(extra="allow")


class Availability(Base):
    flanders: bool | None = None
    wallonia: bool | None = None
    brussels: bool | None = None


class Texts(Base):
    name: str | None = None
    oneliner: str | None = None
    explanation: str | None = None
    remarks: str | None = None


class Links(Base):
    terms_conditions: str | None = None
    clickout: str | None = None


class Logo(Base):
    color: str | None = None
    grayscale: str | None = None


class Supplier(Base):
    supplier_id: int | None = None
    name: str | None = None
    logo: dict[str, Logo] | None = None


class Specification(Base):
    value: Any = None
    unit: str | None = None


class Price(Base):
    monthly: float | None = None
    activation: float | None = None
    modem: float | None = None
    installation_full: float | None = None
    installation_diy: float | None = None
    line_rental: float | None = None


class Product(Base):
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


def products() -> TypeAdapter[list[Product]]:
    """The adapter for a list of products."""
    return TypeAdapter(list[Product])
