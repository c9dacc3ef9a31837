"""The pydantic v2 anchor for figure 3: the docs' product, lax mode, unknown fields kept.

No `from __future__ import annotations`: pydantic resolves these annotations at runtime.
"""

from datetime import date, datetime
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


class LeadAddress(Base):
    street: str
    nr: str
    postal_code: str
    city: str
    country: str


class Lead(Base):
    """The anchor for the CSV-row figure: the third-party lead's typed fields, lax mode."""

    gender: int | None = None
    segment: int | None = None
    first_name: str
    last_name: str
    birthdate: date | None = None
    cellphone: str | None = None
    cellphone_country: str | None = None
    landline: str | None = None
    landline_country: str | None = None
    email: str
    language: str
    producttype_id: int | None = None
    supplier_id: int | None = None
    product_id: int | None = None
    affiliate_id: int | None = None
    remarks: str | None = None
    address: LeadAddress | None = None
    batch: str | None = None
    call_at: datetime | None = None


def lead_row_model(row: dict[str, str]) -> Lead:
    """A lead from a CSV row, the `address_` columns grouped first (pydantic has no prefixes)."""
    data: dict[str, Any] = {k: v for k, v in row.items() if not k.startswith("address_")}
    data["address"] = {k[8:]: v for k, v in row.items() if k.startswith("address_")}
    return Lead.model_validate(data)
