"""What every benchmark shares: repetitions, statistics, Markdown tables, the machine, the data."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLIENT_CPU = 0
SERVER_CPU = 1


@dataclass
class Sample:
    """Repeated measurements of one thing, in one unit."""

    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def cell(self, digits: int = 1) -> str:
        """`median (min-max)`."""
        return (
            f"{self.median:,.{digits}f} ({min(self.values):,.{digits}f}-"
            f"{max(self.values):,.{digits}f})"
        )


def repeat(measure: Callable[[], float], repetitions: int, warmups: int = 1) -> Sample:
    """Run `measure` `warmups` times unrecorded, then `repetitions` times."""
    for _ in range(warmups):
        measure()
    return Sample([measure() for _ in range(repetitions)])


def repeat_interleaved(
    measures: dict[str, Callable[[], float]], repetitions: int, warmups: int = 1
) -> dict[str, Sample]:
    """Like `repeat` for several things at once, taking turns, so drifting load hits all alike."""
    for _ in range(warmups):
        for measure in measures.values():
            measure()
    values: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(repetitions):
        for name, measure in measures.items():
            values[name].append(measure())
    return {name: Sample(v) for name, v in values.items()}


@dataclass
class Table:
    """A Markdown table with a title and notes."""

    title: str
    headers: Sequence[str]
    rows: list[Sequence[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(self.headers) + " |")
        lines.append("|" + "|".join("---" for _ in self.headers) + "|")
        lines.extend("| " + " | ".join(row) + " |" for row in self.rows)
        if self.notes:
            lines.append("")
            lines.extend(self.notes)
        return "\n".join(lines) + "\n"


def verdict(ok: bool, text: str) -> str:
    """`met: text` / `**MISSED**: text`."""
    return f"met ({text})" if ok else f"**MISSED** ({text})"


def pin_client() -> str:
    """Pin this process to the client core; describe the placement."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    available = os.sched_getaffinity(0)
    if len(available) < 2:
        return f"not pinned (only {len(available)} core available)"
    os.sched_setaffinity(0, {CLIENT_CPU})
    return f"client pinned to core {CLIENT_CPU}, server to core {SERVER_CPU}"


def unpin() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))


def load() -> str:
    if not hasattr(os, "getloadavg"):
        return "n/a"
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> list[str]:
    """Lines describing this machine and the packages measured."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    packages = []
    for name in ("econtract-async", "httpx", "httpx-aiohttp", "aiohttp", "attrs", "cattrs"):
        packages.append(f"{name} {_version(name)}")
    for name in ("anyio", "pydantic", "msgspec", "httptools"):
        packages.append(f"{name} {_version(name)}")
    return [
        f"- CPU: {cpu}; {os.cpu_count()} logical cores",
        f"- OS: {platform.system()} {platform.release()}; Python {sys.version.split()[0]} "
        f"({platform.python_implementation()})",
        f"- Packages: {', '.join(packages)}",
    ]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def example_product() -> dict[str, Any]:
    from ._server import example_product as product

    return product()


def lead_row(i: int) -> dict[str, str]:
    """A third-party lead as a CSV row would give it: 25 wire fields, all text."""
    return {
        "gender": "1",
        "segment": "1",
        "first_name": "Jan",
        "last_name": f"Peeters-{i}",
        "birthdate": "1980-03-22",
        "cellphone": "0470123456",
        "cellphone_country": "BE",
        "landline": "031234567",
        "landline_country": "BE",
        "email": f"jan.peeters+{i}@example.be",
        "language": "nl",
        "producttype_id": "2",
        "supplier_id": "36",
        "product_id": "2",
        "affiliate_id": "7",
        "remarks": "Belt liefst na 18u; vraagt naar combi-pakket (tv & internet)",
        "address_street": "Grote Markt",
        "address_nr": "12",
        "address_postal_code": "2000",
        "address_city": "Antwerpen",
        "address_country": "BE",
        "batch": "bench 2026-11",
        "call_at": "2026-11-27 18:30:00",
    }


def rows(count: int) -> Iterator[dict[str, str]]:
    """`count` generated lead rows, produced lazily."""
    for i in range(count):
        yield lead_row(i)
