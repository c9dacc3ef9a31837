"""The two senders put the same request on the wire for every endpoint: line, headers, body."""

from __future__ import annotations

from typing import Any

import pytest

from econtract_async._generated import ENDPOINTS
from econtract_async._meta import EndpointMeta
from tests.resources.examples import example_model, example_path_params
from tests.resources.test_every_endpoint import method_of

from .conftest import client
from .wire_server import WireRequest, wire_server


async def one_request(backend: str, endpoint: EndpointMeta) -> WireRequest:
    args: list[Any] = list(example_path_params(endpoint))
    if endpoint.request:
        args.append(example_model(endpoint.request[0], full=True))
    async with wire_server(body=[{}] if endpoint.many else {}) as server:
        async with client(backend, server.url) as ec:
            await method_of(ec, endpoint)(*args)
        (request,) = server.requests
    return request


@pytest.mark.asyncio
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.key for e in ENDPOINTS])
async def test_both_backends_send_the_same_request(endpoint: EndpointMeta) -> None:
    via_httpx = await one_request("httpx", endpoint)
    via_aiohttp = await one_request("aiohttp", endpoint)
    assert via_httpx.line == via_aiohttp.line
    assert via_httpx.body == via_aiohttp.body
    # Host names the port, which differs per server.
    strip = [(k, v) for k, v in via_httpx.header_set() if k != "host"]
    assert strip == [(k, v) for k, v in via_aiohttp.header_set() if k != "host"]
    names = {k for k, _ in strip}
    assert {"accept", "accept-encoding", "user-agent"} <= names
    assert "connection" not in names
