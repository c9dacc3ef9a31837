"""Every example array of the published API docs is accepted by the matching SDK call and sent.

The PHP arrays of `shared/api/crm-api.md` and `product-api.md` are transcribed, value for value,
in `tests/fixtures/docs_examples.json` (the docs are not part of the repository).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import respx

from econtract_async import EcontractClient

EXAMPLES_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "docs_examples.json"


def php_text(value: Any) -> str:
    """A PHP value as `http_build_query` writes it."""
    if value is True:
        return "1"
    if value is False:
        return "0"
    return str(value)


SDK_CALLS: dict[str, Callable[[EcontractClient, dict[str, Any]], Any]] = {
    "createClient": lambda ec, data: ec.crm.clients.create(data),
    "createAddress": lambda ec, data: ec.crm.addresses.create(data),
    "createOrder": lambda ec, data: ec.crm.orders.create(data),
    "createLead": lambda ec, data: ec.crm.leads.create(data),
    "createClickOutLead": lambda ec, data: ec.crm.leads.create_click_out(data),
    "createCallMeBackLead": lambda ec, data: ec.crm.leads.create_call_me_back(data),
    "getDefaultUsages": lambda ec, data: ec.crm.usages.defaults(data),
}


def examples() -> list[tuple[str, str, dict[str, Any]]]:
    """(label, PHP call, parameters) for every example array of the docs."""
    data = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    return [
        (f"{n}-{example['php'].split('(')[0]}", example["php"], example["params"])
        for n, example in enumerate(data["examples"])
    ]


EXAMPLES = examples()
PRODUCT_ID = 2


def test_the_docs_examples_are_all_there() -> None:
    """Every PHP call with an array in the docs is one case here."""
    calls = [php for _, php, _ in EXAMPLES]
    for method in SDK_CALLS:
        assert f"Crm::{method}" in calls
    assert calls.count("Crm::createOrder") == 2
    assert calls.count("$client->getProducts($params)") == 2
    assert "$client->getProducts($params, $productid)" in calls


@pytest.mark.asyncio
@pytest.mark.parametrize(("label", "method", "data"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
async def test_every_docs_example_is_accepted_and_sent(
    label: str, method: str, data: dict[str, Any], make_client: Callable[..., EcontractClient]
) -> None:
    """No ValidationError; every non-empty value of the example travels under its own name."""
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(return_value=httpx.Response(200, json={"id": 1}))
            if method == "$client->getProducts($params)":
                await ec.products.list(data)
            elif method == "$client->getProducts($params, $productid)":
                await ec.products.get(PRODUCT_ID, data)
            else:
                await SDK_CALLS[method.removeprefix("Crm::")](ec, dict(data))
    request = route.calls.last.request
    raw = request.url.query if request.method == "GET" else request.content
    sent = dict(parse_qsl(raw.decode(), keep_blank_values=True))
    for key, value in data.items():
        if value == "":
            assert key not in sent or sent[key] == "", key
            continue
        assert key in sent, key
        if isinstance(value, bool | int):
            assert sent[key] == php_text(value), key
