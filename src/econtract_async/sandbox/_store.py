"""The sandbox's CRM state in SQLite (stdlib `sqlite3`), in a file or in memory.

One table per kind of record (`clients`, `addresses`, `orders`, `contracts`, `leads`), each
with its own id sequence, the stored wire fields as JSON, and an `identity` for kinds the CRM
de-duplicates. The docs promise "If a client, address or order exists, the CRM will perform an
update instead of creating a new one"; the sandbox decides existence with these identity keys:

- client: lower-cased, trimmed `email` + `segment`;
- address: `client_id` + `postal_code` + lower-cased `street` + `nr` + lower-cased `box`;
- order: `client_id` + `producttype` + `product_id` + the EAN(s) when given, else
  `comparison_id`;
- contract: the order it belongs to (one contract per order).

Leads have no identity: two identical leads are two rows. An update merges the new fields
over the stored ones. A file database runs in WAL mode; every write is one `BEGIN IMMEDIATE`
transaction, so concurrent requests (and several processes on one file) never lose a write.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "KINDS",
    "Store",
    "address_identity",
    "client_identity",
    "format_time",
    "order_identity",
]

KINDS = ("clients", "addresses", "orders", "contracts", "leads")

Record = dict[str, Any]


def _text(value: Any) -> str:
    """A value as identity text: `None` is empty, whitespace trimmed."""
    return "" if value is None else str(value).strip()


def client_identity(data: Mapping[str, Any]) -> str:
    """The key under which the CRM finds an existing client."""
    return f"{_text(data.get('email')).lower()}|{_text(data.get('segment'))}"


def address_identity(client_id: int, data: Mapping[str, Any]) -> str:
    """The key under which the CRM finds an existing address of a client."""
    parts = (
        str(client_id),
        _text(data.get("postal_code")).replace(" ", "").upper(),
        _text(data.get("street")).lower(),
        _text(data.get("nr")).lower(),
        _text(data.get("box")).lower(),
    )
    return "|".join(parts)


def order_identity(client_id: int, data: Mapping[str, Any]) -> str:
    """The key under which the CRM finds an existing order of a client."""
    eans = [_text(data.get(k)) for k in ("ean", "elec_ean", "gas_ean") if _text(data.get(k))]
    meter = "ean:" + "+".join(eans) if eans else f"comparison:{_text(data.get('comparison_id'))}"
    product_type = _text(data.get("producttype") or data.get("product_type"))
    return f"{client_id}|{product_type}|{_text(data.get('product_id'))}|{meter}"


def format_time(timestamp: float) -> str:
    """`YYYY-MM-DD HH:MM:SS` in UTC, the CRM's date-time form."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(timestamp))


