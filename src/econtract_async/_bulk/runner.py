"""The general bulk primitive: stream rows, send them concurrently, report one outcome per row.

`bulk_run()` works for any create call: the caller gives a `prepare` step (row -> request model,
raising `ValidationError` for a bad row) and a `send` step (model -> created id). Leads use it
through `BulkLeadsMixin.bulk_create`; orders or clients can use it the same way.

Memory stays flat whatever the input size: a fixed pool of `concurrency` workers each read the
next row (one reader at a time, so positions follow the input), validate it and send it, and
hand outcomes to the caller over a stream of `outcome_buffer` items. A caller that reads outcomes
slowly therefore slows the workers, which read no further; nothing queues without bound. Workers
read rows themselves rather than from a producer task: a hand-off per row cost more CPU than
the rest of the machinery.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
)
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Literal, Self, TypeVar

import anyio
import anyio.lowlevel
import attrs
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from .._exceptions import ConfigurationError, EcontractError, RateLimitError, ValidationError
from .._meta import RetryPolicy
from .._retry import RetryConfig, Verdict, judge
from ._journal_sql import ChunkKey
from .journal import Journal, JournalState, encode_label, row_digest
from .outcomes import BulkStats, BulkSummary, Outcome, OutcomeKind
from .ratelimit import RateLimiter, SharedRateLimiter
from .sharding import Shard

__all__ = ["BulkRun", "UnknownPolicy", "bulk_run"]

R = TypeVar("R")
P = TypeVar("P")
T = TypeVar("T")

UnknownPolicy = Literal["hold", "resend"]
"""What a re-run does with rows that may have arrived: left `unknown` or `in_flight` by a previous
run, or `failed` after an earlier attempt ended unknown.

`hold` (the default) reports them as `unknown` again and sends nothing: the CRM does not document
that it de-duplicates leads, so resending could create a second lead. `resend` sends them again:
use it once you have checked the CRM and know those rows did not arrive (or resolve them one by
one with `Journal.resolve` / `econtract leads resolve`).
"""

RowSource = Iterable[R] | AsyncIterable[R] | Callable[[], Iterable[R] | AsyncIterable[R]]
"""Rows, or a function that returns them afresh: a run can read a re-readable source again to
finish chunks another worker left behind."""

_ORPHAN_POLL = 2.0
"""At the end of its input, how often (seconds, at most) a worker checks on chunks other
workers still hold, to take them over if their holder goes."""
_CUT_OFF_DELIVERY = 5.0
"""Seconds a cut-off row's outcome may wait for a reader before it is only counted."""
_YIELD_EVERY = 64
"""While outcomes are dropped, yield to other tasks after this many (e.g. a run of bad rows)."""
_JOURNAL_STATE: dict[OutcomeKind, JournalState] = {
    OutcomeKind.CREATED: "created",
    OutcomeKind.INVALID: "invalid",
    OutcomeKind.FAILED: "failed",
    OutcomeKind.UNKNOWN: "unknown",
}


async def _send(stream: MemoryObjectSendStream[Any], item: Any) -> None:
    """Hand `item` over at once when a receiver or buffer space waits for it, else wait.

    Skipping the scheduler round trip of `send()` saves most of the per-row cost of a run;
    the waits (and so the back-pressure) stay as they were.
    """
    try:
        stream.send_nowait(item)
    except anyio.WouldBlock:
        await stream.send(item)


async def _receive(stream: MemoryObjectReceiveStream[T]) -> T:
    """Take an item at once when one waits, else wait for it (`EndOfStream` once done)."""
    try:
        return stream.receive_nowait()
    except anyio.WouldBlock:
        return await stream.receive()


def _describe(error: BaseException) -> str:
    """`Type: message` for an outcome; our exceptions never hold credentials."""
    return f"{type(error).__name__}: {error}"


@attrs.frozen
class _Job(Generic[R, P]):
    """A validated row on its way to a worker."""

    position: int
    digest: str
    row: R
    prepared: P
    chunk: ChunkKey | None


@attrs.define(eq=False)
class _Chunk:
    """A chunk of the input as the run sees it: claimed (or not), and rows still open."""

    key: ChunkKey
    ready: anyio.Event = attrs.field(factory=anyio.Event)
    claiming: bool = False
    mine: bool = False
    open_rows: int = 0
    passed: bool = False
    """The reader has moved past this chunk: no more of its rows will come."""


