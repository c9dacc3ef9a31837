"""What the sandbox promises, seen through the SDK on a real loopback socket."""

from __future__ import annotations

from pathlib import Path

import pytest

from econtract_async import (
    AuthenticationError,
    BadRequestError,
    ConnectionLostError,
    CrmKeyAuth,
    EcontractClient,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
)
from econtract_async.sandbox import LiveSandbox, Sandbox, run_sandbox
from econtract_async.testing import FixedClock, client_for

from .conftest import NO_WAIT, new_client, new_order

pytestmark = [pytest.mark.asyncio, pytest.mark.integration]


class TestUpserts:
    """Clients, addresses and orders are updated, never duplicated; leads are not."""

    async def test_same_client_twice_is_one_client(
        self, ec: EcontractClient, live: LiveSandbox
    ) -> None:
        """Sending a client again updates the stored one."""
        before = live.sandbox.store.count("clients")
        fields = new_client()
        first = await ec.crm.clients.create(fields)
        second = await ec.crm.clients.create({**fields, "first_name": "Johan"})
        assert second.id == first.id
        assert second.first_name == "Johan"
        assert live.sandbox.store.count("clients") == before + 1

    async def test_same_order_twice_is_one_order(
        self, ec: EcontractClient, live: LiveSandbox
    ) -> None:
        """An order sent twice is one order, one client and one address."""
        store = live.sandbox.store
        counts = [store.count(kind) for kind in ("orders", "clients", "addresses")]
        order = new_order()
        first = await ec.crm.orders.create(order)
        second = await ec.crm.orders.create(order)
        assert second.id == first.id
        assert [store.count(kind) for kind in ("orders", "clients", "addresses")] == [
            n + 1 for n in counts
        ]

    async def test_identical_leads_are_two_leads(
        self, ec: EcontractClient, live: LiveSandbox
    ) -> None:
        """Leads are not de-duplicated."""
        first = await ec.crm.leads.create_click_out(first_name="A", last_name="B", email="a@b.be")
        second = await ec.crm.leads.create_click_out(first_name="A", last_name="B", email="a@b.be")
        assert first.id != second.id


class TestCredentials:
    """Credential failures surface as the SDK's error types."""

    async def test_wrong_crm_key_raises_authentication_error(self, live: LiveSandbox) -> None:
        """A bad CRM key is a 401, AuthenticationError, and the key is never printed."""
        async with client_for(
            live, crm_auth=CrmKeyAuth(live.credentials.crm_api_id, "wrong-key")
        ) as ec:
            with pytest.raises(AuthenticationError) as caught:
                await ec.crm.clients.get(1)
        assert caught.value.status_code == 401
        assert "wrong-key" not in str(caught.value)
        assert "wrong-key" not in repr(caught.value.request)

    async def test_replayed_nonce_raises_bad_request_error(self, live: LiveSandbox) -> None:
        """A repeated time + nonce pair is a 400, BadRequestError."""
        async with client_for(
            live, nonce=lambda: "c" * 32, clock=FixedClock(live.sandbox.clock())
        ) as ec:
            await ec.products.last_updated(lang="nl")
            with pytest.raises(BadRequestError) as caught:
                await ec.products.last_updated(lang="nl")
        assert "nonce" in caught.value.api_message

    async def test_stale_clock_raises_bad_request_error(self, live: LiveSandbox) -> None:
        """A signature from an hour ago is refused."""
        async with client_for(live, clock=FixedClock(live.sandbox.clock() - 3600)) as ec:
            with pytest.raises(BadRequestError):
                await ec.products.list(cat="gas", lang="nl")


async def test_restarted_sandbox_still_serves_what_was_written(tmp_path: Path) -> None:
    """Data written through the SDK survives a restart on the same database file."""
    db = tmp_path / "restart.db"
    async with run_sandbox(db=db) as first, client_for(first) as ec:
        created = await ec.crm.clients.create(new_client())
        order = await ec.crm.orders.create(new_order())
    async with run_sandbox(db=db) as second, client_for(second) as ec:
        assert await ec.crm.clients.get(created.id) == created
        assert (await ec.crm.orders.latest(limit=1))[0].id == order.id


