"""Tests of `econtract_async.sandbox._app`, over plain httpx through the ASGI transport."""

from __future__ import annotations

import httpx
import pytest

from econtract_async.sandbox import Faults, Sandbox
from econtract_async.testing import FixedClock

from .conftest import CLIENT_FORM, Signer

pytestmark = pytest.mark.asyncio


class TestCrmCredentials:
    """The CRM refuses requests without its id and key."""

    @pytest.mark.parametrize(
        "credentials",
        [
            {},
            {"crm_api_id": "sandbox-crm-id"},
            {"crm_api_id": "sandbox-crm-id", "crm_api_key": "no"},
        ],
    )
    async def test_missing_or_wrong_credentials_get_401(
        self, http: httpx.AsyncClient, credentials: dict[str, str]
    ) -> None:
        """Either credential missing or wrong is a 401."""
        response = await http.get("/api/clients/1", params=credentials)
        assert response.status_code == 401

    async def test_credentials_in_the_form_body_are_accepted(
        self, http: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        """On POST the credentials travel in the form body, after the fields."""
        response = await http.post("/api/clients", data={**CLIENT_FORM, **crm})
        assert response.status_code == 200
        assert response.json()["data"]["email"] == CLIENT_FORM["email"]


class TestProductSignature:
    """Signature, clock and replay checks of the product API."""

    async def test_signed_request_is_served(self, http: httpx.AsyncClient, sign: Signer) -> None:
        """A correctly signed list request returns products as JSON."""
        response = await http.get("/products.json", params=sign({"cat": "gas", "lang": "nl"}))
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert {p["producttype"] for p in response.json()} == {"gas"}

    async def test_bad_signature_gets_401(self, http: httpx.AsyncClient, sign: Signer) -> None:
        """An apikey computed with another secret is refused."""
        params = {**sign({"cat": "gas", "lang": "nl"}), "apikey": "0" * 40}
        assert (await http.get("/products.json", params=params)).status_code == 401

    async def test_replayed_nonce_gets_400(self, http: httpx.AsyncClient, sign: Signer) -> None:
        """The same time + nonce pair is accepted once."""
        params = sign({"cat": "gas", "lang": "nl"}, nonce="ab" * 16)
        assert (await http.get("/products.json", params=params)).status_code == 200
        replay = await http.get("/products.json", params=params)
        assert replay.status_code == 400
        assert "nonce already used" in replay.text

    async def test_time_far_from_the_server_clock_gets_400(
        self, http: httpx.AsyncClient, sign: Signer, clock: FixedClock
    ) -> None:
        """A signature more than five minutes old is refused."""
        params = sign({"cat": "gas", "lang": "nl"})
        clock.advance(301)
        response = await http.get("/products.json", params=params)
        assert response.status_code == 400
        assert "server clock" in response.text

    async def test_missing_signature_parameter_is_named(self, http: httpx.AsyncClient) -> None:
        """An unsigned request names the first missing signature parameter."""
        response = await http.get("/products.json", params={"cat": "gas", "lang": "nl"})
        assert response.status_code == 400
        assert response.text.endswith("Parameter key is required")


class TestParametersAndPaths:
    """Parameter checks, encodings and paths."""

    async def test_missing_cat_gets_the_documented_answer(
        self, http: httpx.AsyncClient, sign: Signer
    ) -> None:
        """The docs' own example error, word for word, as text/plain with status 400."""
        response = await http.get("/products.json", params=sign({"lang": "nl"}))
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text == (
            "Api error : Not all required parameters are set : Parameter cat is required"
        )

    async def test_bracket_and_legacy_product_ids(
        self, http: httpx.AsyncClient, sign: Signer, sandbox: Sandbox
    ) -> None:
        """`productid[0]=..&productid[1]=..` and `productid=a+b` select the same products."""
        wanted = [p.product_id for p in sandbox.catalogue.select(cat="internet")[:2]]
        brackets = {f"productid[{i}]": str(v) for i, v in enumerate(wanted)}
        legacy = {"productid": " ".join(str(v) for v in wanted)}
        one = await http.get(
            "/products.json", params=sign({"cat": "internet", "lang": "nl", **brackets})
        )
        two = await http.get(
            "/products.json", params=sign({"cat": "internet", "lang": "nl", **legacy})
        )
        assert sorted(int(p["product_id"]) for p in one.json()) == sorted(wanted)
        assert one.json() == two.json()

    @pytest.mark.parametrize("path", ["/products/view/{id}.json", "/products/{id}.json"])
    async def test_product_detail_at_both_paths(
        self, http: httpx.AsyncClient, sign: Signer, sandbox: Sandbox, path: str
    ) -> None:
        """The current and the documented detail path serve the same product."""
        product = sandbox.catalogue.select(cat="mobile")[0]
        params = sign(
            {"cat": "mobile", "lang": "fr", "sg": product.segment, "detaillevel[0]": "texts"}
        )
        response = await http.get(path.format(id=product.product_id), params=params)
        assert response.status_code == 200
        (served,) = response.json()
        assert served["product_id"] == str(product.product_id)
        assert served["texts"]["name"] == product.names["fr"]
        assert "price" not in served

    async def test_last_updated_matches_the_catalogue(
        self, http: httpx.AsyncClient, sign: Signer, sandbox: Sandbox
    ) -> None:
        """last_updated.json reports the newest update of the matching products."""
        response = await http.get(
            "/products/last_updated.json", params=sign({"lang": "nl", "cat": "gas"})
        )
        found = sandbox.catalogue.last_updated(cat="gas", supplier_id=None, statuses=[1])
        newest = max(p.last_update for p in sandbox.catalogue.select(cat="gas"))
        assert found["last_update_timestamp"] == newest
        assert response.json() == found["last_update"]  # a bare string, as the real API answers

    async def test_unknown_path_gets_404(
        self, http: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        """A path no endpoint declares is a 404, credentials or not."""
        assert (await http.get("/api/nothing", params=crm)).status_code == 404

    async def test_wrong_method_gets_405(
        self, http: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        """A known path with another method is refused."""
        assert (await http.delete("/api/clients/1", params=crm)).status_code == 405

    async def test_non_numeric_id_gets_404(
        self, http: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        """Path ids must be integers, as the CRM routes them."""
        assert (await http.get("/api/clients/abc", params=crm)).status_code == 404

    async def test_latest_orders_at_the_documented_post_path(
        self, http: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        """The docs' `POST /api/latest` is served like `GET /api/orders/latest`."""
        response = await http.post("/api/latest", data={"limit": "5", **crm})
        assert response.status_code == 200
        assert response.json() == {"status": 200, "data": []}


class TestFaultsOverHttp:
    """Faults seen by a plain HTTP client, and the admin endpoint."""

    async def test_admin_endpoint_sets_reads_and_resets_faults(
        self, http: httpx.AsyncClient, sandbox: Sandbox
    ) -> None:
        """POST changes settings, GET shows them, DELETE clears them; bad input is a 400."""
        response = await http.post("/_sandbox/faults", json={"error_rates": {"503": 1.0}})
        assert response.json()["error_rates"] == {"503": 1.0}
        assert sandbox.faults.error_rates == {503: 1.0}
        assert (await http.get("/_sandbox/faults")).json()["error_rates"] == {"503": 1.0}
        assert (await http.post("/_sandbox/faults", json={"drop_rte": 1})).status_code == 400
        assert (await http.delete("/_sandbox/faults")).json()["error_rates"] == {}

    async def test_faults_never_touch_admin_endpoints(
        self, http: httpx.AsyncClient, sandbox: Sandbox
    ) -> None:
        """With every API request failing, the admin endpoints still answer."""
        sandbox.set_faults(error_rates={500: 1.0})
        assert (await http.get("/_sandbox/health")).status_code == 200
        assert (await http.get("/_sandbox/faults")).status_code == 200

    async def test_rate_limit_answers_429_with_retry_after(
        self, http: httpx.AsyncClient, sandbox: Sandbox, crm: dict[str, str]
    ) -> None:
        """A 429 carries its Retry-After header."""
        sandbox.set_faults(Faults(script=("429",), retry_after=4))
        response = await http.get("/api/clients/1", params=crm)
        assert response.status_code == 429
        assert response.headers["retry-after"] == "4"

    async def test_error_fault_does_not_process_the_request(
        self, http: httpx.AsyncClient, sandbox: Sandbox, crm: dict[str, str]
    ) -> None:
        """An injected 503 happens before the write."""
        sandbox.set_faults(script=("503",))
        response = await http.post("/api/clients", data={**CLIENT_FORM, **crm})
        assert response.status_code == 503
        assert sandbox.store.count("clients") == 0

    async def test_drop_happens_after_the_write(
        self, http: httpx.AsyncClient, sandbox: Sandbox, crm: dict[str, str]
    ) -> None:
        """A dropped connection leaves the write done but the client without an answer."""
        sandbox.set_faults(script=("drop",))
        with pytest.raises(httpx.RemoteProtocolError):
            await http.post("/api/clients", data={**CLIENT_FORM, **crm})
        assert sandbox.store.count("clients") == 1

    async def test_slow_body_arrives_whole(
        self, http: httpx.AsyncClient, sandbox: Sandbox, sign: Signer
    ) -> None:
        """A body streamed in delayed chunks is the same body."""
        params = {"cat": "gas", "lang": "nl"}
        fast = await http.get("/products.json", params=sign(params))
        sandbox.set_faults(script=("slow",), slow_body_delay=0.0, slow_body_chunks=7)
        slow = await http.get("/products.json", params=sign(params))
        assert slow.json() == fast.json()
