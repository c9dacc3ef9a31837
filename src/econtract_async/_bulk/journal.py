"""The journal that makes a bulk import resumable, on one machine or on many, without losing or
duplicating rows.

One protocol, two databases: an SQLite file (the embedded default, for one machine; several
processes on that machine may share it) or PostgreSQL (`postgresql://...`, shared by workers on
many machines). The SQL is in `_journal_sql`; this module is the async side the runner talks to.

Rows are keyed by **import id + position**, next to a sha256 of the row's content. An import
is divided into chunks per shard; a worker **claims a chunk** before it sends any of its rows,
and any worker can claim any chunk whose holder is gone, so n workers started anywhere finish
one import together and any worker can resume any shard. Per row the guarantee is the one of
the single-machine journal (docs/bulk-import.md):

- its `in_flight` mark is **committed before its request is sent** (group commit: the marks of
  rows starting together share one transaction, run in a worker thread, off the event loop);
- outcomes are committed in batches (`commit_every` outcomes or `commit_interval` seconds);
- a worker that dies leaves its in-flight rows `in_flight`; whoever takes its chunks over turns
  them `unknown`: never silently free;
- once an attempt ended `unknown`, the row keeps "may have arrived" until a person resolves it,
  so a later `failed` attempt never makes it sendable again by itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

import anyio
import anyio.to_thread
import attrs

from .._exceptions import ConfigurationError
from ._journal_sql import (
    ChunkKey,
    OutcomeWrite,
    StartWrite,
    Store,
    is_postgresql,
    label_json,
    redact_target,
)
from .sharding import Shard

__all__ = [
    "Journal",
    "JournalEntry",
    "JournalReport",
    "JournalRow",
    "JournalState",
    "row_digest",
    "row_label",
]

JournalState = Literal["in_flight", "created", "invalid", "failed", "unknown"]

_LABEL_FIELDS = ("email", "first_name", "last_name", "name", "company_name")
"""The fields a person looks a row up by; copied into the journal when the row is sent."""


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


def row_label(row: Any) -> dict[str, str]:
    """The fields of `row` a person would look it up by in the CRM (e-mail, names)."""
    found: dict[str, str] = {}
    for name in _LABEL_FIELDS:
        value = row.get(name) if isinstance(row, dict) else getattr(row, name, None)
        if isinstance(value, str) and value.strip():
            found[name] = value.strip()[:200]
    return found


@attrs.frozen
class JournalEntry:
    """What the journal knows about one row."""

    position: int
    digest: str
    state: JournalState
    created_id: int | None = None
    detail: str = ""
    attempts: int = 0
    may_have_arrived: bool = False
    """An earlier attempt ended without an answer: the API may have stored the row."""


@attrs.frozen
class JournalRow:
    """One row as `econtract leads unknown` shows it: what a person needs to look it up."""

    entry: JournalEntry
    label: dict[str, str]
    worker: str
    sent_at: float | None
    updated_at: float

    @property
    def row_number(self) -> int:
        """1-based data row of the input (the report's `_row`)."""
        return self.entry.position + 1


@attrs.frozen
class JournalReport:
    """Counts by state per import and per worker, and the workers (`econtract journal show`)."""

    by_import: dict[str, dict[str, int]]
    by_worker: dict[str, dict[str, dict[str, int]]]
    workers: list[dict[str, Any]]


@attrs.define
class _Batch:
    """Writes committed together, and the event their writers wait on."""

    starts: list[StartWrite] = attrs.field(factory=list)
    outcomes: list[OutcomeWrite] = attrs.field(factory=list)
    finished: list[ChunkKey] = attrs.field(factory=list)
    done: anyio.Event = attrs.field(factory=anyio.Event)
    refused: set[int] = attrs.field(factory=set)
    error: BaseException | None = None


def default_worker_name() -> str:
    """`host:pid:random`: unique among live workers, readable in `journal show`."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Journal:
    """A resumable record of one import's rows, in SQLite or PostgreSQL.

    Args:
        target: An SQLite file (created if missing) or a `postgresql://` URL.
        import_id: Names the import: the CLI uses the input file's name; a caller may give
            any name. One journal holds many imports.
        worker: This worker's name (default: host, pid and a random suffix). Reusing the name
            of a dead worker takes its chunks over at once; two live workers must not share one.
        commit_every: Commit outcomes after this many...
        commit_interval: ...or at least this often, in seconds.
        durable: SQLite: fsync every commit (survives power loss). PostgreSQL commits are
            durable whatever this says.
        lease: Seconds without a heartbeat after which a worker counts as gone and its chunks
            may be taken over (heartbeats come every `lease / 6` seconds).
        chunk_size: Rows per chunk, fixed by the first worker that opens the import.
    """

    def __init__(
        self,
        target: str | Path,
        *,
        import_id: str = "default",
        worker: str | None = None,
        commit_every: int = 200,
        commit_interval: float = 1.0,
        durable: bool = False,
        lease: float = 30.0,
        chunk_size: int = 256,
    ) -> None:
        if not import_id or not import_id.strip():
            msg = "import_id must be a non-empty name"
            raise ConfigurationError(msg)
        if lease <= 0 or chunk_size < 1:
            msg = f"lease must be positive and chunk_size at least 1, not {lease}, {chunk_size}"
            raise ConfigurationError(msg)
        self.target = target
        self.backend: Literal["sqlite", "postgresql"] = (
            "postgresql" if is_postgresql(target) else "sqlite"
        )
        self.import_id = import_id
        self.worker = worker or default_worker_name()
        self.commit_every = max(1, commit_every)
        self.commit_interval = commit_interval
        self.durable = durable
        self.lease = lease
        self.chunk_size = chunk_size
        self.max_pending = 0
        """The most outcome records held before a commit."""
        self._writer: Store | None = None
        self._control: Store | None = None
        self._joined = False
        self._batch = _Batch()
        self._flush_lock = anyio.Lock()
        self._wake = anyio.Event()
        self._committer_running = False
        self._full = anyio.Event()
        self._last_commit = time.monotonic()
        self._cache: dict[int, JournalEntry] = {}

    def __repr__(self) -> str:
        where = redact_target(str(self.target))
        return f"Journal({where!r}, import_id={self.import_id!r}, worker={self.worker!r})"

    @property
    def pending(self) -> int:
        """Outcome records written but not yet committed."""
        return len(self._batch.outcomes)

    # -- opening and closing --------------------------------------------------------------

    async def open(self) -> Self:
        """Connect and create or upgrade the schema (idempotent); `join` enters the import."""
        if self._control is None:
            control = await anyio.to_thread.run_sync(self._connect)
            try:
                await control.call(control.ensure_schema, self.import_id)
                writer = await anyio.to_thread.run_sync(self._connect)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(control.close)
                raise
            self._control, self._writer = control, writer
        return self

    def _connect(self) -> Store:
        return Store(self.target, durable=self.durable)

    async def join(self, rate: float | None = None) -> None:
        """Enter the import as a worker (after `open`); `rate` becomes the import's shared rate."""
        control = await self._store()
        self.chunk_size = await control.call(
            control.register,
            self.import_id,
            self.worker,
            socket.gethostname(),
            os.getpid(),
            self.lease,
            self.chunk_size,
            rate,
        )
        self._joined = True

    async def _store(self) -> Store:
        await self.open()
        assert self._control is not None
        return self._control

    async def leave(self) -> None:
        """Commit what is pending and leave the import: chunks still held are released (their
        unsent rows are free for any worker) and this worker is marked gone."""
        if self._control is None:
            return
        with anyio.CancelScope(shield=True):
            await self.commit()
            if self._joined:
                await self._control.call(self._control.leave, self.import_id, self.worker)
                self._joined = False
            self._cache.clear()

    async def close(self) -> None:
        """Leave the import (see `leave`) and disconnect."""
        if self._control is None:
            return
        with anyio.CancelScope(shield=True):
            try:
                await self.leave()
            finally:
                control, writer = self._control, self._writer
                self._control = self._writer = None
                for store in (control, writer):
                    if store is not None:
                        await anyio.to_thread.run_sync(store.close)

    async def __aenter__(self) -> Self:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- chunks ---------------------------------------------------------------------------

    def chunk_of(self, shard: Shard, position: int) -> ChunkKey:
        """The chunk a row of `shard` belongs to: consecutive rows of the shard, `chunk_size`
        at a time."""
        return str(shard), (position // shard.count) // self.chunk_size

    def _positions(self, chunk: ChunkKey) -> range:
        head, _, tail = chunk[0].partition("/")
        index, count = int(head), int(tail)
        first = chunk[1] * self.chunk_size
        return range(first * count + index, (first + self.chunk_size) * count + index, count)

    async def claim(self, chunk: ChunkKey) -> bool:
        """Take `chunk` for this worker; False when a live worker holds it."""
        control = await self._store()
        found = await control.call(control.claim, self.import_id, self.worker, chunk)
        if found is None:
            return False
        for values in found:
            entry = _entry(values)
            self._cache[entry.position] = entry
        return True

    def lookup(self, position: int) -> JournalEntry | None:
        """What the journal knew about a row of a claimed chunk when it was claimed."""
        return self._cache.get(position)

    def finish(self, chunk: ChunkKey) -> None:
        """Every row of `chunk` has its outcome: release it with the next commit."""
        self._batch.finished.append(chunk)
        for position in self._positions(chunk):
            self._cache.pop(position, None)

    async def orphans(self, shard: Shard) -> tuple[list[ChunkKey], int]:
        """Chunks of `shard` whose holder is gone, and how many chunks live workers hold."""
        control = await self._store()
        chunks, live = await control.call(control.orphans, self.import_id, self.worker, str(shard))
        return [(str(shard), chunk) for chunk in chunks], live

    async def heartbeat(self) -> float:
        """Renew this worker's lease; return the seconds left of the import's 429 pause."""
        control = await self._store()
        return await control.call(control.heartbeat, self.import_id, self.worker)

    # -- rows -----------------------------------------------------------------------------

    async def start(self, position: int, digest: str, chunk: ChunkKey, label: str = "") -> bool:
        """Commit the row `in_flight`; call before sending. False: the chunk was taken over
        (this worker lost its lease), so the row must not be sent."""
        batch = self._batch
        batch.starts.append(StartWrite(position, chunk, digest, label))
        await self._commit(batch)
        return position not in batch.refused

    def record(
        self,
        position: int,
        digest: str,
        state: JournalState,
        *,
        chunk: ChunkKey,
        created_id: int | None = None,
        detail: str = "",
    ) -> None:
        """Record a row's outcome; it is committed with the current batch."""
        outcomes = self._batch.outcomes
        outcomes.append(OutcomeWrite(position, chunk, digest, state, created_id, detail))
        self.max_pending = max(self.max_pending, len(outcomes))
        if len(outcomes) >= self.commit_every:
            self._full.set()

    async def wait_due(self) -> None:
        """Return once pending outcomes should be committed (batch full or interval passed)."""
        while True:
            with anyio.move_on_after(self.commit_interval):
                await self._full.wait()
            if self._full.is_set() or (
                self._batch.outcomes
                and time.monotonic() - self._last_commit >= self.commit_interval
            ):
                return

    async def commit(self) -> None:
        """Make every write so far durable."""
        batch = self._batch
        if batch.starts or batch.outcomes or batch.finished:
            await self._commit(batch)

    async def committer(self) -> None:
        """Commit pending writes whenever a writer waits for them (run as a task by the run):
        writers then only wait for their batch, and one task does the commits."""
        self._committer_running = True
        try:
            while True:
                await self._wake.wait()
                self._wake = anyio.Event()
                async with self._flush_lock:
                    await self._flush()
        finally:
            self._committer_running = False

    async def _commit(self, batch: _Batch) -> None:
        """Group commit: every pending write goes into one transaction; writers arriving
        meanwhile go into the next one. With no committer task running, whoever finds no
        commit running does the commit."""
        if self._committer_running:
            self._wake.set()
            await batch.done.wait()
        while not batch.done.is_set():
            async with self._flush_lock:
                if batch.done.is_set():
                    break
                await self._flush()
        if batch.error is not None:
            raise batch.error

    async def _flush(self) -> None:
        batch, self._batch = self._batch, _Batch()
        self._full = anyio.Event()
        writer = self._writer
        if writer is None:
            await self.open()
            writer = self._writer
            assert writer is not None
        try:
            with anyio.CancelScope(shield=True):  # writes taken from the batch are never dropped
                batch.refused = await writer.call(
                    writer.write_batch,
                    self.import_id,
                    self.worker,
                    batch.starts,
                    batch.outcomes,
                    batch.finished,
                )
        except BaseException as error:
            batch.error = error
            raise
        finally:
            self._last_commit = time.monotonic()
            batch.done.set()

    # -- inspection and resolution --------------------------------------------------------

    async def imports(self) -> list[str]:
        """Every import id this journal holds."""
        control = await self._store()
        return await control.call(control.imports)

    async def report(self, import_id: str | None = None) -> JournalReport:
        """Counts by state, per import and per worker, and the workers' status."""
        control = await self._store()
        found = await control.call(control.report, import_id)
        by_import: dict[str, dict[str, int]] = {}
        for name, state, count in found["by_import"]:
            by_import.setdefault(name, {})[state] = int(count)
        by_worker: dict[str, dict[str, dict[str, int]]] = {}
        for name, worker, state, count in found["by_worker"]:
            by_worker.setdefault(name, {}).setdefault(worker or "-", {})[state] = int(count)
        workers = [
            {
                "import_id": name,
                "worker": worker,
                "host": host,
                "pid": int(pid),
                "status": status,
                "chunks_held": int(held),
            }
            for name, worker, host, pid, status, held in found["workers"]
        ]
        return JournalReport(by_import, by_worker, workers)

    async def entries(self, *states: JournalState) -> list[JournalEntry]:
        """This import's entries (or those in `states`), by position."""
        return [row.entry for row in await self.rows(*states)]

    async def rows(self, *states: str, may_have_arrived: bool = False) -> list[JournalRow]:
        """This import's rows in `states` (every state when none is given), with their labels."""
        control = await self._store()
        wanted = states or ("in_flight", "created", "invalid", "failed", "unknown")
        found = await control.call(control.rows, self.import_id, wanted, may_have_arrived)
        return [
            JournalRow(
                _entry(values[:7]),
                json.loads(values[7]) if values[7] else {},
                values[8],
                values[9],
                values[10],
            )
            for values in found
        ]

    async def counts(self) -> dict[str, int]:
        """How many rows of this import are in each state."""
        report = await self.report(self.import_id)
        return report.by_import.get(self.import_id, {})

    async def unknown(self) -> list[JournalRow]:
        """Rows that may have reached the API without an answer recorded: `unknown`, `in_flight`
        (a worker stopped while sending), or `failed` after an earlier attempt ended unknown."""
        return await self.rows("unknown", "in_flight", may_have_arrived=True)

    async def resolve(self, positions: Iterable[int], *, stored: bool, note: str = "") -> int:
        """Settle rows that may have arrived: `stored=True` marks them `created` (skipped from
        now on), `stored=False` makes them safe to send again. Rows a live worker is sending are
        left alone. Returns how many rows changed."""
        control = await self._store()
        reason = note or ("resolved: stored" if stored else "resolved: not stored")
        return await control.call(
            control.resolve, self.import_id, sorted(set(positions)), stored, reason
        )


def _entry(values: Sequence[Any]) -> JournalEntry:
    position, digest, state, created_id, detail, attempts, may_have_arrived = values
    return JournalEntry(
        int(position),
        digest,
        state,
        None if created_id is None else int(created_id),
        detail,
        int(attempts),
        bool(may_have_arrived),
    )


def encode_label(row: Any) -> str:
    """The label stored with a row when it is sent."""
    return label_json(row_label(row))
