"""`aclose()` while requests are in flight: each call ends with `ClientClosedError`, nothing
reopens, and every socket is closed afterwards."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from econtract_async import ClientClosedError, EcontractClient

from .wire_server import wire_server


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.asyncio
async def test_aclose_ends_every_pending_call_and_leaves_no_socket(
    make_client: Callable[..., EcontractClient],
) -> None:
    async with wire_server(behaviour=lambda request, index: "hold") as server:
        baseline = open_files()
        ec = make_client(server.url, max_retries=3)
        outcomes: list[BaseException | Any] = []

        async def call(n: int) -> None:
            try:
                if n % 2:
                    outcomes.append(await ec.crm.clients.get(n))
                else:
                    outcomes.append(await ec.crm.leads.create_call_me_back(phone="0471234567"))
            except BaseException as error:
                outcomes.append(error)

        with anyio.fail_after(10):  # a hang guard, not a timing assertion
            async with anyio.create_task_group() as group:
                for n in range(12):
                    group.start_soon(call, n)
                while len(server.requests) < 12:  # noqa: ASYNC110 - the server's side has no event
                    await anyio.sleep(0.01)
                await ec.aclose()
        assert len(outcomes) == 12
        assert all(isinstance(o, ClientClosedError) for o in outcomes), outcomes
        assert all(o.may_have_reached_server for o in outcomes)
        assert len(server.requests) == 12  # no retry went out after the close

        with pytest.raises(ClientClosedError) as later:
            await ec.crm.clients.get(1)
        assert later.value.may_have_reached_server is False
        assert len(server.requests) == 12

        server.hold.set()
        with anyio.fail_after(10):
            while open_files() > baseline:  # noqa: ASYNC110 - sockets close on their own
                await anyio.sleep(0.01)
        assert open_files() == baseline
