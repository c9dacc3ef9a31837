"""Tests of `econtract_async.sandbox._store`."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from econtract_async.sandbox._store import (
    Store,
    address_identity,
    client_identity,
    order_identity,
)
from econtract_async.testing import FixedClock


@pytest.fixture
def store() -> Store:
    """An in-memory store on a fixed clock."""
    return Store(clock=FixedClock(1_790_000_000))


class TestIdentities:
    """The documented de-duplication keys."""

    def test_client_identity_ignores_email_case_and_spaces(self) -> None:
        """The same mailbox in another case is the same client."""
        assert client_identity({"email": " Jan@Example.be", "segment": 1}) == client_identity(
            {"email": "jan@example.be", "segment": "1"}
        )

    def test_client_identity_depends_on_segment(self) -> None:
        """One person can be a consumer and a business client."""
        assert client_identity({"email": "a@b.be", "segment": 1}) != client_identity(
            {"email": "a@b.be", "segment": 2}
        )

    def test_address_identity_normalises_postal_code_and_street(self) -> None:
        """Case and spacing differences do not create a second address."""
        one = {"postal_code": "3500", "street": "Kerkstraat", "nr": "10", "box": ""}
        two = {"postal_code": " 3500", "street": "kerkstraat", "nr": "10", "box": None}
        assert address_identity(1, one) == address_identity(1, two)
        assert address_identity(1, one) != address_identity(2, one)

    def test_order_identity_prefers_ean_over_comparison(self) -> None:
        """An order with an EAN is found by it; without one, by the comparison id."""
        with_ean = {"producttype": "gas", "product_id": 3, "ean": "541448800000000000"}
        assert order_identity(1, {**with_ean, "comparison_id": 1}) == order_identity(
            1, {**with_ean, "comparison_id": 2}
        )
        without = {"producttype": "gas", "product_id": 3, "ean": ""}
        assert order_identity(1, {**without, "comparison_id": 1}) != order_identity(
            1, {**without, "comparison_id": 2}
        )


class TestStore:
    """Records, upserts and queries."""

    def test_upsert_creates_then_updates(self, store: Store) -> None:
        """The second upsert with the same identity merges into the first record."""
        first, created = store.upsert("clients", "k", {"first_name": "Jan", "city": "Gent"})
        second, created_again = store.upsert("clients", "k", {"first_name": "Johan"})
        assert (created, created_again) == (True, False)
        assert second["id"] == first["id"]
        assert second["first_name"] == "Johan"
        assert second["city"] == "Gent"
        assert store.count("clients") == 1

    def test_insert_never_deduplicates(self, store: Store) -> None:
        """Two identical leads are two rows with their own ids."""
        one = store.insert("leads", {"email": "a@b.be"})
        two = store.insert("leads", {"email": "a@b.be"})
        assert one["id"] != two["id"]
        assert store.count("leads") == 2

    def test_get_returns_id_fields_and_timestamps(self, store: Store) -> None:
        """A stored record comes back with its id, fields and CRM-style timestamps."""
        record, _ = store.upsert("clients", "k", {"email": "a@b.be"})
        assert store.get("clients", record["id"]) == {
            "id": record["id"],
            "email": "a@b.be",
            "created_at": "2026-09-21 14:13:20",
            "updated_at": "2026-09-21 14:13:20",
        }
        assert store.get("clients", 999) is None

    def test_unknown_kind_is_refused(self, store: Store) -> None:
        """Only the known tables can be addressed."""
        with pytest.raises(ValueError, match="unknown record kind"):
            store.get("users; DROP TABLE clients", 1)

    def test_failed_transaction_leaves_nothing(self, store: Store) -> None:
        """An error inside a transaction rolls back every write of it."""

        def fail_midway() -> None:
            with store.transaction():
                store.upsert("clients", "k", {"email": "a@b.be"})
                raise RuntimeError

        with pytest.raises(RuntimeError):
            fail_midway()
        assert store.count("clients") == 0

    def test_file_database_survives_reopening_in_wal_mode(self, tmp_path: Path) -> None:
        """A file store keeps its records after close and uses WAL journaling."""
        path = tmp_path / "crm.db"
        first = Store(path)
        record, _ = first.upsert("clients", "k", {"email": "a@b.be"})
        first.close()
        second = Store(path)
        assert second.get("clients", record["id"])["email"] == "a@b.be"  # type: ignore[index]
        second.close()
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    def test_concurrent_upserts_of_one_identity_make_one_record(self, tmp_path: Path) -> None:
        """Threads racing to create the same client end up with a single row."""
        store = Store(tmp_path / "race.db")
        ids: list[int] = []

        def create(n: int) -> None:
            record, _ = store.upsert("clients", "same", {"n": n})
            ids.append(record["id"])

        threads = [threading.Thread(target=create, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(ids)) == 1
        assert store.count("clients") == 1
        store.close()


class TestLatestOrders:
    """Filters of the latest-orders query."""

    def test_newest_first_limited_and_filtered(self) -> None:
        """Orders come newest first, and each filter narrows them."""
        clock = FixedClock(1_790_000_000)
        store = Store(clock=clock)
        facets = [
            {"zipcode": "3500", "language": "nl", "product_type": "gas", "affiliate_id": 50},
            {
                "zipcode": "1000",
                "language": "fr",
                "product_type": "electricity",
                "affiliate_id": 50,
            },
            {"zipcode": "3500", "language": "nl", "product_type": "electricity", "affiliate_id": 7},
        ]
        for n, facet in enumerate(facets):
            store.upsert("orders", f"o{n}", {"n": n}, facets=facet)
            clock.advance(86400)

        def ids(**filters: object) -> list[int]:
            return [record["n"] for record, _ in store.latest_orders(**filters)]  # type: ignore[arg-type]

        assert ids() == [2, 1, 0]
        assert ids(limit=2) == [2, 1]
        assert ids(zipcode="3500") == [2, 0]
        assert ids(language="fr") == [1]
        assert ids(product_type="electricity", affiliate_id=50) == [1]
        assert ids(age_days=2) == [2, 1]
