"""One validation story: constructor, `from_mapping`, keyword arguments and CSV rows agree."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from econtract_async import FieldError, ValidationError, unverified
from econtract_async._bulk.leads import lead_from_row
from econtract_async._generated import MODELS
from econtract_async._structure import from_mapping
from econtract_async.crm import AddressFields, ElectricityOrder, NewClient, ThirdPartyLead

REQUEST_MODELS = sorted(
    (cls for cls in MODELS.values() if cls.__econtract__.kind != "response"),
    key=lambda cls: cls.__name__,
)

ROW = {
    "gender": "1",
    "first_name": "Jan",
    "last_name": "Peeters",
    "birthdate": "1980-03-22",
    "cellphone": "0470123456",
    "email": "jan.peeters@example.be",
    "language": "nl",
    "address_street": "Grote Markt",
    "address_nr": "12",
    "address_postal_code": "2000",
    "address_city": "Antwerpen",
    "address_country": "BE",
    "call_at": "2026-11-27 18:30:00",
}
CLIENT = {
    "gender": 1,
    "segment": 1,
    "first_name": "Jan",
    "last_name": "Peeters",
    "cellphone": "0471234567",
    "email": "jan@example.be",
    "language": "nl",
}


class TestSameValuesOnEveryPath:
    @pytest.mark.parametrize(
        ("field", "text", "typed"),
        [
            ("birthdate", "1956-12-25", datetime.date(1956, 12, 25)),
            ("gender", "2", 2),
            ("family_size", "4", 4),
            ("idnr", "0012", "0012"),
            ("idnr", 12, 12),
            ("fax", "", ""),
        ],
    )
    def test_constructor_and_mapping_accept_the_same_text(
        self, field: str, text: Any, typed: Any
    ) -> None:
        """`NewClient(birthdate="1956-12-25")` is the model `from_mapping` builds from that text."""
        by_constructor = NewClient(**{**CLIENT, field: text})
        by_mapping = NewClient.from_mapping({**CLIENT, field: text})
        assert getattr(by_constructor, field) == typed
        assert by_constructor == by_mapping

    @pytest.mark.parametrize(
        ("field", "bad"),
        [("birthdate", "25/12/1956"), ("gender", "two"), ("family_size", "-1"), ("email", "x")],
    )
    def test_constructor_and_mapping_refuse_the_same_values(self, field: str, bad: Any) -> None:
        """Both raise one ValidationError naming the same field with the same message."""
        with pytest.raises(ValidationError) as direct:
            NewClient(**{**CLIENT, field: bad})
        with pytest.raises(ValidationError) as mapped:
            NewClient.from_mapping({**CLIENT, field: bad})
        assert direct.value.errors == mapped.value.errors
        assert [e.path for e in direct.value.errors] == [field]

    @pytest.mark.parametrize("cls", REQUEST_MODELS, ids=lambda cls: cls.__name__)
    def test_every_model_from_mapping_equals_its_constructor(self, cls: type[Any]) -> None:
        """Whatever the dict, what `from_mapping` returns is what the constructor builds from it."""
        keys = sorted(
            {f.name for f in cls.__econtract__.fields if f.type not in ("model", "constant")}
        )
        if not keys:
            return
        values = (
            st.none()
            | st.text(max_size=12)
            | st.integers()
            | st.sampled_from(
                ["", "1", "nl", "BE", "2026-11-26", "2026-11-26 10:00", "0470123456", "a@b.be"]
            )
        )

        # Python itself refuses a call without a required argument (TypeError, before any
        # check), so the constructor gets `None` for those: "not given", as a mapping says it.
        nested = [f.name for f in cls.__econtract__.fields if f.type == "model"]
        given_none = {
            f.name: None
            for f in cls.__econtract__.fields
            if f.required and not f.empty_ok and f.type != "constant"
        }

        @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(st.dictionaries(st.sampled_from(keys), values, max_size=12))
        def run(data: dict[str, Any]) -> None:
            kwargs = {**given_none, **{name: {} for name in nested}, **data}
            try:
                model = from_mapping(cls, data)
            except ValidationError as exc:
                mapped = exc
            else:
                assert type(model) is cls
                assert cls(**kwargs) == model
                return
            with pytest.raises(ValidationError) as direct:
                cls(**kwargs)
            if not nested:
                assert direct.value.errors == mapped.errors

        run()


class TestNestedModels:
    def bad_order(self) -> dict[str, Any]:
        return {
            "comparison_id": 1,
            "client_email": "jan-at-example.be",
            "ip_address": "300.1.1.1",
            "ean": "541454000000001232",
            "address_postal_code": "!",
        }

    def test_the_whole_tree_reports_every_bad_field_with_full_wire_names(self) -> None:
        """E-mail, IP, EAN and postcode, nested or not, are four errors of one ValidationError."""
        with pytest.raises(ValidationError) as caught:
            ElectricityOrder.from_mapping(self.bad_order())
        bad = {(e.path, e.wire) for e in caught.value.errors if e.message != "required"}
        assert bad == {
            ("ip_address", "ip_address"),
            ("ean", "ean"),
            ("client.email", "client_email"),
            ("address.postal_code", "address_postal_code"),
        }
        required = {e.wire for e in caught.value.errors if e.message == "required"}
        assert "client_cellphone" in required
        assert "address_street" in required

    def test_nested_mappings_report_the_same_wire_names(self) -> None:
        """A nested model given as a dict (constructor or mapping) is checked with its prefix."""
        nested = {
            "comparison_id": 1,
            "client": {"email": "jan-at-example.be", "cellphone": "12"},
            "address": {"postal_code": "!"},
        }
        with pytest.raises(ValidationError) as mapped:
            ElectricityOrder.from_mapping(nested)
        required = {
            f.name: None
            for f in ElectricityOrder.__econtract__.fields
            if f.required and not f.empty_ok and f.name not in nested
        }
        with pytest.raises(ValidationError) as direct:
            ElectricityOrder(**required, **nested)
        assert direct.value.errors == mapped.value.errors
        wires = {e.wire for e in mapped.value.errors}
        assert {"client_email", "client_cellphone", "address_postal_code"} <= wires

    def test_unknown_keys_inside_a_nested_mapping_are_named(self) -> None:
        """A typo inside a nested dict is reported with the nested path."""
        with pytest.raises(ValidationError) as caught:
            ElectricityOrder.from_mapping({"address": {"stret": "Markt"}})
        assert FieldError("address.stret", "address_stret", "unknown field") in caught.value.errors

    def test_an_optional_nested_model_with_no_keys_is_absent(self) -> None:
        """A third-party lead without any address_* key has no address."""
        lead = ThirdPartyLead.from_mapping({k: v for k, v in ROW.items() if "address" not in k})
        assert lead.address is None

    def test_a_valid_row_builds_the_nested_model(self) -> None:
        """Prefixed keys become the nested model, text coerced like everywhere else."""
        lead = from_mapping(ThirdPartyLead, ROW)
        assert lead.address == AddressFields(
            street="Grote Markt", nr="12", postal_code="2000", city="Antwerpen", country="BE"
        )
        assert lead.call_at == datetime.datetime(2026, 11, 27, 18, 30)


class TestExplicitEmpty:
    def test_an_explicit_empty_value_is_sent_and_not_given_is_left_out(self) -> None:
        """`fax=""` goes out as `fax=`; no fax, no key (D-051)."""
        wire = dict(NewClient(**CLIENT, fax="", iban="", bic="", bban="").to_wire())
        assert (wire["fax"], wire["iban"], wire["bic"], wire["bban"]) == ("", "", "", "")
        assert "fax" not in dict(NewClient(**CLIENT).to_wire())

    def test_an_empty_value_is_refused_where_no_example_sends_it(self) -> None:
        """`""` is not an e-mail address, and required text must not be empty."""
        with pytest.raises(ValidationError) as caught:
            NewClient(**{**CLIENT, "email": "", "first_name": ""})
        assert [e.path for e in caught.value.errors] == ["first_name", "email"]

    def test_the_csv_importer_reads_an_empty_cell_as_not_given(self) -> None:
        """The bulk importer's choice (D-051): blank cells are dropped before the model sees them."""
        lead = lead_from_row({**ROW, "cellphone": "", "landline": "  "}, lead_type="third_party")
        assert isinstance(lead, ThirdPartyLead)
        assert (lead.cellphone, lead.landline) == (None, None)
        sent = dict(lead.to_wire())
        assert "cellphone" not in sent
        assert "landline" not in sent


