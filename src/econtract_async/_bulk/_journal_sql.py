"""The journal's database side: one schema and one set of statements for SQLite and PostgreSQL.

Everything here is synchronous and runs in a worker thread (`Store.call`), one statement batch
at a time per connection, so the event loop never waits on a commit. The SQL is written once;
a `Dialect` fills in the few words the two databases spell differently (types, the clock,
row locks). The schema, documented in docs/bulk-import.md:

- `econtract_journal_version (version)`: one row, the schema version; upgrades run in order.
- `econtract_imports`: one row per import id: its chunk size and the shared rate limiter's state
  (target and current rate, the next free send slot, the pause after a 429).
- `econtract_workers`: one row per worker that ever worked on an import: when it was last seen
  (its heartbeat), its lease, and when it left cleanly.
- `econtract_chunks`: which worker holds which chunk of which shard of an import. A worker
  claims a chunk before it sends any row of it and releases it when every row has an outcome.
- `econtract_rows`: one row per input row, keyed by import id + position, with its content
  digest, state, the id the API gave it, attempts, whether an earlier attempt may have arrived,
  a label for people (e-mail and name), the worker and when it was sent.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import attrs

from .._exceptions import ConfigurationError

__all__ = [
    "SCHEMA_VERSION",
    "ChunkKey",
    "OutcomeWrite",
    "StartWrite",
    "Store",
    "redact_target",
]

T = TypeVar("T")

SCHEMA_VERSION = 2
"""Version 1 was the single-run SQLite file (`meta` and `rows` tables, one shard per file)."""

ChunkKey = tuple[str, int]
"""A chunk of an import: the shard it belongs to (`"i/n"`) and its number within that shard."""


@attrs.frozen
class Dialect:
    """The words SQLite and PostgreSQL spell differently."""

    name: str
    real: str
    bigint: str
    now: str
    """An SQL expression for the database's clock, in seconds since the epoch."""
    lock: str
    """Appended to a SELECT that must lock the rows it reads (nothing for SQLite, which locks
    the whole database for every write transaction)."""
    skip_locked: str
    placeholder: str

    def sql(self, text: str) -> str:
        """`text` in this dialect: `{real}`, `{bigint}`, `{now}`, `{lock}` filled in."""
        filled = text.format(
            real=self.real,
            bigint=self.bigint,
            now=self.now,
            lock=self.lock,
            skip_locked=self.skip_locked,
        )
        return filled.replace("?", self.placeholder) if self.placeholder != "?" else filled


SQLITE = Dialect(
    name="sqlite",
    real="REAL",
    bigint="INTEGER",
    now="((julianday('now') - 2440587.5) * 86400.0)",
    lock="",
    skip_locked="",
    placeholder="?",
)
POSTGRESQL = Dialect(
    name="postgresql",
    real="DOUBLE PRECISION",
    bigint="BIGINT",
    now="extract(epoch from clock_timestamp())::double precision",
    lock="FOR UPDATE",
    skip_locked="FOR UPDATE OF c SKIP LOCKED",
    placeholder="%s",
)

