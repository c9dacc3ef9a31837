"""EcontractClient: lifecycle, views, raw responses, configuration from the environment, logging, backends."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import httpx
import pytest
import respx

from econtract_async import (
    ClientClosedError,
    ConfigurationError,
    CrmKeyAuth,
    EcontractClient,
    ServerError,
    SignedProductKeyAuth,
)
from econtract_async._transport import HttpxSender, PooledTransport
from econtract_async.crm import Client

ENV = {
    "AB_CRM_URL": "https://crm.env.test",
    "AB_CRM_ID": "p-9",
    "AB_CRM_KEY": "ck_live_9f8e7d6c5b4a3f2e1d0c",
    "ECONTRACT_PRODUCT_URL": "https://api.env.test",
    "ECONTRACT_PRODUCT_KEY": "pubkey",
    "ECONTRACT_PRODUCT_SECRET": "ps_live_1a2b3c4d5e6f7a8b9c0d",
}
MakeClient = Callable[..., EcontractClient]


@pytest.mark.asyncio
class TestLifecycle:
    async def test_calls_after_aclose_raise_client_closed(self, make_client: MakeClient) -> None:
        """Once closed, every call raises ClientClosedError and nothing is sent."""
        ec = make_client()
        await ec.aclose()
        with respx.mock(assert_all_called=False) as router:
            route = router.route().respond(200, json={})
            with pytest.raises(ClientClosedError):
                await ec.crm.clients.get(63)
        assert route.call_count == 0
        assert ec.is_closed

    async def test_a_closed_client_cannot_be_reentered(self, make_client: MakeClient) -> None:
        """`async with` on a closed client raises instead of silently reopening it."""
        ec = make_client()
        async with ec:
            pass
        with pytest.raises(ClientClosedError):
            async with ec:
                pass

    async def test_our_pool_is_closed_but_a_users_http_client_is_not(
        self, make_client: MakeClient
    ) -> None:
        """aclose() closes the pool we created, and leaves a caller's own httpx client open."""
        async with make_client() as ours, respx.mock() as router:
            router.route().respond(200, json={"id": 63})
            await ours.crm.clients.get(63)
            sender = ours._sender()
        assert isinstance(sender, HttpxSender)
        assert sender.client.is_closed

        http = httpx.AsyncClient(transport=httpx.AsyncHTTPTransport())
        async with make_client(transport=None, http_client=http) as ec, respx.mock() as router:
            router.route().respond(200, json={"id": 63})
            assert (await ec.crm.clients.get(63)).id == 63
        assert ec.is_closed
        assert not http.is_closed
        await http.aclose()

    async def test_bad_options_are_configuration_errors(self, make_client: MakeClient) -> None:
        """Negative retries, or both a transport and an http_client, are refused at construction."""
        with pytest.raises(ConfigurationError):
            make_client(max_retries=-1)
        http = httpx.AsyncClient()
        with pytest.raises(ConfigurationError):
            make_client(http_client=http)
        await http.aclose()


@pytest.mark.asyncio
class TestViewsAndRawResponses:
    async def test_with_options_signs_the_ip_and_shares_the_pool(
        self, make_client: MakeClient
    ) -> None:
        """A view puts `ip` before `apikey`, uses the same connection pool and the same lifecycle."""
        async with make_client() as ec:
            view = ec.with_options(end_user_ip="203.0.113.9")
            with respx.mock() as router:
                route = router.route().respond(200, json=[])
                await view.products.list(cat="internet")
                await ec.products.list(cat="internet")
            assert view._sender() is ec._sender()
            with_ip, without_ip = (list(c.request.url.params.keys()) for c in route.calls)
            assert with_ip[-6:] == ["key", "time", "nonce", "ip", "apikey", "abcid"]
            assert "ip" not in without_ip
            await view.aclose()
            assert ec.is_closed

    async def test_raw_responses_collects_every_attempt(self, make_client: MakeClient) -> None:
        """Inside the block each attempt's httpx.Response is collected; outside nothing is."""
        async with make_client() as ec, respx.mock() as router:
            router.route().mock(
                side_effect=[httpx.Response(503), httpx.Response(200, json={"id": 63})] * 2
            )
            with ec.raw_responses() as raw:
                await ec.crm.clients.get(63)
            await ec.crm.clients.get(63)
        assert [r.status_code for r in raw] == [503, 200]
        assert all(isinstance(r, httpx.Response) for r in raw)


