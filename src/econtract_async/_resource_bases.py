"""Hand-written bases of generated resource classes, for methods that are not one API call.

A schema file names its base with `base:` (a class of this module); the generated resource
class extends it. These bases are part of the runtime base the generated code may import, so
they import feature modules (the bulk importer) only when a method runs: generated code stays a
leaf, and `import econtract_async.crm` loads no bulk machinery.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from typing import TYPE_CHECKING, Any

from ._resource import Resource

if TYPE_CHECKING:
    from ._bulk.leads import AnyLead, LeadRow
    from ._bulk.runner import BulkRun

__all__ = ["LeadsResourceBase"]


class LeadsResourceBase(Resource):
    """Adds `bulk_create` to the generated leads resource (`ec.crm.leads`)."""

    __slots__ = ()

    def bulk_create(
        self,
        rows: Iterable[LeadRow] | AsyncIterable[LeadRow],
        *,
        lead_type: str | None = None,
        timeout: float | None = None,
        **options: Any,
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
            rows: Lead models or mappings (wire or Python names, text values coerced; an empty
                cell means "not given"), from any iterable or async iterable, read lazily.
            lead_type: The type of mapping rows without a `lead_type` value.
            timeout: Seconds per request (default: the client's).
            **options: Every option of `econtract_async.bulk.bulk_run` (`concurrency`, `rate`,
                `journal`, `shard`, `on_unknown`, `max_attempts`, ...), passed on unchanged;
                see its documentation. An unknown name raises `TypeError`.
        """
        from ._bulk.leads import bulk_create_leads

        return bulk_create_leads(
            self._client, rows, lead_type=lead_type, timeout=timeout, **options
        )
