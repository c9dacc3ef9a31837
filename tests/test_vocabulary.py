"""The type vocabulary: one definition per schema type, complete, and safe on hostile input."""

from __future__ import annotations

import contextlib
import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from econtract_async import ValidationError, unverified
from econtract_async._vocabulary import (
    STRUCTURAL_TYPES,
    VOCABULARY,
    Invalid,
    ScalarType,
    Untyped,
    check_ean,
    check_iban,
    check_phone,
    check_vat_be,
    ean_check_digit,
)
from econtract_async.crm import NewAddress, NewClient

ROOT = Path(__file__).resolve().parent.parent
TYPES = sorted(VOCABULARY)
SAMPLES: dict[str, list[Any]] = {
    "string": ["Jan", "", "Liège"],
    "identifier": ["0012345", "AB12345", 12345, 0],
    "integer": [7, -3, 0],
    "code": [1, 36],
    "number": [80.5, 3.0, -1.25],
    "boolean": [True, False],
    "date": [datetime.date(2026, 11, 26)],
    "datetime": [datetime.datetime(2026, 11, 26, 9, 5)],
    "email": ["jan@example.be"],
    "phone": ["0471234567", "+32471234567"],
    "language": ["nl", "fr"],
    "country": ["BE", "nl"],
    "ean": ["541448800000000000"],
    "iban": ["BE68539007547034"],
    "bic": ["GEBABEBB"],
    "vat_be": ["BE0123456749"],
    "postal_code": ["2000", 2000, "1000 AB"],
    "house_number": ["12", 12, "10A", "10-12"],
    "ip_address": ["192.0.2.10", "2001:db8::1"],
    "url": ["https://example.be/tarief.pdf"],
    "enum": ["kwh"],
}


@pytest.mark.parametrize("name", TYPES)
def test_every_type_has_every_behaviour(name: str) -> None:
    """Each type defines its annotation, check, coercion, encoding, sandbox parser and decoder."""
    kind = VOCABULARY[name]
    assert isinstance(kind, ScalarType)
    assert kind.name == name
    assert kind.annotation
    assert kind.response
    assert kind.exact
    assert kind.wire
    for behaviour in (kind.check, kind.coerce, kind.encode, kind.parse, kind.decode):
        assert callable(behaviour)
        assert behaviour.__module__ == "econtract_async._vocabulary"
        assert behaviour.__doc__, f"{name}: {behaviour.__name__} has no docstring"
    assert SAMPLES[name], "every type needs samples in this test"


@pytest.mark.parametrize("name", TYPES)
def test_samples_pass_encode_and_parse_back(name: str) -> None:
    """A valid value passes its check; its wire text is what the inline rule writes too; the
    sandbox parses that text without complaint."""
    kind = VOCABULARY[name]
    for value in SAMPLES[name]:
        assert type(value) in kind.exact, value
        assert kind.check(value) is None, value
        text = kind.encode(value)
        assert isinstance(text, str)
        if kind.encode_inline is not None:
            assert (
                eval(kind.encode_inline.format(v="value")) == text
            )  # the expression codegen writes
        kind.parse(text)


def test_no_other_module_lists_the_types() -> None:
    """The type table is written once: no other source module names three or more type names
    as string literals on one line, or in one set/dict/tuple literal."""
    names = "|".join(sorted(VOCABULARY, key=len, reverse=True))
    literal = re.compile(rf"[\"']({names})[\"']")
    offenders = []
    for path in [
        *(ROOT / "src" / "econtract_async").rglob("*.py"),
        *(ROOT / "codegen").rglob("*.py"),
    ]:
        source = path.read_text(encoding="utf-8")
        if source.startswith("# @generated") or path.name == "_vocabulary.py":
            continue
        for block in re.split(r"\n\s*\n", source):
            found = set(literal.findall(block))
            if len(found) >= 3:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(found)}")
    assert offenders == []


def test_structural_types_are_described() -> None:
    """The composite types are named once too, with what they are built from."""
    assert set(STRUCTURAL_TYPES) == {"list", "model", "map", "json", "constant"}
    assert not set(STRUCTURAL_TYPES) & set(VOCABULARY)


HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.text().map(lambda t: t + "\n"),
    st.sampled_from(
        ["\ud800", "a\udfffb", "١٢", "٥٤١٤٤٨٨٠٠٠٠٠٠٠٠٠٠٠", "0", "x" * 100_000, "1" * 5000]
    ),
    st.just(10**5000),
    st.binary(),
    st.lists(st.integers(), max_size=3),
    st.dates(),
    st.datetimes(),
)


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_coerce_then_check_never_raises_anything_else(value: Any) -> None:
    """Whatever a caller passes: a value, `Invalid`, never another exception."""
    for kind in VOCABULARY.values():
        refused: str | None = None
        try:
            if type(value) not in kind.exact:
                value_ = kind.coerce(value)
                assert type(value_) in kind.exact or isinstance(value_, float)
            else:
                problem = kind.check(value)
                assert problem is None or isinstance(problem, str)
        except Invalid as exc:
            refused = exc.message
        assert refused is None or refused


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_decode_never_raises_anything_but_untyped(value: Any) -> None:
    """A response value is typed or `Untyped` (then kept in `extra`), never a crash."""
    for kind in VOCABULARY.values():
        with contextlib.suppress(Untyped):
            kind.decode(value)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_raises_only_value_error(text: str) -> None:
    """The sandbox reads any wire text as a value or refuses it in the API's words."""
    for kind in VOCABULARY.values():
        refusal = ""
        try:
            kind.parse(text)
        except ValueError as exc:
            refusal = str(exc)
        assert not refusal or refusal.startswith("must be")


class TestHostileInput:
    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("email", "jan@example.be\n"),
            ("phone", "0471234567\n"),
            ("country", "BE\n"),
            ("bic", "GEBABEBB\n"),
            ("postal_code", "2000\n"),
            ("house_number", "12\n"),
            ("iban", "BE68539007547034\n"),
            ("ean", "541448800000000000\n"),
            ("url", "https://example.be/\n"),
            ("identifier", "0012345\n"),
            ("ip_address", "192.0.2.10\n"),
        ],
    )
    def test_a_trailing_newline_is_refused(self, name: str, value: str) -> None:
        """`$` would match before a final newline; every check matches the whole value."""
        assert VOCABULARY[name].check(value) is not None

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("phone", "٠٤٧١٢٣٤٥٦٧"),
            ("ean", "٥٤١٤٤٨٨٠٠٠٠٠٠٠٠٠٠٠"),
            ("postal_code", "٢٠٠٠"),
            ("house_number", "١٢"),
            ("ip_address", "١٩٢.٠.٢.١٠"),  # noqa: RUF001 (the point of the test)
        ],
    )
    def test_non_ascii_digits_are_refused(self, name: str, value: str) -> None:
        """Arabic-Indic digits are digits to `str.isdigit` and `\\d`, never to the API."""
        assert VOCABULARY[name].check(value) is not None

    @pytest.mark.parametrize("name", ["integer", "number"])
    def test_non_ascii_digits_do_not_become_numbers(self, name: str) -> None:
        """`int('١٢')` is 12 in Python; as text for a number it is refused."""
        with pytest.raises(Invalid):
            VOCABULARY[name].coerce("١٢")

    @pytest.mark.parametrize("value", [0, "0", "00", "0A"])
    def test_house_number_zero_is_refused(self, value: Any) -> None:
        """A house number starts with a number above 0."""
        assert VOCABULARY["house_number"].check(value) is not None

    def test_lone_surrogates_are_refused_by_every_text_type(self) -> None:
        """Text that cannot be UTF-8 encoded is bad input for every text type."""
        for kind in VOCABULARY.values():
            if kind.text and str in kind.exact:
                assert kind.check("a\ud800b") is not None, kind.name

    def test_an_iban_with_a_newline_is_a_validation_error(self) -> None:
        """Through a model: ValidationError, not ValueError from int()."""
        with pytest.raises(ValidationError) as caught:
            NewClient(**valid_client(iban="BE68539007547034\n"))
        assert [e.path for e in caught.value.errors] == ["iban"]

    def test_a_lone_surrogate_in_a_model_is_a_validation_error(self) -> None:
        """Every text field refuses it with a clear message."""
        with pytest.raises(ValidationError) as caught:
            NewClient(**valid_client(first_name="Jan\ud800", company="\udfff"))
        assert [e.path for e in caught.value.errors] == ["first_name", "company"]
        assert "surrogate" in caught.value.errors[0].message

    def test_address_number_zero_through_a_model(self) -> None:
        """`nr=0` is refused at construction like any other bad field."""
        with pytest.raises(ValidationError) as caught:
            NewAddress(
                client_id=1,
                street="Markt",
                nr=0,
                box="",
                postal_code="2000",
                city="A",
                country="BE",
            )
        assert [e.path for e in caught.value.errors] == ["nr"]


def valid_client(**changes: Any) -> dict[str, Any]:
    """The fields of a valid `NewClient`, with `changes`."""
    fields: dict[str, Any] = {
        "gender": 1,
        "segment": 1,
        "first_name": "Jan",
        "last_name": "Peeters",
        "cellphone": "0471234567",
        "email": "jan@example.be",
        "language": "nl",
    }
    return {**fields, **changes}


