"""Tests for the compiled structure plans of `econtract_async._structure`."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from econtract_async import ValidationError, unverified
from econtract_async._generated import MODELS
from econtract_async._meta import FieldMeta, ModelMeta
from econtract_async._model import RequestModel
from econtract_async._structure import coerce, from_mapping
from econtract_async._validation import check
from econtract_async.crm import ThirdPartyLead

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


@attrs.frozen(kw_only=True)
class _BadDefault(RequestModel):
    """A model whose default fails its own field's check."""

    language: str = "de"
    __econtract__: ClassVar[ModelMeta]


_BadDefault.__econtract__ = ModelMeta(
    name="_BadDefault",
    kind="request",
    description="",
    fields=(FieldMeta(name="language", wire="language", type="enum", values=("nl", "fr")),),
)


class TestPrecheckedConstruction:
    def test_a_valid_row_is_checked_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """from_mapping checks each value itself, so the constructor's check does not run again."""
        calls: list[Any] = []
        monkeypatch.setattr("econtract_async._validation.check", calls.append)
        lead = from_mapping(ThirdPartyLead, ROW)
        assert calls == []
        assert lead.address is not None
        assert lead.address.city == "Antwerpen"
        assert lead.call_at == datetime.datetime(2026, 11, 27, 18, 30)

    def test_direct_construction_still_checks_after_from_mapping(self) -> None:
        """Skipping the second check is for that one instance: later constructions check."""
        from_mapping(ThirdPartyLead, ROW)
        with pytest.raises(ValidationError) as caught:
            ThirdPartyLead(first_name="Jan", last_name="P", email="not-an-email", language="nl")
        assert [e.path for e in caught.value.errors] == ["email"]

    def test_a_default_failing_its_check_keeps_the_full_check(self) -> None:
        """A class whose own default is invalid is still refused, as the constructor refuses it."""
        with pytest.raises(ValidationError) as caught:
            from_mapping(_BadDefault, {})
        assert [e.path for e in caught.value.errors] == ["language"]

    @pytest.mark.parametrize("cls", REQUEST_MODELS, ids=lambda cls: cls.__name__)
    def test_every_model_from_mapping_passes_the_full_check(self, cls: type[Any]) -> None:
        """Whatever the dict, a model from_mapping returns passes the constructor's check."""
        keys = sorted(
            {n for f in cls.__econtract__.fields for n in (f.name, f.wire, f.prefix) if n}
        )
        values = (
            st.none()
            | st.text(max_size=12)
            | st.integers()
            | st.sampled_from(
                ["", "1", "nl", "BE", "2026-11-26", "2026-11-26 10:00", "0470123456", "a@b.be"]
            )
        )

        @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(st.dictionaries(st.sampled_from(keys), values, max_size=12))
        def run(data: dict[str, Any]) -> None:
            try:
                model = from_mapping(cls, data)
            except ValidationError:
                return
            assert type(model) is cls
            check(model)

        run()


class TestCoerceDatetime:
    field = FieldMeta(name="call_at", wire="call_at", type="datetime")

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
        """The ISO spelling (fast path) and strptime's looser one give the same datetime."""
        assert coerce(self.field, text) == expected

    @pytest.mark.parametrize("text", ["2026-02-30 10:00", "2026-11-27 24:00:00", "2026-11-27"])
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

    def test_other_values_are_refused_by_a_text_field(self) -> None:
        """A number that is not marked unverified is not text."""
        with pytest.raises(ValidationError) as caught:
            ThirdPartyLead(first_name=5, last_name="P", email="jan@example.be", language="nl")  # type: ignore[arg-type]
        assert [(e.path, e.message) for e in caught.value.errors] == [
            ("first_name", "expected text, got 5")
        ]
