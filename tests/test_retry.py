"""What is retried under each endpoint policy, how often, and after which delay."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

import econtract_async._client
from econtract_async import (
    ConnectError,
    ConnectionLostError,
    EcontractClient,
    RateLimitError,
    RequestOptions,
    RetryConfig,
    ServerError,
    product_signature,
)
from econtract_async.crm import CallMeBackLead

OK_CLIENT = httpx.Response(200, json={"id": 63})
LEAD = CallMeBackLead(first_name="Jan", last_name="Peeters", phone="0471234567")


def failure(kind: str) -> Any:
    """A respx side effect: an error response by status, or an httpx transport error."""
    errors = {
        "read timeout": httpx.ReadTimeout("read timed out"),
        "connect timeout": httpx.ConnectTimeout("connect timed out"),
        "connect error": httpx.ConnectError("connection refused"),
        "connection lost": httpx.RemoteProtocolError("server disconnected"),
        "read error": httpx.ReadError("connection reset"),
    }
    return errors.get(kind) or httpx.Response(int(kind), text="try later")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "kind", ["429", "502", "503", "504", "read timeout", "connect timeout", "connection lost"]
)
async def test_get_is_retried_after_transient_failures(
    kind: str, make_client: Callable[..., EcontractClient]
) -> None:
    """A read succeeds on its second attempt after any transient failure."""
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(side_effect=[failure(kind), OK_CLIENT])
            client = await ec.crm.clients.get(63)
    assert client.id == 63
    assert route.call_count == 2


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["400", "401", "404", "500"])
async def test_get_is_not_retried_after_a_definite_answer(
    kind: str, make_client: Callable[..., EcontractClient]
) -> None:
    """Client errors and a plain 500 are answers, not glitches: one attempt only."""
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(side_effect=[failure(kind), OK_CLIENT])
            with pytest.raises(Exception, match=f"HTTP {kind}"):
                await ec.crm.clients.get(63)
    assert route.call_count == 1


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("connection lost", ConnectionLostError),
        ("read error", ConnectionLostError),
        ("502", ServerError),
    ],
)
async def test_lead_post_is_not_retried_when_it_may_have_arrived(
    kind: str, error: type[Exception], make_client: Callable[..., EcontractClient]
) -> None:
    """A lead is not de-duplicated: a broken connection or a 502 raises instead of risking a duplicate."""
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(side_effect=[failure(kind), httpx.Response(200, json={})])
            with pytest.raises(error):
                await ec.crm.leads.create_call_me_back(LEAD)
    assert route.call_count == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["connect error", "connect timeout", "429", "503"])
async def test_lead_post_is_retried_when_it_certainly_was_not_processed(
    kind: str, make_client: Callable[..., EcontractClient]
) -> None:
    """A connect failure never reached the server; 429 and 503 refused the work: retry is safe."""
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(
                side_effect=[failure(kind), httpx.Response(200, json={"id": 5})]
            )
            await ec.crm.leads.create_call_me_back(LEAD)
    assert route.call_count == 2


@pytest.mark.asyncio
async def test_deduplicated_client_post_is_retried_after_502(
    make_client: Callable[..., EcontractClient],
) -> None:
    """The CRM de-duplicates clients and orders, so their POSTs are retried like reads."""
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(side_effect=[failure("502"), OK_CLIENT])
            client = await ec.crm.clients.create(
                gender=1,
                segment=1,
                first_name="Jan",
                last_name="Peeters",
                cellphone="0471234567",
                email="jan@example.be",
                language="nl",
            )
    assert client.id == 63
    assert route.call_count == 2
    first, second = (call.request.content for call in route.calls)
    assert first == second


@pytest.mark.asyncio
async def test_max_retries_per_client_and_per_call(
    make_client: Callable[..., EcontractClient],
) -> None:
    """`max_retries` bounds the attempts to 1 + retries; RequestOptions overrides it for one call."""
    async with make_client(max_retries=1) as ec:
        with respx.mock() as router:
            route = router.route().mock(return_value=httpx.Response(503))
            with pytest.raises(ServerError):
                await ec.crm.clients.get(63)
            assert route.call_count == 2
            with pytest.raises(ServerError):
                await ec.crm.clients.get(63, options=RequestOptions(max_retries=0))
            assert route.call_count == 3
            with pytest.raises(ServerError):
                await ec.with_options(max_retries=3).crm.clients.get(63)
            assert route.call_count == 7


@pytest.mark.asyncio
async def test_retried_product_call_is_signed_afresh(
    make_client: Callable[..., EcontractClient],
) -> None:
    """After a 503 the retry carries a new nonce and a new, valid signature."""
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(
                side_effect=[httpx.Response(503), httpx.Response(200, json=[])]
            )
            await ec.products.list(cat="internet")
    sent = [dict(call.request.url.params) for call in route.calls]
    assert len(sent) == 2
    assert sent[0]["nonce"] != sent[1]["nonce"]
    assert sent[0]["apikey"] != sent[1]["apikey"]
    for params in sent:
        assert params["apikey"] == product_signature(
            "pubkey", "ps_live_1a2b3c4d5e6f7a8b9c0d", int(params["time"]), params["nonce"]
        )


@pytest.mark.asyncio
async def test_retry_after_is_what_the_client_waits(
    make_client: Callable[..., EcontractClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The delay requested before a retry is the server's Retry-After, within max_retry_after."""
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(econtract_async._client.anyio, "sleep", record)
    retry = RetryConfig(base_delay=0, max_delay=0, max_retry_after=60)
    async with make_client(retry=retry) as ec:
        with respx.mock() as router:
            router.route().mock(
                side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), OK_CLIENT]
            )
            await ec.crm.clients.get(63)
    assert slept == [7.0]


class TestRetryConfigDelay:
    def test_backoff_is_jittered_exponential_and_capped(self) -> None:
        """With `random` fixed at 0.5: half of base * 2**(n-1), never above max_delay."""
        config = RetryConfig(base_delay=0.5, max_delay=8.0, random=lambda: 0.5)
        error = ServerError(503, "busy")
        assert [config.delay(n, error) for n in (1, 2, 3, 4, 5, 6, 10)] == [
            0.25,
            0.5,
            1.0,
            2.0,
            4.0,
            4.0,
            4.0,
        ]

    def test_retry_after_wins_and_is_capped(self) -> None:
        """Retry-After replaces the jitter, capped at max_retry_after and never negative."""
        config = RetryConfig(max_retry_after=30.0, random=lambda: 0.5)
        assert config.delay(1, RateLimitError(429, "slow", retry_after=7)) == 7.0
        assert config.delay(1, RateLimitError(429, "slow", retry_after=120)) == 30.0
        assert config.delay(3, RateLimitError(429, "slow", retry_after=None)) == 0.5 * 2.0

    def test_default_jitter_stays_in_bounds(self) -> None:
        """With the real random source the delay is within [0, base * 2**(n-1)]."""
        config = RetryConfig()
        for n in range(1, 8):
            assert 0 <= config.delay(n, ConnectError("refused")) <= min(8.0, 0.5 * 2 ** (n - 1))