class TestCoerceDatetime:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2026-11-27 18:30:00", datetime.datetime(2026, 11, 27, 18, 30)),
            ("2026-11-27T18:30", datetime.datetime(2026, 11, 27, 18, 30)),
            (" 2026-11-27 18:30:05 ", datetime.datetime(2026, 11, 27, 18, 30, 5)),
            ("2026-1-5 3:04", datetime.datetime(2026, 1, 5, 3, 4)),
        ],
    )
    def test_documented_formats_are_read(self, text: str, expected: datetime.datetime) -> None:
        """The ISO spelling and the looser one a spreadsheet writes give the same datetime."""
        assert from_mapping(ThirdPartyLead, {**ROW, "call_at": text}).call_at == expected

    @pytest.mark.parametrize(
        "text", ["2026-02-30 10:00", "2026-11-27 24:00:00", "2026-11-27", "2026-11-27 10:00\n"]
    )
    def test_impossible_times_are_refused(self, text: str) -> None:
        """A date and time that does not exist is a field error, not a crash."""
        with pytest.raises(ValidationError):
            from_mapping(ThirdPartyLead, {**ROW, "call_at": text})


class TestTextCheck:
    def test_unverified_values_pass_a_text_field(self) -> None:
        """A value marked unverified skips the text check, whatever its type."""
        lead = ThirdPartyLead(
            first_name=unverified(5),  # type: ignore[arg-type]
            last_name="Peeters",
            email="jan@example.be",
            language="nl",
        )
        assert int(lead.first_name) == 5
        assert ("first_name", "5") in lead.to_wire()

    def test_a_whole_number_is_text_for_a_text_field(self) -> None:
        """D-020/D-036: an int is accepted where text is expected, and sent as its digits."""
        lead = ThirdPartyLead(first_name=5, last_name="P", email="jan@example.be", language="nl")  # type: ignore[arg-type]
        assert lead.first_name == "5"

    def test_other_values_are_refused_by_a_text_field(self) -> None:
        """A float or a list is not text."""
        with pytest.raises(ValidationError) as caught:
            ThirdPartyLead(first_name=5.5, last_name="P", email="jan@example.be", language="nl")  # type: ignore[arg-type]
        assert [(e.path, e.message) for e in caught.value.errors] == [
            ("first_name", "expected text, got 5.5")
        ]
