"""Tests for outcomes and summaries (`econtract_async._bulk.outcomes`)."""

from __future__ import annotations

from econtract_async._bulk import BulkSummary, Outcome, OutcomeKind
from econtract_async._exceptions import FieldError


class TestBulkSummary:
    def test_counts_add_up_to_the_total(self) -> None:
        """Each added outcome counts once, under its kind."""
        summary = BulkSummary()
        for kind in [*OutcomeKind, OutcomeKind.CREATED]:
            summary.add(kind)
        assert summary.created == 2
        assert summary.total == 6
        assert summary.as_dict()["total"] == 6

    def test_ok_only_when_every_row_is_created_or_skipped(self) -> None:
        """Invalid, failed, unknown rows or a stopped run are not ok."""
        assert BulkSummary(created=3, skipped=2).ok
        assert not BulkSummary(created=3, unknown=1).ok
        assert not BulkSummary(created=3, stopped=True).ok


class TestOutcome:
    def test_the_reason_lists_every_field_error(self) -> None:
        """An invalid row explains all its bad fields in one line."""
        errors = (
            FieldError("email", "email", "bad"),
            FieldError("address.city", "address_city", "required"),
        )
        outcome = Outcome(0, OutcomeKind.INVALID, errors=errors)
        assert outcome.reason == "email (email): bad; address.city (address_city): required"

    def test_the_row_stays_out_of_the_repr(self) -> None:
        """Rows can hold personal data; an outcome's repr does not show it."""
        outcome = Outcome(1, OutcomeKind.CREATED, {"email": "jan@example.be"}, id=5)
        assert "jan@example.be" not in repr(outcome)
