"""The golden test: a fixture schema with one field of every type, its generated module compared
to a checked-in expected file, and that module's behaviour asserted.

After a deliberate change to codegen, `make regen-golden` rewrites the expected file; review its
diff like any other code.
"""

from __future__ import annotations

import datetime
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import codegen
from econtract_async import ValidationError
from econtract_async._resource_bases import LeadsResourceBase
from econtract_async._vocabulary import STRUCTURAL_TYPES, VOCABULARY

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = GOLDEN / "schema"
EXPECTED = GOLDEN / "golden.py.expected"


def test_generated_module_equals_the_expected_file() -> None:
    """Rendering the fixture schema gives exactly the reviewed module (`make regen-golden`)."""
    rendered = codegen.render_sources(SCHEMA)["crm.py"]
    assert rendered == EXPECTED.read_text(encoding="utf-8"), "run `make regen-golden` and review"


def test_the_fixture_has_a_field_of_every_type() -> None:
    """A new vocabulary type cannot be added without a golden field of it."""
    data = yaml.safe_load((SCHEMA / "crm" / "golden.yaml").read_text(encoding="utf-8"))
    used = {f["type"] for model in data["models"].values() for f in model.get("fields", ())}
    used |= {f["item"] for m in data["models"].values() for f in m.get("fields", ()) if "item" in f}
    assert used >= set(VOCABULARY) | set(STRUCTURAL_TYPES)


