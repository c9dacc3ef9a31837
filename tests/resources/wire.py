"""What a call puts on the wire, read back from respx: shared by the wire tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx
import respx

from econtract_async import EcontractClient

__all__ = ["GERMAN_LEAD", "sent"]

GERMAN_LEAD: dict[str, Any] = {
    "lead_type": "energy",
    "gender": 1,
    "segment": 1,
    "first_name": "Anna",
    "last_name": "Schmidt",
    "email": "anna@example.de",
    "language": "nl",
}
"""A lead's required fields, for a person whose phone is German (the numbers vary per test)."""


def sent(
    make_client: Callable[..., EcontractClient], call: Callable[[EcontractClient], Any]
) -> list[tuple[str, str]]:
    """The form pairs of the one request `call` makes, credentials included."""

    async def run() -> list[tuple[str, str]]:
        async with make_client() as ec:
            with respx.mock() as router:
                route = router.route().mock(return_value=httpx.Response(200, json={"id": 1}))
                await call(ec)
                assert route.call_count == 1
                return parse_qsl(route.calls[0].request.content.decode(), keep_blank_values=True)

    return asyncio.run(run())