class Store:
    """CRM records in SQLite; thread-safe, every write in one immediate transaction.

    Args:
        path: a database file (created when missing) or `":memory:"`.
        clock: the time source for `created_at` / `updated_at` and the age filter.
    """

    def __init__(
        self, path: str | Path = ":memory:", *, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = str(path)
        self._clock = clock
        self._lock = threading.RLock()
        self._depth = 0
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout = 10000")
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode = WAL")
        with self.transaction():
            for kind in KINDS:
                self._db.execute(
                    f"CREATE TABLE IF NOT EXISTS {kind} ("
                    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                    " identity TEXT UNIQUE,"
                    " data TEXT NOT NULL,"
                    " facets TEXT NOT NULL DEFAULT '{}',"
                    " created REAL NOT NULL,"
                    " updated REAL NOT NULL)"
                )

    def close(self) -> None:
        """Close the database; a file keeps every committed write."""
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write; nested uses join the outer transaction."""
        with self._lock:
            if self._depth == 0:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._db.execute("COMMIT")

    def upsert(
        self,
        kind: str,
        identity: str,
        data: Mapping[str, Any],
        *,
        facets: Mapping[str, Any] | None = None,
    ) -> tuple[Record, bool]:
        """Create the record, or merge `data` into the one with the same identity.

        Returns:
            The stored record and whether it was created.
        """
        self._check(kind)
        now = self._clock()
        with self.transaction():
            row = self._db.execute(
                f"SELECT id, data, facets FROM {kind} WHERE identity = ?", (identity,)
            ).fetchone()
            if row is None:
                return self._insert(kind, identity, data, facets, now), True
            record_id, old, old_facets = row
            merged = {**json.loads(old), **data}
            merged_facets = {**json.loads(old_facets), **(facets or {})}
            self._db.execute(
                f"UPDATE {kind} SET data = ?, facets = ?, updated = ? WHERE id = ?",
                (json.dumps(merged), json.dumps(merged_facets), now, record_id),
            )
        record = self.get(kind, record_id)
        assert record is not None
        return record, False

    def update(
        self, kind: str, record_id: int, data: Mapping[str, Any], *, identity: str | None = None
    ) -> Record | None:
        """Merge `data` into the record with this id (`None` when there is none).

        Raises:
            sqlite3.IntegrityError: the new `identity` belongs to another record.
        """
        self._check(kind)
        with self.transaction():
            row = self._db.execute(f"SELECT data FROM {kind} WHERE id = ?", (record_id,)).fetchone()
            if row is None:
                return None
            merged = {**json.loads(row[0]), **data}
            self._db.execute(
                f"UPDATE {kind} SET data = ?, identity = COALESCE(?, identity), updated = ?"
                " WHERE id = ?",
                (json.dumps(merged), identity, self._clock(), record_id),
            )
        return self.get(kind, record_id)

    def all(self, kind: str) -> list[Record]:
        """Every record of a kind, oldest first."""
        self._check(kind)
        with self._lock:
            rows = self._db.execute(
                f"SELECT id, data, created, updated FROM {kind} ORDER BY id"
            ).fetchall()
        return [self._record(*row) for row in rows]

    def insert(
        self, kind: str, data: Mapping[str, Any], *, facets: Mapping[str, Any] | None = None
    ) -> Record:
        """Create a record that is never de-duplicated (a lead)."""
        self._check(kind)
        with self.transaction():
            return self._insert(kind, None, data, facets, self._clock())

    def get(self, kind: str, record_id: int) -> Record | None:
        """The record with this id, or `None`."""
        self._check(kind)
        with self._lock:
            row = self._db.execute(
                f"SELECT id, data, created, updated FROM {kind} WHERE id = ?", (record_id,)
            ).fetchone()
        return None if row is None else self._record(*row)

    def count(self, kind: str) -> int:
        """How many records of this kind are stored."""
        self._check(kind)
        with self._lock:
            (n,) = self._db.execute(f"SELECT COUNT(*) FROM {kind}").fetchone()
        return int(n)

    def latest_orders(
        self,
        *,
        age_days: int | None = None,
        zipcode: str | None = None,
        language: str | None = None,
        product_type: str | None = None,
        affiliate_id: int | None = None,
        product_id: int | None = None,
        limit: int = 10,
    ) -> list[tuple[Record, dict[str, Any]]]:
        """The newest orders first with their facets, filtered on those facets."""
        clauses: list[str] = []
        args: list[Any] = []
        if age_days is not None:
            clauses.append("created >= ?")
            args.append(self._clock() - age_days * 86400)
        for facet, value in (
            ("zipcode", zipcode),
            ("language", language),
            ("product_type", product_type),
            ("affiliate_id", affiliate_id),
            ("product_id", product_id),
        ):
            if value is not None:
                clauses.append(f"json_extract(facets, '$.{facet}') = ?")
                args.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._db.execute(
                f"SELECT id, data, created, updated, facets FROM orders {where}"
                " ORDER BY created DESC, id DESC LIMIT ?",
                (*args, limit),
            ).fetchall()
        return [(self._record(*row[:4]), json.loads(row[4])) for row in rows]

    def _insert(
        self,
        kind: str,
        identity: str | None,
        data: Mapping[str, Any],
        facets: Mapping[str, Any] | None,
        now: float,
    ) -> Record:
        """Insert a row inside the current transaction."""
        cursor = self._db.execute(
            f"INSERT INTO {kind} (identity, data, facets, created, updated) VALUES (?, ?, ?, ?, ?)",
            (identity, json.dumps(dict(data)), json.dumps(dict(facets or {})), now, now),
        )
        assert cursor.lastrowid is not None
        return self._record(cursor.lastrowid, json.dumps(dict(data)), now, now)

    @staticmethod
    def _record(record_id: int, data: str, created: float, updated: float) -> Record:
        """A row as the CRM answers it: `id`, the stored fields, and the two timestamps."""
        return {
            "id": record_id,
            **json.loads(data),
            "created_at": format_time(created),
            "updated_at": format_time(updated),
        }

    @staticmethod
    def _check(kind: str) -> None:
        """Refuse a kind that has no table (table names cannot be bound parameters)."""
        if kind not in KINDS:
            msg = f"unknown record kind {kind!r}"
            raise ValueError(msg)
