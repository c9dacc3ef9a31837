"""`to_dict` / `to_json` / `from_dict` on every generated model, request and response."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from econtract_async import crm, product
from econtract_async._meta import flatten
from econtract_async._model import RequestModel, ResponseModel
from econtract_async.crm import Client, NewClient

from .examples import example_model, wire_data


def _public_models(kind: type[Any]) -> list[type[Any]]:
    found = {
        obj
        for module in (crm, product)
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, kind) and obj is not kind
    }
    return sorted(found, key=lambda cls: cls.__name__)


REQUEST_MODELS = _public_models(RequestModel)
RESPONSE_MODELS = _public_models(ResponseModel)


def test_every_generated_model_is_covered() -> None:
    """Both public modules export request and response models, and the lists hold them all."""
    assert NewClient in REQUEST_MODELS
    assert Client in RESPONSE_MODELS
    assert len(REQUEST_MODELS) > 10
    assert len(RESPONSE_MODELS) > 10


@pytest.mark.parametrize("cls", REQUEST_MODELS, ids=[c.__name__ for c in REQUEST_MODELS])
@pytest.mark.parametrize("full", [False, True], ids=["required", "every-field"])
def test_request_model_round_trips(cls: type[Any], full: bool) -> None:
    """Python names, wire names and JSON text all read back into an equal model."""
    model = example_model(cls, full=full)
    by_name = model.to_dict()
    assert set(by_name) == {f.name for f in cls.__econtract__.fields}
    assert cls.from_dict(by_name) == model
    by_wire = model.to_dict(wire=True)
    if full:
        assert set(by_wire) == {f.wire for f in flatten(cls.__econtract__)}
    assert cls.from_dict(by_wire) == model
    text = model.to_json()
    assert cls.from_dict(json.loads(text)) == model
    assert cls.from_dict(json.loads(model.to_json(wire=True))) == model


@pytest.mark.parametrize("cls", RESPONSE_MODELS, ids=[c.__name__ for c in RESPONSE_MODELS])
def test_response_model_round_trips(cls: type[Any]) -> None:
    """Every field, nested ones and unknown ones, survives both forms and JSON."""
    data = wire_data(cls)
    model = cls._econtract_decode(data)
    by_name = model.to_dict()
    assert set(by_name) == {f.name for f in cls.__econtract__.fields} | {"extra"}
    assert by_name["extra"] == {"not_in_the_docs_0": {"kept": True}}
    assert cls.from_dict(by_name) == model
    by_wire = model.to_dict(wire=True)
    assert by_wire.keys() == data.keys()  # the server's names, unknown keys merged back
    assert cls.from_dict(by_wire) == model
    assert cls.from_dict(json.loads(model.to_json())) == model
    assert json.loads(model.to_json(wire=True)) == data


def test_dates_are_iso_text_in_json_and_dates_again_when_read_back() -> None:
    model = NewClient(
        gender=1,
        segment=1,
        first_name="Jan",
        last_name="Peeters",
        cellphone="0471234567",
        email="jan@example.be",
        language="nl",
        birthdate=datetime.date(1980, 3, 22),
    )
    assert model.to_dict()["birthdate"] == datetime.date(1980, 3, 22)
    assert json.loads(model.to_json())["birthdate"] == "1980-03-22"
    assert NewClient.from_dict(json.loads(model.to_json())).birthdate == datetime.date(1980, 3, 22)
    assert json.loads(model.to_json(indent=2)) == json.loads(model.to_json())


def test_a_value_that_did_not_fit_comes_back_as_sent() -> None:
    """A response value kept in `extra` (wrong type) is the server's value again in wire form."""
    model = Client._econtract_decode({"id": "not a number", "first_name": "Jan"})
    assert getattr(model, "id", None) is None
    assert model.to_dict(wire=True)["id"] == "not a number"
    assert Client.from_dict(model.to_dict()) == model


def test_to_dict_is_a_copy() -> None:
    model = Client._econtract_decode({"id": 3, "unknown": 1})
    model.to_dict()["extra"]["unknown"] = 2
    assert model.extra == {"unknown": 1}


def test_from_dict_reports_every_bad_field_of_a_request_model() -> None:
    from econtract_async import ValidationError

    with pytest.raises(ValidationError) as caught:
        NewClient.from_dict({"gender": "x", "email": "nope", "first_name": "\ud800"})
    fields = {e.path for e in caught.value.errors}
    assert {"gender", "email", "first_name"} <= fields


def test_json_of_hostile_text_never_crashes() -> None:
    """A lone surrogate the server sent is escaped in JSON, not a crash."""
    model = Client._econtract_decode({"first_name": "\ud800", "last_name": "a\n"})
    assert Client.from_dict(json.loads(model.to_json())) == model
