"""No library resends behind our back: one request on the wire per SDK attempt, each signed afresh."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from econtract_async import EcontractClient

from .wire_server import WireRequest, wire_server


def hang_up_on_reuse(request: WireRequest, index: int) -> str | None:
    """Answer the first request of a connection; read the next one and close without answering."""
    return "ok" if index == 0 else None


@pytest.mark.asyncio
async def test_a_kept_alive_connection_closed_before_answering_costs_one_attempt(
    make_client: Callable[..., EcontractClient], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="econtract_async")
    async with (
        wire_server(behaviour=hang_up_on_reuse, body=[]) as server,
        make_client(server.url) as ec,
    ):
        await ec.products.list(cat="gas", lang="nl")
        await ec.products.list(cat="gas", lang="nl")
    attempts = [r.econtract_attempt for r in caplog.records if r.name == "econtract_async"]
    assert attempts == [1, 1, 2]  # the second call's first attempt met the closed connection
    assert len(server.requests) == len(attempts)
    nonces = [parse_qs(urlsplit(r.line.split()[1]).query)["nonce"][0] for r in server.requests]
    assert len(set(nonces)) == len(nonces)
