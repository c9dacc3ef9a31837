"""The sandbox answers in the real servers' shapes by default (D-105), and bare ones on request."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from econtract_async.sandbox import Sandbox
from econtract_async.testing import FixedClock

from .conftest import CLIENT_FORM, Signer

pytestmark = pytest.mark.asyncio


class TestRealShapes:
    async def test_crm_answers_come_in_the_envelope_with_ids_as_text(
        self, http: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        created = (await http.post("/api/clients", data={**CLIENT_FORM, **crm})).json()
        assert set(created) == {"status", "data"}
        assert created["status"] == 200
        client = created["data"]
        assert isinstance(client["id"], str)
        assert client["id"].isdigit()
        fetched = await http.get(f"/api/clients/{client['id']}", params=crm)
        assert fetched.json() == created

    async def test_every_crm_list_is_an_enveloped_array(
        self, http: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        await http.post("/api/clients", data={**CLIENT_FORM, **crm})
        found = (await http.post("/api/clients/search", data={"query": "peeters", **crm})).json()
        assert found["status"] == 200
        assert isinstance(found["data"], list)
        assert all(isinstance(c["id"], str) for c in found["data"])

    async def test_default_usages_come_under_data_as_du_nu_nou_u(
        self, http: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        params = {"producttype": "dualfuel_pack", "segment": "1", **crm}
        data = (await http.get("/api/usages", params=params)).json()["data"]
        assert {"du", "nu", "nou", "u"} <= set(data)

    async def test_last_updated_is_a_bare_string(
        self, http: httpx.AsyncClient, sign: Signer
    ) -> None:
        response = await http.get("/products/last_updated.json", params=sign({"lang": "nl"}))
        assert response.status_code == 200
        assert response.content.startswith(b'"')
        text = response.json()
        assert isinstance(text, str)
        assert len(text) == len("2018-10-23 13:45:12")

    @pytest.mark.parametrize("path", ["/products/view/{id}.json", "/products/{id}.json"])
    async def test_the_product_detail_is_a_one_element_list(
        self, http: httpx.AsyncClient, sign: Signer, sandbox: Sandbox, path: str
    ) -> None:
        product = sandbox.catalogue.select(cat="gas")[0]
        params = sign({"cat": "gas", "sg": "consumer", "lang": "nl"})
        response = await http.get(path.format(id=product.product_id), params=params)
        (served,) = response.json()
        assert served["product_id"] == str(product.product_id)

    async def test_a_crm_parameter_refusal_is_a_json_array_of_messages(
        self, http: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        response = await http.post("/api/clients", data={"first_name": "Jan", **crm})
        assert response.status_code == 400
        messages = response.json()
        assert isinstance(messages, list)
        assert messages
        assert all(isinstance(m, str) and not m.startswith("Api error") for m in messages)
        assert "is required" in messages[0]

    async def test_a_crm_not_found_is_a_json_string(
        self, http: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        response = await http.get("/api/clients/999999", params=crm)
        assert response.status_code == 404
        assert response.json() == "Client 999999 not found"

    async def test_product_errors_and_401s_are_plain_text(
        self, http: httpx.AsyncClient, sign: Signer
    ) -> None:
        missing = await http.get("/products.json", params=sign({"lang": "nl"}))
        assert missing.status_code == 400
        assert missing.headers["content-type"].startswith("text/plain")
        assert missing.text.startswith("Api error : ")
        refused = await http.get("/api/clients/1")
        assert refused.status_code == 401
        assert refused.text.startswith("Api error : ")


@pytest_asyncio.fixture
async def plain(clock: FixedClock) -> AsyncIterator[tuple[Sandbox, httpx.AsyncClient]]:
    with Sandbox(clock=clock, real_shapes=False) as box:
        async with httpx.AsyncClient(transport=box.transport(), base_url=box.base_url) as client:
            yield box, client


class TestPlainShapes:
    async def test_bare_objects_and_plain_text_errors(
        self, plain: tuple[Sandbox, httpx.AsyncClient]
    ) -> None:
        box, http = plain
        crm = {"crm_api_id": box.credentials.crm_api_id, "crm_api_key": box.credentials.crm_api_key}
        created = (await http.post("/api/clients", data={**CLIENT_FORM, **crm})).json()
        assert isinstance(created["id"], int)
        assert created["email"] == CLIENT_FORM["email"]
        missing = await http.get("/api/clients/999999", params=crm)
        assert missing.text == "Api error : Client 999999 not found"
        signer = Signer(box, box.clock)  # type: ignore[arg-type]
        updated = await http.get("/products/last_updated.json", params=signer({"lang": "nl"}))
        assert set(updated.json()) >= {"last_updated", "last_update", "last_update_timestamp"}