class BulkRun(Generic[R, P]):
    """A running bulk import: an async context manager and an async iterator of outcomes.

    ```python
    async with bulk_run(rows, prepare, send, journal="run.journal") as run:
        async for outcome in run:
            ...
    print(run.summary)
    ```

    `await run` instead runs it to the end and returns the summary. Leaving the `async with`
    block normally lets the run finish (outcomes not read are counted
    in `summary` and dropped); leaving it with an exception or a cancellation stops it at once,
    and rows whose requests were cut off end `unknown`. Use `bulk_run()` to create one.
    """

    def __init__(
        self,
        rows: RowSource[R],
        prepare: Callable[[R], P],
        send: Callable[[P], Awaitable[int | None]],
        *,
        identify: Callable[[R], str],
        describe: Callable[[R], str],
        concurrency: int,
        rate: float | None,
        limiter: RateLimiter | None,
        journal: Journal | None,
        owns_journal: bool,
        shard: Shard,
        on_unknown: UnknownPolicy,
        policy: RetryPolicy,
        max_attempts: int,
        retry: RetryConfig,
        outcome_buffer: int,
    ) -> None:
        self._rows = rows
        self._prepare = prepare
        self._send = send
        self._identify = identify
        self._describe = describe
        self.concurrency = concurrency
        self.journal = journal
        if limiter is None:
            limiter = SharedRateLimiter(journal, rate) if journal is not None else RateLimiter(rate)
        self.limiter = limiter
        self._rate = rate
        self._owns_journal = owns_journal
        self.shard = shard
        self.on_unknown = on_unknown
        self.policy: RetryPolicy = policy
        self.max_attempts = max_attempts
        self.retry = retry
        self.summary = BulkSummary()
        """Counts so far; final once the iteration ends."""
        self.stats = BulkStats()
        self._outcome_send, self._outcome_receive = anyio.create_memory_object_stream[Outcome](
            outcome_buffer
        )
        self._tg: TaskGroup | None = None
        self._reading = anyio.Lock()
        self._read_scope: anyio.CancelScope | None = None
        self._sync_rows: Iterator[R] | None = None
        self._async_rows: AsyncIterator[R] | None = None
        self._position = -1
        self._chunks: dict[ChunkKey, _Chunk] = {}
        self._only: set[ChunkKey] | None = None
        """In a pass that finishes other workers' chunks: the chunks to take."""
        self._workers_scope = anyio.CancelScope()
        self._cut_off_scope = anyio.CancelScope()
        self._stopping = False
        self._input_done = False
        self._finished = False
        self._discarding = False
        """Set by `drain()`: outcomes are counted, never handed over."""
        self._discarded = 0

    def __repr__(self) -> str:
        return f"BulkRun(concurrency={self.concurrency}, shard={self.shard}, {self.summary})"

    async def __aenter__(self) -> Self:
        self._tg = anyio.create_task_group()
        await self._tg.__aenter__()
        self._tg.start_soon(self._run)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        assert self._tg is not None
        raised_here: BaseException | None = None
        if exc is None:
            try:
                await self.drain()
            except BaseException as error:
                raised_here = exc = error
                exc_type, tb = type(error), error.__traceback__
        if exc is not None:
            self.summary.stopped = not self._input_done
            self._outcome_receive.close()
            self._tg.cancel_scope.cancel()
        try:
            suppress = await self._tg.__aexit__(exc_type, exc, tb)
        finally:
            self._outcome_receive.close()
        if raised_here is not None and not suppress:
            raise raised_here
        return suppress

    def __await__(self) -> Generator[Any, None, BulkSummary]:
        return self._complete().__await__()

    async def _complete(self) -> BulkSummary:
        """Run to the end, dropping the outcomes; return the summary."""
        async with self:
            pass
        return self.summary

    def __aiter__(self) -> AsyncIterator[Outcome]:
        return self

    async def __anext__(self) -> Outcome:
        if self._tg is None:
            msg = "enter the run with `async with` before iterating its outcomes"
            raise RuntimeError(msg)
        try:
            outcome = await _receive(self._outcome_receive)
        except anyio.EndOfStream:
            raise StopAsyncIteration from None
        self.stats.outcome_backlog = self._outcome_receive.statistics().current_buffer_used
        return outcome

    async def drain(self) -> BulkSummary:
        """Read (and drop) every remaining outcome; return the final summary."""
        self._discarding = True  # workers stop handing outcomes over: no wake-up per row
        async for _ in self:
            pass
        return self.summary

    def stop(self, *, grace: float | None = 30.0) -> None:
        """Stop taking new rows; cut off requests still in flight after `grace` seconds.

        Rows already handed to a worker finish normally within the grace period; every row not
        yet read stays untouched, so a re-run with the same journal picks up exactly there.
        """
        if self._stopping or self._finished:
            return
        self._stop_reading()
        if grace is not None and self._tg is not None:
            self._tg.start_soon(self._cut_off, grace)

    def abort(self) -> None:
        """Stop taking new rows and cut off requests in flight now: those rows end `unknown`."""
        self._stop_reading()
        self._workers_scope.cancel()

    def _stop_reading(self) -> None:
        """Read no further row; a read waiting for an async input is cancelled."""
        self._stopping = True
        if self._read_scope is not None:
            self._read_scope.cancel()

    async def _cut_off(self, grace: float) -> None:
        """Cancel the workers once `grace` seconds have passed."""
        with self._cut_off_scope:
            await anyio.sleep(grace)
            self._workers_scope.cancel()

    async def _run(self) -> None:
        """Work and journal until the input is done (or the run stopped)."""
        journal = self.journal
        try:
            async with self._outcome_send, anyio.create_task_group() as tg:
                if journal is not None:
                    await journal.open()
                    await journal.join(self._rate)
                    tg.start_soon(journal.committer)
                    tg.start_soon(self._flush_periodically, journal)
                    tg.start_soon(self._heartbeat, journal)
                with self._workers_scope:
                    await self._pass()
                    if journal is not None:
                        await self._finish_others(journal)
                tg.cancel_scope.cancel()
        finally:
            self._finished = True
            self._cut_off_scope.cancel()
            self.summary.stopped = self.summary.stopped or not self._input_done
            if journal is not None:
                with anyio.CancelScope(shield=True):
                    if self._owns_journal:
                        await journal.close()
                    else:
                        await journal.leave()

    async def _pass(self, only: set[ChunkKey] | None = None) -> None:
        """Read the input from the start with `concurrency` workers (only `only`'s chunks)."""
        self._only = only
        self._sync_rows = self._async_rows = None
        self._position = -1
        self._input_done = False
        async with anyio.create_task_group() as workers:
            for _ in range(self.concurrency):
                workers.start_soon(self._work)

    def _source(self) -> Iterable[R] | AsyncIterable[R]:
        rows = self._rows
        if callable(rows) and not isinstance(rows, Iterable | AsyncIterable):
            return rows()
        return rows

    def _rereadable(self) -> bool:
        """Whether the input can be read again (a function, or a collection such as a list)."""
        rows = self._rows
        if callable(rows) and not isinstance(rows, Iterable | AsyncIterable):
            return True
        return isinstance(rows, Iterable) and not isinstance(rows, Iterator)

    async def _finish_others(self, journal: Journal) -> None:
        """At the end of the input, finish together: take over chunks whose holder is gone
        (re-reading the input for them), and wait while live workers still hold some."""
        if not self._rereadable():
            return
        while self._input_done and not self._stopping:
            await journal.commit()
            orphans, live = await journal.orphans(self.shard)
            if orphans:
                await self._pass(set(orphans))
                continue
            if not live:
                return
            await anyio.sleep(min(journal.lease / 4, _ORPHAN_POLL))

    async def _flush_periodically(self, journal: Journal) -> None:
        """Commit pending journal outcomes when the batch is full or older than the interval."""
        while True:
            await journal.wait_due()
            await journal.commit()
            self.stats.max_journal_pending = journal.max_pending

    async def _heartbeat(self, journal: Journal) -> None:
        """Renew this worker's lease; learn of another worker's 429 pause."""
        while True:
            await anyio.sleep(journal.lease / 6)
            paused = await journal.heartbeat()
            if isinstance(self.limiter, SharedRateLimiter):
                self.limiter.pause(paused)

    async def _read(self) -> tuple[int, R, _Chunk | None] | None:
        """The next row, its position and chunk, or None once the input is done or stopped."""
        if self._stopping or self._input_done:
            return None
        if self._sync_rows is None and self._async_rows is None:
            source = self._source()
            if isinstance(source, AsyncIterable):
                self._async_rows = aiter(source)
            else:
                self._sync_rows = iter(source)
        if self._sync_rows is not None:
            for row in self._sync_rows:
                self._position += 1
                return self._position, row, self._note(self._position)
            self._end_of_input()
            return None
        async with self._reading:  # one reader at a time: positions follow the input order
            if self._stopping or self._input_done:
                return None
            assert self._async_rows is not None
            with anyio.CancelScope() as self._read_scope:
                try:
                    row = await anext(self._async_rows)
                except StopAsyncIteration:
                    self._end_of_input()
                    return None
                self._position += 1
                return self._position, row, self._note(self._position)
            return None  # stop() cancelled the read

    def _end_of_input(self) -> None:
        self._input_done = True
        for chunk in list(self._chunks.values()):
            chunk.passed = True
            self._settle(chunk)

    def _note(self, position: int) -> _Chunk | None:
        """Book a row read into its chunk (in read order, before any wait)."""
        if self.journal is None or not self.shard.owns(position):
            return None
        key = self.journal.chunk_of(self.shard, position)
        chunk = self._chunks.get(key)
        if chunk is None:
            for earlier in list(self._chunks.values()):
                earlier.passed = True
                self._settle(earlier)
            chunk = self._chunks[key] = _Chunk(key)
        chunk.open_rows += 1
        return chunk

    def _settle(self, chunk: _Chunk) -> None:
        """Release a chunk the reader has passed once its last row has an outcome."""
        if not (chunk.passed and chunk.open_rows == 0 and chunk.ready.is_set()):
            return
        if self._chunks.get(chunk.key) is chunk:
            del self._chunks[chunk.key]
        if chunk.mine and self.journal is not None:
            self.journal.finish(chunk.key)

    async def _owns(self, chunk: _Chunk) -> bool:
        """Whether this worker holds the chunk, claiming it the first time it is met."""
        if not chunk.ready.is_set():
            if chunk.claiming:
                await chunk.ready.wait()
            else:
                chunk.claiming = True
                try:
                    if self._only is None or chunk.key in self._only:
                        assert self.journal is not None
                        chunk.mine = await self.journal.claim(chunk.key)
                finally:
                    chunk.ready.set()
        return chunk.mine

    async def _take(self, position: int, row: R, chunk: _Chunk | None) -> _Job[R, P] | None:
        """Skip, hold or reject one row (emitting its outcome), or return it as a job to send."""
        self.stats.rows_read += 1
        if not self.shard.owns(position):
            return None
        if self.journal is None:
            digest, entry, key = "", None, None  # the digest only identifies rows in a journal
        else:
            assert chunk is not None
            if not await self._owns(chunk):
                return None
            digest, key = self._identify(row), chunk.key
            entry = self.journal.lookup(position)
        if entry is not None and entry.digest == digest:
            if entry.state == "created":
                await self._emit(Outcome(position, OutcomeKind.SKIPPED, row, id=entry.created_id))
                return None
            maybe = entry.state in ("in_flight", "unknown") or entry.may_have_arrived
            if maybe and self.on_unknown == "hold":
                error = (
                    "held: an earlier attempt may have stored this row and got no answer; check "
                    "the CRM, then resolve it (econtract leads resolve) or re-run with "
                    "on_unknown='resend' (--resend-unknown) to send it"
                )
                await self._emit(Outcome(position, OutcomeKind.UNKNOWN, row, error=error))
                return None
        elif entry is not None and (
            entry.state in ("created", "in_flight", "unknown") or entry.may_have_arrived
        ):
            error = (
                f"the journal holds a different row at position {position} (state "
                f"{entry.state}): the input changed since that run; use a new journal"
            )
            await self._emit(Outcome(position, OutcomeKind.FAILED, row, error=error))
            return None
        try:
            prepared = self._prepare(row)
        except ValidationError as invalid:
            await self._emit(
                Outcome(position, OutcomeKind.INVALID, row, errors=invalid.errors), digest, key
            )
            return None
        return _Job(position, digest, row, prepared, key)

    async def _work(self) -> None:
        """Read rows and send them until the input is done or the run stops."""
        while True:
            read = await self._read()
            if read is None:
                return
            chunk = read[2]
            try:
                job = await self._take(*read)
                if job is None:
                    continue
                self.stats.enter_flight()
                try:
                    outcome = await self._attempt(job)
                finally:
                    self.stats.leave_flight()
                if outcome is not None:
                    await self._emit(outcome, job.digest, job.chunk)
            finally:
                if chunk is not None:
                    chunk.open_rows -= 1
                    self._settle(chunk)

    async def _attempt(self, job: _Job[R, P]) -> Outcome | None:
        """Send one row, retrying only what the outcome policy says, and classify the result.

        None: the journal refused the row's start (this worker lost its chunk): not sent.
        """
        attempts = 0
        try:
            while True:
                await self.limiter.acquire()
                if attempts == 0 and self.journal is not None:
                    assert job.chunk is not None
                    label = self._describe(job.row)
                    if not await self.journal.start(job.position, job.digest, job.chunk, label):
                        return None
                attempts += 1
                self.stats.requests_sent += 1
                try:
                    created_id = await self._send(job.prepared)
                except EcontractError as error:
                    kind, retry_in = self._classify(error, attempts)
                    if kind is None:
                        self.stats.retries += 1
                        await anyio.sleep(retry_in)
                        continue
                    return Outcome(
                        job.position, kind, job.row, error=_describe(error), attempts=attempts
                    )
                self.limiter.succeeded()
                return Outcome(
                    job.position, OutcomeKind.CREATED, job.row, id=created_id, attempts=attempts
                )
        except anyio.get_cancelled_exc_class():
            if attempts:
                await self._emit_cut_off(job, attempts)
            raise

    def _classify(self, error: EcontractError, attempts: int) -> tuple[OutcomeKind | None, float]:
        """The terminal outcome for `error`, or None and a delay when the policy says retry.

        The verdict is `judge`'s, the client's own policy (`_retry.py`), for the endpoint's retry
        policy: `retry` while attempts last (then `failed`), `unknown`, or `failed`. The delay is
        the client's `RetryConfig.delay`. A 429 also pauses every worker through the limiter.
        """
        if isinstance(error, ValidationError):
            return OutcomeKind.INVALID, 0.0
        if isinstance(error, RateLimitError):
            self.stats.rate_limited += 1
            self.limiter.rate_limited(error.retry_after)
        verdict = judge(self.policy, error)
        if verdict is Verdict.RETRY:
            if attempts < self.max_attempts:
                return None, self.retry.delay(attempts, error)
            return OutcomeKind.FAILED, 0.0
        if verdict is Verdict.UNKNOWN:
            return OutcomeKind.UNKNOWN, 0.0
        return OutcomeKind.FAILED, 0.0

    async def _emit_cut_off(self, job: _Job[R, P], attempts: int) -> None:
        """Account for a row whose request was cancelled mid-flight: it ends `unknown`.

        The outcome still reaches a caller that keeps reading (e.g. to report it); a caller
        that left is detected at once, because leaving closes the receiving end.
        """
        outcome = Outcome(
            job.position,
            OutcomeKind.UNKNOWN,
            job.row,
            error="cancelled while the request was in flight",
            attempts=attempts,
        )
        self._account(outcome, job.digest, job.chunk)
        if self._discarding:
            return
        with (
            anyio.move_on_after(_CUT_OFF_DELIVERY, shield=True),
            contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError),
        ):
            await self._outcome_send.send(outcome)

    async def _emit(
        self, outcome: Outcome, digest: str | None = None, chunk: ChunkKey | None = None
    ) -> None:
        """Count, journal (when `digest` is given) and hand over one outcome."""
        self._account(outcome, digest, chunk)
        if self._discarding:
            self._discarded += 1
            if self._discarded % _YIELD_EVERY == 0:
                await anyio.lowlevel.checkpoint()
            return
        await _send(self._outcome_send, outcome)
        used = self._outcome_send.statistics().current_buffer_used
        self.stats.max_outcome_backlog = max(self.stats.max_outcome_backlog, used)

    def _account(self, outcome: Outcome, digest: str | None, chunk: ChunkKey | None) -> None:
        """Add an outcome to the summary and, for a row this run decided, to the journal."""
        self.summary.add(outcome.kind)
        if self.journal is not None and digest is not None and chunk is not None:
            self.journal.record(
                outcome.position,
                digest,
                _JOURNAL_STATE[outcome.kind],
                chunk=chunk,
                created_id=outcome.id,
                detail=outcome.reason,
            )
            self.stats.max_journal_pending = self.journal.max_pending


