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

from .._exceptions import (
    APIError,
    ConfigurationError,
    EcontractError,
    RateLimitError,
    ResponseDecodingError,
    ServerError,
    TransportError,
    ValidationError,
)
from .journal import Journal, JournalState, row_digest
from .outcomes import BulkStats, BulkSummary, Outcome, OutcomeKind
from .ratelimit import RateLimiter
from .sharding import Shard

__all__ = ["BulkRun", "UnknownPolicy", "bulk_run"]

R = TypeVar("R")
P = TypeVar("P")
T = TypeVar("T")

UnknownPolicy = Literal["hold", "resend"]
"""What a re-run does with rows a previous run left `unknown` or `in_flight`.

`hold` (the default) reports them as `unknown` again and sends nothing: the CRM does not document
that it de-duplicates leads, so resending could create a second lead. `resend` sends them again:
use it once you have checked the CRM and know those rows did not arrive.
"""

_RETRYABLE_STATUS = frozenset({502, 503, 504})
"""Gateway answers: the request did not reach the application, so resending is safe."""
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
        rows: Iterable[R] | AsyncIterable[R],
        prepare: Callable[[R], P],
        send: Callable[[P], Awaitable[int | None]],
        *,
        identify: Callable[[R], str],
        concurrency: int,
        limiter: RateLimiter,
        journal: Journal | None,
        owns_journal: bool,
        shard: Shard,
        on_unknown: UnknownPolicy,
        max_attempts: int,
        retry_backoff: float,
        outcome_buffer: int,
    ) -> None:
        self._rows = rows
        self._prepare = prepare
        self._send = send
        self._identify = identify
        self.concurrency = concurrency
        self.limiter = limiter
        self.journal = journal
        self._owns_journal = owns_journal
        self.shard = shard
        self.on_unknown = on_unknown
        self.max_attempts = max_attempts
        self.retry_backoff = retry_backoff
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
        try:
            async with self._outcome_send, anyio.create_task_group() as tg:
                if self.journal is not None:
                    tg.start_soon(self._flush_periodically)
                with self._workers_scope:
                    async with anyio.create_task_group() as workers:
                        for _ in range(self.concurrency):
                            workers.start_soon(self._work)
                tg.cancel_scope.cancel()
        finally:
            self._finished = True
            self._cut_off_scope.cancel()
            self.summary.stopped = self.summary.stopped or not self._input_done
            if self.journal is not None:
                if self._owns_journal:
                    self.journal.close()
                else:
                    self.journal.commit()

    async def _flush_periodically(self) -> None:
        """Commit pending journal outcomes when they get older than the commit interval."""
        assert self.journal is not None
        while True:
            await anyio.sleep(self.journal.commit_interval)
            if self.journal.due():
                self.journal.commit()

    async def _read(self) -> tuple[int, R] | None:
        """The next row and its position, or None once the input is done or the run stops."""
        if self._stopping or self._input_done:
            return None
        if not isinstance(self._rows, AsyncIterable):
            if self._sync_rows is None:
                self._sync_rows = iter(self._rows)
            for row in self._sync_rows:
                self._position += 1
                return self._position, row
            self._input_done = True
            return None
        async with self._reading:  # one reader at a time: positions follow the input order
            if self._stopping or self._input_done:
                return None
            if self._async_rows is None:
                self._async_rows = aiter(self._rows)
            with anyio.CancelScope() as self._read_scope:
                try:
                    row = await anext(self._async_rows)
                except StopAsyncIteration:
                    self._input_done = True
                    return None
                self._position += 1
                return self._position, row
            return None  # stop() cancelled the read

    async def _take(self, position: int, row: R) -> _Job[R, P] | None:
        """Skip, hold or reject one row (emitting its outcome), or return it as a job to send."""
        self.stats.rows_read += 1
        if not self.shard.owns(position):
            return None
        if self.journal is None:
            digest, entry = "", None  # the digest only identifies rows in a journal
        else:
            digest = self._identify(row)
            entry = self.journal.lookup(position)
        if entry is not None and entry.digest == digest:
            if entry.state == "created":
                await self._emit(Outcome(position, OutcomeKind.SKIPPED, row, id=entry.created_id))
                return None
            if entry.state in ("in_flight", "unknown") and self.on_unknown == "hold":
                error = (
                    "held: a previous run may have sent this row and got no answer; check the "
                    "CRM, then re-run with on_unknown='resend' (--resend-unknown) to send it"
                )
                await self._emit(Outcome(position, OutcomeKind.UNKNOWN, row, error=error), digest)
                return None
        elif entry is not None and entry.state in ("created", "in_flight", "unknown"):
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
                Outcome(position, OutcomeKind.INVALID, row, errors=invalid.errors), digest
            )
            return None
        return _Job(position, digest, row, prepared)

    async def _work(self) -> None:
        """Read rows and send them until the input is done or the run stops."""
        while True:
            read = await self._read()
            if read is None:
                return
            job = await self._take(*read)
            if job is None:
                continue
            self.stats.enter_flight()
            try:
                outcome = await self._attempt(job)
            finally:
                self.stats.leave_flight()
            await self._emit(outcome, job.digest)

    async def _attempt(self, job: _Job[R, P]) -> Outcome:
        """Send one row, retrying only what is safe to retry, and classify the result."""
        attempts = 0
        try:
            while True:
                await self.limiter.acquire()
                if attempts == 0 and self.journal is not None:
                    self.journal.start(job.position, job.digest)
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
        """The terminal outcome for `error`, or None and a delay when it is safe to retry."""
        can_retry = attempts < self.max_attempts
        backoff = self.retry_backoff * 2 ** (attempts - 1)
        if isinstance(error, RateLimitError):
            self.stats.rate_limited += 1
            self.limiter.rate_limited(error.retry_after)
            return (None, 0.0) if can_retry else (OutcomeKind.FAILED, 0.0)
        if isinstance(error, ServerError) and error.status_code in _RETRYABLE_STATUS:
            return (None, backoff) if can_retry else (OutcomeKind.FAILED, 0.0)
        if isinstance(error, TransportError):
            if error.may_have_reached_server:
                return OutcomeKind.UNKNOWN, 0.0
            return (None, backoff) if can_retry else (OutcomeKind.FAILED, 0.0)
        if isinstance(error, ResponseDecodingError):
            return OutcomeKind.UNKNOWN, 0.0
        if isinstance(error, ValidationError):
            return OutcomeKind.INVALID, 0.0
        if isinstance(error, APIError):
            return OutcomeKind.FAILED, 0.0
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
        self._account(outcome, job.digest)
        if self._discarding:
            return
        with (
            anyio.move_on_after(_CUT_OFF_DELIVERY, shield=True),
            contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError),
        ):
            await self._outcome_send.send(outcome)

    async def _emit(self, outcome: Outcome, digest: str | None = None) -> None:
        """Count, journal (when `digest` is given) and hand over one outcome."""
        self._account(outcome, digest)
        if self._discarding:
            self._discarded += 1
            if self._discarded % _YIELD_EVERY == 0:
                await anyio.lowlevel.checkpoint()
            return
        await _send(self._outcome_send, outcome)
        used = self._outcome_send.statistics().current_buffer_used
        self.stats.max_outcome_backlog = max(self.stats.max_outcome_backlog, used)

    def _account(self, outcome: Outcome, digest: str | None) -> None:
        """Add an outcome to the summary and, for a row this run decided, to the journal."""
        self.summary.add(outcome.kind)
        if self.journal is not None and digest is not None:
            self.journal.record(
                outcome.position,
                digest,
                _JOURNAL_STATE[outcome.kind],
                created_id=outcome.id,
                detail=outcome.reason,
            )
            self.stats.max_journal_pending = self.journal.max_pending


