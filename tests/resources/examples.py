"""Valid example values for any field, driven by its `FieldMeta`, so new endpoints need no new test code."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from econtract_async._meta import EndpointMeta, FieldMeta
from econtract_async._model import RequestModel

__all__ = [
    "example_model",
    "example_path_params",
    "example_value",
    "pairs_to_mapping",
    "wire_data",
    "wire_value",
]

_SCALARS: dict[str, Any] = {
    "string": "Example text",
    "identifier": "0012345",
    "integer": 7,
    "code": 1,
    "number": 80.5,
    "boolean": True,
    "date": datetime.date(2026, 11, 26),
    "datetime": datetime.datetime(2026, 11, 26, 15, 30, 0),
    "email": "jan.peeters@example.be",
    "phone": "0471234567",
    "language": "nl",
    "country": "BE",
    "ean": "541448800000000000",
    "iban": "BE68539007547034",
    "bic": "GKCCBEBB",
    "vat_be": "BE0123456749",
    "postal_code": "9000",
    "house_number": "10A",
    "ip_address": "192.0.2.10",
    "url": "https://example.be/tariffs",
}


def _scalar(ftype: str, field: FieldMeta) -> Any:
    if field.values:
        return field.values[0]
    value = _SCALARS[ftype]
    if ftype in {"integer", "code", "number"}:
        if field.min is not None:
            value = max(value, type(value)(field.min))
        if field.max is not None:
            value = min(value, type(value)(field.max))
    return value


def example_value(field: FieldMeta, *, full: bool = False) -> Any:
    """A value that passes every check of `field` (a nested model for `model` fields)."""
    if field.type == "model":
        assert field.model is not None
        return example_model(field.model, full=full)
    if field.type == "list":
        return [_scalar(field.item or "string", field)]
    return _scalar(field.type, field)


def _must_give(field: FieldMeta) -> bool:
    return field.required and not field.empty_ok and field.default is None


def example_model(cls: type[Any], *, full: bool = False) -> RequestModel:
    """A valid instance of request model `cls`: its required fields, or every field when `full`."""
    kwargs = {
        field.name: example_value(field, full=full)
        for field in cls.__econtract__.fields
        if field.type != "constant" and (full or _must_give(field))
    }
    model: RequestModel = cls(**kwargs)
    return model


def example_path_params(endpoint: EndpointMeta) -> tuple[Any, ...]:
    """Valid values for the placeholders of `endpoint`'s path, in order."""
    return tuple(example_value(field) for field in endpoint.path_params)


def pairs_to_mapping(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Decode wire pairs the way PHP does: `name[0]=a&name[1]=b` becomes a list under `name`."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key.endswith("]") and "[" in key:
            out.setdefault(key[: key.index("[")], []).append(value)
        else:
            out[key] = value
    return out


_VALUES: dict[str, Any] = {
    "integer": 7,
    "code": 7,
    "number": 80.5,
    "boolean": True,
    "date": "1956-12-25",
    "datetime": "2019-01-02T10:11:12",
    "language": "nl",
}
"""Wire values that decode and serialize back to themselves (dates and times as ISO 8601)."""


def wire_value(field: FieldMeta, depth: int = 0) -> Any:
    """A JSON value for `field` whose decoded form unstructures back to itself."""
    if field.type == "model":
        assert field.model is not None
        return wire_data(field.model, depth + 1)
    if field.type == "map":
        assert field.model is not None
        return {"first": wire_data(field.model, depth + 1)}
    if field.type == "list":
        return [_VALUES.get(field.item or "string", "text")]
    if field.type == "json":
        return {"any": [1, "two", None]}
    return _VALUES.get(field.type, f"{field.wire} text")


def wire_data(cls: type[Any], depth: int = 0) -> dict[str, Any]:
    """A JSON object with every field of response model `cls` and one unknown field."""
    data = {f.wire: wire_value(f, depth) for f in cls.__econtract__.fields}
    data[f"not_in_the_docs_{depth}"] = {"kept": True}
    return data
