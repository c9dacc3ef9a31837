"""Fixtures for the documentation tests: one loopback sandbox, and the environment the docs assume."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from econtract_async.sandbox import LiveSandbox, Sandbox, serve_in_thread


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "docs: builds the documentation site or runs its examples (part of .ci/run)"
    )


@pytest.fixture(scope="module")
def docs_sandbox() -> Iterator[LiveSandbox]:
    """A sandbox served on 127.0.0.1, shared by the examples of one test module."""
    with Sandbox() as sandbox, serve_in_thread(sandbox) as live:
        yield live


@pytest.fixture
def docs_env(docs_sandbox: LiveSandbox, monkeypatch: pytest.MonkeyPatch) -> LiveSandbox:
    """The environment variables the docs tell users to set, pointing at the sandbox."""
    credentials = docs_sandbox.credentials
    for name, value in {
        "AB_CRM_URL": docs_sandbox.crm_base_url,
        "AB_CRM_ID": credentials.crm_api_id,
        "AB_CRM_KEY": credentials.crm_api_key,
        "ECONTRACT_PRODUCT_URL": docs_sandbox.product_base_url,
        "ECONTRACT_PRODUCT_KEY": credentials.public_key,
        "ECONTRACT_PRODUCT_SECRET": credentials.secret,
    }.items():
        monkeypatch.setenv(name, value)
    return docs_sandbox
