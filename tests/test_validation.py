"""One `ValidationError` names every bad field, with Python path and wire name, before anything is sent."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import respx
from resources.examples import example_model, pairs_to_mapping

from econtract_async import EcontractClient, FieldError, ValidationError
from econtract_async.crm import ElectricityOrder, NewClient


def bad_order() -> dict[str, object]:
    """A valid electricity order as wire fields, with three of them broken."""
    order = pairs_to_mapping(example_model(ElectricityOrder).to_wire())
    order["client_email"] = "jan-at-example.be"
    order["address_postal_code"] = "!"
    order["ean"] = "541454000000001232"
    return order


@pytest.mark.asyncio
async def test_validation_names_every_bad_field_before_sending(
    make_client: Callable[..., EcontractClient],
) -> None:
    """Three bad fields of an order give three errors in one exception, and nothing is sent."""
    async with make_client() as ec:
        with respx.mock(assert_all_called=False) as router:
            route = router.route().mock(return_value=httpx.Response(200, json={}))
            with pytest.raises(ValidationError) as caught:
                await ec.crm.orders.create(bad_order())
    assert route.call_count == 0
    errors = caught.value.errors
    assert [(e.path, e.wire) for e in errors] == [
        ("ean", "ean"),
        ("client.email", "client_email"),
        ("address.postal_code", "address_postal_code"),
    ]
    message = str(caught.value)
    assert "3 invalid fields in ElectricityOrder" in message
    assert all(f"{e.path} ({e.wire})" in message for e in errors)


def test_constructor_collects_every_bad_field() -> None:
    """Building a model with several bad fields and a missing one reports them all at once."""
    with pytest.raises(ValidationError) as caught:
        NewClient(
            gender=1,
            segment=1,
            first_name="",
            last_name="Peeters",
            cellphone="12",
            email=None,  # type: ignore[arg-type]
            language="de",  # type: ignore[arg-type]
        )
    messages = {e.path: e.message for e in caught.value.errors}
    assert list(messages) == ["first_name", "cellphone", "email", "language"]
    assert messages["first_name"] == "must not be empty"
    assert messages["cellphone"].startswith("not a phone number")
    assert messages["email"] == "required"
    assert messages["language"] == "expected 'nl' or 'fr', got 'de'"
    assert isinstance(caught.value, ValueError)


def test_unknown_keys_are_errors_not_dropped() -> None:
    """A typo in a dict key is reported next to the value errors, never silently ignored."""
    data = {"frist_name": "Jan", "first_name": "Jan"}
    with pytest.raises(ValidationError) as caught:
        NewClient.from_mapping(data)
    assert FieldError("frist_name", "frist_name", "unknown field") in caught.value.errors
    assert {e.path for e in caught.value.errors} >= {"gender", "email", "frist_name"}


def test_text_from_a_csv_row_is_coerced() -> None:
    """Numbers, booleans and dates given as text become typed values; `""` is an explicit empty."""
    client = NewClient.from_mapping(
        {
            "gender": "1",
            "segment": " 2 ",
            "first_name": "Jan",
            "last_name": "Peeters",
            "birthdate": "1980-02-29",
            "cellphone": "0471234567",
            "email": "jan@example.be",
            "language": "nl",
            "fax": "",
        }
    )
    assert (client.gender, client.segment, client.fax) == (1, 2, "")
    assert ("fax", "") in client.to_wire()
    assert client.birthdate is not None
    assert client.birthdate.isoformat() == "1980-02-29"


def test_validation_error_survives_pickling() -> None:
    """A ValidationError crossing a process boundary keeps its model and errors."""
    import pickle

    error = ValidationError("NewClient", [FieldError("email", "email", "required")])
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.model, copy.errors, str(copy)) == (error.model, error.errors, str(error))
