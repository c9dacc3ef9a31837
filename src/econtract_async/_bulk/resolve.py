"""Settling rows that may have arrived: automatic checks where an API can tell, by hand elsewhere.

A row ends `unknown` when its request may have reached the API without an answer coming back.
Whether it was stored can only be known by asking the API, and only some create calls have a
way to ask:

- **client creates**: yes. `clients.search` finds a client by e-mail (`client_lookup`), and the
  CRM de-duplicates clients anyway;
- **leads**: no. The CRM API has no lead lookup, so a person checks the CRM and settles the
  rows with `Journal.resolve` (`econtract leads resolve`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import attrs

from .journal import Journal, JournalRow

if TYPE_CHECKING:
    from .._client import EcontractClient

__all__ = ["NO_LOOKUP", "CheckResult", "Lookup", "check_unknown", "client_lookup"]

Lookup = Callable[[JournalRow], Awaitable[bool | None]]
"""Says whether the API stored a row: True, False, or None when it cannot tell."""

NO_LOOKUP = {
    "leads": "the CRM API has no lead lookup: check the CRM by hand, then resolve the rows",
}
"""Create calls whose unknown rows cannot be checked automatically, and why."""


@attrs.frozen
class CheckResult:
    """How many unknown rows a check settled each way, and how many it could not tell."""

    stored: int
    not_stored: int
    undecided: int


async def check_unknown(journal: Journal, lookup: Lookup) -> CheckResult:
    """Ask `lookup` about every row of the import that may have arrived; settle the answers."""
    stored: list[int] = []
    not_stored: list[int] = []
    undecided = 0
    for row in await journal.unknown():
        found = await lookup(row)
        if found is None:
            undecided += 1
        else:
            (stored if found else not_stored).append(row.entry.position)
    if stored:
        await journal.resolve(stored, stored=True, note="checked: the API has it")
    if not_stored:
        await journal.resolve(not_stored, stored=False, note="checked: the API does not have it")
    return CheckResult(len(stored), len(not_stored), undecided)


def client_lookup(ec: EcontractClient) -> Lookup:
    """A lookup for client creates: was a client with the row's e-mail stored?"""

    async def lookup(row: JournalRow) -> bool | None:
        email = row.label.get("email", "").strip().lower()
        if not email:
            return None
        found = await ec.crm.clients.search(query=email)
        return any((client.email or "").strip().lower() == email for client in found)

    return lookup
