"""Run every benchmark, print Markdown tables and write docs/benchmarks.md.

    python -m bench                  # full sizes (several minutes), writes docs/benchmarks.md
    python -m bench --smoke --out /tmp/b.md   # tiny sizes: checks the benchmarks still work
    python -m bench --only codec imports      # a subset

Every figure is measured in the run that prints it: median of the repetitions after a warm-up,
with min and max, next to its anchors measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime
import time
from collections.abc import Callable
from pathlib import Path

from ._common import ROOT, Table, load, machine, pin_client, unpin

FIGURES = ("bulk", "throughput", "cpu", "codec", "imports", "memory", "catalogue", "journal")


def _plan(smoke: bool, repetitions: int | None) -> dict[str, Callable[[], list[Table]]]:
    from . import catalogue, codec, imports, journal, memory, transport

    reps = repetitions or (2 if smoke else 5)
    if smoke:
        return {
            "bulk": lambda: [transport.bulk_table([2, 4], 2, 2, 0.02, reps)],
            "throughput": lambda: transport.throughput_table([2, 4], 2, 0.02, reps),
            "cpu": lambda: [transport.cpu_table(20, 4, reps)],
            "codec": lambda: [
                codec.decode_table(20, reps),
                codec.encode_table(20, reps),
                codec.coerce_table(20, reps),
            ],
            "imports": lambda: [imports.import_table(reps)],
            "memory": lambda: [memory.memory_table(50, 200, 1)],
            "catalogue": lambda: catalogue.tables(smoke=True, repetitions=reps),
            "journal": lambda: [
                journal.journal_table(4, 2, 0.02, reps),
                journal.rate_table(12, 2, 40),
                memory.journal_memory_table(50, 200, 1),
            ],
        }
    return {
        "bulk": lambda: [transport.bulk_table([16, 64, 256], 6, 25, 0.02, reps)],
        "throughput": lambda: transport.throughput_table([16, 64, 256], 6, 0.02, reps),
        "cpu": lambda: [transport.cpu_table(3000, 16, reps)],
        "codec": lambda: [
            codec.decode_table(1000, reps),
            codec.encode_table(1000, reps),
            codec.coerce_table(1000, reps),
        ],
        "imports": lambda: [imports.import_table(max(reps, 7))],
        "memory": lambda: [memory.memory_table(10_000, 100_000, reps)],
        "catalogue": lambda: catalogue.tables(smoke=False, repetitions=reps),
        "journal": lambda: [
            journal.journal_table(64, 25, 0.02, reps),
            journal.rate_table(600, 4, 40),
            memory.journal_memory_table(10_000, 100_000, 3),
        ],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, for CI")
    parser.add_argument("--only", nargs="+", choices=FIGURES, default=list(FIGURES))
    parser.add_argument("--repetitions", type=int, default=None)
    parser.add_argument(
        "--out", type=Path, default=None, help="Markdown file (default: docs/benchmarks.md)"
    )
    args = parser.parse_args(argv)
    out = args.out or ROOT / "docs" / "benchmarks.md"
    from . import transport

    transport.CHART = out.with_name("throughput.svg")  # beside the page that shows it
    plan = _plan(args.smoke, args.repetitions)
    load_before = load()
    started = time.perf_counter()
    placement = pin_client()
    sections: list[str] = []
    try:
        for name in args.only:
            figure_started = time.perf_counter()
            for table in plan[name]():
                text = table.render()
                print(text, flush=True)
                sections.append(text)
            print(f"({name}: {time.perf_counter() - figure_started:.1f} s)\n", flush=True)
    finally:
        unpin()
    header = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`); do not edit by hand. Every figure was "
        "measured in the run that wrote this page, next to its anchors: median of the "
        "repetitions after a warm-up, with min and max. Ratios are what count; absolute "
        "numbers depend on the machine. See docs/performance.md for how to read them.",
        "",
        f"Run: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
        f"{' (smoke sizes: not meaningful)' if args.smoke else ''}; "
        f"{time.perf_counter() - started:.0f} s.",
        "",
        "## Machine",
        "",
        *machine(),
        f"- Placement: {placement}",
        f"- Load average (1, 5, 15 min) before: {load_before}; after: {load()}",
        "",
        "## Results",
        "",
    ]
    out.write_text("\n".join(header) + "\n" + "\n".join(sections))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
