"""Many workers, one import: chunk claims, takeover, one shared rate, on both backends."""

from __future__ import annotations

from collections import Counter

import anyio
import pytest

from econtract_async._bulk import Journal, OutcomeKind, bulk_run
from econtract_async._bulk.ratelimit import SharedRateLimiter

from .fakes import FakeApi, Item, items, prepare

pytestmark = pytest.mark.anyio


async def test_workers_sharing_a_journal_finish_one_import_together(
    journal_target: str,
) -> None:
    """Four workers over one input: every row created exactly once, the work spread out."""
    api = FakeApi()
    rows = list(items(1000))
    done: dict[str, Counter[str]] = {}

    async def worker(name: str) -> None:
        journal = Journal(journal_target, import_id="leads", worker=name, chunk_size=50)
        async with bulk_run(rows, prepare, api.send, journal=journal, concurrency=4) as run:
            done[name] = Counter([outcome.kind.value async for outcome in run])
        await journal.close()

    async with anyio.create_task_group() as tg:
        for n in range(4):
            tg.start_soon(worker, f"w{n}")
    assert sorted(api.stored) == list(range(1000))
    assert sum(counts["created"] for counts in done.values()) == 1000
    assert sum(1 for counts in done.values() if counts["created"]) >= 2


async def test_a_worker_added_mid_run_takes_its_share_and_duplicates_nothing(
    journal_target: str,
) -> None:
    """A second worker started while the first runs claims the chunks still free."""
    api = FakeApi()
    rows = list(items(600))
    started = anyio.Event()

    async def slow_send(item: Item) -> int:
        if item.n == 100:
            started.set()
        await anyio.sleep(0.001)
        return await api.send(item)

    async def first() -> None:
        await bulk_run(rows, prepare, slow_send, journal=journal_target, concurrency=4)

    async def second() -> None:
        await started.wait()
        await bulk_run(rows, prepare, slow_send, journal=journal_target, concurrency=4)

    async with anyio.create_task_group() as tg:
        tg.start_soon(first)
        tg.start_soon(second)
    assert sorted(api.stored) == list(range(600))


async def test_a_lost_workers_rows_are_finished_by_the_others_and_none_resent(
    journal_target: str,
) -> None:
    """A worker that stops answering mid-run: its unsent rows are sent by another worker, its
    in-flight rows end unknown (never resent), nothing is sent twice."""
    api = FakeApi()
    rows = list(items(300))
    hang = anyio.Event()

    async def hanging_send(item: Item) -> int:
        api.received.append(item.n)
        await hang.wait()  # the worker "dies" with these requests in flight
        raise AssertionError("unreachable")

    lost = Journal(journal_target, worker="lost", lease=0.5, chunk_size=20)
    async with anyio.create_task_group() as tg:
        run = bulk_run(rows, prepare, hanging_send, journal=lost, concurrency=3)
        tg.start_soon(run._complete)
        while len(api.received) < 3:  # noqa: ASYNC110 (polls another task's progress)
            await anyio.sleep(0.01)
        # freeze the lost worker: no more heartbeats, requests stuck in flight
        tg.cancel_scope.cancel()
    await lost.close()
    in_flight = set(api.received)
    api.received.clear()
    heir = Journal(journal_target, worker="heir", chunk_size=20)
    summary = await bulk_run(rows, prepare, api.send, journal=heir, concurrency=4)
    await heir.close()
    # the cancel above is a clean stop (rows cut off end unknown); both paths hold them
    assert not (set(api.received) & in_flight)
    assert sorted(set(api.stored) | in_flight) == list(range(300))
    assert summary.unknown == len(in_flight)


async def test_one_workers_429_pauses_every_worker(journal_target: str) -> None:
    """A 429 seen by one worker puts the import's schedule on hold for all of them."""
    slept: dict[str, list[float]] = {"a": [], "b": []}
    clocks = {"a": [0.0], "b": [0.0]}

    def sleeper(name: str):  # type: ignore[no-untyped-def]
        async def sleep(seconds: float) -> None:
            slept[name].append(seconds)
            clocks[name][0] += seconds

        return sleep

    a = Journal(journal_target, worker="a")
    b = Journal(journal_target, worker="b")
    async with a, b:
        await a.join(rate=10)
        await b.join(rate=10)
        one = SharedRateLimiter(a, 10, clock=lambda: clocks["a"][0], sleep=sleeper("a"))
        two = SharedRateLimiter(b, 10, clock=lambda: clocks["b"][0], sleep=sleeper("b"))
        one.rate_limited(30)
        await one.acquire()  # reports the 429 to the import
        await two.acquire()
        assert max(slept["b"]) > 25  # b waits for a's pause, though b never saw a 429


async def test_the_schedule_is_shared_so_the_rate_is_the_imports(journal_target: str) -> None:
    """Two workers reserving slots at 10/s get one schedule: 20 slots span about 2 s."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async with Journal(journal_target, worker="a") as a, Journal(journal_target, worker="b") as b:
        await a.join(rate=10)
        await b.join(rate=10)
        limiters = [SharedRateLimiter(j, 10, sleep=record) for j in (a, b)]
        for _ in range(10):
            for limiter in limiters:
                await limiter.acquire()
    # the 20th slot is ~1.9 s after the first, whoever took it: the waits grow to that
    assert max(waits) > 1.5


async def test_without_a_journal_or_rate_nothing_is_shared() -> None:
    """The plain path stays plain: a run without a journal needs no database."""
    api = FakeApi()
    summary = await bulk_run(items(10), prepare, api.send)
    assert summary.count(OutcomeKind.CREATED) == 10
