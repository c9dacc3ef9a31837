"""The journal protocol on both backends: SQLite and a real PostgreSQL server."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import anyio
import pytest

from econtract_async._bulk import Journal, Shard, row_digest
from econtract_async._bulk._journal_sql import SCHEMA_VERSION, Store
from econtract_async._exceptions import ConfigurationError

SHARD = Shard(0, 1)


def committed(target: str, sql: str) -> list[tuple[Any, ...]]:
    """What another connection (another process) sees in the journal right now."""
    if target.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(target) as db:
            return [tuple(row) for row in db.execute(sql).fetchall()]
    with sqlite3.connect(target) as db:
        return db.execute(sql).fetchall()


def states(target: str) -> dict[int, str]:
    rows = committed(target, "SELECT position, state FROM econtract_rows")
    return {int(position): state for position, state in rows}


class TestRowDigest:
    def test_key_order_and_empty_values_do_not_change_the_digest(self) -> None:
        """The same lead written differently is the same row."""
        assert row_digest({"a": "1", "b": "", "c": None}) == row_digest({"a": "1"})
        assert row_digest({"a": "1", "b": "2"}) == row_digest({"b": "2", "a": "1"})

    def test_content_and_salt_change_the_digest(self) -> None:
        """Another value, or another default lead type, is another row."""
        assert row_digest({"a": "1"}) != row_digest({"a": "2"})
        assert row_digest({"a": "1"}, salt="third_party") != row_digest({"a": "1"})


@pytest.mark.anyio
class TestProtocol:
    async def test_the_in_flight_mark_is_committed_before_start_returns(
        self, journal_target: str
    ) -> None:
        """`start` is visible to another connection at once: the claim is durable."""
        async with Journal(journal_target, commit_every=100) as journal:
            await journal.join()
            chunk = journal.chunk_of(SHARD, 0)
            assert await journal.claim(chunk)
            assert await journal.start(0, "d0", chunk, '{"email":"a@b.be"}')
            assert states(journal_target) == {0: "in_flight"}

    async def test_outcomes_are_committed_in_batches(self, journal_target: str) -> None:
        """Outcomes stay pending until the batch is full or a commit, then all are durable."""
        async with Journal(journal_target, commit_every=3, commit_interval=3600) as journal:
            await journal.join()
            chunk = journal.chunk_of(SHARD, 0)
            await journal.claim(chunk)
            journal.record(0, "d0", "created", chunk=chunk, created_id=7)
            journal.record(1, "d1", "invalid", chunk=chunk, detail="email: bad")
            assert journal.pending == 2
            assert states(journal_target) == {}
            journal.record(2, "d2", "failed", chunk=chunk)
            with anyio.fail_after(10):
                await journal.wait_due()
            await journal.commit()
            assert states(journal_target) == {0: "created", 1: "invalid", 2: "failed"}
            assert journal.max_pending == 3

    async def test_group_commit_takes_many_starts_in_few_transactions(
        self, journal_target: str
    ) -> None:
        """Starts arriving together share commits, and every one is durable when it returns."""
        async with Journal(journal_target) as journal:
            await journal.join()
            chunk = journal.chunk_of(SHARD, 0)
            await journal.claim(chunk)

            async def start(position: int) -> None:
                assert await journal.start(position, f"d{position}", chunk)

            async with anyio.create_task_group() as tg:
                for position in range(50):
                    tg.start_soon(start, position)
            assert states(journal_target) == dict.fromkeys(range(50), "in_flight")

    async def test_entries_survive_reopening(self, journal_target: str) -> None:
        """A reopened journal knows each row's state, id, attempts and label."""
        async with Journal(journal_target, import_id="leads.csv") as journal:
            await journal.join()
            chunk = journal.chunk_of(SHARD, 4)
            await journal.claim(chunk)
            await journal.start(4, "d4", chunk, '{"email":"an@example.be"}')
            journal.record(4, "d4", "created", chunk=chunk, created_id=99)
        async with Journal(journal_target, import_id="leads.csv") as reopened:
            await reopened.join()
            assert await reopened.claim(reopened.chunk_of(SHARD, 4))
            entry = reopened.lookup(4)
            assert entry is not None
            assert (entry.state, entry.created_id, entry.attempts, entry.digest) == (
                "created",
                99,
                1,
                "d4",
            )
            assert reopened.lookup(5) is None
            assert await reopened.counts() == {"created": 1}
            rows = await reopened.rows("created")
            assert rows[0].label == {"email": "an@example.be"}

    async def test_imports_are_kept_apart(self, journal_target: str) -> None:
        """Rows are keyed by import id + position: two imports in one journal never mix."""
        for name in ("a.csv", "b.csv"):
            async with Journal(journal_target, import_id=name) as journal:
                await journal.join()
                chunk = journal.chunk_of(SHARD, 0)
                await journal.claim(chunk)
                journal.record(0, name, "created", chunk=chunk, created_id=1)
        async with Journal(journal_target, import_id="a.csv") as journal:
            assert await journal.imports() == ["a.csv", "b.csv"]
            assert [entry.digest for entry in await journal.entries()] == ["a.csv"]

    async def test_a_live_workers_chunk_is_not_claimed_by_another(
        self, journal_target: str
    ) -> None:
        """Two workers never hold one chunk."""
        async with (
            Journal(journal_target, worker="w1") as one,
            Journal(journal_target, worker="w2") as two,
        ):
            await one.join()
            await two.join()
            chunk = one.chunk_of(SHARD, 0)
            assert await one.claim(chunk)
            assert not await two.claim(chunk)
            assert await two.claim(two.chunk_of(SHARD, 256))

    async def test_a_dead_workers_in_flight_rows_become_unknown_never_free(
        self, journal_target: str
    ) -> None:
        """Once a worker's lease runs out its chunk is taken over; its in-flight rows are held."""
        dead = Journal(journal_target, worker="dead", lease=0.2)
        await dead.open()
        await dead.join()
        chunk = dead.chunk_of(SHARD, 0)
        await dead.claim(chunk)
        await dead.start(0, "d0", chunk)
        dead.record(1, "d1", "created", chunk=chunk, created_id=5)
        await dead.commit()
        # no close(): the process "died" holding the chunk
        async with Journal(journal_target, worker="heir") as heir:
            await heir.join()
            assert not await heir.claim(chunk)  # still within the lease
            await anyio.sleep(0.5)
            orphans, live = await heir.orphans(SHARD)
            assert (orphans, live) == ([chunk], 0)
            assert await heir.claim(chunk)
            zero = heir.lookup(0)
            assert zero is not None
            assert (zero.state, zero.may_have_arrived) == ("unknown", True)
            assert "dead stopped while the request was in flight" in zero.detail
            one = heir.lookup(1)
            assert one is not None
            assert one.state == "created"
        await dead.close()  # the dead worker's late start is refused: its chunk is gone

    async def test_a_worker_that_lost_its_chunk_cannot_start_a_row(
        self, journal_target: str
    ) -> None:
        """A start is checked against the chunk's holder in the same transaction."""
        async with (
            Journal(journal_target, worker="slow", lease=0.2) as slow,
            Journal(journal_target, worker="fast") as fast,
        ):
            await slow.join()
            await fast.join()
            chunk = slow.chunk_of(SHARD, 0)
            await slow.claim(chunk)
            await anyio.sleep(0.5)
            assert await fast.claim(chunk)
            assert not await slow.start(3, "d3", chunk)
            assert states(journal_target) == {}

    async def test_a_restarted_worker_name_takes_its_chunks_over_at_once(
        self, journal_target: str
    ) -> None:
        """An Indexed Job pod restarted under its name does not wait for its old lease."""
        first = Journal(journal_target, worker="pod-0")
        await first.open()
        await first.join()
        chunk = first.chunk_of(SHARD, 0)
        await first.claim(chunk)
        await first.start(0, "d0", chunk)
        async with Journal(journal_target, worker="pod-0") as again:
            await again.join()
            assert await again.claim(chunk)
            entry = again.lookup(0)
            assert entry is not None
            assert entry.state == "unknown"
        await first.close()

    async def test_a_clean_stop_releases_unsent_rows_to_others(self, journal_target: str) -> None:
        """Leaving releases held chunks at once: rows never sent are free for any worker."""
        async with Journal(journal_target, worker="a") as a:
            await a.join()
            chunk = a.chunk_of(SHARD, 0)
            await a.claim(chunk)
        async with Journal(journal_target, worker="b") as b:
            await b.join()
            assert (await b.orphans(SHARD)) == ([chunk], 0)
            assert await b.claim(chunk)

    async def test_a_later_failure_keeps_may_have_arrived(self, journal_target: str) -> None:
        """unknown, then failed: the row still may have arrived; only resolve clears it."""
        async with Journal(journal_target) as journal:
            await journal.join()
            chunk = journal.chunk_of(SHARD, 0)
            await journal.claim(chunk)
            await journal.start(0, "d0", chunk)
            journal.record(0, "d0", "unknown", chunk=chunk, detail="ConnectionLostError")
            await journal.commit()
            await journal.start(0, "d0", chunk)
            journal.record(0, "d0", "failed", chunk=chunk, detail="BadRequestError")
            await journal.commit()
            [row] = await journal.unknown()
            assert (row.entry.state, row.entry.may_have_arrived) == ("failed", True)
            assert await journal.resolve([0], stored=False) == 1
            assert await journal.unknown() == []
            [entry] = await journal.entries()
            assert (entry.state, entry.may_have_arrived) == ("failed", False)

    async def test_resolve_stored_marks_rows_created(self, journal_target: str) -> None:
        """A row a person found in the CRM is created from then on; others are untouched."""
        async with Journal(journal_target) as journal:
            await journal.join()
            chunk = journal.chunk_of(SHARD, 0)
            await journal.claim(chunk)
            for position in (0, 1):
                journal.record(position, f"d{position}", "unknown", chunk=chunk)
            journal.record(2, "d2", "failed", chunk=chunk)
            await journal.commit()
            assert await journal.resolve([0, 2], stored=True) == 1
            assert await journal.counts() == {"created": 1, "unknown": 1, "failed": 1}

    async def test_report_counts_by_state_import_and_worker(self, journal_target: str) -> None:
        """`journal show` numbers: per import, per worker, and each worker's status."""
        async with Journal(journal_target, import_id="x", worker="w") as journal:
            await journal.join()
            chunk = journal.chunk_of(SHARD, 0)
            await journal.claim(chunk)
            journal.record(0, "d0", "created", chunk=chunk)
            journal.record(1, "d1", "unknown", chunk=chunk)
            await journal.commit()
            report = await journal.report()
            assert report.by_import == {"x": {"created": 1, "unknown": 1}}
            assert report.by_worker == {"x": {"w": {"created": 1, "unknown": 1}}}
            [worker] = report.workers
            assert (worker["worker"], worker["status"], worker["chunks_held"]) == ("w", "live", 1)

    async def test_the_schema_is_versioned(self, journal_target: str) -> None:
        """The version table holds the schema version."""
        async with Journal(journal_target):
            pass
        assert committed(journal_target, "SELECT version FROM econtract_journal_version") == [
            (SCHEMA_VERSION,)
        ]

    async def test_a_newer_schema_is_refused(self, journal_target: str) -> None:
        """A journal written by a newer econtract-async is not guessed at."""
        async with Journal(journal_target):
            pass
        store = Store(journal_target)
        store._execute("UPDATE econtract_journal_version SET version = 99")
        store.close()
        with pytest.raises(ConfigurationError, match="schema version 99"):
            await Journal(journal_target).open()


