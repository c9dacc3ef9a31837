"""Testing the FastAPI app against the sandbox: its lifespan runs, requests go through httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from fastapi_app import app, lifespan

from econtract_async.crm import Client
from econtract_async.sandbox import LiveSandbox

SIGN_UP = {
    "gender": 1,
    "segment": 1,
    "first_name": "Els",
    "last_name": "Maes",
    "cellphone": "0470123456",
    "email": "els.maes@example.be",
    "language": "nl",
}


@pytest.fixture
def sandbox_env(econtract_live_sandbox: LiveSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point `EcontractClient.from_env()`, which the app's lifespan calls, at the sandbox."""
    live = econtract_live_sandbox
    monkeypatch.setenv("AB_CRM_URL", live.crm_base_url)
    monkeypatch.setenv("AB_CRM_ID", live.credentials.crm_api_id)
    monkeypatch.setenv("AB_CRM_KEY", live.credentials.crm_api_key)
    monkeypatch.setenv("ECONTRACT_PRODUCT_URL", live.product_base_url)
    monkeypatch.setenv("ECONTRACT_PRODUCT_KEY", live.credentials.public_key)
    monkeypatch.setenv("ECONTRACT_PRODUCT_SECRET", live.credentials.secret)


def browser_from(peer: str) -> httpx.AsyncClient:
    """An httpx client calling the app in-process, as if from address `peer`."""
    transport = httpx.ASGITransport(app=app, client=(peer, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://shop.test")


@pytest_asyncio.fixture
async def running(sandbox_env: None) -> AsyncIterator[None]:
    """The app's lifespan: its one client is open for the test."""
    async with lifespan(app):
        yield


@pytest.mark.asyncio
async def test_the_visitor_ip_from_our_proxy_is_signed(running: None) -> None:
    """Behind a trusted proxy, the address it appended is the one the product API gets."""
    async with browser_from("10.0.0.2") as browser:
        with app.state.econtract.raw_responses() as sent:
            response = await browser.get(
                "/products/electricity", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
            )
    assert response.status_code == 200, response.text
    assert 1 <= len(response.json()) <= 5
    assert "ip=203.0.113.7" in str(sent[-1].request.url)


@pytest.mark.asyncio
async def test_a_forwarded_header_from_anyone_else_is_ignored(running: None) -> None:
    """A visitor cannot choose the address we sign: its own peer address is used."""
    async with browser_from("192.0.2.44") as browser:
        with app.state.econtract.raw_responses() as sent:
            response = await browser.get(
                "/products/gas", headers={"X-Forwarded-For": "203.0.113.7"}
            )
    assert response.status_code == 200, response.text
    assert "ip=192.0.2.44" in str(sent[-1].request.url)


@pytest.mark.asyncio
async def test_a_client_is_created_and_read_back(running: None) -> None:
    """POST then GET: plain dicts built from the SDK's models."""
    async with browser_from("192.0.2.44") as browser:
        created = await browser.post("/clients", json=SIGN_UP)
        assert created.status_code == 201, created.text
        client_id = created.json()["id"]
        fetched = await browser.get(f"/clients/{client_id}")
    assert fetched.json() == {"id": client_id, "name": "Els Maes"}


@pytest.mark.asyncio
async def test_an_sdk_model_is_returned_as_its_dict(running: None) -> None:
    """The endpoint returning `client.to_dict()` answers the model; `from_dict` reads it back."""
    async with browser_from("192.0.2.44") as browser:
        created = await browser.post("/clients", json=SIGN_UP)
        client_id = created.json()["id"]
        answer = await browser.get(f"/crm/clients/{client_id}")
    assert answer.status_code == 200, answer.text
    record = answer.json()
    assert record["first_name"] == "Els"
    assert record["email"] == SIGN_UP["email"]
    assert Client.from_dict(record) == await app.state.econtract.crm.clients.get(client_id)


@pytest.mark.asyncio
async def test_sdk_errors_become_http_answers(running: None) -> None:
    """Bad input is 422 naming every bad field; an unknown record is 404."""
    async with browser_from("192.0.2.44") as browser:
        bad = await browser.post(
            "/clients", json={**SIGN_UP, "email": "els-at-example", "language": "de"}
        )
        missing = await browser.get("/clients/999999")
    assert bad.status_code == 422
    assert {error["field"] for error in bad.json()["detail"]} == {"email", "language"}
    assert missing.status_code == 404
    assert missing.json() == {"detail": "not found"}


@pytest.mark.asyncio
async def test_an_unreachable_api_is_a_502(
    sandbox_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the CRM cannot be reached, the visitor gets 502 and no internals."""
    monkeypatch.setenv("AB_CRM_URL", "http://127.0.0.1:9")
    async with lifespan(app), browser_from("192.0.2.44") as browser:
        response = await browser.get("/clients/1")
    assert response.status_code == 502
    assert response.json() == {"detail": "upstream error"}
