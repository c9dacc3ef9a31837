"""Per-type value checks: EAN (GS1), IBAN, Belgian VAT, phone numbers, dates, and `unverified()`."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from econtract_async import ValidationError, unverified
from econtract_async._checks import (
    CHECKS,
    check_date,
    check_datetime,
    check_ean,
    check_iban,
    check_phone,
    check_vat_be,
    ean_check_digit,
)
from econtract_async.crm import NewClient


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

    @pytest.mark.parametrize(
        "value",
        ["54145400000000123A", "5414540000000012", "٥٤١٤٥٤٠٠٠٠٠٠٠٠١٢٣١", 541448800000000000],
    )
    def test_non_digits_and_wrong_lengths_fail(self, value: Any) -> None:
        """Letters, non-ASCII digits, 16 digits and an int are all refused."""
        assert check_ean(value) is not None

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

    @pytest.mark.parametrize("iban", ["BE68539007547035", "BE6853900754", "", None])
    def test_invalid_ibans_fail(self, iban: Any) -> None:
        """A wrong checksum, a short number, empty text and None are refused."""
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

    @pytest.mark.parametrize("phone", ["12345", "+0471234567", "047123456a", 471234567])
    def test_malformed_numbers_fail(self, phone: Any) -> None:
        """Too short, a bad country code, a letter, or not text."""
        assert check_phone(phone) is not None

    def test_date_is_a_date_not_a_datetime_or_text(self) -> None:
        """`date` fields take a `datetime.date`; a datetime or text is refused."""
        assert check_date(datetime.date(2026, 11, 26)) is None
        assert check_date(datetime.datetime(2026, 11, 26, 9, 0)) is not None
        assert check_date("2026-11-26") is not None
        assert check_datetime(datetime.datetime(2026, 11, 26, 9, 0)) is None
        assert check_datetime(datetime.date(2026, 11, 26)) is not None


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.binary()))
def test_no_check_raises_whatever_it_is_given(value: Any) -> None:
    """Every check returns None or a message for any value; none raises."""
    for check in CHECKS.values():
        assert check(value) is None or isinstance(check(value), str)


class TestUnverified:
    def valid_client(self, **changes: Any) -> dict[str, Any]:
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

    def test_unverified_value_skips_the_format_check(self) -> None:
        """A number with an extension is refused, unless marked unverified, and is then sent as is."""
        with pytest.raises(ValidationError):
            NewClient(**self.valid_client(cellphone="0471 23 45 67 ext. 2"))
        client = NewClient(**self.valid_client(cellphone=unverified("0471 23 45 67 ext. 2")))
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
            NewClient(**self.valid_client(email=None, gender=unverified(99)))
        assert [e.path for e in caught.value.errors] == ["email"]
