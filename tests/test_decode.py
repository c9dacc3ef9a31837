"""Response decoding: every response model round-trips, unknown fields land in `extra`, PHP quirks are tolerated."""

from __future__ import annotations

from typing import Any

import pytest

from econtract_async._decode import Decoder
from econtract_async._generated import MODELS
from econtract_async._meta import FieldMeta
from econtract_async.crm import Client
from econtract_async.product import Product

RESPONSE_MODELS = sorted(
    (cls for cls in MODELS.values() if cls.__econtract__.kind == "response"),
    key=lambda cls: cls.__name__,
)
_VALUES: dict[str, Any] = {"integer": 7, "code": 7, "number": 80.5, "boolean": True}


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


def unstructure(value: Any) -> Any:
    """A decoded model back to JSON data: wire names, nested models expanded, `extra` merged."""
    meta = getattr(type(value), "__econtract__", None)
    if meta is not None:
        out = {f.wire: unstructure(getattr(value, f.name)) for f in meta.fields}
        return {**{k: v for k, v in out.items() if v is not None}, **value.extra}
    if isinstance(value, dict):
        return {k: unstructure(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unstructure(v) for v in value]
    return value


@pytest.mark.parametrize("cls", RESPONSE_MODELS, ids=[c.__name__ for c in RESPONSE_MODELS])
def test_every_response_model_round_trips(cls: type[Any]) -> None:
    """Structure a full JSON object, unstructure it, and get the same data, unknown fields included."""
    data = wire_data(cls)
    model = Decoder().one(data, cls)
    assert model.extra == {"not_in_the_docs_0": {"kept": True}}
    assert unstructure(model) == data


class TestLenientDecoding:
    def test_ids_as_text_and_flags_as_digits_are_typed(self) -> None:
        """PHP often sends numbers as strings and booleans as "0"/"1"."""
        product = Decoder().one(
            {"product_id": "42", "availability": {"flanders": "1", "wallonia": 0}}, Product
        )
        assert product.product_id == 42
        assert product.availability is not None
        assert (product.availability.flanders, product.availability.wallonia) == (True, False)

    def test_php_empty_array_is_an_empty_object_or_list(self) -> None:
        """`[]` stands for an empty object; `{}` for an empty list."""
        decoder = Decoder()
        assert decoder.one([], Client) == Client()
        assert decoder.many({}, Product) == []
        assert decoder.many({"3": {"product_id": 3}}, Product)[0].product_id == 3

    def test_a_value_that_fits_no_type_is_kept_in_extra(self) -> None:
        """The call succeeds: the field stays None and its value is kept as sent (D-052)."""
        client = Decoder().one({"id": "not a number", "email": "a@b.be"}, Client)
        assert (client.id, client.email) == (None, "a@b.be")
        assert client.extra == {"id": "not a number"}

    def test_a_text_body_where_a_list_was_due_is_kept(self) -> None:
        """Not an error: one item holding the answer under `_body` (D-053)."""
        (item,) = Decoder().many("text", Product)
        assert item.extra == {"_body": "text"}


class TestResponseShapes:
    """Every shape wire-protocol.md's "Responses" section lists, at the field level."""

    def test_ids_numbers_and_booleans_as_strings(self) -> None:
        """`"8"`, `"19.65"`, `"1"`/`"0"`, `1`/`0`, `"true"` are typed."""
        product = Decoder().one(
            {
                "product_id": "8",
                "contract_periods": ["12", 24],
                "availability": {"flanders": 1, "wallonia": "0", "brussels": "true"},
                "price": {"monthly": "19.65"},
            },
            Product,
        )
        assert product.product_id == 8
        assert product.contract_periods == [12, 24]
        assert product.availability is not None
        assert (
            product.availability.flanders,
            product.availability.wallonia,
            product.availability.brussels,
        ) == (True, False, True)
        assert product.price is not None
        assert product.price.monthly == 19.65

    def test_null_where_an_object_is_expected(self) -> None:
        """`null` for a nested object, a map or the whole body is "not sent"."""
        product = Decoder().one({"supplier": None, "specifications": None}, Product)
        assert (product.supplier, product.specifications) == (None, None)
        assert Decoder().one(None, Client) == Client()
        assert Decoder().many(None, Product) == []

    def test_a_detail_answered_as_a_list_and_a_list_as_one_object(self) -> None:
        """`[{...}]` for one object; one object for a list, at the top and in fields."""
        assert Decoder().one([{"id": "5"}], Client).id == 5
        (only,) = Decoder().many({"product_id": 9}, Product)
        assert only.product_id == 9
        product = Decoder().one(
            {"supplier": [{"supplier_id": "36"}], "contract_periods": "12"}, Product
        )
        assert product.supplier is not None
        assert product.supplier.supplier_id == 36
        assert product.contract_periods == [12]

    def test_a_nested_value_of_the_wrong_shape_is_kept_in_extra(self) -> None:
        """A text where an object is due: the field is None, the text in `extra`."""
        product = Decoder().one({"supplier": "Belcenter", "product_id": 1}, Product)
        assert product.supplier is None
        assert product.extra == {"supplier": "Belcenter"}

    def test_a_nested_unknown_key_stays_in_the_nested_extra(self) -> None:
        """Unknown keys are kept where they were sent."""
        product = Decoder().one({"supplier": {"supplier_id": 1, "rating": 4}}, Product)
        assert product.supplier is not None
        assert product.supplier.extra == {"rating": 4}
