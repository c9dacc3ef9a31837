"""Shared helpers for the CLI tests: lead files and a look into the sandbox CRM."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter
from pathlib import Path

from econtract_async.sandbox import LiveSandbox

HEADER = (
    "lead_type",
    "first_name",
    "last_name",
    "email",
    "language",
    "address_street",
    "address_nr",
    "address_postal_code",
    "address_city",
    "address_country",
)


def lead(n: int, *, bad: bool = False) -> dict[str, str]:
    """One third-party lead row in wire names; a bad one has a blank name and a bad e-mail."""
    return {
        "lead_type": "third_party",
        "first_name": "" if bad else f"Els{n}",
        "last_name": "Maes",
        "email": "els-at-example.be" if bad else f"els{n}@example.be",
        "language": "nl",
        "address_street": "Veldstraat",
        "address_nr": str(n + 1),
        "address_postal_code": "9000",
        "address_city": "Gent",
        "address_country": "BE",
    }


def write_csv(path: Path, count: int, *, bad: frozenset[int] = frozenset()) -> Path:
    """A CSV file of `count` leads; rows at the positions in `bad` are invalid."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, HEADER)
        writer.writeheader()
        writer.writerows(lead(n, bad=n in bad) for n in range(count))
    return path


def stored_emails(live: LiveSandbox) -> Counter[str]:
    """How many times the sandbox CRM holds a lead with each e-mail address."""
    with sqlite3.connect(live.sandbox.store.path) as db:
        rows = db.execute("SELECT data FROM leads").fetchall()
    return Counter(json.loads(data)["email"] for (data,) in rows)
