"""Tests of `econtract_async.sandbox._handlers` and how the app routes to them."""

from __future__ import annotations

from econtract_async._generated import ENDPOINTS
from econtract_async.sandbox._app import HANDLERS, build_routes


def test_every_sdk_endpoint_has_a_handler() -> None:
    """A new endpoint in schema/ fails here until the sandbox can serve it."""
    missing = sorted({e.key for e in ENDPOINTS} - set(HANDLERS))
    assert missing == []


def test_every_endpoint_is_routed_at_its_path_and_documented_path() -> None:
    """Routes come from ENDPOINTS, doc paths included, literal paths first."""
    routes = build_routes(ENDPOINTS)
    served = {key for route in routes for key in (e.key for e in route.endpoints)}
    assert served == {e.key for e in ENDPOINTS}
    paths = [(route.method, route.path) for route in routes]
    assert ("GET", "/products/{id}.json") in paths
    assert ("POST", "/api/latest") in paths
    assert paths.index(("GET", "/products/last_updated.json")) < paths.index(
        ("GET", "/products/{id}.json")
    )