def bulk_run(
    rows: RowSource[R],
    prepare: Callable[[R], P],
    send: Callable[[P], Awaitable[int | None]],
    *,
    identify: Callable[[R], str] = row_digest,
    describe: Callable[[R], str] = encode_label,
    concurrency: int = 8,
    rate: float | RateLimiter | None = None,
    journal: str | Path | Journal | None = None,
    import_id: str = "default",
    worker: str | None = None,
    lease: float = 30.0,
    chunk_size: int = 256,
    shard: str | tuple[int, int] | Shard | None = None,
    on_unknown: UnknownPolicy = "hold",
    policy: RetryPolicy = "unsafe",
    max_attempts: int = 4,
    retry: RetryConfig | None = None,
    retry_backoff: float | None = None,
    outcome_buffer: int | None = None,
    commit_every: int = 200,
    commit_interval: float = 1.0,
) -> BulkRun[R, P]:
    """Create a bulk run over `rows`; enter it with `async with` and iterate its outcomes.

    Args:
        rows: Any iterable or async iterable, read lazily, one row at a time; or a function
            returning one, which lets the run read the input again to finish chunks a lost
            worker left (a list can be read again as it is).
        prepare: Turns a row into what `send` takes; raises `ValidationError` for a bad row,
            which then ends `invalid` and is never sent.
        send: Sends one prepared row and returns the id the API gave it (or None).
        identify: A row's content digest, stored in the journal next to its position.
        describe: A row's label for people (JSON of e-mail and names by default), stored in
            the journal when the row is sent, shown by `econtract leads unknown`.
        concurrency: How many requests may be in flight at once.
        rate: Requests per second (or a `RateLimiter`); None for no limit. With a journal it is
            the import's rate across every worker sharing that journal. Either way a 429
            pauses everyone for `Retry-After` and lowers the rate.
        journal: An SQLite file, a `postgresql://` URL, or a `Journal`: makes the run
            resumable and lets many workers share one import.
        import_id: Names the import inside the journal (ignored when `journal` is a `Journal`).
        worker: This worker's name in the journal (default: host, pid and a random suffix).
        lease: Seconds without a heartbeat after which this worker's chunks may be taken over.
        chunk_size: Rows claimed at a time (fixed by the first worker of an import).
        shard: `(i, n)` or `"i/n"`: handle only rows whose position modulo n is i.
        on_unknown: `hold` or `resend` rows an earlier run left unknown (see `UnknownPolicy`).
        policy: The endpoint's retry policy (`safe`, `deduplicated` or `unsafe`, the default:
            leads). What is retried, failed or held unknown is `judge`'s verdict for it.
        max_attempts: Tries per row for failures the policy retries.
        retry: The back-off between tries (default `RetryConfig()`, as the client's).
        retry_backoff: Deprecated: `retry=RetryConfig(base_delay=retry_backoff)`.
        outcome_buffer: How many outcomes may wait for the caller (default: `concurrency`).
        commit_every: Commit journal outcomes in batches of this size...
        commit_interval: ...or at least this often, in seconds.

    Raises:
        ConfigurationError: For a bad option.
    """
    if concurrency < 1:
        msg = f"concurrency must be at least 1, not {concurrency!r}"
        raise ConfigurationError(msg)
    if max_attempts < 1:
        msg = f"max_attempts must be at least 1, not {max_attempts!r}"
        raise ConfigurationError(msg)
    if on_unknown not in ("hold", "resend"):
        msg = f"on_unknown must be 'hold' or 'resend', not {on_unknown!r}"
        raise ConfigurationError(msg)
    if policy not in ("safe", "deduplicated", "unsafe"):
        msg = f"policy must be 'safe', 'deduplicated' or 'unsafe', not {policy!r}"
        raise ConfigurationError(msg)
    if rate is not None and not isinstance(rate, RateLimiter) and not math.isfinite(rate):
        rate = None
    if rate is not None and not isinstance(rate, RateLimiter) and rate <= 0:
        msg = f"rate must be positive or None, not {rate!r}"
        raise ConfigurationError(msg)
    if retry is None:
        retry = RetryConfig() if retry_backoff is None else RetryConfig(base_delay=retry_backoff)
    the_shard = Shard.parse(shard)
    owns_journal = journal is not None and not isinstance(journal, Journal)
    if isinstance(journal, str | Path):
        journal = Journal(
            journal,
            import_id=import_id,
            worker=worker,
            lease=lease,
            chunk_size=chunk_size,
            commit_every=commit_every,
            commit_interval=commit_interval,
        )
    return BulkRun(
        rows,
        prepare,
        send,
        identify=identify,
        describe=describe,
        concurrency=concurrency,
        rate=None if isinstance(rate, RateLimiter) else rate,
        limiter=rate if isinstance(rate, RateLimiter) else None,
        journal=journal,
        owns_journal=owns_journal,
        shard=the_shard,
        on_unknown=on_unknown,
        policy=policy,
        max_attempts=max_attempts,
        retry=retry,
        outcome_buffer=concurrency if outcome_buffer is None else outcome_buffer,
    )
