"""Fixtures for the bulk tests: the anyio backend and a scriptable fake create call."""

from __future__ import annotations

import pytest

from .fakes import FakeApi


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every async bulk test on asyncio and on trio."""
    return str(request.param)


@pytest.fixture
def api() -> FakeApi:
    """A fresh fake API."""
    return FakeApi()
