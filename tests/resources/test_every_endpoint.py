"""Every endpoint in `ENDPOINTS`, called through its resource method against respx: the exact wire request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import respx

from econtract_async import EcontractClient, __version__, product_signature
from econtract_async._generated import ENDPOINTS
from econtract_async._meta import EndpointMeta

from .examples import example_model, example_path_params

pytestmark = pytest.mark.asyncio

BASE = {"crm": "https://crm.example.test", "product": "https://api.example.test"}


def credentials(api: str) -> list[tuple[str, str]]:
    """The credential pairs the conftest auths append to their first request, in order."""
    if api == "crm":
        return [("crm_api_id", "p-123"), ("crm_api_key", "ck_live_9f8e7d6c5b4a3f2e1d0c")]
    nonce = f"{0:032x}"
    apikey = product_signature("pubkey", "ps_live_1a2b3c4d5e6f7a8b9c0d", 1700000000, nonce)
    return [
        ("key", "pubkey"),
        ("time", "1700000000"),
        ("nonce", nonce),
        ("apikey", apikey),
        ("abcid", "0123456789abc"),
    ]


def method_of(ec: EcontractClient, endpoint: EndpointMeta) -> Callable[..., Any]:
    namespace = ec.crm if endpoint.api == "crm" else ec.product
    return getattr(getattr(namespace, endpoint.resource), endpoint.name)  # type: ignore[no-any-return]


def sent_params(request: httpx.Request) -> list[tuple[str, str]]:
    """The parameters of a request, from its query string (GET) or its form body (POST)."""
    raw = request.url.query if request.method == "GET" else request.content
    return parse_qsl(raw.decode(), keep_blank_values=True)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.key for e in ENDPOINTS])
async def test_endpoint_sends_the_documented_wire_request(
    endpoint: EndpointMeta, make_client: Callable[..., EcontractClient]
) -> None:
    """Method, path, parameters in wire order with credentials last, placement and User-Agent."""
    path_params = example_path_params(endpoint)
    args: list[Any] = list(path_params)
    expected = []
    if endpoint.request:
        model = example_model(endpoint.request[0], full=True)
        args.append(model)
        expected = model.to_wire()
    body: Any = [{}] if endpoint.many else {}
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(return_value=httpx.Response(200, json=body))
            result = await method_of(ec, endpoint)(*args)

    assert route.call_count == 1
    request = route.calls.last.request
    filled = {f.wire: str(v) for f, v in zip(endpoint.path_params, path_params, strict=True)}
    assert request.method == endpoint.method
    assert str(request.url).startswith(BASE[endpoint.api] + endpoint.path.format(**filled))
    assert request.url.path == endpoint.path.format(**filled)
    assert sent_params(request) == expected + credentials(endpoint.api)
    assert request.headers["User-Agent"] == f"econtract-async/{__version__}"
    if endpoint.method == "GET":
        assert request.content == b""
        assert "Content-Type" not in request.headers
    else:
        assert request.url.query == b""
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert not request.content.lstrip().startswith((b"{", b"["))
    if endpoint.many:
        assert isinstance(result, list)
        assert all(isinstance(item, endpoint.response) for item in result)
    else:
        assert isinstance(result, endpoint.response)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS if e.api == "product"],
    ids=[e.key for e in ENDPOINTS if e.api == "product"],
)
async def test_product_endpoint_signs_the_end_user_ip_before_apikey(
    endpoint: EndpointMeta, make_client: Callable[..., EcontractClient]
) -> None:
    """With an end-user IP, `ip` sits between `nonce` and `apikey`, as the PHP clients send it."""
    args: list[Any] = list(example_path_params(endpoint))
    if endpoint.request:
        args.append(example_model(endpoint.request[0]))
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(
                return_value=httpx.Response(200, json=[{}] if endpoint.many else {})
            )
            await method_of(ec.with_options(end_user_ip="203.0.113.9"), endpoint)(*args)

    names = [k for k, _ in sent_params(route.calls.last.request)]
    assert names[-6:] == ["key", "time", "nonce", "ip", "apikey", "abcid"]
    assert ("ip", "203.0.113.9") in sent_params(route.calls.last.request)
