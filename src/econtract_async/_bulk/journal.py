"""The SQLite journal that makes a bulk run resumable without losing or duplicating rows.

Each row is identified by its position in the input and a sha256 of its canonical content. The
journal stores, per row, the last state it reached: `in_flight` (a request is about to be or
has been sent, no answer recorded yet) or a terminal outcome (`created`, `invalid`, `failed`,
`unknown`).

Guarantee (see docs/bulk-import.md): the `in_flight` mark of a row is committed *before* its
request is sent, and outcomes are committed in batches (every `commit_every` outcomes or
`commit_interval` seconds, and at the end). So after a crash, Ctrl-C or `kill -9`, every row
that may have reached the server is in the journal as `created`, `unknown` or `in_flight`; a
re-run skips the first and, under the default `hold` policy, does not resend the other two.
The database runs in WAL mode; with `durable=True` every commit is also fsynced, which extends
the guarantee from process crashes to power loss.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import attrs

from .._exceptions import ConfigurationError
from .sharding import Shard

__all__ = ["Journal", "JournalEntry", "JournalState", "row_digest"]

JournalState = Literal["in_flight", "created", "invalid", "failed", "unknown"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    position INTEGER PRIMARY KEY,
    digest TEXT NOT NULL,
    state TEXT NOT NULL,
    created_id INTEGER,
    detail TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at REAL NOT NULL
);
"""
_UPSERT = """
INSERT INTO rows (position, digest, state, created_id, detail, attempts, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (position) DO UPDATE SET
    digest = excluded.digest, state = excluded.state, created_id = excluded.created_id,
    detail = excluded.detail, attempts = rows.attempts + excluded.attempts,
    updated_at = excluded.updated_at
"""
_VERSION = "1"


def _jsonable(value: Any) -> Any:
    """A JSON-friendly stand-in for `value` (attrs instances become dicts)."""
    if attrs.has(type(value)):
        return {
            field.name: _jsonable(getattr(value, field.name)) for field in attrs.fields(type(value))
        }
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def row_digest(row: Any, *, salt: str = "") -> str:
    """The sha256 of a row's canonical content: key order and empty values do not matter.

    Args:
        row: A mapping (CSV or JSON row) or an attrs model instance.
        salt: Extra context that changes what the row means, e.g. the default lead type.
    """
    content = _jsonable(row)
    if isinstance(content, dict):
        content = {key: value for key, value in content.items() if value not in ("", None)}
    text = json.dumps([salt, content], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # surrogatepass: a lone surrogate in a cell is bad input for that row, not a crash here.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@attrs.frozen
class JournalEntry:
    """What the journal knows about one row."""

    position: int
    digest: str
    state: JournalState
    created_id: int | None = None
    detail: str = ""
    attempts: int = 0


class Journal:
    """A resumable record of a bulk run's rows in one SQLite file.

    Args:
        path: The SQLite file; created if missing.
        shard: The shard this journal belongs to; opening it for another shard is refused.
        commit_every: Commit after this many outcome records.
        commit_interval: Commit outcome records at least this often, in seconds.
        durable: Fsync every commit (survives power loss, slower); WAL without fsync otherwise.
        clock: Monotonic time source for `commit_interval` (injectable for tests).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        shard: Shard | None = None,
        commit_every: int = 200,
        commit_interval: float = 1.0,
        durable: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path)
        self.shard = shard or Shard(0, 1)
        self.commit_every = max(1, commit_every)
        self.commit_interval = commit_interval
        self.pending = 0
        """Outcome records written but not yet committed."""
        self.max_pending = 0
        self._clock = clock
        self._last_commit = clock()
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        self._db.executescript(_SCHEMA)
        self._check_meta()

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r}, shard={self.shard})"

    def _check_meta(self) -> None:
        """Stamp a new journal with its shard, or refuse one written for another shard."""
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            self._db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("version", _VERSION), ("shard", str(self.shard))],
            )
            self._db.commit()
            return
        if meta.get("shard") != str(self.shard):
            self._db.close()
            msg = (
                f"journal {self.path} belongs to shard {meta.get('shard')}, not {self.shard}: "
                "give every shard its own journal"
            )
            raise ConfigurationError(msg)

    def lookup(self, position: int) -> JournalEntry | None:
        """What the journal knows about the row at `position`, if anything."""
        found = self._db.execute(
            "SELECT position, digest, state, created_id, detail, attempts FROM rows "
            "WHERE position = ?",
            (position,),
        ).fetchone()
        return JournalEntry(*found) if found else None

    def start(self, position: int, digest: str) -> None:
        """Mark a row `in_flight` and commit at once (pending outcomes too); call before sending."""
        self._write(position, digest, "in_flight", created_id=None, detail="", attempts=1)
        self.commit()

    def record(
        self,
        position: int,
        digest: str,
        state: JournalState,
        *,
        created_id: int | None = None,
        detail: str = "",
    ) -> None:
        """Record a row's outcome; it is committed with the current batch."""
        self._write(position, digest, state, created_id=created_id, detail=detail, attempts=0)
        self.pending += 1
        self.max_pending = max(self.max_pending, self.pending)
        if self.pending >= self.commit_every or self.due():
            self.commit()

    def due(self) -> bool:
        """Whether pending outcomes are older than `commit_interval`."""
        return self.pending > 0 and self._clock() - self._last_commit >= self.commit_interval

    def commit(self) -> None:
        """Make every write so far durable."""
        self._db.commit()
        self.pending = 0
        self._last_commit = self._clock()

    def close(self) -> None:
        """Commit and close the file."""
        self.commit()
        self._db.close()

    def counts(self) -> dict[str, int]:
        """How many rows are in each state."""
        return dict(self._db.execute("SELECT state, count(*) FROM rows GROUP BY state").fetchall())

    def entries(self, *states: JournalState) -> Iterator[JournalEntry]:
        """Every entry (or those in `states`), by position."""
        query = "SELECT position, digest, state, created_id, detail, attempts FROM rows"
        if states:
            query += f" WHERE state IN ({','.join('?' * len(states))})"
        for found in self._db.execute(query + " ORDER BY position", states):
            yield JournalEntry(*found)

    def _write(
        self,
        position: int,
        digest: str,
        state: JournalState,
        *,
        created_id: int | None,
        detail: str,
        attempts: int,
    ) -> None:
        """Upsert one row's state (not committed)."""
        self._db.execute(
            _UPSERT, (position, digest, state, created_id, detail, attempts, time.time())
        )
