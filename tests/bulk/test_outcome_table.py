"""The bulk runner's half of the shared outcome table, and the journal's memory of "may have
arrived" across re-runs.

Every kind of failed attempt (a real error, produced by the client from a respx answer) under
every retry policy ends the way `tests/policy/outcome_table.TABLE` says: retried (then created),
failed, or unknown. The client's half is `tests/policy/test_outcome_table.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from policy.outcome_table import TABLE
from policy.test_outcome_table import first_error

from econtract_async import EcontractClient
from econtract_async._bulk import OutcomeKind, bulk_run
from econtract_async._exceptions import BadRequestError, ConnectionLostError, ServerError
from econtract_async._meta import RetryPolicy
from econtract_async._retry import RetryConfig

from .fakes import FakeApi, Item, items, prepare

NO_WAIT = RetryConfig(base_delay=0, max_delay=0, max_retry_after=0)
EXPECTED_KIND = {
    "retry": OutcomeKind.CREATED,
    "failed": OutcomeKind.FAILED,
    "unknown": OutcomeKind.UNKNOWN,
}


@pytest.mark.asyncio
@pytest.mark.parametrize(("kind", "policy", "verdict"), TABLE)
async def test_the_runner_follows_the_outcome_table(
    kind: str, policy: RetryPolicy, verdict: str, make_client: Callable[..., EcontractClient]
) -> None:
    """One failed attempt, then success: retried rows are created on the second attempt; every
    other verdict ends the row after one attempt, as `failed` or `unknown`."""
    async with make_client() as ec:
        error = await first_error(ec, policy, kind)
    api = FakeApi(script={0: [error]})
    async with bulk_run([Item(0)], prepare, api.send, policy=policy, retry=NO_WAIT) as run:
        [outcome] = [outcome async for outcome in run]
    assert outcome.kind is EXPECTED_KIND[verdict]
    assert outcome.attempts == (2 if verdict == "retry" else 1)
    assert api.received == ([0, 0] if verdict == "retry" else [0])
    if kind == "429":
        assert run.stats.rate_limited == 1


@pytest.mark.asyncio
async def test_a_retried_failure_with_no_attempts_left_fails(
    make_client: Callable[..., EcontractClient],
) -> None:
    """`retry` once attempts run out is `failed`, never `created` or a silent drop."""
    async with make_client() as ec:
        error = await first_error(ec, "unsafe", "503")
    api = FakeApi(script={0: [error, error]})
    summary = await bulk_run([Item(0)], prepare, api.send, max_attempts=2, retry=NO_WAIT)
    assert (summary.failed, api.received) == (1, [0, 0])


@pytest.mark.anyio
@pytest.mark.parametrize(
    "later",
    [ServerError(500, "oops"), BadRequestError(400, "Api error : refused")],
    ids=["500", "400"],
)
async def test_unknown_then_resend_then_failure_then_plain_rerun_sends_nothing(
    later: Exception, tmp_path: Path
) -> None:
    """unknown -> --resend-unknown -> an error -> a plain re-run: the lead is not sent again.

    The first attempt may have stored the lead; the resend's answer (a 500, or even a 400)
    says nothing about that first attempt, so the row stays "may have arrived" and is held.
    """
    journal = tmp_path / "j.db"
    api = FakeApi(script={0: [ConnectionLostError("peer closed after the body"), later]})
    first = await bulk_run(items(2), prepare, api.send, journal=journal, retry=NO_WAIT)
    assert (first.unknown, first.created) == (1, 1)
    resent = await bulk_run(
        items(2), prepare, api.send, journal=journal, on_unknown="resend", retry=NO_WAIT
    )
    assert (resent.skipped, resent.unknown + resent.failed) == (1, 1)
    sent_before = list(api.received)
    async with bulk_run(items(2), prepare, api.send, journal=journal, retry=NO_WAIT) as rerun:
        outcomes = {outcome.position: outcome async for outcome in rerun}
    assert api.received == sent_before  # nothing sent again
    assert outcomes[0].kind is OutcomeKind.UNKNOWN
    assert "may have stored" in outcomes[0].error
    assert outcomes[1].kind is OutcomeKind.SKIPPED
