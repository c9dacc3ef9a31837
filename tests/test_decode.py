"""Response decoding: every response model round-trips, unknown fields land in `extra`, PHP quirks are tolerated."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from resources.examples import wire_data

from econtract_async import MissingFieldError
from econtract_async._decode import Decoder
from econtract_async._generated import MODELS
from econtract_async.crm import Client
from econtract_async.product import Product, Review

RESPONSE_MODELS = sorted(
    (cls for cls in MODELS.values() if cls.__econtract__.kind == "response"),
    key=lambda cls: cls.__name__,
)


def unstructure(value: Any) -> Any:
    """A decoded model back to JSON data: wire names, nested models expanded, `extra` merged."""
    meta = getattr(type(value), "__econtract__", None)
    if meta is not None:
        out = {f.wire: unstructure(getattr(value, f.name, None)) for f in meta.fields}
        return {**{k: v for k, v in out.items() if v is not None}, **value.extra}
    if isinstance(value, dict):
        return {k: unstructure(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unstructure(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
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
        """The call succeeds: the field is unset and its value is kept as sent (D-052).

        `id` is always answered, so it is typed `int`: reading it from this answer raises
        `MissingFieldError`, an `AttributeError`, and `getattr` with a default reads it (D-162).
        """
        client = Decoder().one({"id": "not a number", "email": "a@b.be"}, Client)
        assert (getattr(client, "id", None), client.email) == (None, "a@b.be")
        assert client.extra == {"id": "not a number"}
        with pytest.raises(MissingFieldError, match="no 'id' for this Client") as caught:
            _ = client.id
        assert (caught.value.model, caught.value.field) == ("Client", "id")
        assert isinstance(caught.value, AttributeError)
        assert not hasattr(client, "id")
        assert repr(client) == "Client(email='a@b.be', extra={'id': 'not a number'})"

    def test_a_text_body_where_a_list_was_due_is_kept(self) -> None:
        """Not an error: one item holding the answer under `_body` (D-053)."""
        (item,) = Decoder().many("text", Product)
        assert item.extra == {"_body": "text"}


class TestPreciseTypes:
    """Dates, timestamps and languages are typed, tolerant of how servers write them (D-161)."""

    @pytest.mark.parametrize(
        ("sent", "read"),
        [
            ("1956-12-25", datetime.date(1956, 12, 25)),
            (" 1956-12-25 ", datetime.date(1956, 12, 25)),
            ("1956-12-25 00:00:00", datetime.date(1956, 12, 25)),
            ("1956-12-25T00:00:00.000000Z", datetime.date(1956, 12, 25)),
            ("0000-00-00", None),
            ("", None),
        ],
    )
    def test_dates(self, sent: str, read: datetime.date | None) -> None:
        client = Decoder().one({"id": 1, "birthdate": sent}, Client)
        assert (client.birthdate, client.extra) == (read, {})

    @pytest.mark.parametrize(
        ("sent", "read"),
        [
            ("2019-01-02 10:11:12", datetime.datetime(2019, 1, 2, 10, 11, 12)),
            ("2019-01-02T10:11", datetime.datetime(2019, 1, 2, 10, 11)),
            (
                "2019-01-02T10:11:12.000000Z",
                datetime.datetime(2019, 1, 2, 10, 11, 12, tzinfo=datetime.UTC),
            ),
            (
                "2019-01-02 10:11:12+01:00",
                datetime.datetime(
                    2019, 1, 2, 10, 11, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
                ),
            ),
            ("2019-01-02", datetime.datetime(2019, 1, 2)),
            (1546423872, datetime.datetime(2019, 1, 2, 10, 11, 12, tzinfo=datetime.UTC)),
            ("0000-00-00 00:00:00", None),
        ],
    )
    def test_timestamps(self, sent: Any, read: datetime.datetime | None) -> None:
        client = Decoder().one({"id": 1, "created_at": sent}, Client)
        assert (client.created_at, client.extra) == (read, {})

    @pytest.mark.parametrize("sent", ["yesterday", "2019-13-45", "25/12/1956", True, "٢٠١٩-01-02"])
    def test_an_unreadable_date_is_kept_as_sent(self, sent: Any) -> None:
        client = Decoder().one({"id": 1, "birthdate": sent, "created_at": sent}, Client)
        assert (client.birthdate, client.created_at) == (None, None)
        assert client.extra == {"birthdate": sent, "created_at": sent}

    @pytest.mark.parametrize(
        ("sent", "read"), [("nl", "nl"), ("FR", "fr"), ("nl_BE", "nl"), ("fr-be", "fr")]
    )
    def test_languages(self, sent: str, read: str) -> None:
        assert Decoder().one({"id": 1, "language": sent}, Client).language == read

    @pytest.mark.parametrize("sent", ["en", "de", "dutch", 1, ""])
    def test_another_language_is_kept_as_sent(self, sent: Any) -> None:
        client = Decoder().one({"id": 1, "language": sent}, Client)
        assert (client.language, client.extra) == (None, {"language": sent})


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


class TestOneObjectForAList:
    """D-130: an object answered for a list is PHP's index-keyed list only when non-empty, every
    key is decimal digits and every value an object or null; otherwise it is one item."""

    def test_index_keyed_objects_are_lists(self) -> None:
        """`{"0": {...}, "3": {...}, "7": null}`: the items, in order, the null dropped."""
        items = Decoder().many(
            {"0": {"product_id": 1}, "3": {"product_id": "2"}, "7": None}, Product
        )
        assert [item.product_id for item in items] == [1, 2]
        (review,) = Decoder().many({"12": {"review_id": "1"}}, Review)
        assert review.extra == {"review_id": "1"}

    def test_one_object_of_a_model_without_typed_fields_is_one_item(self) -> None:
        """The rule reads the keys and values, not the model: no typed field is needed."""
        (review,) = Decoder().many({"review_id": "1", "rating": 9}, Review)
        assert review.extra == {"review_id": "1", "rating": 9}

    @pytest.mark.parametrize(
        "body",
        [
            {"0": {"product_id": 1}, "name": {"product_id": 2}},  # a key that is not an index
            {"0": {"product_id": 1}, "1": "text"},  # a value that is not an object
            {"0": [{"product_id": 1}]},  # a list is not an object either
            {"٣": {"product_id": 1}},  # digits, but not ASCII decimal digits
            {"supplier": {"supplier_id": 1}},  # a typed key holding an object
        ],
        ids=["named-key", "scalar-value", "list-value", "non-ascii-digits", "typed-key"],
    )
    def test_anything_else_is_one_item(self, body: dict[str, Any]) -> None:
        (item,) = Decoder().many(body, Product)
        assert item == Decoder().one(body, Product)

    def test_typed_models_behave_as_before(self) -> None:
        """An object with a typed field is one item; `{}` is an empty list."""
        (product,) = Decoder().many({"product_id": "9", "name": "Eco"}, Product)
        assert product.product_id == 9
        assert Decoder().many({}, Product) == []
