"""Tests for the general bulk primitive (`econtract_async._bulk.runner`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from econtract_async._bulk import Journal, Outcome, OutcomeKind, bulk_run
from econtract_async._exceptions import (
    BadRequestError,
    ConnectError,
    ConnectionLostError,
    RateLimitError,
    ServerError,
)

from .fakes import FakeApi, Item, items, prepare

pytestmark = pytest.mark.anyio


async def collect(api: FakeApi, rows: Iterable[Item], **options: Any) -> list[Outcome]:
    """Run the primitive over `rows` and return its outcomes in arrival order."""
    async with bulk_run(rows, prepare, api.send, retry_backoff=0, **options) as run:
        return [outcome async for outcome in run]


class TestOutcomes:
    async def test_every_row_ends_in_exactly_one_outcome(self, api: FakeApi) -> None:
        """Each position gets one outcome and the summary counts add up to the input."""
        rows = list(items(60, bad=lambda n: n % 10 == 3))
        async with bulk_run(rows, prepare, api.send, concurrency=4) as run:
            outcomes = [outcome async for outcome in run]
        assert sorted(o.position for o in outcomes) == list(range(60))
        assert run.summary.total == 60
        assert run.summary.created == 54
        assert run.summary.invalid == 6
        assert not run.summary.stopped
        assert {o.id for o in outcomes if o.kind is OutcomeKind.CREATED} == {
            1000 + n for n in range(60) if n % 10 != 3
        }

    async def test_invalid_rows_carry_every_field_error_and_are_never_sent(
        self, api: FakeApi
    ) -> None:
        """A row that fails validation names all its bad fields and never reaches the API."""
        outcomes = await collect(api, items(5, bad=lambda n: n == 2))
        invalid = [o for o in outcomes if o.kind is OutcomeKind.INVALID]
        assert [o.position for o in invalid] == [2]
        assert [e.path for e in invalid[0].errors] == ["email", "n"]
        assert "email (email): not an email" in invalid[0].reason
        assert 2 not in api.received

    async def test_async_iterables_are_read_too(self, api: FakeApi) -> None:
        """An async generator is a valid input."""

        async def rows() -> AsyncIterator[Item]:
            for n in range(7):
                yield Item(n)

        summary = await bulk_run(rows(), prepare, api.send)
        assert summary.created == 7
        assert sorted(api.stored) == list(range(7))

    async def test_awaiting_a_run_returns_its_summary(self, api: FakeApi) -> None:
        """`await bulk_run(...)` runs to the end without the caller reading outcomes."""
        summary = await bulk_run(items(30), prepare, api.send, outcome_buffer=1)
        assert summary.as_dict() == {
            "created": 30,
            "invalid": 0,
            "failed": 0,
            "skipped": 0,
            "unknown": 0,
            "total": 30,
        }


class TestRetries:
    async def test_rate_limited_rows_are_retried_after_the_pause(self, api: FakeApi) -> None:
        """A 429 is retried (it was refused, not processed) and counted as rate limiting."""
        api.script[3] = [RateLimitError(429, "slow down", retry_after=0)]
        async with bulk_run(items(5), prepare, api.send, retry_backoff=0) as run:
            outcomes = {o.position: o async for o in run}
        assert outcomes[3].kind is OutcomeKind.CREATED
        assert outcomes[3].attempts == 2
        assert run.stats.rate_limited == 1
        assert api.stored.count(3) == 1

    async def test_refusals_are_retried_up_to_max_attempts(self, api: FakeApi) -> None:
        """A 503 is retried, and ends failed with its error once attempts run out."""
        api.script[1] = [ServerError(503, "busy") for _ in range(5)]
        outcomes = await collect(api, items(4), max_attempts=3)
        by_position = {o.position: o for o in outcomes}
        assert by_position[1].kind is OutcomeKind.FAILED
        assert by_position[1].attempts == 3
        assert "ServerError: HTTP 503: busy" in by_position[1].error

    async def test_a_gateway_error_holds_a_lead_unknown_without_a_resend(
        self, api: FakeApi
    ) -> None:
        """A 502 may come after the application stored the lead: unknown, sent once."""
        api.script[2] = [ServerError(502, "bad gateway")]
        outcomes = {o.position: o for o in await collect(api, items(4))}
        assert outcomes[2].kind is OutcomeKind.UNKNOWN
        assert api.received.count(2) == 1

    async def test_a_gateway_error_is_retried_for_a_safe_endpoint(self, api: FakeApi) -> None:
        """Under the `safe` policy (a resend is harmless) a 502 is retried."""
        api.script[2] = [ServerError(502, "bad gateway")]
        outcomes = {o.position: o for o in await collect(api, items(4), policy="safe")}
        assert outcomes[2].kind is OutcomeKind.CREATED
        assert api.received.count(2) == 2

    async def test_internal_server_errors_hold_a_lead_unknown(self, api: FakeApi) -> None:
        """A 500 may have been processed halfway, so the lead is not resent: unknown."""
        api.script[0] = [ServerError(500, "oops")]
        outcomes = await collect(api, items(1))
        assert outcomes[0].kind is OutcomeKind.UNKNOWN
        assert api.received == [0]

    async def test_internal_server_errors_fail_a_deduplicated_create(self, api: FakeApi) -> None:
        """Where the API de-duplicates, a 500 is simply failed (a re-run may send it)."""
        api.script[0] = [ServerError(500, "oops")]
        outcomes = await collect(api, items(1), policy="deduplicated")
        assert outcomes[0].kind is OutcomeKind.FAILED
        assert api.received == [0]

    async def test_connect_errors_are_retried(self, api: FakeApi) -> None:
        """A request that certainly never reached the server is sent again."""
        api.script[0] = [ConnectError("refused")]
        outcomes = await collect(api, items(1))
        assert outcomes[0].kind is OutcomeKind.CREATED
        assert api.received == [0, 0]

    async def test_a_lost_connection_ends_unknown_without_a_resend(self, api: FakeApi) -> None:
        """When the request may have been processed, the row ends unknown and is sent once."""
        api.script[0] = [ConnectionLostError("peer closed")]
        outcomes = await collect(api, items(1))
        assert outcomes[0].kind is OutcomeKind.UNKNOWN
        assert "ConnectionLostError" in outcomes[0].error
        assert api.received == [0]

    async def test_other_api_errors_fail_at_once(self, api: FakeApi) -> None:
        """A 400 is the server's final word on the row."""
        api.script[0] = [BadRequestError(400, "Not all required parameters are set")]
        outcomes = await collect(api, items(1))
        assert outcomes[0].kind is OutcomeKind.FAILED
        assert api.received == [0]

    async def test_unexpected_exceptions_are_not_swallowed(self, api: FakeApi) -> None:
        """A bug in the send step stops the run instead of becoming a failed row."""

        async def broken(item: Item) -> int:
            raise KeyError(item.n)

        with pytest.raises(ExceptionGroup) as caught:
            await bulk_run(items(3), prepare, broken)
        assert caught.group_contains(KeyError)


