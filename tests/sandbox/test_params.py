"""Tests of `econtract_async.sandbox._params`."""

from __future__ import annotations

import pytest

from econtract_async._generated import MODELS
from econtract_async.sandbox._params import ApiProblem, check, choose_model, decode


class TestDecode:
    """PHP-style decoding of query strings and form bodies."""

    def test_bracket_arrays_become_lists_in_index_order(self) -> None:
        """`name[1]=b&name[0]=a` is the list [a, b]; percent-encoded brackets too."""
        assert decode("productid%5B1%5D=5&productid%5B0%5D=2&cat=gas") == {
            "productid": ["2", "5"],
            "cat": "gas",
        }

    def test_empty_brackets_append(self) -> None:
        """`name[]=a&name[]=b` keeps the order sent."""
        assert decode("sid[]=3&sid[]=1") == {"sid": ["3", "1"]}

    def test_repeated_plain_key_keeps_the_last(self) -> None:
        """PHP keeps the last of repeated keys (the docs' own usages URL repeats `cv`)."""
        assert decode("cv=%3C10&cv=%3E10") == {"cv": ">10"}

    def test_later_sources_win_and_blanks_are_kept(self) -> None:
        """The form body overrides the query string; `key=` is an empty string."""
        assert decode("a=1&b=", "a=2") == {"a": "2", "b": ""}

    def test_plus_is_a_space(self) -> None:
        """RFC 1738 form encoding: `+` decodes to a space."""
        assert decode("productid=2+5") == {"productid": "2 5"}


class TestCheck:
    """Checks driven by the request models."""

    def test_missing_required_parameter_uses_the_api_message(self) -> None:
        """A missing `cat` is reported exactly as the product API does."""
        with pytest.raises(ApiProblem) as caught:
            check(MODELS["ProductListQuery"], {"lang": "nl"})
        assert caught.value.status == 400
        assert caught.value.message == (
            "Api error : Not all required parameters are set : Parameter cat is required"
        )

    def test_every_missing_parameter_is_named(self) -> None:
        """All missing parameters are listed at once."""
        with pytest.raises(ApiProblem) as caught:
            check(MODELS["ProductListQuery"], {})
        assert "Parameter cat is required" in caught.value.message
        assert "Parameter lang is required" in caught.value.message

    def test_empty_ok_fields_may_be_empty_but_must_be_present(self) -> None:
        """`landline=` is accepted, a missing landline is not."""
        form = {
            "gender": "1",
            "segment": "1",
            "first_name": "Jan",
            "last_name": "Peeters",
            "cellphone": "0499123456",
            "email": "jan@example.be",
            "language": "nl",
        }
        assert check(MODELS["NewClient"], {**form, "landline": ""}).values["landline"] == ""
        with pytest.raises(ApiProblem, match="Parameter landline is required"):
            check(MODELS["NewClient"], form)

    def test_types_are_checked_and_converted(self) -> None:
        """Integers, languages and enum values are converted, bad ones named."""
        parsed = check(
            MODELS["ProductListQuery"],
            {"cat": "gas", "lang": "fr", "limit": "5", "sid": ["15", "16"], "sort": "rat"},
        )
        assert parsed.values == {
            "cat": "gas",
            "lang": "fr",
            "limit": 5,
            "sid": [15, 16],
            "sort": "rat",
        }
        with pytest.raises(ApiProblem) as caught:
            check(MODELS["ProductListQuery"], {"cat": "gas", "lang": "de", "limit": "x"})
        assert "Parameter lang must be nl or fr" in caught.value.message
        assert "Parameter limit must be an integer" in caught.value.message

    def test_space_joined_legacy_list_is_accepted(self) -> None:
        """The legacy client's `productid=2+5` means products 2 and 5."""
        parsed = check(MODELS["ProductListQuery"], {"cat": "gas", "lang": "nl", "productid": "2 5"})
        assert parsed.values["productid"] == [2, 5]

    def test_nested_fields_are_grouped_by_model(self) -> None:
        """Prefixed order fields land in their nested model's group."""
        parsed = check(MODELS["LatestOrdersQuery"], {"address_zipcode": "3500", "limit": "3"})
        assert parsed.groups == {"": {"address_zipcode": "3500", "limit": 3}}

    def test_bounds_are_enforced(self) -> None:
        """limit of latest orders must stay within 1..100."""
        with pytest.raises(ApiProblem, match="Parameter limit must be at most 100"):
            check(MODELS["LatestOrdersQuery"], {"limit": "101"})


class TestChooseModel:
    """The discriminators of multi-model endpoints."""

    def test_orders_are_chosen_by_producttype(self) -> None:
        """producttype picks the electricity, gas or dual-fuel order model."""
        models = (MODELS["ElectricityOrder"], MODELS["GasOrder"], MODELS["DualFuelOrder"])
        assert choose_model(models, {"producttype": "gas"}) is MODELS["GasOrder"]
        assert choose_model(models, {"producttype": "dualfuel_pack"}) is MODELS["DualFuelOrder"]

    def test_unknown_or_missing_producttype_is_a_bad_request(self) -> None:
        """An order without a known producttype is refused with 400."""
        models = (MODELS["ElectricityOrder"], MODELS["GasOrder"])
        with pytest.raises(ApiProblem, match="Parameter producttype is required"):
            choose_model(models, {})
        with pytest.raises(ApiProblem, match="Parameter producttype must be one of"):
            choose_model(models, {"producttype": "mobile"})

    def test_leads_fall_back_to_the_generic_model(self) -> None:
        """A lead_type without its own model is a generic lead."""
        models = (MODELS["Lead"], MODELS["ThirdPartyLead"], MODELS["CallMeBackLead"])
        assert choose_model(models, {"lead_type": "call_me_back"}) is MODELS["CallMeBackLead"]
        assert choose_model(models, {"lead_type": "third_party"}) is MODELS["ThirdPartyLead"]
        assert choose_model(models, {"lead_type": "newsletter"}) is MODELS["Lead"]