def test_the_generated_module_imports_only_the_runtime_base() -> None:
    """Generated code is a leaf: no feature module (bulk, sandbox, cli, client) is imported."""
    imports = [
        line
        for line in EXPECTED.read_text(encoding="utf-8").splitlines()
        if line.startswith(("import ", "from "))
    ]
    allowed = (
        "from . import _checks",
        "from . import _decode",
        "from . import _vocabulary",
        "from ._exceptions ",
        "from ._meta ",
        "from ._model ",
        "from ._options ",
        "from ._resource ",
        "from ._resource_bases ",
        "from ._validation ",
        "from __future__ ",
        "from collections.abc ",
        "from typing ",
        "import attrs",
        "import builtins",
        "import datetime",
        "import re",
    )
    assert [line for line in imports if not line.startswith(allowed)] == []


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The fixture's generated CRM module, imported as `econtract_async._golden`."""
    out = tmp_path_factory.mktemp("golden")
    codegen.generate(SCHEMA, out)
    spec = importlib.util.spec_from_file_location("econtract_async._golden", out / "crm.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["econtract_async._golden"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["econtract_async._golden"]


VALID: dict[str, Any] = {
    "text": "Abc",
    "meter_nr": "0012345",
    "count": "3",
    "colour": 2,
    "amount": "80,5",
    "flag": "ja",
    "day": "2026-11-26",
    "at": "2026-11-26 09:05",
    "email": "jan@example.be",
    "fax": "",
    "country": "BE",
    "ean": "541448800000000000",
    "iban": "BE68 5390 0754 7034",
    "bic": "GEBABEBB",
    "vat": "BE0123456749",
    "zipcode": 2000,
    "ip": "192.0.2.10",
    "link": "https://example.be/a b".replace(" ", "%20"),
    "unit": "m3",
    "ids": "4, 5",
    "group_street": "Markt",
    "group_nr": "1A",
}


class TestBehaviour:
    def test_a_valid_row_is_coerced_and_encoded(self, golden: ModuleType) -> None:
        """Text becomes typed values; the wire form is each type's rule, in schema order."""
        model = golden.GoldenRequest.from_mapping(VALID)
        assert (model.count, model.amount, model.flag) == (3, 80.5, True)
        assert model.day == datetime.date(2026, 11, 26)
        assert model.at == datetime.datetime(2026, 11, 26, 9, 5)
        assert model.ids == [4, 5]
        assert model.lang == "nl"
        assert model.group == golden.GoldenGroup(street="Markt", nr="1A")
        assert model.to_wire() == [
            ("text", "Abc"),
            ("meter_nr", "0012345"),
            ("count", "3"),
            ("colour", "2"),
            ("amount", "80.5"),
            ("flag", "1"),
            ("day", "2026-11-26"),
            ("at", "2026-11-26 09:05:00"),
            ("email", "jan@example.be"),
            ("fax", ""),
            ("lang", "nl"),
            ("country", "BE"),
            ("ean", "541448800000000000"),
            ("iban", "BE68 5390 0754 7034"),
            ("bic", "GEBABEBB"),
            ("vat", "BE0123456749"),
            ("zip", "2000"),
            ("ip", "192.0.2.10"),
            ("link", "https://example.be/a%20b"),
            ("unit", "m3"),
            ("ids[0]", "4"),
            ("ids[1]", "5"),
            ("group_street", "Markt"),
            ("group_nr", "1A"),
            ("kind", "golden"),
        ]

    def test_the_constructor_accepts_the_same_values(self, golden: ModuleType) -> None:
        """Python names and the same text values give the same model."""
        kwargs = {("zip" if k == "zipcode" else k): v for k, v in VALID.items()}
        kwargs = {k: v for k, v in kwargs.items() if not k.startswith("group_")}
        kwargs["group"] = {"street": "Markt", "nr": "1A"}
        assert golden.GoldenRequest(**kwargs) == golden.GoldenRequest.from_mapping(VALID)

    def test_every_bad_field_is_reported_once(self, golden: ModuleType) -> None:
        """One bad value per type: one ValidationError naming each field by its wire name."""
        bad = {
            "text": "A1",
            "meter_nr": "00\n12",
            "count": "10",
            "colour": "x",
            "amount": "one",
            "flag": "maybe",
            "day": "26/11/2026",
            "at": "2026-11-26",
            "email": "jan@",
            "fax": "12",
            "mobile": "0151",
            "lang": "de",
            "country": "BEL",
            "ean": "541448800000000001",
            "iban": "BE68539007547035",
            "bic": "GEBA",
            "vat": "BE0123456748",
            "zip": "!",
            "ip": "300.1.1.1",
            "link": "ftp://x",
            "unit": "l",
            "ids": "4 x",
            "group_nr": "0",
            "kind": "other",
            "extra_column": "1",
        }
        with pytest.raises(ValidationError) as caught:
            golden.GoldenRequest.from_mapping(bad)
        wires = [e.wire for e in caught.value.errors]
        assert sorted(wires) == sorted(
            [k for k in bad if k != "group_nr"] + ["group_street", "group_nr"]
        )

    def test_not_given_and_explicit_empty(self, golden: ModuleType) -> None:
        """A required empty_ok identifier goes out empty when not given; `fax=""` is sent."""
        model = golden.GoldenRequest(text="Abc", fax="")
        assert model.to_wire() == [
            ("text", "Abc"),
            ("meter_nr", ""),
            ("fax", ""),
            ("lang", "nl"),
            ("kind", "golden"),
        ]

    def test_a_phone_reads_its_country_field(self, golden: ModuleType) -> None:
        """`country_field`: a national number of the country in `country` unless it is BE."""
        model = golden.GoldenRequest(text="Abc", mobile="0151 1234567", country="de")
        assert ("mobile", "0151 1234567") in model.to_wire()
        assert (
            golden.GoldenRequest.from_mapping(
                {"text": "Abc", "mobile": "0151 1234567", "country": "de"}
            )
            == model
        )
        for country in (None, "BE"):
            with pytest.raises(ValidationError) as caught:
                golden.GoldenRequest(text="Abc", mobile="0151 1234567", country=country)
            assert [e.wire for e in caught.value.errors] == ["mobile"]
        assert golden.GoldenRequest.__econtract__.field("mobile").country_field == "country"

    def test_a_model_of_constants_only(self, golden: ModuleType) -> None:
        """Nothing to pass; the integer constant is sent as `0` and read back from 0 or `"0"`."""
        fixed = golden.GoldenFixed()
        assert fixed.number == 0
        assert fixed.to_wire() == [("number", "0")]
        for given in ({}, {"number": 0}, {"number": "0"}, {"number": ""}):
            assert golden.GoldenFixed.from_mapping(given) == fixed, given
        cells = {key: str(value) for key, value in fixed.to_dict(wire=True).items()}
        assert cells == {"number": "0"}  # as a CSV writer and reader would keep it
        assert golden.GoldenFixed.from_mapping(cells) == fixed
        assert golden.GoldenFixed.from_dict(fixed.to_dict()) == fixed
        with pytest.raises(ValidationError) as caught:
            golden.GoldenFixed.from_mapping({"number": "1"})
        assert [(e.wire, e.message) for e in caught.value.errors] == [
            ("number", "always 0 for GoldenFixed, got '1'")
        ]
        with pytest.raises(TypeError):
            golden.GoldenFixed(number=0)

    def test_the_response_decoder_is_lenient(self, golden: ModuleType) -> None:
        """Strings for numbers and flags, an alias, one object for a list, untyped -> extra."""
        answer = golden.GoldenAnswer._econtract_decode(
            {
                "id": "7",
                "ratio": "0.5",
                "ok": "1",
                "title": "Hello",
                "meter_nr": 12345,
                "part": [{"name": "a"}],
                "parts": {"name": "b"},
                "by_name": [],
                "periods": "12",
                "raw": {"any": [1]},
                "unknown": True,
            }
        )
        assert (answer.id, answer.ratio, answer.ok, answer.label) == (7, 0.5, True, "Hello")
        assert answer.meter_nr == "12345"
        assert answer.part == golden.GoldenPart(name="a")
        assert answer.parts == [golden.GoldenPart(name="b")]
        assert (answer.by_name, answer.periods, answer.raw) == ({}, [12], {"any": [1]})
        assert answer.extra == {"unknown": True}
        untyped = golden.GoldenAnswer._econtract_decode({"id": "seven", "part": "x"})
        assert (untyped.id, untyped.part) == (None, None)
        assert untyped.extra == {"id": "seven", "part": "x"}

    def test_the_resource_extends_its_hand_written_base(self, golden: ModuleType) -> None:
        """`base:` names a class of `_resource_bases`; the resource class extends it."""
        assert issubclass(golden.GoldenResource, LeadsResourceBase)