class TestEan:
    @pytest.mark.parametrize("ean", ["541448800000000000", "541454000000001231"])
    def test_documented_valid_examples_pass(self, ean: str) -> None:
        """The examples from wire-protocol.md carry a correct GS1 check digit."""
        assert check_ean(ean) is None

    def test_wrong_check_digit_is_named(self) -> None:
        """541454000000001232 fails, and the message gives the expected digit."""
        problem = check_ean("541454000000001232")
        assert problem is not None
        assert "expected 1" in problem

    @pytest.mark.parametrize("value", ["54145400000000123A", "5414540000000012"])
    def test_non_digits_and_wrong_lengths_fail(self, value: str) -> None:
        """Letters and 16 digits are refused."""
        assert check_ean(value) is not None

    def test_an_int_is_not_an_ean(self) -> None:
        """An EAN is text: an int would lose leading zeros."""
        with pytest.raises(Invalid):
            VOCABULARY["ean"].coerce(541448800000000000)

    def test_check_digit_weighs_odd_positions_by_three(self) -> None:
        """The GS1 rule: 3 for the 1st, 3rd, ... digits, 1 for the others."""
        assert ean_check_digit("54145400000000123") == 1
        assert ean_check_digit("10000000000000000") == 7


class TestIbanAndVat:
    @pytest.mark.parametrize(
        "iban", ["BE68539007547034", "BE68 5390 0754 7034", "NL91ABNA0417164300"]
    )
    def test_valid_ibans_pass(self, iban: str) -> None:
        """Spaces are allowed; any country's IBAN passes the mod-97 check."""
        assert check_iban(iban) is None

    @pytest.mark.parametrize("iban", ["BE68539007547035", "BE6853900754", ""])
    def test_invalid_ibans_fail(self, iban: str) -> None:
        """A wrong checksum, a short number and empty text are refused."""
        assert check_iban(iban) is not None

    @pytest.mark.parametrize("vat", ["BE0123456749", "BE 0123.456.749", "0123456749", "123456749"])
    def test_valid_belgian_vat_numbers_pass(self, vat: str) -> None:
        """With or without `BE`, dots, spaces or the leading zero."""
        assert check_vat_be(vat) is None

    @pytest.mark.parametrize("vat", ["BE0123456748", "BE2123456749", "NL0123456749", "BE01234567"])
    def test_invalid_vat_numbers_fail(self, vat: str) -> None:
        """A wrong mod-97, a first digit above 1, another country, or too few digits."""
        assert check_vat_be(vat) is not None


class TestPhoneAndDates:
    @pytest.mark.parametrize(
        "phone", ["0471234567", "09 123 45 67", "+32471234567", "0032471234567"]
    )
    def test_belgian_and_international_numbers_pass(self, phone: str) -> None:
        """National and international forms, with separators."""
        assert check_phone(phone) is None

    @pytest.mark.parametrize("phone", ["12345", "+0471234567", "047123456a"])
    def test_malformed_numbers_fail(self, phone: str) -> None:
        """Too short, a bad country code, a letter."""
        assert check_phone(phone) is not None

    def test_a_date_field_takes_a_date_or_its_text_never_a_datetime(self) -> None:
        """`YYYY-MM-DD` text is read as the date it names; a datetime is refused."""
        client = NewClient(**valid_client(birthdate="1956-12-25"))
        assert client.birthdate == datetime.date(1956, 12, 25)
        with pytest.raises(ValidationError):
            NewClient(**valid_client(birthdate=datetime.datetime(1956, 12, 25, 9, 0)))
        with pytest.raises(ValidationError):
            NewClient(**valid_client(birthdate="25/12/1956"))


class TestUnverified:
    def test_unverified_value_skips_the_format_check(self) -> None:
        """A number with an extension is refused, unless marked unverified, and is then sent as is."""
        with pytest.raises(ValidationError):
            NewClient(**valid_client(cellphone="0471 23 45 67 ext. 2"))
        client = NewClient(**valid_client(cellphone=unverified("0471 23 45 67 ext. 2")))
        assert ("cellphone", "0471 23 45 67 ext. 2") in client.to_wire()

    def test_unverified_keeps_type_and_value(self) -> None:
        """unverified() returns an equal str or int; bools pass through; other types are refused."""
        assert unverified("abc") == "abc"
        assert isinstance(unverified("abc"), str)
        assert unverified(542) == 542
        assert unverified(True) is True
        with pytest.raises(TypeError):
            unverified(1.5)

    def test_unverified_does_not_bypass_required(self) -> None:
        """Marking other fields unverified never makes a missing required field acceptable."""
        with pytest.raises(ValidationError) as caught:
            NewClient(**valid_client(email=None, gender=unverified(99)))
        assert [e.path for e in caught.value.errors] == ["email"]


def test_nothing_under_src_builds_code_at_run_time() -> None:
    """No call of the builtins `exec`, `eval` or `compile` anywhere under src/."""
    import ast

    calls = []
    for path in (ROOT / "src").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"exec", "eval", "compile"}
            ):
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert calls == []
