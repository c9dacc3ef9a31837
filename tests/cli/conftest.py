"""Fixtures for the CLI tests: a clean environment and a live sandbox the CLI is pointed at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from econtract_async.sandbox import LiveSandbox, Sandbox, serve_in_thread

_ENV = (
    "AB_CRM_URL",
    "AB_CRM_ID",
    "AB_CRM_KEY",
    "ECONTRACT_PRODUCT_URL",
    "ECONTRACT_PRODUCT_KEY",
    "ECONTRACT_PRODUCT_SECRET",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No credentials and no stray .env: every test runs in its own empty directory."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveSandbox]:
    """A loopback sandbox whose URL and credentials are in the environment."""
    sandbox = Sandbox(db=tmp_path / "crm.db")
    with serve_in_thread(sandbox) as served:
        credentials = served.credentials
        monkeypatch.setenv("AB_CRM_URL", served.crm_base_url)
        monkeypatch.setenv("AB_CRM_ID", credentials.crm_api_id)
        monkeypatch.setenv("AB_CRM_KEY", credentials.crm_api_key)
        monkeypatch.setenv("ECONTRACT_PRODUCT_URL", served.product_base_url)
        monkeypatch.setenv("ECONTRACT_PRODUCT_KEY", credentials.public_key)
        monkeypatch.setenv("ECONTRACT_PRODUCT_SECRET", credentials.secret)
        yield served
    sandbox.close()