@pytest.mark.asyncio
class TestFromEnv:
    async def test_full_environment_configures_both_apis(self) -> None:
        """The six variables give both credentials and base URLs."""
        async with (
            EcontractClient.from_env(ENV, transport=httpx.AsyncHTTPTransport()) as ec,
            respx.mock() as router,
        ):
            crm = router.get(url__startswith="https://crm.env.test/api/clients/63").respond(
                200, json={"id": 63}
            )
            product = router.get(url__startswith="https://api.env.test/products.json").respond(
                200, json=[]
            )
            assert isinstance(await ec.crm.clients.get(63), Client)
            assert await ec.products.list(cat="internet") == []
        assert crm.calls.last.request.url.params["crm_api_id"] == "p-9"
        assert product.calls.last.request.url.params["key"] == "pubkey"

    @pytest.mark.parametrize(
        ("present", "missing"),
        [
            ({"AB_CRM_ID": "p-9"}, "AB_CRM_KEY"),
            ({"AB_CRM_KEY": "k"}, "AB_CRM_ID"),
            ({"ECONTRACT_PRODUCT_KEY": "pubkey"}, "ECONTRACT_PRODUCT_SECRET"),
            ({"ECONTRACT_PRODUCT_SECRET": "s"}, "ECONTRACT_PRODUCT_KEY"),
        ],
    )
    async def test_half_configured_api_names_the_missing_variable(
        self, present: dict[str, str], missing: str
    ) -> None:
        """One variable of a pair without the other is an error that names the missing one."""
        with pytest.raises(ConfigurationError, match=f"{missing} is not set"):
            EcontractClient.from_env(present)

    async def test_no_credentials_at_all_is_an_error(self) -> None:
        """An environment with no credentials cannot make a client."""
        with pytest.raises(ConfigurationError, match="no credentials"):
            EcontractClient.from_env({"AB_CRM_URL": "https://crm.env.test"})

    async def test_an_api_without_auth_is_a_configuration_error(
        self, make_client: MakeClient
    ) -> None:
        """Calling the product API on a CRM-only client says which argument is missing."""
        async with make_client(product_auth=None) as ec:
            with pytest.raises(ConfigurationError, match="product_auth"):
                await ec.products.list(cat="internet")


@pytest.mark.asyncio
async def test_every_attempt_is_logged_with_redacted_url_status_and_attempt(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A retry logs the failed attempt at INFO and the success at DEBUG, with structured extras."""
    caplog.set_level(logging.DEBUG, logger="econtract_async")
    async with make_client() as ec, respx.mock() as router:
        router.route().mock(side_effect=[httpx.Response(502), httpx.Response(200, json={})])
        await ec.crm.clients.get(63)
    records = [r for r in caplog.records if r.name == "econtract_async"]
    assert [(r.levelno, r.econtract_status, r.econtract_attempt) for r in records] == [
        (logging.INFO, 502, 1),
        (logging.DEBUG, 200, 2),
    ]
    url = "https://crm.example.test/api/clients/63?crm_api_id=p-123&crm_api_key=%5Bredacted%5D"
    for record in records:
        assert re.fullmatch(
            rf"GET {re.escape(url)} -> \d+ in \d+\.\d ms \(attempt \d\)(; retrying in \d+\.\d\d s)?",
            record.getMessage(),
        )
        assert record.econtract_request.method == "GET"
    assert "retrying in" in records[0].getMessage()


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run the backend tests on asyncio and on trio."""
    return str(request.param)


@pytest.mark.anyio
async def test_get_and_post_work_on_asyncio_and_trio(
    anyio_backend: str, crm_auth: CrmKeyAuth, product_auth: SignedProductKeyAuth
) -> None:
    """A default client (nothing passed) sends through httpx on both loops; respx sees it all."""
    async with (
        EcontractClient(
            crm_auth=crm_auth,
            product_auth=product_auth,
            crm_base_url="https://crm.example.test",
        ) as ec,
        respx.mock() as router,
    ):
        get = router.get(url__startswith="https://crm.example.test/api/clients/63").respond(
            200, json={"id": 63, "first_name": "Jan"}
        )
        post = router.post("https://crm.example.test/api/leads").respond(200, json={"id": 5})
        client = await ec.crm.clients.get(63)
        lead = await ec.crm.leads.create_call_me_back(first_name="Jan", phone="0471234567")
    assert (client.id, client.first_name) == (63, "Jan")
    assert lead.id == 5
    assert get.call_count == post.call_count == 1
    assert b"lead_type=call_me_back" in post.calls.last.request.content
    sender = ec._shared.sender
    assert isinstance(sender, HttpxSender)
    assert isinstance(sender.client._transport, PooledTransport)


@pytest.mark.asyncio
async def test_exhausted_retries_raise_the_last_error(make_client: MakeClient) -> None:
    """After max_retries the last server error is raised, carrying its attempt number."""
    async with make_client(max_retries=2) as ec, respx.mock() as router:
        router.route().respond(503)
        with pytest.raises(ServerError) as caught:
            await ec.crm.clients.get(63)
    assert caught.value.request is not None
    assert caught.value.request.attempt == 3
