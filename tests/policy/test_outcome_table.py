"""The outcome table, asserted against the policy itself and the client's retry loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from econtract_async import EcontractClient, EcontractError
from econtract_async._meta import RetryPolicy
from econtract_async._retry import judge
from econtract_async.crm import CallMeBackLead

from .outcome_table import FAILURES, TABLE

OK = httpx.Response(200, json={"id": 63})
LEAD = CallMeBackLead(first_name="Jan", last_name="Peeters", phone="0471234567")
NEW_CLIENT = {
    "first_name": "Jan",
    "last_name": "Peeters",
    "email": "jan@example.be",
    "gender": 1,
    "segment": 1,
    "cellphone": "0471234567",
    "language": "nl",
}


async def call(ec: EcontractClient, policy: RetryPolicy) -> Any:
    """One call of an endpoint with `policy`."""
    if policy == "safe":
        return await ec.crm.clients.get(63)
    if policy == "deduplicated":
        return await ec.crm.clients.create(NEW_CLIENT)
    return await ec.crm.leads.create_call_me_back(LEAD)


async def first_error(ec: EcontractClient, policy: RetryPolicy, kind: str) -> EcontractError:
    with respx.mock() as router:
        router.route().mock(side_effect=[FAILURES[kind]])
        with pytest.raises(EcontractError) as caught:
            await call(ec.with_options(max_retries=0), policy)
    return caught.value


@pytest.mark.asyncio
@pytest.mark.parametrize(("kind", "policy", "verdict"), TABLE)
async def test_judge_follows_the_table(
    kind: str, policy: RetryPolicy, verdict: str, make_client: Callable[..., EcontractClient]
) -> None:
    async with make_client() as ec:
        error = await first_error(ec, policy, kind)
    assert judge(policy, error).value == verdict


@pytest.mark.asyncio
@pytest.mark.parametrize(("kind", "policy", "verdict"), TABLE)
async def test_client_retries_exactly_what_the_table_says(
    kind: str, policy: RetryPolicy, verdict: str, make_client: Callable[..., EcontractClient]
) -> None:
    """A retried call succeeds on its second attempt; any other verdict raises after one."""
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(side_effect=[FAILURES[kind], OK])
            if verdict == "retry":
                result = await call(ec, policy)
                assert result.id == 63
                assert route.call_count == 2
            else:
                with pytest.raises(EcontractError):
                    await call(ec, policy)
                assert route.call_count == 1