def bulk_run(
    rows: Iterable[R] | AsyncIterable[R],
    prepare: Callable[[R], P],
    send: Callable[[P], Awaitable[int | None]],
    *,
    identify: Callable[[R], str] = row_digest,
    concurrency: int = 8,
    rate: float | RateLimiter | None = None,
    journal: str | Path | Journal | None = None,
    shard: str | tuple[int, int] | Shard | None = None,
    on_unknown: UnknownPolicy = "hold",
    max_attempts: int = 4,
    retry_backoff: float = 0.2,
    outcome_buffer: int | None = None,
    commit_every: int = 200,
    commit_interval: float = 1.0,
) -> BulkRun[R, P]:
    """Create a bulk run over `rows`; enter it with `async with` and iterate its outcomes.

    Args:
        rows: Any iterable or async iterable; it is read lazily, one row at a time.
        prepare: Turns a row into what `send` takes; raises `ValidationError` for a bad row,
            which then ends `invalid` and is never sent.
        send: Sends one prepared row and returns the id the API gave it (or None).
        identify: A row's content digest, stored in the journal next to its position.
        concurrency: How many requests may be in flight at once.
        rate: Requests per second shared by all workers (or a `RateLimiter`); None for no
            limit. Either way a 429 pauses everyone for `Retry-After` and lowers the rate.
        journal: A SQLite file (or `Journal`) that makes the run resumable.
        shard: `(i, n)` or `"i/n"`: handle only rows whose position modulo n is i.
        on_unknown: `hold` or `resend` rows an earlier run left unknown (see `UnknownPolicy`).
        max_attempts: Tries per row for errors that are safe to retry (429, 502-504, and
            connection failures that certainly did not reach the server).
        retry_backoff: Seconds before the first such retry; doubled for each next one.
        outcome_buffer: How many outcomes may wait for the caller (default: `concurrency`).
        commit_every: Commit journal outcomes in batches of this size...
        commit_interval: ...or at least this often, in seconds.

    Raises:
        ConfigurationError: For a bad option, or a journal written for another shard.
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
    if rate is not None and not isinstance(rate, RateLimiter) and not math.isfinite(rate):
        rate = None
    limiter = rate if isinstance(rate, RateLimiter) else RateLimiter(rate)
    the_shard = Shard.parse(shard)
    owns_journal = journal is not None and not isinstance(journal, Journal)
    if isinstance(journal, str | Path):
        journal = Journal(
            journal, shard=the_shard, commit_every=commit_every, commit_interval=commit_interval
        )
    elif journal is not None and journal.shard != the_shard:
        msg = f"{journal!r} is for shard {journal.shard}, not {the_shard}"
        raise ConfigurationError(msg)
    return BulkRun(
        rows,
        prepare,
        send,
        identify=identify,
        concurrency=concurrency,
        limiter=limiter,
        journal=journal,
        owns_journal=owns_journal,
        shard=the_shard,
        on_unknown=on_unknown,
        max_attempts=max_attempts,
        retry_backoff=retry_backoff,
        outcome_buffer=concurrency if outcome_buffer is None else outcome_buffer,
    )
