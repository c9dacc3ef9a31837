"""Both senders, end to end against the sandbox on loopback: every test runs on httpx and on aiohttp.

The two must be indistinguishable to the caller: same errors, retries, raw responses, lifecycle.
"""

from __future__ import annotations

import gc
import logging
import socket
import traceback
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from econtract_async import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    ConnectError,
    ConnectionLostError,
    CrmKeyAuth,
    EcontractClient,
    EcontractError,
    NotFoundError,
    RateLimitError,
    RequestTimeoutError,
    RetryConfig,
    ServerError,
)
from econtract_async._transport import HttpxSender
from econtract_async._transport._aiohttp import AiohttpSender, client_timeout
from econtract_async.sandbox import LiveSandbox, Sandbox, SandboxCredentials, serve_in_thread
from econtract_async.testing import FixedClock
from econtract_async.testing import client_for as sandbox_client

CRM_KEY = "ck_live_5e4d3c2b1a0f9e8d7c6b"
PRODUCT_SECRET = "ps_live_0f1e2d3c4b5a69788796"
NO_WAIT = RetryConfig(base_delay=0.0, max_delay=0.0, max_retry_after=0.0)


@pytest.fixture(scope="module")
def live() -> Iterator[LiveSandbox]:
    """A sandbox on 127.0.0.1 whose secrets look like live ones, for this module."""
    credentials = SandboxCredentials(crm_api_key=CRM_KEY, secret=PRODUCT_SECRET)
    with Sandbox(credentials=credentials) as sandbox, serve_in_thread(sandbox) as served:
        yield served


BACKENDS = ("httpx", "aiohttp")
_backend = ["httpx"]


