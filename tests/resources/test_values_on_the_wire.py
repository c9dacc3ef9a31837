"""What the caller wrote is what the server gets: identifiers, explicit empties, keyword arguments."""

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
from econtract_async.crm import AddressFields, ClientFields, GasDetails

from .wire import sent

CLIENT = {
    "gender": 1,
    "segment": 1,
    "first_name": "Jan",
    "last_name": "Peeters",
    "cellphone": "0471234567",
    "email": "jan@example.be",
    "language": "nl",
}
GAS = {
    "comparison_id": 1,
    "affiliate_id": 2,
    "sales_channel_id": 3,
    "ip_address": "192.0.2.10",
    "supplier_id": 5,
    "product_id": 7,
    "payment_method": 1,
    "situation": 3,
}
ADDRESS = {
    "street": "Veldstraat",
    "nr": "10",
    "postal_code": "9000",
    "city": "Gent",
    "country": "BE",
}


class TestIdentifiers:
    @pytest.mark.parametrize("value", ["0012345", "AB12345", "1-234/56", 12345])
    def test_meter_and_customer_numbers_go_out_as_given(
        self, value: Any, make_client: Callable[..., EcontractClient]
    ) -> None:
        """Leading zeros and letters are kept; an int is sent in decimal (D-050)."""
        pairs = sent(
            make_client,
            lambda ec: ec.crm.orders.create(
                producttype="gas",
                **GAS,
                mru_nr=value,
                donor_client_nr=value,
                client=ClientFields(**CLIENT),
                address=AddressFields(**ADDRESS),
            ),
        )
        assert ("mru_nr", str(value)) in pairs
        assert ("donor_client_nr", str(value)) in pairs

    @settings(max_examples=200, deadline=None)
    @given(
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=100)
        | st.integers(min_value=0, max_value=10**20)
    )
    def test_any_identifier_is_sent_exactly_as_given(self, value: str | int) -> None:
        """For any text identifier (or whole number), the wire value equals the input."""
        details = GasDetails(situation=3, mru_nr=value, donor_client_nr=value)
        wire = dict(details.to_wire())
        assert wire["mru_nr"] == wire["donor_client_nr"] == str(value)

    @pytest.mark.parametrize("value", ["00\n12", "\ud800", -1, 1.5, ["1"]])
    def test_a_bad_identifier_is_a_validation_error(self, value: Any) -> None:
        """Line breaks, surrogates, negative numbers, floats and lists are refused."""
        with pytest.raises(ValidationError) as caught:
            GasDetails(situation=3, mru_nr=value)
        assert [e.path for e in caught.value.errors] == ["mru_nr"]


class TestExplicitEmpties:
    def test_the_docs_create_client_example_sends_its_empty_fields(
        self, make_client: Callable[..., EcontractClient]
    ) -> None:
        """`fax=`, `bban=`, `iban=`, `bic=` are sent as the official client sends them (D-051)."""
        pairs = sent(
            make_client,
            lambda ec: ec.crm.clients.create(
                **CLIENT, fax="", bban="", iban="", bic="", landline=""
            ),
        )
        for key in ("fax", "bban", "iban", "bic", "landline"):
            assert (key, "") in pairs

    def test_an_update_can_clear_a_field(self, make_client: Callable[..., EcontractClient]) -> None:
        """`fax=""` on an update goes out as `fax=`; fields not given are left out."""
        pairs = sent(make_client, lambda ec: ec.crm.clients.update(63, fax=""))
        model_pairs = [(k, v) for k, v in pairs if not k.startswith("crm_api")]
        assert model_pairs == [("fax", "")]

    def test_orders_send_empty_ean_excl_and_tariff_card(
        self, make_client: Callable[..., EcontractClient]
    ) -> None:
        """The electricity example's `ean_excl=` and `tariff_card=` are accepted and sent."""
        pairs = sent(
            make_client,
            lambda ec: ec.crm.orders.create(
                producttype="electricity",
                **GAS,
                mru_type=1,
                connection_type=1,
                has_budget_meter=False,
                has_solar_panels=False,
                ean_excl="",
                tariff_card="",
                client={**CLIENT, "fax": ""},
                address=ADDRESS,
            ),
        )
        assert ("ean_excl", "") in pairs
        assert ("tariff_card", "") in pairs
        assert ("client_fax", "") in pairs
        assert ("producttype", "electricity") in pairs


class TestKeywordArguments:
    def test_leads_create_takes_keyword_arguments(
        self, make_client: Callable[..., EcontractClient]
    ) -> None:
        """`lead_type` picks the model; the model's own fields follow."""
        pairs = sent(
            make_client,
            lambda ec: ec.crm.leads.create(
                lead_type="third_party",
                first_name="Jan",
                last_name="Peeters",
                email="jan@example.be",
                language="nl",
                address=ADDRESS,
            ),
        )
        assert ("address_street", "Veldstraat") in pairs
        assert pairs[[k for k, _ in pairs].index("lead_type")] == ("lead_type", "third_party")

    def test_orders_create_reports_every_bad_keyword_at_once(
        self, make_client: Callable[..., EcontractClient]
    ) -> None:
        """A bad e-mail, IP, EAN and postcode across the tree: one ValidationError, nothing sent."""

        async def run() -> ValidationError:
            async with make_client() as ec:
                with respx.mock(assert_all_called=False) as router:
                    route = router.route().mock(return_value=httpx.Response(200, json={}))
                    with pytest.raises(ValidationError) as caught:
                        await ec.crm.orders.create(
                            producttype="gas",
                            **{**GAS, "ip_address": "300.1.1.1"},
                            ean="541454000000001232",
                            client={**CLIENT, "email": "jan-at-example.be"},
                            address={**ADDRESS, "postal_code": "!"},
                        )
                    assert route.call_count == 0
                    return caught.value

        error = asyncio.run(run())
        assert [e.wire for e in error.errors] == [
            "ip_address",
            "ean",
            "client_email",
            "address_postal_code",
        ]
