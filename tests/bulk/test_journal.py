"""Tests for the resumable SQLite journal (`econtract_async._bulk.journal`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from econtract_async._bulk import Journal, Shard, row_digest
from econtract_async._exceptions import ConfigurationError


def committed_states(path: Path) -> dict[int, str]:
    """What another process would see in the journal file right now."""
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT position, state FROM rows").fetchall())


class TestRowDigest:
    def test_key_order_and_empty_values_do_not_change_the_digest(self) -> None:
        """The same lead written differently is the same row."""
        assert row_digest({"a": "1", "b": "", "c": None}) == row_digest({"a": "1"})
        assert row_digest({"a": "1", "b": "2"}) == row_digest({"b": "2", "a": "1"})

    def test_content_and_salt_change_the_digest(self) -> None:
        """Another value, or another default lead type, is another row."""
        assert row_digest({"a": "1"}) != row_digest({"a": "2"})
        assert row_digest({"a": "1"}, salt="third_party") != row_digest({"a": "1"})


class TestJournal:
    def test_the_in_flight_mark_is_committed_before_sending(self, tmp_path: Path) -> None:
        """`start` is visible to another connection at once."""
        journal = Journal(tmp_path / "j.db", commit_every=100)
        journal.start(0, "d0")
        assert committed_states(tmp_path / "j.db") == {0: "in_flight"}
        journal.close()

    def test_outcomes_are_committed_in_batches(self, tmp_path: Path) -> None:
        """Outcomes stay pending until the batch is full, then all are committed."""
        path = tmp_path / "j.db"
        journal = Journal(path, commit_every=3, commit_interval=3600)
        journal.record(0, "d0", "created", created_id=7)
        journal.record(1, "d1", "invalid", detail="email: bad")
        assert journal.pending == 2
        assert committed_states(path) == {}
        journal.record(2, "d2", "failed")
        assert committed_states(path) == {0: "created", 1: "invalid", 2: "failed"}
        assert journal.max_pending == 3
        journal.close()

    def test_outcomes_are_committed_once_older_than_the_interval(self, tmp_path: Path) -> None:
        """A slow trickle of outcomes is still committed every `commit_interval` seconds."""
        now = [0.0]
        journal = Journal(
            tmp_path / "j.db", commit_every=1000, commit_interval=1.0, clock=lambda: now[0]
        )
        journal.record(0, "d0", "created")
        assert journal.pending == 1
        now[0] = 1.5
        assert journal.due()
        journal.record(1, "d1", "created")
        assert journal.pending == 0
        journal.close()

    def test_entries_survive_reopening(self, tmp_path: Path) -> None:
        """A reopened journal knows each row's state, id and attempts."""
        path = tmp_path / "j.db"
        journal = Journal(path)
        journal.start(4, "d4")
        journal.record(4, "d4", "created", created_id=99)
        journal.close()
        reopened = Journal(path)
        entry = reopened.lookup(4)
        assert entry is not None
        assert (entry.state, entry.created_id, entry.attempts, entry.digest) == (
            "created",
            99,
            1,
            "d4",
        )
        assert reopened.lookup(5) is None
        assert reopened.counts() == {"created": 1}
        assert [e.position for e in reopened.entries("created")] == [4]
        reopened.close()

    def test_a_journal_refuses_another_shard(self, tmp_path: Path) -> None:
        """Reopening a shard's journal for another shard is a configuration error."""
        Journal(tmp_path / "j.db", shard=Shard(0, 2)).close()
        with pytest.raises(ConfigurationError, match="belongs to shard 0/2"):
            Journal(tmp_path / "j.db", shard=Shard(1, 2))