@pytest.fixture(autouse=True, params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run every test of this module once per sender."""
    _backend[0] = request.param
    yield request.param
    _backend[0] = "httpx"


def client_for(target: LiveSandbox, **options: Any) -> EcontractClient:
    """A sandbox client on this test's backend."""
    options.setdefault("http_backend", _backend[0])
    return sandbox_client(target, **options)


@pytest.fixture(autouse=True)
def _no_faults(live: LiveSandbox) -> Iterator[None]:
    """Every test starts and ends without injected faults."""
    live.sandbox.clear_faults()
    yield
    live.sandbox.clear_faults()


@pytest_asyncio.fixture
async def ec(live: LiveSandbox) -> AsyncIterator[EcontractClient]:
    """A default client (no transport given) on the loopback socket, retrying without delay."""
    async with client_for(live, retry=NO_WAIT) as client:
        yield client


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lead(ec: EcontractClient) -> Any:
    """Create a click-out lead: a write that is never retried once it may have been sent."""
    return ec.crm.leads.create_click_out(first_name="A", last_name="B", email="a@b.be")


def attempts(caplog: pytest.LogCaptureFixture) -> list[int]:
    """The attempt numbers logged by the SDK."""
    return [r.econtract_attempt for r in caplog.records if r.name == "econtract_async"]


@pytest.mark.asyncio
class TestChoice:
    async def test_the_chosen_sender_carries_every_call(
        self, ec: EcontractClient, backend: str
    ) -> None:
        """A create and a read go through the backend asked for; views share its sender."""
        created = await ec.crm.clients.create(
            gender=1,
            segment=1,
            first_name="Jan",
            last_name="Peeters",
            email="jan@fast.be",
            cellphone="0499123456",
            language="nl",
        )
        view = ec.with_options(max_retries=0)
        assert (await view.crm.clients.get(created.id)).email == "jan@fast.be"
        expected = HttpxSender if backend == "httpx" else AiohttpSender
        assert isinstance(ec._shared.sender, expected)
        assert view._shared.sender is ec._shared.sender

    async def test_a_given_transport_is_httpx(self, live: LiveSandbox, backend: str) -> None:
        """A user's transport is always httpx's; asking for aiohttp with one is a mistake."""
        if backend == "aiohttp":
            with pytest.raises(ConfigurationError, match="aiohttp"):
                client_for(live, transport=httpx.AsyncHTTPTransport())
            return
        async with client_for(live, transport=httpx.AsyncHTTPTransport()) as ec:
            assert await ec.crm.suppliers.rating(3)
            assert isinstance(ec._shared.sender, HttpxSender)

    async def test_an_unknown_backend_is_a_configuration_error(self, live: LiveSandbox) -> None:
        """A typo in `http_backend` is refused at construction."""
        with pytest.raises(ConfigurationError, match="http_backend"):
            client_for(live, http_backend="aiohtp")

    async def test_a_ready_sender_is_used_and_closed(self, live: LiveSandbox) -> None:
        """`http_backend=AiohttpSender(...)` is used as given and closed with the client."""
        sender = AiohttpSender(httpx.Limits(max_connections=4))
        async with client_for(live, http_backend=sender) as ec:
            assert await ec.crm.suppliers.rating(3)
            assert ec._shared.sender is sender
        with pytest.raises(ClientClosedError):
            await sender.send("GET", live.crm_base_url, None, httpx.Timeout(1.0))


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_trio_sends_through_httpx_and_refuses_aiohttp(
    anyio_backend: str, live: LiveSandbox, backend: str
) -> None:
    """On trio the default client works; aiohttp, which needs asyncio, says so."""
    async with client_for(live) as ec:
        if backend == "aiohttp":
            with pytest.raises(ConfigurationError, match="asyncio"):
                await ec.crm.suppliers.rating(3)
            return
        assert await ec.crm.suppliers.rating(3)
        assert isinstance(ec._shared.sender, HttpxSender)


@pytest.mark.asyncio
class TestStatuses:
    async def test_400_401_404_map_to_their_errors(self, live: LiveSandbox) -> None:
        """A stale signature, a wrong key and a missing record raise the matching APIError."""
        async with client_for(live, clock=FixedClock(live.sandbox.clock() - 3600)) as ec:
            with pytest.raises(BadRequestError):
                await ec.products.list(cat="gas", lang="nl")
        wrong = CrmKeyAuth(live.credentials.crm_api_id, "ck_live_wrongwrongwrong")
        async with client_for(live, crm_auth=wrong) as ec:
            with pytest.raises(AuthenticationError) as caught:
                await ec.crm.clients.get(1)
        assert "ck_live_wrongwrongwrong" not in str(caught.value)
        async with client_for(live) as ec:
            with pytest.raises(NotFoundError) as missing:
                await ec.crm.clients.get(987654321)
        assert missing.value.api_message == "Client 987654321 not found"

    @pytest.mark.parametrize(
        ("step", "error"),
        [("500", ServerError), ("502", ServerError), ("503", ServerError), ("429", RateLimitError)],
    )
    async def test_5xx_and_429_map_to_their_errors(
        self, live: LiveSandbox, step: str, error: type[APIError]
    ) -> None:
        """Injected statuses reach the caller as the matching error when no retry is left."""
        live.set_faults(script=(step,))
        async with client_for(live, max_retries=0) as ec:
            with pytest.raises(error) as caught:
                await ec.crm.suppliers.rating(3)
        assert caught.value.status_code == int(step)
        assert caught.value.request is not None

    async def test_retry_after_is_read_and_honoured(
        self, live: LiveSandbox, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A 429's Retry-After becomes `retry_after` and sets the wait before the retry."""
        caplog.set_level(logging.INFO, logger="econtract_async")
        live.set_faults(script=("429",), retry_after=7)
        async with client_for(live, max_retries=0) as ec:
            with pytest.raises(RateLimitError) as caught:
                await ec.crm.suppliers.rating(4)
        assert caught.value.retry_after == 7
        live.set_faults(script=("429",), retry_after=7)
        capped = RetryConfig(base_delay=0.0, max_delay=0.0, max_retry_after=0.01)
        async with client_for(live, retry=capped) as ec:
            assert await ec.crm.suppliers.rating(4)
        assert "retrying in 0.01 s" in caplog.text


@pytest.mark.asyncio
class TestTransportFailures:
    async def test_a_dropped_lead_raises_connection_lost(
        self, ec: EcontractClient, live: LiveSandbox
    ) -> None:
        """The server hanging up after the write is ConnectionLostError, not retried for a lead."""
        before = live.sandbox.store.count("leads")
        live.set_faults(script=("drop",))
        with pytest.raises(ConnectionLostError) as caught:
            await lead(ec)
        assert caught.value.may_have_reached_server is True
        assert live.sandbox.store.count("leads") == before + 1

    async def test_a_dropped_client_create_is_retried(
        self, ec: EcontractClient, live: LiveSandbox, backend: str
    ) -> None:
        """A de-duplicated write whose answer was lost is retried and stays one client."""
        before = live.sandbox.store.count("clients")
        live.set_faults(script=("drop",))
        created = await ec.crm.clients.create(
            gender=1,
            segment=1,
            first_name="An",
            last_name="Drop",
            email=f"an@{backend}.drop.be",
            cellphone="0499123456",
            language="nl",
        )
        assert created.id is not None
        assert live.sandbox.store.count("clients") == before + 1

    async def test_a_refused_connection_is_retried_then_raises_connect_error(
        self, live: LiveSandbox, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A closed port never reached the server: even a lead is retried, then ConnectError."""
        caplog.set_level(logging.INFO, logger="econtract_async")
        base = f"http://127.0.0.1:{closed_port()}"
        async with client_for(live, crm_base_url=base, retry=NO_WAIT, max_retries=2) as ec:
            with pytest.raises(ConnectError) as caught:
                await lead(ec)
        assert caught.value.may_have_reached_server is False
        assert attempts(caplog) == [1, 2, 3]

    async def test_a_slow_server_raises_a_read_timeout(self, live: LiveSandbox) -> None:
        """Waiting longer than the read timeout is RequestTimeoutError after sending."""
        live.set_faults(latency=1.0)
        # A generous connect timeout: on a loaded machine connecting alone may take 0.1 s.
        async with client_for(live, timeout=httpx.Timeout(10.0, read=0.1), max_retries=0) as ec:
            with pytest.raises(RequestTimeoutError) as caught:
                await ec.crm.suppliers.rating(5)
        assert caught.value.may_have_reached_server is True

    async def test_a_slow_body_is_read_whole(self, ec: EcontractClient, live: LiveSandbox) -> None:
        """A body trickling in chunks is read to the end before parsing."""
        expected = await ec.products.list(cat="mobile", lang="nl")
        live.set_faults(script=("slow",), slow_body_delay=0.01, slow_body_chunks=6)
        assert await ec.products.list(cat="mobile", lang="nl") == expected


@pytest.mark.asyncio
class TestRawResponses:
    async def test_every_attempt_is_an_httpx_response(
        self, ec: EcontractClient, live: LiveSandbox
    ) -> None:
        """Captured attempts are real httpx.Responses with status, headers, body and the request sent."""
        live.set_faults(script=("503",))
        with ec.raw_responses() as raw:
            rating = await ec.crm.suppliers.rating(3)
        assert [r.status_code for r in raw] == [503, 200]
        assert all(isinstance(r, httpx.Response) for r in raw)
        ok = raw[1]
        assert ok.headers["content-type"].startswith("application/json")
        assert ok.json()
        assert rating
        assert ok.request.method == "GET"
        assert ok.request.url.path == "/api/suppliers/3/rating"
        assert ok.request.headers["accept"] == "*/*"
        assert ok.request.headers["user-agent"].startswith("econtract-async/")

    async def test_a_post_records_its_form_body(self, ec: EcontractClient) -> None:
        """A captured POST carries the form body and content type that were sent."""
        with ec.raw_responses() as raw:
            created = await lead(ec)
        (response,) = raw
        assert response.json() == {
            "status": 200,
            "data": {**response.json()["data"], "id": str(created.id)},
        }
        assert response.request.method == "POST"
        assert response.request.headers["content-type"] == "application/x-www-form-urlencoded"
        assert b"first_name=A" in response.request.content

    async def test_nothing_is_built_outside_the_block(self, ec: EcontractClient) -> None:
        """Outside `raw_responses()` nothing is collected."""
        with ec.raw_responses() as raw:
            pass
        await ec.crm.suppliers.rating(3)
        assert raw == []


@pytest.mark.asyncio
class TestLifecycle:
    async def test_aclose_closes_everything_without_warnings(self, live: LiveSandbox) -> None:
        """After aclose() the connections are gone and garbage collection warns about nothing."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ec = client_for(live)
            async with ec:
                await ec.crm.suppliers.rating(3)
            del ec
            gc.collect()
        assert [str(w.message) for w in caught] == []

    async def test_a_closed_client_refuses_to_send(self, live: LiveSandbox) -> None:
        """Calls after aclose() raise ClientClosedError instead of reopening anything."""
        ec = client_for(live)
        await ec.crm.suppliers.rating(3)
        await ec.aclose()
        with pytest.raises(ClientClosedError) as caught:
            await ec.crm.suppliers.rating(3)
        assert caught.value.may_have_reached_server is False

    async def test_a_client_that_never_sent_opened_nothing(self, live: LiveSandbox) -> None:
        """No sender (no pool, no session) exists before the first request."""
        async with client_for(live) as ec:
            pass
        assert ec._shared.sender is None


def test_httpx_timeouts_become_aiohttp_timeouts() -> None:
    """pool + connect bound getting a connection, connect opening one, read each read; no total."""
    converted = client_timeout(httpx.Timeout(5.0, connect=2.0, pool=1.0, read=7.0))
    assert (converted.total, converted.connect, converted.sock_connect, converted.sock_read) == (
        None,
        3.0,
        2.0,
        7.0,
    )
    unbounded = client_timeout(httpx.Timeout(None))
    assert (unbounded.connect, unbounded.sock_connect, unbounded.sock_read) == (None, None, None)


@pytest.mark.asyncio
async def test_no_credential_in_errors_or_logs(
    live: LiveSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """Every failure, its traceback (locals included), reprs and every library's DEBUG log lines
    are free of secrets."""
    for name in ("econtract_async", "httpx", "httpcore", "aiohttp"):
        caplog.set_level(logging.DEBUG, logger=name)
    failures: list[EcontractError] = []
    live.set_faults(script=("500", "drop", "429"))
    async with client_for(live, retry=NO_WAIT, max_retries=0) as ec:
        reprs = repr(ec) + repr(vars(ec)) + repr(vars(ec.with_options(end_user_ip="192.0.2.1")))
        with ec.raw_responses() as raw:
            for call in (
                lambda: ec.crm.clients.get(1),
                lambda: lead(ec),
                lambda: ec.products.list(cat="gas", lang="nl"),
                lambda: ec.crm.clients.get(987654321),
            ):
                with pytest.raises(EcontractError) as caught:
                    await call()
                failures.append(caught.value)
    refused = f"http://127.0.0.1:{closed_port()}"
    async with client_for(
        live, crm_base_url=refused, product_base_url=refused, max_retries=0
    ) as ec:
        for call in (lambda: ec.crm.clients.get(1), lambda: ec.products.list(cat="gas")):
            with pytest.raises(ConnectError) as refused_error:
                await call()
            failures.append(refused_error.value)
    live.set_faults(latency=1.0)
    async with client_for(live, timeout=0.1, max_retries=0) as ec:
        with pytest.raises(RequestTimeoutError) as timed_out:
            await ec.crm.clients.get(1)
        failures.append(timed_out.value)
    assert len(failures) == 7
    # Formatted before any secret is a local of this frame (which is on each traceback too).
    shown = [
        "".join(traceback.TracebackException.from_exception(e, capture_locals=True).format())
        + repr(e.request)  # type: ignore[attr-defined]
        for e in failures
    ]
    signed = [r.request.url.params["apikey"] for r in raw if "apikey" in r.request.url.params]
    assert signed
    assert any(r.name.startswith("httpx") for r in caplog.records) or _backend[0] == "aiohttp"
    for secret in (CRM_KEY, PRODUCT_SECRET, *signed):
        assert secret not in caplog.text
        assert secret not in reprs
        for text in shown:
            assert secret not in text
