"""Figure 5: peak RSS of a bulk import streaming 10,000 vs 100,000 generated rows.

Each size runs in a fresh interpreter (`python -m bench.memory ROWS URL`) that streams rows from
a generator through `ec.crm.leads.bulk_create` against the fast server at 0 ms latency, then
reports its peak resident set. On Linux that is `VmHWM` from /proc/self/status: `ru_maxrss`
(`getrusage(RUSAGE_SELF)`) is recorded too, but Linux carries it over from the parent across
fork and exec, so a child of a large benchmark process would report the parent's peak.
"""

from __future__ import annotations

import asyncio
import resource
import subprocess
import sys
from pathlib import Path

from ._common import ROOT, Sample, Table, pin_client, repeat, verdict
from ._server import running

TARGET_RATIO = 1.2
CONCURRENCY = 64


def _peak_kib() -> int:
    """This process's peak RSS in KiB: VmHWM where /proc has it, else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(count: int, base: str, journal: str | None = None) -> None:
    from .transport import sdk_bulk

    pin_client()
    before = _peak_kib()
    asyncio.run(sdk_bulk(base, count, CONCURRENCY, journal=journal))
    after = _peak_kib()
    print(before, after, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _peak_mib(count: int, base: str, journal: str | None = None) -> tuple[float, float, float]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.memory", str(count), base, *([journal] if journal else [])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    before, after, maxrss = (int(x) / 1024 for x in output.split())
    return before, after, maxrss


def journal_memory_table(small: int, large: int, repetitions: int) -> Table:
    """Peak RSS (MiB) of a bulk import of `small` and `large` rows with an SQLite journal."""
    import tempfile

    samples: dict[int, Sample] = {}
    with running(0.0) as base, tempfile.TemporaryDirectory() as state:
        runs = iter(range(1_000_000))
        for count in (small, large):

            def measure(count: int = count) -> float:
                journal = str(Path(state) / f"run-{next(runs)}.journal.db")
                return _peak_mib(count, base, journal)[1]

            samples[count] = repeat(measure, repetitions, warmups=0)
    ratio = samples[large].median / samples[small].median
    table = Table(
        "Bulk memory with the journal on: peak RSS (MiB), SQLite journal",
        ["rows", "peak RSS MiB, median (min-max)", "vs the small run"],
    )
    table.rows.append([f"{small:,}", samples[small].cell(1), "1.00x"])
    table.rows.append([f"{large:,}", samples[large].cell(1), f"{ratio:.2f}x"])
    table.notes.append(
        f"Target: flat, <= {TARGET_RATIO:g}x: "
        + verdict(ratio <= TARGET_RATIO, f"{ratio:.2f}x")
        + f". As above, with a fresh SQLite journal per run (concurrency {CONCURRENCY}); the "
        "journal keeps only the claimed chunks' entries in memory."
    )
    return table


def memory_table(small: int, large: int, repetitions: int) -> Table:
    """Peak RSS (MiB) of a bulk import of `small` and of `large` rows."""
    baselines: list[float] = []
    maxrss: dict[int, list[float]] = {small: [], large: []}
    samples: dict[int, Sample] = {}
    with running(0.0) as base:
        for count in (small, large):

            def measure(count: int = count) -> float:
                before, after, rusage = _peak_mib(count, base)
                baselines.append(before)
                maxrss[count].append(rusage)
                return after

            samples[count] = repeat(measure, repetitions, warmups=0)
    ratio = samples[large].median / samples[small].median
    table = Table(
        "Bulk memory: peak RSS (MiB) of one process importing generated rows",
        ["rows", "peak RSS MiB, median (min-max)", "vs the small run", "ru_maxrss MiB (median)"],
    )
    table.rows.append(
        [f"{small:,}", samples[small].cell(1), "1.00x", f"{Sample(maxrss[small]).median:.1f}"]
    )
    table.rows.append(
        [
            f"{large:,}",
            samples[large].cell(1),
            f"{ratio:.2f}x",
            f"{Sample(maxrss[large]).median:.1f}",
        ]
    )
    table.notes.append(
        f"Target: peak RSS for {large:,} rows <= {TARGET_RATIO:g}x that for {small:,}: "
        + verdict(ratio <= TARGET_RATIO, f"{ratio:.2f}x")
        + f". Rows stream from a generator through `ec.crm.leads.bulk_create` (concurrency "
        f"{CONCURRENCY}, no journal) to the fast server at 0 ms; each run is a fresh process. "
        f"Peak RSS after imports, before the run: {min(baselines):.1f}-{max(baselines):.1f} MiB. "
        f"Median of {repetitions} runs per size."
    )
    return table


if __name__ == "__main__":
    _child(int(sys.argv[1]), sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