@pytest.mark.anyio
async def test_a_version_1_journal_is_upgraded_in_place(tmp_path: Path) -> None:
    """A journal written before the protocol (meta + rows tables) keeps every row."""
    path = tmp_path / "old.journal.db"
    with sqlite3.connect(path) as db:
        db.executescript(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE rows (position INTEGER PRIMARY KEY, digest TEXT NOT NULL,
                state TEXT NOT NULL, created_id INTEGER, detail TEXT NOT NULL DEFAULT '',
                attempts INTEGER NOT NULL DEFAULT 0, updated_at REAL NOT NULL);
            INSERT INTO meta VALUES ('version', '1'), ('shard', '1/2');
            INSERT INTO rows VALUES (1, 'd1', 'created', 11, '', 1, 0),
                                    (3, 'd3', 'in_flight', NULL, '', 1, 0);
            """
        )
    async with Journal(path, import_id="leads.csv") as journal:
        await journal.join()
        assert await journal.claim(journal.chunk_of(Shard(1, 2), 1))
        one, three = journal.lookup(1), journal.lookup(3)
        assert one is not None
        assert (one.state, one.created_id) == ("created", 11)
        assert three is not None
        assert (three.state, three.may_have_arrived) == ("unknown", True)


def test_a_password_in_the_url_never_shows(journal_target: str) -> None:
    """The journal's repr masks a PostgreSQL password."""
    journal = Journal("postgresql://importer:s3cret@db.example:5432/crm")
    assert "s3cret" not in repr(journal)
    assert "importer:***@" in repr(journal)


def test_a_journal_another_worker_is_writing_to_is_waited_for(tmp_path: Path) -> None:
    """Opening a journal while another connection writes to it waits, then switches to WAL.

    SQLite answers `PRAGMA journal_mode=WAL` with "database is locked" at once, without its
    busy handler, while another connection holds a write lock on a file still in rollback mode
    (the Dask recipe failed on it once, two workers opening one new journal).
    """
    import threading

    path = tmp_path / "journal.sqlite"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE other (n)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO other VALUES (1)")
    release = threading.Timer(0.3, holder.execute, args=("COMMIT",))
    release.start()
    try:
        store = Store(path, durable=True)
    finally:
        release.join()
        holder.close()
    try:
        assert store._db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        store.close()
