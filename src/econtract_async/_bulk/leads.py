"""`ec.crm.leads.bulk_create`: the bulk primitive applied to leads of every type."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from .._exceptions import FieldError, ValidationError
from .._options import RequestOptions
from .journal import Journal, row_digest
from .ratelimit import RateLimiter
from .runner import BulkRun, UnknownPolicy, bulk_run
from .sharding import Shard

if TYPE_CHECKING:
    from .._client import EcontractClient
    from ..crm import CallMeBackLead, ClickOutLead, Lead, ThirdPartyLead

    AnyLead: TypeAlias = Lead | ThirdPartyLead | CallMeBackLead | ClickOutLead
    LeadRow: TypeAlias = AnyLead | Mapping[str, Any]
    """A lead model, or a dict / CSV row in wire or Python names (optional `lead_type`)."""

__all__ = ["SPECIFIC_LEAD_TYPES", "BulkLeadsMixin", "lead_from_row", "send_lead"]

SPECIFIC_LEAD_TYPES = ("third_party", "call_me_back", "click_out")
"""Lead types with a dedicated model; any other type is sent as a generic `Lead`."""


@functools.cache
def _lead_models() -> dict[str, type[ThirdPartyLead | CallMeBackLead | ClickOutLead]]:
    """The dedicated model of each specific lead type.

    Imported on use: the generated leads resource inherits `BulkLeadsMixin` from this module,
    so importing the generated models here at import time would be circular.
    """
    from ..crm import CallMeBackLead, ClickOutLead, ThirdPartyLead

    return {
        "third_party": ThirdPartyLead,
        "call_me_back": CallMeBackLead,
        "click_out": ClickOutLead,
    }


def lead_from_row(row: LeadRow, *, lead_type: str | None = None) -> AnyLead:
    """Build the lead model a row stands for, validating every field.

    A model is returned as is. A mapping's type comes from its `lead_type` value, else from
    `lead_type`; `third_party`, `call_me_back` and `click_out` have their own models, any other
    type is sent as a generic `Lead` with that `lead_type`.

    Raises:
        ValidationError: Naming every bad field of the row (or the missing lead type).
    """
    from ..crm import CallMeBackLead, ClickOutLead, Lead, ThirdPartyLead

    if isinstance(row, Lead | ThirdPartyLead | CallMeBackLead | ClickOutLead):
        return row
    data = row
    chosen = lead_type
    if "lead_type" in row:
        data = dict(row)
        chosen = str(data.pop("lead_type", None) or "").strip() or lead_type
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
    return created.id


class BulkLeadsMixin:
    """Adds `bulk_create` to the generated leads resource (`ec.crm.leads`)."""

    __slots__ = ()
    _client: EcontractClient

    def bulk_create(
        self,
        rows: Iterable[LeadRow] | AsyncIterable[LeadRow],
        *,
        lead_type: str | None = None,
        concurrency: int = 8,
        rate: float | RateLimiter | None = None,
        journal: str | Path | Journal | None = None,
        shard: str | tuple[int, int] | Shard | None = None,
        on_unknown: UnknownPolicy = "hold",
        max_attempts: int = 4,
        retry_backoff: float = 0.2,
        outcome_buffer: int | None = None,
        timeout: float | None = None,
    ) -> BulkRun[LeadRow, AnyLead]:
        """Create many leads concurrently, resumably, with one outcome per row.

        ```python
        async with ec.crm.leads.bulk_create(rows, journal="leads.journal") as run:
            async for outcome in run:
                print(outcome.position, outcome.kind, outcome.id or outcome.reason)
        print(run.summary)
        ```

        `await ec.crm.leads.bulk_create(rows)` runs to the end and returns only the summary.
        See docs/bulk-import.md for the journal's guarantee and the `unknown` policy.

        Args:
            rows: Lead models or mappings (wire or Python names, text values coerced, `""`
                meaning not given), from any iterable or async iterable, read lazily.
            lead_type: The type of mapping rows without a `lead_type` value.
            concurrency: Requests in flight at once.
            rate: Requests per second shared by all workers, or None for no limit.
            journal: SQLite file that makes the run resumable (strongly recommended).
            shard: `(i, n)` or `"i/n"`: this process handles the rows at positions i, i+n, ...
            on_unknown: `hold` (default) or `resend` rows an earlier run left unknown.
            max_attempts: Tries per row for failures that are safe to retry.
            retry_backoff: Seconds before the first retry, doubled for each next one.
            outcome_buffer: Outcomes that may wait for the caller (default: `concurrency`).
            timeout: Seconds per request (default: the client's).
        """
        # The run owns retries: the client must not resend a lead behind its back.
        options = RequestOptions(timeout=timeout, max_retries=0)
        return bulk_run(
            rows,
            functools.partial(lead_from_row, lead_type=lead_type),
            functools.partial(send_lead, self._client, options=options),
            identify=functools.partial(row_digest, salt=lead_type or ""),
            concurrency=concurrency,
            rate=rate,
            journal=journal,
            shard=shard,
            on_unknown=on_unknown,
            max_attempts=max_attempts,
            retry_backoff=retry_backoff,
            outcome_buffer=outcome_buffer,
        )
