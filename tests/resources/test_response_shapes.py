"""Every response shape the real servers send, per endpoint, decoded through the public methods.

One fixture file per endpoint under `tests/fixtures/responses/shapes/` (`<endpoint key>.json`):
each case is an answer (status and body) and what the caller must get: the typed attributes and
`extra`, or the error with its `api_message`. The shapes are those of
`shared/reference/wire-protocol.md`, "Responses" (D-100..D-105).

`field-level/` holds the cases that belong to the generated decoders (ids, numbers and booleans
as text, `null` for a nested object, D-052). A new set of cases is a directory of `FIXTURES`
named in `FIXTURE_SETS`; every set runs.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import econtract_async
from econtract_async import APIError, EcontractClient
from econtract_async._generated import ENDPOINTS
from econtract_async._meta import EndpointMeta

from .examples import example_model, example_path_params

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "responses"
FIXTURE_SETS = ["shapes", "field-level"]
"""Directories of `FIXTURES` whose cases run (see the module docstring)."""
BY_KEY = {endpoint.key: endpoint for endpoint in ENDPOINTS}


def load_cases(fixture_set: str) -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted((FIXTURES / fixture_set).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["endpoint"] == path.stem
        cases.extend((data["endpoint"], case) for case in data["cases"])
    return cases


CASES = [case for fixture_set in FIXTURE_SETS for case in load_cases(fixture_set)]


def method_of(ec: EcontractClient, endpoint: EndpointMeta) -> Callable[..., Any]:
    namespace = ec.crm if endpoint.api == "crm" else ec.product
    return getattr(getattr(namespace, endpoint.resource), endpoint.name)  # type: ignore[no-any-return]


def answer(case: dict[str, Any]) -> httpx.Response:
    """The response of a case: `json` (any JSON value, `null` included) or raw `body` text."""
    status = case.get("status", 200)
    if "json" in case:
        return httpx.Response(status, content=json.dumps(case["json"]).encode())
    return httpx.Response(status, content=case["body"].encode())


def attribute(model: Any, path: str) -> Any:
    """`supplier.name` -> `model.supplier.name`."""
    for step in path.split("."):
        model = getattr(model, step)
    return model


def check_model(model: Any, expected: dict[str, Any], cls: type[Any]) -> None:
    assert type(model) is cls
    for path, value in expected.get("attrs", {}).items():
        actual = attribute(model, path)
        if isinstance(actual, datetime.date):  # fixtures are JSON: dates as ISO 8601 text
            actual = actual.isoformat()
        assert actual == value, path
    if "extra" in expected:
        assert model.extra == expected["extra"]
    else:
        assert model.extra == {}
    untouched = {f.name for f in cls.__econtract__.fields} - {
        p.split(".")[0] for p in expected.get("attrs", {})
    }
    for name in untouched:
        assert getattr(model, name, None) is None, name


def test_every_endpoint_has_a_fixture_file() -> None:
    """One file per endpoint, named by its key."""
    assert {p.stem for p in (FIXTURES / "shapes").glob("*.json")} == set(BY_KEY)
    for extra_set in FIXTURE_SETS:
        assert {p.stem for p in (FIXTURES / extra_set).glob("*.json")} <= set(BY_KEY)


def test_every_fixture_set_runs() -> None:
    """No directory of cases is left out of the run (no `pending/` that silently never runs)."""
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} == set(FIXTURE_SETS)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("key", "case"), CASES, ids=[f"{key}-{case['shape']}" for key, case in CASES]
)
async def test_the_answer_decodes_to_what_the_caller_expects(
    key: str, case: dict[str, Any], make_client: Callable[..., EcontractClient]
) -> None:
    """A success gives the typed result (any shape); an error gives its class and message."""
    endpoint = BY_KEY[key]
    args: list[Any] = list(example_path_params(endpoint))
    if endpoint.request:
        args.append(example_model(endpoint.request[0]))
    async with make_client(max_retries=0) as ec:
        with respx.mock() as router:
            route = router.route().mock(return_value=answer(case))
            if "error" in case:
                error: type[Exception] = getattr(econtract_async, case["error"])
                with pytest.raises(error) as caught:
                    await method_of(ec, endpoint)(*args)
                assert type(caught.value) is error
                if "api_message" in case:
                    assert isinstance(caught.value, APIError)
                    assert caught.value.api_message == case["api_message"]
                if "status_code" in case:
                    assert isinstance(caught.value, APIError)
                    assert caught.value.status_code == case["status_code"]
                result = None
            else:
                result = await method_of(ec, endpoint)(*args)
    assert route.call_count == 1
    if "error" in case:
        return
    assert endpoint.response is not None
    if endpoint.many:
        assert isinstance(result, list)
        assert len(result) == len(case["expect"])
        for model, expected in zip(result, case["expect"], strict=True):
            check_model(model, expected, endpoint.response)
    else:
        check_model(result, case["expect"], endpoint.response)