class TestFaults:
    """Each fault kind, as the SDK experiences it."""

    async def test_503_is_retried_and_succeeds(
        self, ec: EcontractClient, live: LiveSandbox
    ) -> None:
        """A one-off 503 on a read is retried transparently."""
        live.set_faults(script=("503",))
        assert await ec.crm.suppliers.rating(3)
        assert live.sandbox.faults.script == ()

    async def test_502_beyond_the_retries_raises_server_error(self, live: LiveSandbox) -> None:
        """Persistent 502s exhaust the retries and raise ServerError."""
        live.set_faults(error_rates={502: 1.0})
        async with client_for(live, retry=NO_WAIT, max_retries=1) as ec:
            with pytest.raises(ServerError) as caught:
                await ec.crm.suppliers.rating(3)
        assert caught.value.status_code == 502

    async def test_500_raises_server_error(self, ec: EcontractClient, live: LiveSandbox) -> None:
        """An injected 500 reaches the caller as ServerError."""
        live.set_faults(error_rates={500: 1.0})
        with pytest.raises(ServerError) as caught:
            await ec.crm.suppliers.rating(3)
        assert caught.value.status_code == 500

    async def test_429_carries_retry_after_and_is_retried(self, live: LiveSandbox) -> None:
        """429 is retried; without retries left it raises RateLimitError with Retry-After."""
        live.set_faults(script=("429",), retry_after=2)
        async with client_for(live, retry=NO_WAIT) as ec:
            assert await ec.crm.suppliers.rating(4)
        live.set_faults(script=("429",), retry_after=2)
        async with client_for(live, retry=NO_WAIT, max_retries=0) as ec:
            with pytest.raises(RateLimitError) as caught:
                await ec.crm.suppliers.rating(4)
        assert caught.value.retry_after == 2

    async def test_dropped_order_is_retried_without_duplicating(
        self, ec: EcontractClient, live: LiveSandbox
    ) -> None:
        """A de-duplicated write whose answer was lost is retried, and stays one order."""
        before = live.sandbox.store.count("orders")
        live.set_faults(script=("drop",))
        order = await ec.crm.orders.create(new_order())
        assert live.sandbox.store.count("orders") == before + 1
        assert live.sandbox.store.get("orders", order.id) is not None

    async def test_dropped_lead_raises_but_was_written(
        self, ec: EcontractClient, live: LiveSandbox
    ) -> None:
        """A lead (may duplicate) is not retried after a drop: the caller learns the outcome is unknown."""
        before = live.sandbox.store.count("leads")
        live.set_faults(script=("drop",))
        with pytest.raises(ConnectionLostError):
            await ec.crm.leads.create_click_out(first_name="A", last_name="B", email="a@b.be")
        assert live.sandbox.store.count("leads") == before + 1

    async def test_slow_body_is_read_whole(self, ec: EcontractClient, live: LiveSandbox) -> None:
        """A body trickling in chunks still decodes to the full product list."""
        expected = await ec.products.list(cat="mobile", lang="nl")
        live.set_faults(script=("slow",), slow_body_delay=0.01, slow_body_chunks=8)
        assert await ec.products.list(cat="mobile", lang="nl") == expected

    async def test_latency_beyond_the_timeout_raises_timeout(self, live: LiveSandbox) -> None:
        """A server slower than the client's timeout surfaces as RequestTimeoutError."""
        live.set_faults(latency=5.0)
        async with client_for(live, timeout=0.2, max_retries=0) as ec:
            with pytest.raises(RequestTimeoutError):
                await ec.crm.suppliers.rating(5)


async def test_in_process_drop_looks_like_a_lost_connection() -> None:
    """Through the ASGI transport a drop is a lost connection too, after the write."""
    with Sandbox() as sandbox:
        sandbox.set_faults(script=("drop",))
        async with client_for(sandbox, retry=NO_WAIT) as ec:
            with pytest.raises(ConnectionLostError):
                await ec.crm.leads.create_click_out(first_name="A", last_name="B", email="a@b.be")
        assert sandbox.store.count("leads") == 1
