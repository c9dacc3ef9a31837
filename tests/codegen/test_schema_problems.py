"""Broken schema fixtures: every problem is reported at once, each with its file and key path."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen import SchemaError
from codegen.load import load_schema

CODES = {"codes": {"gender": {"description": "Gender of the person."}}}
THINGS: dict[str, Any] = {
    "api": "crm",
    "resource": "things",
    "title": "Things",
    "source": "a test fixture",
    "models": {
        "NewThing": {
            "kind": "request",
            "description": "A thing to create.",
            "fields": [
                {"wire": "name", "label": "Name", "type": "string", "description": "Name"},
                {
                    "wire": "gender",
                    "label": "Gender",
                    "type": "code",
                    "code": "gender",
                    "description": "Gender",
                },
            ],
        },
        "Thing": {
            "kind": "response",
            "description": "A thing.",
            "fields": [{"wire": "id", "type": "integer", "description": "ID"}],
        },
    },
    "endpoints": {
        "get": {
            "method": "GET",
            "path": "/api/things/{id}",
            "summary": "Get a thing",
            "retry": "safe",
            "path_params": [{"wire": "id", "label": "ID", "type": "integer", "description": "ID"}],
            "response": "Thing",
        },
        "create": {
            "method": "POST",
            "path": "/api/things",
            "summary": "Create a thing",
            "retry": "unsafe",
            "request": "NewThing",
            "response": "Thing",
        },
    },
}

Mutation = Callable[[dict[str, Any]], None]


def unknown_key(doc: dict[str, Any]) -> None:
    doc["models"]["NewThing"]["fields"][0]["requird"] = True


def unknown_type(doc: dict[str, Any]) -> None:
    doc["models"]["NewThing"]["fields"][0]["type"] = "strng"


def missing_key(doc: dict[str, Any]) -> None:
    del doc["models"]["Thing"]["fields"][0]["description"]


def missing_endpoint_key(doc: dict[str, Any]) -> None:
    del doc["endpoints"]["create"]["summary"]


def unknown_model(doc: dict[str, Any]) -> None:
    doc["endpoints"]["get"]["response"] = "Thingy"


def unknown_code(doc: dict[str, Any]) -> None:
    doc["models"]["NewThing"]["fields"][1]["code"] = "colour"


def include_cycle(doc: dict[str, Any]) -> None:
    doc["models"]["GroupA"] = {"kind": "group", "description": "A.", "include": ["GroupB"]}
    doc["models"]["GroupB"] = {"kind": "group", "description": "B.", "include": ["GroupA"]}


def bad_placeholder(doc: dict[str, Any]) -> None:
    doc["endpoints"]["get"]["path"] = "/api/things/{thing_id}"


def _phones(doc: dict[str, Any], model: str, country_field: str, *, phone: str = "phone") -> None:
    """A request model with a field naming `country_field` as its country (D-132)."""
    doc["models"][model] = {
        "kind": "request",
        "description": "Phones.",
        "fields": [
            {"wire": "nr", "label": "Nr", "type": phone, "country_field": country_field, "description": "A number"},
            {"wire": "nr_label", "label": "Label", "type": "string", "description": "Text"},
            {"wire": "nr_country", "label": "Country", "type": "country", "description": "Country"},
        ],
    }  # fmt: skip


def country_field_missing(doc: dict[str, Any]) -> None:
    _phones(doc, "PhoneMissing", "nr_land")


def country_field_not_a_country(doc: dict[str, Any]) -> None:
    _phones(doc, "PhoneString", "nr_label")


def country_field_not_on_a_phone(doc: dict[str, Any]) -> None:
    _phones(doc, "PhoneEmail", "nr_country", phone="email")


CASES: list[tuple[Mutation, str, str]] = [
    (unknown_key, "models.NewThing.fields[0].requird", "unknown key (did you mean 'required'?)"),
    (
        unknown_type,
        "models.NewThing.fields[0].type",
        "unknown type 'strng' (did you mean 'string'?)",
    ),
    (missing_key, "models.Thing.fields[0]", "missing required key 'description'"),
    (missing_endpoint_key, "endpoints.create", "missing required key 'summary'"),
    (unknown_model, "endpoints.get.response", "'Thingy' is not a response model"),
    (unknown_code, "models.NewThing.fields[1].code", "unknown code 'colour'"),
    (include_cycle, "models.Group", "include cycle"),
    (bad_placeholder, "endpoints.get.path_params", "must describe the placeholders ['thing_id']"),
    (
        country_field_missing,
        "models.PhoneMissing.fields[0].country_field",
        "'nr_land' must be a field of type country of PhoneMissing: PhoneMissing has no such field",
    ),
    (
        country_field_not_a_country,
        "models.PhoneString.fields[0].country_field",
        "'nr_label' must be a field of type country of PhoneString: PhoneString is a string",
    ),
    (
        country_field_not_on_a_phone,
        "models.PhoneEmail.fields[0].country_field",
        "only a field of type phone reads a country field, not one of type email",
    ),
]


def write_schema(root: Path, *mutations: Mutation) -> Path:
    """A schema folder with one resource file, after applying `mutations` to it."""
    doc = copy.deepcopy(THINGS)
    for mutate in mutations:
        mutate(doc)
    (root / "shared").mkdir(parents=True)
    (root / "crm").mkdir()
    (root / "shared" / "codes.yaml").write_text(yaml.safe_dump(CODES), encoding="utf-8")
    (root / "crm" / "things.yaml").write_text(
        yaml.safe_dump(doc, sort_keys=False), encoding="utf-8"
    )
    return root


def problems_of(schema: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(SchemaError) as caught:
        load_schema(schema)
    return [(p.file, p.key_path, p.message) for p in caught.value.problems]


def test_a_phone_naming_its_country_field_loads(tmp_path: Path) -> None:
    """`country_field` naming a country field of the same model, own or included, is carried."""

    def valid(doc: dict[str, Any]) -> None:
        _phones(doc, "Phones", "nr_country")
        doc["models"]["Phones"]["kind"] = "group"
        doc["models"]["MorePhones"] = {
            "kind": "request",
            "description": "Phones, and one more reading the included country.",
            "include": ["Phones"],
            "fields": [
                {"wire": "fax", "label": "Fax", "type": "phone", "country_field": "nr_country", "description": "Fax"},
            ],
        }  # fmt: skip

    spec = load_schema(write_schema(tmp_path, valid))
    fields = spec.model("MorePhones").fields
    assert [(f.name, f.country_field) for f in fields] == [
        ("nr", "nr_country"),
        ("nr_label", None),
        ("nr_country", None),
        ("fax", "nr_country"),
    ]


def test_the_unbroken_fixture_loads(tmp_path: Path) -> None:
    """The base fixture is valid, so each broken variant fails only for its own reason."""
    spec = load_schema(write_schema(tmp_path))
    assert [e.name for r in spec.resources for e in r.endpoints] == ["get", "create"]


@pytest.mark.parametrize(
    ("mutate", "key_path", "message"), CASES, ids=[c[0].__name__ for c in CASES]
)
def test_each_problem_names_file_and_key_path(
    tmp_path: Path, mutate: Mutation, key_path: str, message: str
) -> None:
    """A single broken key is reported with the file, the key path and a helpful message."""
    problems = problems_of(write_schema(tmp_path, mutate))
    assert any(
        file == "crm/things.yaml" and path.startswith(key_path) and message in text
        for file, path, text in problems
    ), problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """With every breakage in one file, one SchemaError lists all of them, and its message too."""
    with pytest.raises(SchemaError) as caught:
        load_schema(write_schema(tmp_path, *(case[0] for case in CASES)))
    problems = caught.value.problems
    for _, key_path, message in CASES:
        assert any(p.key_path.startswith(key_path) and message in p.message for p in problems)
        assert key_path in str(caught.value)
    assert all(p.file == "crm/things.yaml" for p in problems)
