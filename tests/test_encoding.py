"""PHP `http_build_query`-compatible encoding, byte for byte against the documented examples."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from resources.examples import example_model

from econtract_async._encoding import encode_form, encode_pairs, format_value
from econtract_async.crm import DefaultUsagesQuery, NewClient
from econtract_async.product import ProductListQuery


class TestEncodeForm:
    def test_list_brackets_are_percent_encoded(self) -> None:
        """`detaillevel[0]=texts` goes out as `detaillevel%5B0%5D=texts`."""
        assert encode_form([("detaillevel[0]", "texts")]) == "detaillevel%5B0%5D=texts"

    def test_empty_string_is_kept_as_bare_key(self) -> None:
        """An empty value is sent as `key=`."""
        assert encode_form([("landline", ""), ("a", "b")]) == "landline=&a=b"

    def test_spaces_become_plus(self) -> None:
        """Spaces are encoded as `+` (RFC 1738), not `%20`."""
        assert encode_form([("remarks", "bel me na 5 uur")]) == "remarks=bel+me+na+5+uur"

    def test_utf8_is_percent_encoded(self) -> None:
        """Non-ASCII text is UTF-8 then percent-encoded."""
        assert encode_form([("city", "Liège")]) == "city=Li%C3%A8ge"
        assert encode_form([("name", "é")]) == "name=%C3%A9"

    def test_reserved_characters_are_escaped(self) -> None:
        """`&`, `=` and `+` inside a value cannot break the form apart."""
        assert encode_form([("q", "a&b=c+d")]) == "q=a%26b%3Dc%2Bd"

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.tuples(st.text(), st.text()), max_size=6))
    def test_equals_urlencode_for_any_text(self, pairs: list[tuple[str, str]]) -> None:
        """Over any text pairs, the output is byte-identical to `urllib.parse.urlencode`."""
        assert encode_form(pairs) == urlencode(pairs)


class TestFormatValue:
    def test_booleans_are_one_and_zero(self) -> None:
        """True and False are sent as `1` and `0`, like PHP."""
        assert (format_value(True), format_value(False)) == ("1", "0")

    def test_numbers_dates_and_datetimes(self) -> None:
        """Whole floats lose their `.0`, dates are ISO, datetimes `YYYY-MM-DD HH:MM:SS`."""
        assert format_value(3.0) == "3"
        assert format_value(80.5) == "80.5"
        assert format_value(datetime.date(2026, 11, 26)) == "2026-11-26"
        assert format_value(datetime.datetime(2026, 11, 26, 9, 5)) == "2026-11-26 09:05:00"


class TestEncodeModel:
    def test_product_ids_and_detail_levels_are_indexed_lists(self) -> None:
        """Several product ids go out as `productid[0]=2&productid[1]=5`, as the current client sends."""
        query = ProductListQuery(cat="internet", productid=[2, 5], detaillevel=["texts", "price"])
        assert encode_form(encode_pairs(query)) == (
            "cat=internet&lang=nl&productid%5B0%5D=2&productid%5B1%5D=5"
            "&detaillevel%5B0%5D=texts&detaillevel%5B1%5D=price"
        )

    def test_one_value_for_a_one_or_many_list_is_index_zero(self) -> None:
        """A single product id is still sent as an indexed list."""
        assert ("productid[0]", "2") in encode_pairs(ProductListQuery(cat="gas", productid=2))

    def test_none_and_empty_lists_are_left_out(self) -> None:
        """Unset optional fields and empty lists send no key at all."""
        pairs = encode_pairs(ProductListQuery(cat="energy", sid=[], sort=None))
        assert pairs == [("cat", "energy"), ("lang", "nl")]

    def test_boolean_fields_are_one_and_zero(self) -> None:
        """Boolean fields of a model are sent as `1`/`0`."""
        query = attrs.evolve(
            example_model(DefaultUsagesQuery), has_solar=True, roof_isolation=False
        )
        sent = dict(encode_pairs(query))
        assert (sent["has_solar"], sent["roof_isolation"]) == ("1", "0")

    def test_empty_ok_field_is_sent_empty_when_not_given(self) -> None:
        """A field the docs require but send empty (landline) goes out as `landline=`."""
        client = example_model(NewClient)
        assert client.landline is None
        assert "landline=&" in encode_form(encode_pairs(client)) + "&"