class TestJournal:
    async def test_resuming_skips_created_rows_and_retries_failed_ones(
        self, api: FakeApi, tmp_path: Path
    ) -> None:
        """A second run with the same journal sends only what did not succeed."""
        journal = tmp_path / "run.journal"
        api.script[4] = [BadRequestError(400, "temporarily refused")]
        first = await bulk_run(items(10, bad=lambda n: n == 7), prepare, api.send, journal=journal)
        assert (first.created, first.failed, first.invalid) == (8, 1, 1)

        async with bulk_run(items(10), prepare, api.send, journal=journal) as run:
            outcomes = {o.position: o async for o in run}
        assert run.summary.skipped == 8
        assert run.summary.created == 2
        assert outcomes[0].kind is OutcomeKind.SKIPPED
        assert outcomes[0].id == 1000
        assert sorted(api.stored) == list(range(10))

    async def test_unknown_rows_are_held_on_resume_by_default(
        self, api: FakeApi, tmp_path: Path
    ) -> None:
        """Under the hold policy a row that may have arrived is reported, not resent."""
        journal = tmp_path / "run.journal"
        api.script[2] = [ConnectionLostError("dropped")]
        await bulk_run(items(4), prepare, api.send, journal=journal)
        async with bulk_run(items(4), prepare, api.send, journal=journal) as run:
            outcomes = {o.position: o async for o in run}
        assert outcomes[2].kind is OutcomeKind.UNKNOWN
        assert "resend" in outcomes[2].error
        assert api.received.count(2) == 1

    async def test_unknown_rows_are_resent_when_asked(self, api: FakeApi, tmp_path: Path) -> None:
        """The resend policy sends rows an earlier run left unknown."""
        journal = tmp_path / "run.journal"
        api.script[2] = [ConnectionLostError("dropped")]
        await bulk_run(items(4), prepare, api.send, journal=journal)
        summary = await bulk_run(items(4), prepare, api.send, journal=journal, on_unknown="resend")
        assert (summary.skipped, summary.created) == (3, 1)
        assert api.received.count(2) == 2

    async def test_a_changed_row_at_a_journaled_position_is_not_sent(
        self, api: FakeApi, tmp_path: Path
    ) -> None:
        """If the input changed under a journal, the row fails instead of risking a duplicate."""
        journal = tmp_path / "run.journal"
        await bulk_run(items(2), prepare, api.send, journal=journal)
        changed = [Item(0), Item(99)]
        async with bulk_run(changed, prepare, api.send, journal=journal) as run:
            outcomes = {o.position: o async for o in run}
        assert outcomes[1].kind is OutcomeKind.FAILED
        assert "different row" in outcomes[1].error
        assert 99 not in api.received

    async def test_one_journal_holds_every_shard_and_any_worker_resumes_any(
        self, tmp_path: Path
    ) -> None:
        """Shards share one journal; a re-run of shard 1 skips what shard 1 created."""
        api = FakeApi()
        journal = tmp_path / "j"
        first = await bulk_run(items(10), prepare, api.send, journal=journal, shard=(0, 2))
        second = await bulk_run(items(10), prepare, api.send, journal=journal, shard=(1, 2))
        assert (first.created, second.created) == (5, 5)
        again = await bulk_run(items(10), prepare, api.send, journal=journal, shard="1/2")
        assert again.skipped == 5
        assert sorted(api.stored) == list(range(10))


