"""Tests for the per-row shortcuts of a bulk run: work skipped only where it changes nothing."""

from __future__ import annotations

from pathlib import Path

import anyio
import anyio.lowlevel
import pytest

from econtract_async._bulk import RateLimiter, bulk_run, row_digest

from .fakes import FakeApi, Item, items, prepare

pytestmark = pytest.mark.anyio


class CountingDigest:
    """A row digest that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, row: Item) -> str:
        """The usual digest of `row`."""
        self.calls += 1
        return row_digest({"n": row.n})


class TestRowDigest:
    async def test_rows_are_not_digested_without_a_journal(self, api: FakeApi) -> None:
        """The digest only identifies rows in a journal, so a run without one skips it."""
        identify = CountingDigest()
        summary = await bulk_run(items(20), prepare, api.send, identify=identify)
        assert summary.created == 20
        assert identify.calls == 0

    async def test_every_row_is_digested_with_a_journal(self, api: FakeApi, tmp_path: Path) -> None:
        """With a journal each row of the shard is digested, and a re-run skips them all."""
        identify = CountingDigest()
        journal = tmp_path / "run.journal"
        await bulk_run(items(20), prepare, api.send, identify=identify, journal=journal)
        assert identify.calls == 20
        again = await bulk_run(items(20), prepare, api.send, identify=identify, journal=journal)
        assert again.skipped == 20


class TestUnlimitedAcquire:
    async def test_an_unlimited_limiter_still_honours_a_pause(self) -> None:
        """With no rate set, acquire returns at once, except while a 429 pause lasts."""
        now = [100.0]
        sleeps: list[float] = []

        async def sleep(seconds: float) -> None:
            sleeps.append(seconds)
            now[0] += seconds

        bucket = RateLimiter(None, clock=lambda: now[0], sleep=sleep)
        await bucket.acquire()
        assert sleeps == []
        bucket.rate_limited(2.0)
        await bucket.acquire()
        assert sleeps == [2.0]
        await bucket.acquire()
        assert sleeps == [2.0]

    async def test_rows_wait_their_turn_behind_a_paused_request(self, api: FakeApi) -> None:
        """Rows arriving while another waits out a pause queue behind it instead of jumping it."""
        bucket = RateLimiter(None)
        bucket.rate_limited(0.05)
        started = anyio.current_time()
        summary = await bulk_run(items(6), prepare, api.send, rate=bucket, concurrency=3)
        assert summary.created == 6
        assert anyio.current_time() - started >= 0.04


class TestDrainDropsOutcomes:
    async def test_awaited_run_counts_every_row(self, api: FakeApi) -> None:
        """A run that nobody reads still counts each row in exactly one outcome."""
        summary = await bulk_run(items(300, bad=lambda n: n % 7 == 0), prepare, api.send)
        assert summary.total == 300
        assert summary.invalid == 43
        assert summary.created == 257

    async def test_dropping_outcomes_still_lets_other_tasks_run(self, api: FakeApi) -> None:
        """A long stretch of rows that are never sent does not starve the rest of the program."""
        ticks: list[int] = []

        async def ticker() -> None:
            while True:
                ticks.append(1)
                await anyio.lowlevel.checkpoint()

        async with anyio.create_task_group() as tg:
            tg.start_soon(ticker)
            summary = await bulk_run(items(2_000, bad=lambda n: True), prepare, api.send)
            tg.cancel_scope.cancel()
        assert summary.invalid == 2_000
        assert len(ticks) > 3

    async def test_outcomes_read_before_draining_are_not_counted_twice(self, api: FakeApi) -> None:
        """Reading some outcomes, then leaving the block, keeps the totals exact."""
        async with bulk_run(items(50), prepare, api.send, concurrency=4) as run:
            first = [await run.__anext__() for _ in range(5)]
        assert len(first) == 5
        assert run.summary.created == 50
        assert not run.summary.stopped