_SCHEMA_V2 = [
    "CREATE TABLE IF NOT EXISTS econtract_journal_version (version INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS econtract_imports (
        import_id TEXT PRIMARY KEY,
        chunk_size INTEGER NOT NULL,
        created_at {real} NOT NULL,
        target_rate {real},
        current_rate {real},
        next_slot {real} NOT NULL DEFAULT 0,
        paused_until {real} NOT NULL DEFAULT 0,
        strikes INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE IF NOT EXISTS econtract_workers (
        worker TEXT NOT NULL,
        import_id TEXT NOT NULL,
        host TEXT NOT NULL DEFAULT '',
        pid INTEGER NOT NULL DEFAULT 0,
        lease {real} NOT NULL,
        started_at {real} NOT NULL,
        seen_at {real} NOT NULL,
        left_at {real},
        PRIMARY KEY (import_id, worker)
    )""",
    """CREATE TABLE IF NOT EXISTS econtract_chunks (
        import_id TEXT NOT NULL,
        shard TEXT NOT NULL,
        chunk INTEGER NOT NULL,
        worker TEXT,
        claimed_at {real} NOT NULL,
        finished INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (import_id, shard, chunk)
    )""",
    """CREATE TABLE IF NOT EXISTS econtract_rows (
        import_id TEXT NOT NULL,
        position {bigint} NOT NULL,
        shard TEXT NOT NULL,
        chunk INTEGER NOT NULL,
        digest TEXT NOT NULL,
        state TEXT NOT NULL,
        created_id {bigint},
        detail TEXT NOT NULL DEFAULT '',
        attempts INTEGER NOT NULL DEFAULT 0,
        may_have_arrived INTEGER NOT NULL DEFAULT 0,
        label TEXT NOT NULL DEFAULT '',
        worker TEXT NOT NULL DEFAULT '',
        sent_at {real},
        updated_at {real} NOT NULL,
        PRIMARY KEY (import_id, position)
    )""",
    "CREATE INDEX IF NOT EXISTS econtract_rows_chunk ON econtract_rows (import_id, shard, chunk)",
    "CREATE INDEX IF NOT EXISTS econtract_rows_state ON econtract_rows (import_id, state)",
]

_UPSERT_ROW = """
INSERT INTO econtract_rows (import_id, position, shard, chunk, digest, state, created_id, detail,
    attempts, may_have_arrived, label, worker, sent_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (import_id, position) DO UPDATE SET
    shard = excluded.shard, chunk = excluded.chunk, digest = excluded.digest,
    state = excluded.state, created_id = excluded.created_id, detail = excluded.detail,
    attempts = econtract_rows.attempts + excluded.attempts,
    may_have_arrived = CASE WHEN econtract_rows.may_have_arrived = 1 THEN 1
                            ELSE excluded.may_have_arrived END,
    label = CASE WHEN excluded.label = '' THEN econtract_rows.label ELSE excluded.label END,
    worker = excluded.worker,
    sent_at = COALESCE(excluded.sent_at, econtract_rows.sent_at),
    updated_at = excluded.updated_at
"""
"""One statement for every write of a row. `may_have_arrived` only ever goes from 0 to 1 here:
a later `failed` never erases an earlier "may have arrived" (only `resolve` clears it)."""

_ROW_COLUMNS = "position, digest, state, created_id, detail, attempts, may_have_arrived"
_ORPHANED = "(w.worker IS NULL OR w.left_at IS NOT NULL OR w.seen_at + w.lease < {now})"
"""A chunk's holder is gone: unknown, left cleanly, or not seen within its lease."""


@attrs.frozen
class StartWrite:
    """A row about to be sent: committed `in_flight` before its request leaves."""

    position: int
    chunk: ChunkKey
    digest: str
    label: str


@attrs.frozen
class OutcomeWrite:
    """A row's outcome."""

    position: int
    chunk: ChunkKey
    digest: str
    state: str
    created_id: int | None
    detail: str


def redact_target(target: str) -> str:
    """A journal location fit for logs and reprs: a URL's password is masked."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", target)


def is_postgresql(target: str | Path) -> bool:
    """Whether `target` names a PostgreSQL database rather than an SQLite file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class Store:
    """One connection to a journal database, used from one worker thread at a time.

    Args:
        target: An SQLite file path, or a `postgresql://` URL.
        durable: SQLite only: fsync every commit (PostgreSQL commits are durable already).
    """

    def __init__(self, target: str | Path, *, durable: bool = False) -> None:
        self.target = target
        self._limiter = anyio.CapacityLimiter(1)
        self._db: Any
        if is_postgresql(target):
            self.dialect = POSTGRESQL
            try:
                import psycopg
            except ImportError:
                msg = "a PostgreSQL journal needs its extra: pip install 'econtract-async[postgresql]'"
                raise ConfigurationError(msg) from None
            try:
                self._db = psycopg.connect(str(target), autocommit=True)
            except psycopg.Error as error:
                msg = f"cannot open the journal at {redact_target(str(target))}: {error}"
                raise ConfigurationError(msg) from None
        else:
            self.dialect = SQLITE
            self._db = sqlite3.connect(
                Path(target), isolation_level=None, check_same_thread=False, timeout=60
            )
            self._db.execute("PRAGMA busy_timeout=60000")
            _switch_to_wal(self._db)
            self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(*args)` in a worker thread; calls on one store never overlap."""
        return await anyio.to_thread.run_sync(function, *args, limiter=self._limiter)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    # -- plumbing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction; SQLite takes its write lock up front (no upgrade deadlock)."""
        if self.dialect is SQLITE:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        else:
            with self._db.transaction():
                yield

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._db.execute(self.dialect.sql(sql), tuple(params))

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.dialect is SQLITE:
            self._db.executemany(self.dialect.sql(sql), rows)
        else:
            with self._db.cursor() as cursor:
                cursor.executemany(self.dialect.sql(sql), rows)

    def _now(self) -> float:
        """The database's clock (leases and the shared rate are judged on one clock)."""
        (now,) = self._execute("SELECT {now}").fetchone()
        return float(now)

    # -- schema ---------------------------------------------------------------------------

    def ensure_schema(self, import_id: str) -> int:
        """Create or upgrade the schema; return the version found before (0: a new journal).

        Several workers may start at once: PostgreSQL serialises them on an advisory lock,
        SQLite on its write lock.
        """
        with self._transaction():
            if self.dialect is POSTGRESQL:
                self._execute("SELECT pg_advisory_xact_lock(7346201)")
            found = self._version()
            if found > SCHEMA_VERSION:
                msg = (
                    f"journal {redact_target(str(self.target))} has schema version {found}; "
                    f"this econtract-async knows up to {SCHEMA_VERSION}: upgrade the package"
                )
                raise ConfigurationError(msg)
            if found < SCHEMA_VERSION:
                for statement in _SCHEMA_V2:
                    self._execute(statement)
                if found == 1:
                    self._upgrade_from_v1(import_id)
                self._execute("DELETE FROM econtract_journal_version")
                self._execute(
                    "INSERT INTO econtract_journal_version (version) VALUES (?)",
                    (SCHEMA_VERSION,),
                )
        return found

    def _tables(self) -> set[str]:
        if self.dialect is SQLITE:
            found = self._execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            found = self._execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        return {name for (name,) in found.fetchall()}

    def _version(self) -> int:
        tables = self._tables()
        if "econtract_journal_version" in tables:
            row = self._execute("SELECT max(version) FROM econtract_journal_version").fetchone()
            return int(row[0] or 0)
        if "rows" in tables and "meta" in tables:
            return 1
        return 0

    def _upgrade_from_v1(self, import_id: str) -> None:
        """Move a version-1 journal's rows under `import_id` (the first import that opens it)."""
        meta = dict(self._execute("SELECT key, value FROM meta").fetchall())
        head, _, tail = str(meta.get("shard", "0/1")).partition("/")
        shard, count = f"{int(head)}/{int(tail)}", int(tail)
        rows = self._execute(
            "SELECT position, digest, state, created_id, detail, attempts, updated_at FROM rows"
        ).fetchall()
        self._execute(
            "INSERT INTO econtract_imports (import_id, chunk_size, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (import_id) DO NOTHING",
            (import_id, 256, time.time()),
        )
        (chunk_size,) = self._execute(
            "SELECT chunk_size FROM econtract_imports WHERE import_id = ?", (import_id,)
        ).fetchone()
        self._executemany(
            _UPSERT_ROW,
            [
                (
                    import_id,
                    position,
                    shard,
                    (position // count) // chunk_size,
                    digest,
                    "unknown" if state == "in_flight" else state,
                    created_id,
                    detail,
                    attempts,
                    1 if state in ("in_flight", "unknown") else 0,
                    "",
                    "",
                    None,
                    updated_at,
                )
                for position, digest, state, created_id, detail, attempts, updated_at in rows
            ],
        )
        self._execute("DROP TABLE rows")
        self._execute("DROP TABLE meta")

    # -- workers and imports --------------------------------------------------------------

    def register(
        self,
        import_id: str,
        worker: str,
        host: str,
        pid: int,
        lease: float,
        chunk_size: int,
        rate: float | None,
    ) -> int:
        """Enter a worker into an import (creating the import); return the import's chunk size.

        A worker that registers under a name already known was restarted: its previous life is
        over, so its chunks are released, and their in-flight rows become `unknown`.
        """
        with self._transaction():
            self._execute(
                "INSERT INTO econtract_imports (import_id, chunk_size, created_at) "
                "VALUES (?, ?, {now}) ON CONFLICT (import_id) DO NOTHING",
                (import_id, chunk_size),
            )
            if rate is not None:
                self._execute(
                    "UPDATE econtract_imports SET target_rate = ?, "
                    "current_rate = COALESCE(current_rate, ?) WHERE import_id = ?",
                    (rate, rate, import_id),
                )
            self._execute(
                "INSERT INTO econtract_workers (worker, import_id, host, pid, lease, started_at, "
                "seen_at) VALUES (?, ?, ?, ?, ?, {now}, {now}) "
                "ON CONFLICT (import_id, worker) DO UPDATE SET host = excluded.host, "
                "pid = excluded.pid, lease = excluded.lease, started_at = excluded.started_at, "
                "seen_at = excluded.seen_at, left_at = NULL",
                (worker, import_id, host, pid, lease),
            )
            held = self._execute(
                "SELECT shard, chunk FROM econtract_chunks WHERE import_id = ? AND worker = ?",
                (import_id, worker),
            ).fetchall()
            for shard, chunk in held:
                self._orphan_rows(import_id, (shard, chunk), f"worker {worker} restarted")
            self._execute(
                "UPDATE econtract_chunks SET worker = NULL WHERE import_id = ? AND worker = ?",
                (import_id, worker),
            )
            (size,) = self._execute(
                "SELECT chunk_size FROM econtract_imports WHERE import_id = ?", (import_id,)
            ).fetchone()
        return int(size)

    def heartbeat(self, import_id: str, worker: str) -> float:
        """Renew the worker's lease; return how many seconds the import's 429 pause has left."""
        with self._transaction():
            self._execute(
                "UPDATE econtract_workers SET seen_at = {now} WHERE import_id = ? AND worker = ?",
                (import_id, worker),
            )
            (left,) = self._execute(
                "SELECT paused_until - {now} FROM econtract_imports WHERE import_id = ?",
                (import_id,),
            ).fetchone()
        return max(0.0, float(left))

    def leave(self, import_id: str, worker: str) -> None:
        """A clean exit: release every chunk held (their unsent rows are free) and sign off."""
        with self._transaction():
            self._execute(
                "UPDATE econtract_chunks SET worker = NULL WHERE import_id = ? AND worker = ?",
                (import_id, worker),
            )
            self._execute(
                "UPDATE econtract_workers SET left_at = {now} WHERE import_id = ? AND worker = ?",
                (import_id, worker),
            )

    # -- chunks ---------------------------------------------------------------------------

    def claim(self, import_id: str, worker: str, chunk: ChunkKey) -> list[tuple[Any, ...]] | None:
        """Take `chunk` for `worker`; return the journal rows it already has, or None.

        A chunk nobody holds, or whose holder is gone, is taken; one a live worker holds is not
        (PostgreSQL skips a chunk another transaction has locked, `FOR UPDATE SKIP LOCKED`). On
        taking a chunk, its rows still `in_flight` become `unknown`: whoever sent them stopped
        before recording an answer, so they may have arrived. They are never silently free.
        """
        shard, number = chunk
        with self._transaction():
            held = self._execute(
                "SELECT c.worker, CASE WHEN " + _ORPHANED + " THEN 1 ELSE 0 END "
                "FROM econtract_chunks c LEFT JOIN econtract_workers w "
                "ON w.import_id = c.import_id AND w.worker = c.worker "
                "WHERE c.import_id = ? AND c.shard = ? AND c.chunk = ? {skip_locked}",
                (import_id, shard, number),
            ).fetchone()
            if held is None:
                inserted = self._execute(
                    "INSERT INTO econtract_chunks (import_id, shard, chunk, worker, claimed_at) "
                    "VALUES (?, ?, ?, ?, {now}) ON CONFLICT DO NOTHING",
                    (import_id, shard, number, worker),
                )
                if inserted.rowcount != 1:
                    return None  # locked by another claim, or just claimed by another worker
            else:
                holder, orphaned = held
                if holder is not None and holder != worker and not orphaned:
                    return None
                self._execute(
                    "UPDATE econtract_chunks SET worker = ?, claimed_at = {now}, finished = 0 "
                    "WHERE import_id = ? AND shard = ? AND chunk = ?",
                    (worker, import_id, shard, number),
                )
                if holder is not None and holder != worker:
                    self._orphan_rows(import_id, chunk, f"worker {holder} stopped")
                else:
                    self._orphan_rows(import_id, chunk, "an earlier run stopped")
            found: list[tuple[Any, ...]] = self._execute(
                f"SELECT {_ROW_COLUMNS} FROM econtract_rows "
                "WHERE import_id = ? AND shard = ? AND chunk = ?",
                (import_id, shard, number),
            ).fetchall()
        return found

    def _orphan_rows(self, import_id: str, chunk: ChunkKey, why: str) -> None:
        self._execute(
            "UPDATE econtract_rows SET state = 'unknown', may_have_arrived = 1, detail = ?, "
            "updated_at = {now} "
            "WHERE import_id = ? AND shard = ? AND chunk = ? AND state = 'in_flight'",
            (f"{why} while the request was in flight", import_id, *chunk),
        )

    def orphans(self, import_id: str, worker: str, shard: str) -> tuple[list[int], int]:
        """Unfinished chunks of `shard` nobody live holds (their holder is gone, or released them
        unfinished on a clean stop), and how many unfinished chunks live workers hold."""
        rows = self._execute(
            "SELECT c.chunk, CASE WHEN " + _ORPHANED + " THEN 1 ELSE 0 END "
            "FROM econtract_chunks c LEFT JOIN econtract_workers w "
            "ON w.import_id = c.import_id AND w.worker = c.worker "
            "WHERE c.import_id = ? AND c.shard = ? AND c.finished = 0 "
            "AND (c.worker IS NULL OR c.worker <> ?)",
            (import_id, shard, worker),
        ).fetchall()
        orphaned = sorted(int(chunk) for chunk, gone in rows if gone)
        return orphaned, len(rows) - len(orphaned)

    # -- rows -----------------------------------------------------------------------------

    def write_batch(
        self,
        import_id: str,
        worker: str,
        starts: Sequence[StartWrite],
        outcomes: Sequence[OutcomeWrite],
        finished: Sequence[ChunkKey],
    ) -> set[int]:
        """Commit one group of writes; return the positions of starts refused.

        A start is written only while its chunk is still the worker's (checked under a row lock
        in the same transaction), so a worker that lost its lease cannot send a row another
        worker now holds: the start is refused and the row is not sent.
        """
        refused: set[int] = set()
        now = time.time()
        with self._transaction():
            if starts:
                owned = {
                    (shard, int(chunk))
                    for shard, chunk in self._execute(
                        "SELECT shard, chunk FROM econtract_chunks "
                        "WHERE import_id = ? AND worker = ? {lock}",
                        (import_id, worker),
                    ).fetchall()
                }
                refused = {start.position for start in starts if start.chunk not in owned}
            rows: list[tuple[Any, ...]] = [
                (
                    import_id,
                    start.position,
                    *start.chunk,
                    start.digest,
                    "in_flight",
                    None,
                    "",
                    1,
                    0,
                    start.label,
                    worker,
                    now,
                    now,
                )
                for start in starts
                if start.position not in refused
            ]
            rows += [
                (
                    import_id,
                    outcome.position,
                    *outcome.chunk,
                    outcome.digest,
                    outcome.state,
                    outcome.created_id,
                    outcome.detail,
                    0,
                    1 if outcome.state == "unknown" else 0,
                    "",
                    worker,
                    None,
                    now,
                )
                for outcome in outcomes
            ]
            self._executemany(_UPSERT_ROW, rows)
            self._executemany(
                "UPDATE econtract_chunks SET worker = NULL, finished = 1 "
                "WHERE import_id = ? AND shard = ? AND chunk = ? AND worker = ?",
                [(import_id, shard, chunk, worker) for shard, chunk in finished],
            )
        return refused

    # -- the shared rate ------------------------------------------------------------------

    def reserve(self, import_id: str, slots: int, step: float) -> tuple[float, float]:
        """Reserve the import's next `slots` send slots; return (seconds to wait, spacing).

        The import has one schedule, whoever sends: the next free slot moves on by 1/rate per
        slot taken (the generic cell rate algorithm), so n workers together send at the rate.
        Each reservation also gives back `step` of the target rate after a 429 lowered it.
        """
        with self._transaction():
            target, current, next_slot, paused_until, now = self._execute(
                "SELECT target_rate, current_rate, next_slot, paused_until, {now} "
                "FROM econtract_imports WHERE import_id = ? {lock}",
                (import_id,),
            ).fetchone()
            if not target:
                return max(0.0, paused_until - now), 0.0
            rate = float(current or target)
            if now >= paused_until and rate < target:
                rate = min(float(target), rate + float(target) * step * slots)
            start = max(float(next_slot), float(now), float(paused_until))
            self._execute(
                "UPDATE econtract_imports SET next_slot = ?, current_rate = ? WHERE import_id = ?",
                (start + slots / rate, rate, import_id),
            )
        return start - float(now), 1.0 / rate

    def rate_limited(
        self, import_id: str, pause: float | None, factor: float, floor: float, ceiling: float
    ) -> float:
        """A 429: pause every worker of the import and lower its rate; return the pause used."""
        with self._transaction():
            target, current, strikes, now = self._execute(
                "SELECT target_rate, current_rate, strikes, {now} FROM econtract_imports "
                "WHERE import_id = ? {lock}",
                (import_id,),
            ).fetchone()
            strikes = int(strikes) + 1
            wait = pause if pause is not None else min(0.5 * 2 ** (strikes - 1), ceiling)
            rate = None if not target else max(min(floor, target), float(current) * factor)
            self._execute(
                "UPDATE econtract_imports SET strikes = ?, current_rate = ?, "
                "paused_until = CASE WHEN paused_until > ? THEN paused_until ELSE ? END, "
                "next_slot = CASE WHEN next_slot > ? THEN next_slot ELSE ? END "
                "WHERE import_id = ?",
                (strikes, rate, now + wait, now + wait, now + wait, now + wait, import_id),
            )
        return wait

    def succeeded(self, import_id: str) -> None:
        """Clear the 429 strike count (the back-off without Retry-After starts over)."""
        with self._transaction():
            self._execute(
                "UPDATE econtract_imports SET strikes = 0 WHERE import_id = ? AND strikes > 0",
                (import_id,),
            )

    # -- inspection and resolution --------------------------------------------------------

    def imports(self) -> list[str]:
        """Every import id in the journal."""
        return [
            name
            for (name,) in self._execute(
                "SELECT import_id FROM econtract_imports ORDER BY created_at"
            ).fetchall()
        ]

    def report(self, import_id: str | None) -> dict[str, Any]:
        """Counts by state per import and per worker, and the workers (for `journal show`)."""
        where, params = ("WHERE import_id = ?", (import_id,)) if import_id else ("", ())
        by_import = self._execute(
            f"SELECT import_id, state, count(*) FROM econtract_rows {where} "
            "GROUP BY import_id, state ORDER BY import_id, state",
            params,
        ).fetchall()
        by_worker = self._execute(
            f"SELECT import_id, worker, state, count(*) FROM econtract_rows {where} "
            "GROUP BY import_id, worker, state ORDER BY import_id, worker, state",
            params,
        ).fetchall()
        workers = self._execute(
            "SELECT w.import_id, w.worker, w.host, w.pid, "
            "CASE WHEN w.left_at IS NOT NULL THEN 'left' "
            "     WHEN w.seen_at + w.lease < {now} THEN 'lost' ELSE 'live' END, "
            "(SELECT count(*) FROM econtract_chunks c WHERE c.import_id = w.import_id "
            " AND c.worker = w.worker) "
            f"FROM econtract_workers w {where.replace('import_id', 'w.import_id')} "
            "ORDER BY w.import_id, w.started_at",
            params,
        ).fetchall()
        return {"by_import": by_import, "by_worker": by_worker, "workers": workers}

    def rows(
        self, import_id: str, states: Sequence[str], may_have_arrived: bool = False
    ) -> list[tuple[Any, ...]]:
        """Rows of an import in `states` (or flagged "may have arrived"), by position."""
        marks = ",".join("?" * len(states))
        extra = " OR may_have_arrived = 1" if may_have_arrived else ""
        found: list[tuple[Any, ...]] = self._execute(
            f"SELECT {_ROW_COLUMNS}, label, worker, sent_at, updated_at FROM econtract_rows "
            f"WHERE import_id = ? AND (state IN ({marks}){extra}) ORDER BY position",
            (import_id, *states),
        ).fetchall()
        return found

    def resolve(self, import_id: str, positions: Sequence[int], stored: bool, note: str) -> int:
        """Mark rows that may have arrived as `created` (stored) or sendable again (not stored).

        Only rows that are `unknown`, `in_flight` in no live chunk, or flagged "may have
        arrived" change; the count of rows changed is returned.
        """
        state = "created" if stored else "failed"
        changed = 0
        with self._transaction():
            for position in positions:
                cursor = self._execute(
                    "UPDATE econtract_rows SET state = ?, may_have_arrived = 0, detail = ?, "
                    "updated_at = {now} WHERE import_id = ? AND position = ? "
                    "AND (state IN ('unknown', 'in_flight') OR may_have_arrived = 1) "
                    "AND NOT EXISTS (SELECT 1 FROM econtract_chunks c JOIN econtract_workers w "
                    "  ON w.import_id = c.import_id AND w.worker = c.worker "
                    "  WHERE c.import_id = econtract_rows.import_id "
                    "  AND c.shard = econtract_rows.shard AND c.chunk = econtract_rows.chunk "
                    "  AND econtract_rows.state = 'in_flight' AND w.left_at IS NULL "
                    "  AND w.seen_at + w.lease >= {now})",
                    (state, note, import_id, position),
                )
                changed += max(cursor.rowcount, 0)
        return changed


def label_json(fields: dict[str, str]) -> str:
    """A row's label as stored: compact JSON of the fields a person looks a row up by."""
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")) if fields else ""


def _switch_to_wal(db: sqlite3.Connection, patience: float = 60.0) -> None:
    """Put the journal file in WAL mode, waiting while another worker holds it.

    Switching the mode needs the file to itself, and SQLite answers "database is locked" at
    once, without its busy handler, while another connection holds a write lock on a file still
    in rollback mode (seen with two Dask workers opening one new journal). WAL is a property of
    the file: once one worker has switched it, the others find it so.
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
        else:
            return