class TestStopping:
    async def test_stop_lets_in_flight_rows_finish_and_resume_sends_the_rest_once(
        self, api: FakeApi, tmp_path: Path
    ) -> None:
        """After stop() and a resume with the same journal, every row was created exactly once."""
        journal = tmp_path / "run.journal"
        async with bulk_run(items(200), prepare, api.send, journal=journal) as run:
            seen = 0
            async for _ in run:
                seen += 1
                if seen == 50:
                    run.stop()
        assert run.summary.stopped
        assert run.summary.unknown == 0
        assert 50 <= run.summary.created < 200

        resumed = await bulk_run(items(200), prepare, api.send, journal=journal)
        assert resumed.skipped == run.summary.created
        assert resumed.created + resumed.skipped == 200
        assert sorted(api.stored) == list(range(200))

    async def test_cancelling_cuts_off_in_flight_rows_as_unknown(
        self, api: FakeApi, tmp_path: Path
    ) -> None:
        """Rows whose requests were cut off end unknown and are held, never resent."""
        journal = tmp_path / "run.journal"
        api.gate = anyio.Event()
        run = bulk_run(items(20), prepare, api.send, journal=journal, concurrency=3)
        with anyio.CancelScope() as scope:
            async with run:
                while api.calls < 3:
                    await anyio.lowlevel.checkpoint()
                scope.cancel()
        assert run.summary.unknown == 3
        assert run.summary.stopped
        async with Journal(journal) as reopened:
            assert await reopened.counts() == {"unknown": 3}

        api.gate = None
        async with bulk_run(items(20), prepare, api.send, journal=journal) as resumed:
            outcomes = {o.position: o.kind async for o in resumed}
        assert sorted(p for p, kind in outcomes.items() if kind is OutcomeKind.UNKNOWN) == [0, 1, 2]
        assert sorted(api.stored) == list(range(3, 20))


class TestSharding:
    async def test_three_shards_cover_every_row_exactly_once(self, tmp_path: Path) -> None:
        """Shards 0/3, 1/3 and 2/3 of one input together create each row once."""
        api = FakeApi()
        for index in range(3):
            summary = await bulk_run(
                items(100), prepare, api.send, shard=(index, 3), journal=tmp_path / f"{index}.j"
            )
            assert summary.created in (33, 34)
        assert sorted(api.stored) == list(range(100))


class TestBoundedMemory:
    @pytest.mark.parametrize("anyio_backend", ["asyncio"])
    async def test_a_100000_row_generator_keeps_internal_queues_bounded(self, api: FakeApi) -> None:
        """However long the input and however slow the reader, few rows are held at once."""
        live = 0
        most_live = 0

        class Row(Item):
            __slots__ = ()

            def __del__(self) -> None:
                nonlocal live
                live -= 1

        def rows() -> Iterator[Row]:
            nonlocal live, most_live
            for n in range(100_000):
                live += 1
                most_live = max(most_live, live)
                yield Row(n)

        async with bulk_run(rows(), prepare, api.send, concurrency=16, outcome_buffer=8) as run:
            count = 0
            async for outcome in run:
                count += 1
                del outcome
                if count % 3 == 0:
                    await anyio.lowlevel.checkpoint()
        api.stored.clear()
        assert run.summary.created == 100_000
        assert run.stats.rows_read == 100_000
        assert run.stats.max_in_flight <= 16
        assert run.stats.max_outcome_backlog <= 8
        assert most_live <= 16 + 8 + 4
