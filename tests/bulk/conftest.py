"""Fixtures for the bulk tests: the anyio backend, a scriptable fake create call, and a journal
on each backend (an SQLite file, and a database on a real PostgreSQL server the tests start)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from .fakes import FakeApi
from .postgres import PostgresServer

_DATABASES = itertools.count()


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every async bulk test on asyncio and on trio."""
    return str(request.param)


@pytest.fixture
def api() -> FakeApi:
    """A fresh fake API."""
    return FakeApi()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole session (each test gets its own database)."""
    with PostgresServer() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def journal_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a journal lives: an SQLite file, or a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "journal.db")
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database(f"journal_{next(_DATABASES)}")
