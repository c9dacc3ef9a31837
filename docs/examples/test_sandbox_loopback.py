"""The same kind of test over a real 127.0.0.1 socket, with the CRM state in a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from econtract_async.sandbox import run_sandbox
from econtract_async.testing import client_for


@pytest.mark.asyncio
async def test_over_the_wire(tmp_path: Path) -> None:
    """A client written through the socket is read back, and survives a restart of the sandbox."""
    async with run_sandbox(db=tmp_path / "crm.db") as live, client_for(live) as ec:
        assert live.base_url.startswith("http://127.0.0.1:")
        created = await ec.crm.clients.create(
            gender=1,
            segment=1,
            first_name="Jan",
            last_name="Peeters",
            cellphone="0470123456",
            email="jan@example.be",
            language="nl",
        )
        assert created.id > 0

    async with run_sandbox(db=tmp_path / "crm.db") as live, client_for(live) as ec:
        kept = await ec.crm.clients.get(created.id)
    assert kept.email == "jan@example.be"
