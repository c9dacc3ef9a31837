"""The live progress bar of `econtract leads import`: rate, ETA and counts per outcome."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Self

from .._bulk import BulkSummary, OutcomeKind

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, Task, TaskID
    from rich.text import Text

__all__ = ["OUTCOME_STYLES", "ImportProgress", "counts_text"]

OUTCOME_STYLES = {
    OutcomeKind.CREATED: "green",
    OutcomeKind.SKIPPED: "cyan",
    OutcomeKind.INVALID: "yellow",
    OutcomeKind.FAILED: "red",
    OutcomeKind.UNKNOWN: "magenta",
}


def counts_text(summary: BulkSummary) -> str:
    """`created 12 · skipped 3 · ...` with rich markup, outcomes in a fixed order."""
    return " · ".join(
        f"[{style}]{kind.value} {summary.count(kind)}[/]" for kind, style in OUTCOME_STYLES.items()
    )


class ImportProgress:
    """A rich progress bar over the rows of one shard; refreshed by `update(summary)`."""

    def __init__(self, console: Console, total: int | None, description: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class RateColumn(ProgressColumn):
            """Rows per second."""

            def render(self, task: Task) -> Text:
                speed = task.finished_speed or task.speed
                return Text("-- rows/s" if speed is None else f"{speed:,.0f} rows/s")

        self._progress: Progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[counts]}"),
            console=console,
            transient=False,
        )
        self._task: TaskID = self._progress.add_task(
            description, total=total, counts=counts_text(BulkSummary())
        )

    def __repr__(self) -> str:
        return "ImportProgress()"

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def update(self, summary: BulkSummary) -> None:
        """Show the counts so far."""
        self._progress.update(
            self._task, completed=summary.total, counts=counts_text(summary), refresh=False
        )

    def note(self, message: str) -> None:
        """Print a line above the bar."""
        self._progress.console.print(message, highlight=False)
