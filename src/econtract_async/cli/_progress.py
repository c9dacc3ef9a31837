"""Progress of `econtract leads import`: a live bar on a terminal, plain periodic lines elsewhere.

On a terminal the bar shows rows, rate and ETA on one line and the counts per outcome on a
second, so nothing wraps at 80 columns or more. Without one (a pipe, a CI log) it writes one plain
line every `interval` seconds and a last one at the end: no cursor movement, no colour, nothing
a log viewer garbles.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from .._bulk import BulkSummary, OutcomeKind

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.progress import Progress, TaskID

__all__ = ["OUTCOME_STYLES", "ImportProgress", "counts_plain", "counts_text"]

OUTCOME_STYLES = {
    OutcomeKind.CREATED: "green",
    OutcomeKind.SKIPPED: "cyan",
    OutcomeKind.INVALID: "yellow",
    OutcomeKind.FAILED: "red",
    OutcomeKind.UNKNOWN: "magenta",
}

PLAIN_INTERVAL = 5.0
"""Seconds between two plain progress lines when the output is not a terminal."""


def counts_text(summary: BulkSummary) -> str:
    """`created 12 · skipped 3 · ...` with rich markup, outcomes in a fixed order."""
    return " · ".join(
        f"[{style}]{kind.value} {summary.count(kind)}[/]" for kind, style in OUTCOME_STYLES.items()
    )


def counts_plain(summary: BulkSummary) -> str:
    """`created 12 · skipped 3 · ...` without markup, for logs and pipes."""
    return " · ".join(f"{kind.value} {summary.count(kind)}" for kind in OUTCOME_STYLES)


def _rate(rows: int, seconds: float) -> str:
    return "-- rows/s" if seconds <= 0 or rows == 0 else f"{rows / seconds:,.0f} rows/s"


class ImportProgress:
    """Progress over the rows of one shard; refreshed by `update(summary)`.

    A rich live bar when `console` is a terminal, else plain lines every `interval` seconds.
    """

    def __init__(
        self,
        console: Console,
        total: int | None,
        description: str,
        *,
        interval: float = PLAIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._console = console
        self._total = total
        self._description = description
        self._interval = interval
        self._clock = clock
        self._started = clock()
        self._last_line = self._started
        self._summary = BulkSummary()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if console.is_terminal:
            self._progress = _live_bar(console)
            self._task = self._progress.add_task(
                description, total=total, counts=counts_text(self._summary)
            )

    def __repr__(self) -> str:
        return "ImportProgress()"

    @property
    def live(self) -> bool:
        """Whether a live bar is shown (the console is a terminal)."""
        return self._progress is not None

    def __enter__(self) -> Self:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
        else:
            self._write(self.plain_line(final=True))

    def update(self, summary: BulkSummary) -> None:
        """Show the counts so far (a plain line only once `interval` has passed)."""
        self._summary = summary
        if self._progress is not None and self._task is not None:
            self._progress.update(
                self._task, completed=summary.total, counts=counts_text(summary), refresh=False
            )
            return
        now = self._clock()
        if now - self._last_line >= self._interval:
            self._last_line = now
            self._write(self.plain_line())

    def plain_line(self, *, final: bool = False) -> str:
        """`leads.csv: 120/400 rows, 35 rows/s, created 118 · ...` (`final`: the last line)."""
        done = self._summary.total
        of = "" if self._total is None else f"/{self._total}"
        state = "done, " if final else ""
        rate = _rate(done, self._clock() - self._started)
        return f"{self._description}: {state}{done}{of} rows, {rate}, {counts_plain(self._summary)}"

    def note(self, message: str) -> None:
        """Print a line above the bar (or between the plain lines)."""
        if self._progress is not None:
            self._progress.console.print(message, highlight=False, markup=False)
        else:
            self._write(message)

    def _write(self, line: str) -> None:
        self._console.file.write(line + "\n")
        self._console.file.flush()

    def renderable(self) -> RenderableType:
        """What the live bar draws now (for tests of its layout)."""
        assert self._progress is not None, "no live bar: the console is not a terminal"
        return self._progress.get_renderable()


def _live_bar(console: Console) -> Progress:
    """A rich `Progress`: rows, rate, elapsed and ETA on one line, the counts on the next."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.table import Column
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Rows per second, never wrapped."""

        def __init__(self) -> None:
            super().__init__(table_column=Column(no_wrap=True, min_width=len("99,999 rows/s")))

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("-- rows/s" if speed is None else f"{speed:,.0f} rows/s")

    class TwoLineProgress(Progress):
        """The task table, then each task's counts on a line of their own."""

        def get_renderables(self) -> Iterable[RenderableType]:
            yield self.make_tasks_table(self.tasks)
            for task in self.tasks:
                yield Text.from_markup(f"  {task.fields['counts']}", overflow="ellipsis")

    def fixed(**options: Any) -> Column:
        return Column(no_wrap=True, **options)

    return TwoLineProgress(
        TextColumn(
            "[bold]{task.description}",
            table_column=fixed(max_width=18, overflow="ellipsis"),
        ),
        BarColumn(bar_width=10, table_column=fixed()),
        MofNCompleteColumn(table_column=fixed()),
        RateColumn(),
        TimeElapsedColumn(table_column=fixed()),
        TextColumn("ETA", table_column=fixed()),
        TimeRemainingColumn(table_column=fixed()),
        console=console,
        transient=False,
    )
