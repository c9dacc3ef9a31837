"""Foreign national phone numbers on leads, by the country in the companion field (D-132).

`cellphone` reads `cellphone_country` and `landline` reads `landline_country`: given and not
`BE`, the number may be that country's national form (`0` and 6 to 14 digits) or the
international one; not given or `BE`, the Belgian rule stays. Every path (constructor, mapping,
keyword arguments, the sandbox) applies the one rule, `_vocabulary.check_phone_in`, and the
number goes out exactly as written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from econtract_async import EcontractClient, ValidationError
from econtract_async._generated import MODELS
from econtract_async._vocabulary import check_phone, check_phone_in
from econtract_async.crm import Lead, LeadFields, ThirdPartyLead

from .wire import GERMAN_LEAD, sent

MODELS_WITH_PHONES = [Lead, ThirdPartyLead, LeadFields]
"""Every model with a country-paired phone field (checked below against the schema)."""

FOREIGN = [
    ("DE", "01511234567"),  # a German mobile: 11 digits
    ("DE", "089 12345678"),  # a Munich landline: 11 digits
    ("de", "0151/1234-5678"),  # any case, separators kept
    ("NL", "0800 1234"),  # a Dutch free number: 8 digits
    ("AT", "0664 123456789"),  # an Austrian mobile: 13 digits
]
"""National numbers the Belgian rule refuses (not 9 or 10 digits), with their country."""
SAME_SHAPE = [("NL", "06 12345678"), ("FR", "06 12 34 56 78"), ("FR", "01.23.45.67.89")]
"""Dutch and French national numbers have 10 digits, the Belgian shape: accepted either way."""


def lead_fields(cls: type[Any], **fields: Any) -> dict[str, Any]:
    base = dict(GERMAN_LEAD)
    if cls is not Lead:
        del base["lead_type"]
    return {**base, **fields}


def test_every_country_paired_phone_is_covered() -> None:
    """The schema pairs exactly `cellphone` and `landline` of the lead models with a country."""
    paired = {
        (cls.__name__, f.name, f.country_field)
        for cls in MODELS.values()
        for f in cls.__econtract__.fields
        if f.country_field is not None
    }
    names = {cls.__name__ for cls in MODELS_WITH_PHONES}
    assert paired == {
        (name, phone, f"{phone}_country") for name in names for phone in ("cellphone", "landline")
    }


class TestTheRule:
    @pytest.mark.parametrize(("country", "number"), FOREIGN + SAME_SHAPE)
    def test_a_national_number_of_the_country_is_accepted(self, country: str, number: str) -> None:
        assert check_phone_in(number, country) is None

    @pytest.mark.parametrize(("country", "number"), FOREIGN)
    def test_without_the_country_it_is_refused(self, country: str, number: str) -> None:
        assert check_phone_in(number, None) == check_phone(number)
        assert check_phone_in(number, "") is not None
        assert check_phone_in(number, "BE") is not None
        assert check_phone_in(number, "be") is not None

    @pytest.mark.parametrize("number", ["0471234567", "02 123 45 67", "+32471234567"])
    @pytest.mark.parametrize("country", [None, "BE", "be", "Be"])
    def test_belgian_numbers_are_unchanged(self, number: str, country: str | None) -> None:
        assert check_phone_in(number, country) is None

    @pytest.mark.parametrize("number", ["0471234567x", "012345", "01234567890123456", "1511234567"])
    def test_the_belgian_rule_still_refuses_for_be(self, number: str) -> None:
        assert check_phone_in(number, "BE") == check_phone(number)

    @pytest.mark.parametrize(
        "number",
        [
            "0151",
            "015112",
            "0" + "1" * 15,
            "1511234567",
            "+0151123456",
            "0151 1234 567a",
            "٠١٥١١٢٣٤٥٦٧",
        ],
    )
    def test_a_bad_foreign_number_names_the_country(self, number: str) -> None:
        problem = check_phone_in(number, "de")
        assert problem is not None
        assert problem.startswith("not a phone number for DE ")

    @pytest.mark.parametrize("number", ["+491511234567", "0049 151 1234567", "+49 (0)151 1234567"])
    def test_the_international_form_passes_with_any_country(self, number: str) -> None:
        for country in (None, "BE", "DE", "NL"):
            assert check_phone_in(number, country) is None


class TestEveryPath:
    @pytest.mark.parametrize("cls", MODELS_WITH_PHONES, ids=lambda c: c.__name__)
    @pytest.mark.parametrize(("country", "number"), FOREIGN + SAME_SHAPE)
    def test_constructor_and_mapping_accept_it_with_the_country(
        self, cls: type[Any], country: str, number: str
    ) -> None:
        fields = lead_fields(
            cls,
            cellphone=number,
            cellphone_country=country,
            landline=number,
            landline_country=country,
        )
        by_constructor = cls(**fields)
        assert by_constructor == cls.from_mapping(fields)
        assert (by_constructor.cellphone, by_constructor.landline) == (number, number)

    @pytest.mark.parametrize("cls", MODELS_WITH_PHONES, ids=lambda c: c.__name__)
    @pytest.mark.parametrize(("country", "number"), FOREIGN)
    @pytest.mark.parametrize("without", [None, "BE", "be"], ids=["no-country", "BE", "be"])
    def test_refused_without_the_country_on_every_path(
        self, cls: type[Any], country: str, number: str, without: str | None
    ) -> None:
        fields = lead_fields(
            cls,
            cellphone=number,
            cellphone_country=without,
            landline=number,
            landline_country=country,  # the landline's country says nothing about the cellphone
        )
        for build in (lambda: cls(**fields), lambda: cls.from_mapping(fields)):
            with pytest.raises(ValidationError) as caught:
                build()
            assert [(e.path, e.wire) for e in caught.value.errors] == [("cellphone", "cellphone")]
            assert caught.value.errors[0].message == check_phone(number)

    def test_a_bad_country_paired_number_names_the_field_and_country(self) -> None:
        with pytest.raises(ValidationError) as caught:
            Lead.from_mapping(
                lead_fields(
                    Lead,
                    cellphone="0151",
                    cellphone_country="DE",
                    landline="12",
                    landline_country="fr",
                )
            )
        problems = {e.wire: e.message for e in caught.value.errors}
        assert problems == {
            "cellphone": check_phone_in("0151", "DE"),
            "landline": check_phone_in("12", "fr"),
        }
        assert "for DE" in problems["cellphone"]
        assert "for FR" in problems["landline"]
        assert "cellphone (cellphone): not a phone number for DE" in str(caught.value)

    def test_a_bad_country_is_its_own_error(self) -> None:
        """`DEU` is no country code: refused on the country field; the number reads as foreign."""
        with pytest.raises(ValidationError) as caught:
            Lead(**lead_fields(Lead, cellphone="01511234567", cellphone_country="DEU"))
        assert [e.wire for e in caught.value.errors] == ["cellphone_country"]

    def test_a_nested_flat_row_reads_the_country_beside_the_number(self) -> None:
        """A third-party lead as a CSV row (wire names, address prefixed) reads its own country."""
        row = {
            **lead_fields(ThirdPartyLead, cellphone="01511234567", cellphone_country="DE"),
            "address_street": "Hauptstraße",
            "address_nr": "5",
            "address_postal_code": "4700",
            "address_city": "Eupen",
            "address_country": "BE",
        }
        lead = ThirdPartyLead.from_mapping({k: str(v) for k, v in row.items()})
        assert lead.cellphone == "01511234567"


class TestOnTheWire:
    @pytest.mark.parametrize(("country", "number"), FOREIGN + SAME_SHAPE)
    def test_keyword_arguments_send_the_number_exactly_as_written(
        self, country: str, number: str, make_client: Callable[..., EcontractClient]
    ) -> None:
        """No normalisation: separators, leading zero and the country's case go out as given."""
        pairs = sent(
            make_client,
            lambda ec: ec.crm.leads.create(
                **GERMAN_LEAD,
                cellphone=number,
                cellphone_country=country,
                landline=number,
                landline_country=country,
            ),
        )
        assert ("cellphone", number) in pairs
        assert ("cellphone_country", country) in pairs
        assert ("landline", number) in pairs
        names = [name for name, _ in pairs]
        assert names.index("cellphone") + 1 == names.index("cellphone_country")

    def test_a_refused_keyword_call_sends_nothing(
        self, make_client: Callable[..., EcontractClient]
    ) -> None:
        async def run() -> ValidationError:
            async with make_client() as ec:
                with respx.mock(assert_all_called=False) as router:
                    route = router.route().mock(return_value=httpx.Response(200, json={"id": 1}))
                    with pytest.raises(ValidationError) as caught:
                        await ec.crm.leads.create(**GERMAN_LEAD, cellphone="01511234567")
                    assert route.call_count == 0
                    return caught.value

        assert [e.wire for e in asyncio.run(run()).errors] == ["cellphone"]


NATIONAL = st.from_regex(r"0[0-9]{6,14}", fullmatch=True)
SEPARATED = st.builds(
    lambda digits, cuts: "".join(
        d + (cuts[i % len(cuts)] if i in (1, 4, 7) else "") for i, d in enumerate(digits)
    ),
    NATIONAL,
    st.lists(st.sampled_from([" ", ".", "/", "-", "(", ")"]), min_size=1, max_size=3),
)
COUNTRY = st.from_regex(r"[A-Za-z]{2}", fullmatch=True).filter(lambda c: c.upper() != "BE")


@settings(max_examples=200, deadline=None)
@given(number=st.one_of(NATIONAL, SEPARATED), country=COUNTRY)
def test_any_national_number_of_a_foreign_country_is_accepted_and_kept(
    number: str, country: str
) -> None:
    """For any country but BE, any `0` + 6..14 digits (separators anywhere) is accepted and the
    model keeps and sends it character for character."""
    lead = Lead(**GERMAN_LEAD, cellphone=number, cellphone_country=country)
    assert lead.cellphone == number
    assert ("cellphone", number) in lead.to_wire()
    assert (check_phone(number) is None) == (check_phone_in(number, "BE") is None)
