"""`ec.crm.leads.bulk_create`: the bulk primitive applied to leads of every type."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from .._exceptions import FieldError, ValidationError
from .._options import RequestOptions
from .._resource_bases import LeadsResourceBase
from .journal import row_digest
from .runner import BulkRun, bulk_run

if TYPE_CHECKING:
    from .._client import EcontractClient
    from ..crm import CallMeBackLead, ClickOutLead, Lead, ThirdPartyLead

    AnyLead: TypeAlias = Lead | ThirdPartyLead | CallMeBackLead | ClickOutLead
    LeadRow: TypeAlias = AnyLead | Mapping[str, Any]
    """A lead model, or a dict / CSV row in wire or Python names (optional `lead_type`)."""

__all__ = [
    "SPECIFIC_LEAD_TYPES",
    "BulkLeadsMixin",
    "bulk_create_leads",
    "lead_from_row",
    "send_lead",
]

SPECIFIC_LEAD_TYPES = ("third_party", "call_me_back", "click_out")
"""Lead types with a dedicated model; any other type is sent as a generic `Lead`."""


@functools.cache
def _lead_models() -> dict[str, type[ThirdPartyLead | CallMeBackLead | ClickOutLead]]:
    """The dedicated model of each specific lead type.

    Imported on use, so that importing the bulk machinery does not load every generated model.
    """
    from ..crm import CallMeBackLead, ClickOutLead, ThirdPartyLead

    return {
        "third_party": ThirdPartyLead,
        "call_me_back": CallMeBackLead,
        "click_out": ClickOutLead,
    }


def _blank(value: Any) -> bool:
    """An empty cell: `None`, or text of nothing but spaces."""
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


def lead_from_row(row: LeadRow, *, lead_type: str | None = None) -> AnyLead:
    """Build the lead model a row stands for, validating every field.

    A model is returned as is. A mapping's type comes from its `lead_type` value, else from
    `lead_type`; `third_party`, `call_me_back` and `click_out` have their own models, any other
    type is sent as a generic `Lead` with that `lead_type`.

    An empty (or blank) cell means "not given" here: this is the importer's choice for CSV
    files, where a column exists for every row (D-051). The models themselves send an explicit
    `""` as `key=`.

    Raises:
        ValidationError: Naming every bad field of the row (or the missing lead type).
    """
    from ..crm import CallMeBackLead, ClickOutLead, Lead, ThirdPartyLead

    if isinstance(row, Lead | ThirdPartyLead | CallMeBackLead | ClickOutLead):
        return row
    data = {key: value for key, value in row.items() if not _blank(value)}
    chosen = lead_type
    if "lead_type" in data:
        chosen = str(data.pop("lead_type")).strip() or lead_type
    if not chosen:
        model_name = "Lead"
        problem = FieldError("lead_type", "lead_type", "no lead type: add a lead_type column")
        raise ValidationError(model_name, [problem])
    model = _lead_models().get(chosen)
    if model is None:
        return Lead.from_mapping({**data, "lead_type": chosen})
    return model.from_mapping(data)


async def send_lead(
    client: EcontractClient, lead: AnyLead, *, options: RequestOptions | None = None
) -> int | None:
    """Create one lead through the endpoint its type belongs to; return the CRM's id."""
    from ..crm import CallMeBackLead, ClickOutLead

    leads = client.crm.leads
    if isinstance(lead, ClickOutLead):
        created = await leads.create_click_out(lead, options=options)
    elif isinstance(lead, CallMeBackLead):
        created = await leads.create_call_me_back(lead, options=options)
    else:
        created = await leads.create(lead, options=options)
    created_id: int | None = getattr(created, "id", None)  # no id answered: stored, id unknown
    return created_id


def bulk_create_leads(
    client: EcontractClient,
    rows: Iterable[LeadRow] | AsyncIterable[LeadRow],
    *,
    lead_type: str | None = None,
    timeout: float | None = None,
    **options: Any,
) -> BulkRun[LeadRow, AnyLead]:
    """`ec.crm.leads.bulk_create`: `bulk_run` over lead rows (see `LeadsResourceBase`).

    `options` go to `bulk_run` unchanged, so every option it has (now or later) is accepted
    here without a second list of parameters.
    """
    # The run owns retries: the client must not resend a lead behind its back.
    request_options = RequestOptions(timeout=timeout, max_retries=0)
    return bulk_run(
        rows,
        functools.partial(lead_from_row, lead_type=lead_type),
        functools.partial(send_lead, client, options=request_options),
        identify=functools.partial(row_digest, salt=lead_type or ""),
        **options,
    )


BulkLeadsMixin = LeadsResourceBase
"""The class that gives `ec.crm.leads` its `bulk_create` (kept under its former name)."""
