"""Every generated resource method documents its parameters, answer, errors and retries."""

from __future__ import annotations

import pydoc
from typing import Any

import pytest

from econtract_async._generated import ENDPOINTS
from econtract_async._meta import EndpointMeta, raises_of, retry_words
from econtract_async.crm import CrmNamespace
from econtract_async.product import ProductNamespace


def _method(endpoint: EndpointMeta) -> Any:
    """The bound method, as `ec.crm.<resource>.<name>` is (the namespaces `ec` mounts)."""
    namespace = CrmNamespace(None) if endpoint.api == "crm" else ProductNamespace(None)
    return getattr(getattr(namespace, endpoint.resource), endpoint.name)


def _help(endpoint: EndpointMeta) -> str:
    """What `help(ec.<api>.<resource>.<name>)` prints."""
    return pydoc.render_doc(_method(endpoint), renderer=pydoc.plaintext)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.key for e in ENDPOINTS])
def test_help_shows_args_returns_raises_and_the_retry_policy(endpoint: EndpointMeta) -> None:
    text = " ".join(_help(endpoint).split())  # wrapped lines joined
    for section in ("Args:", "Returns:", "Raises:"):
        assert section in text
    assert "options:" in text
    for param in endpoint.path_params:
        assert f"{param.name} (" in text
    for model in endpoint.request:
        assert f"`{model.__name__}`" in text
        for field in model.__econtract__.fields:
            assert f"{field.name} (" in text, field.name
            first_words = " ".join(field.description.rstrip(".").split()[:3])
            assert first_words in text, field.name
    response = endpoint.response.__name__ if endpoint.response else "ResponseModel"
    assert f"`{response}`" in text
    for names, _when in raises_of(endpoint):
        assert f"{names}:" in text
    assert ("ValidationError:" in text) == bool(endpoint.path_params or endpoint.request)
    assert f"Retry policy `{endpoint.retry}`: {retry_words(endpoint.retry)}" in text


def test_help_of_orders_create_lists_every_model_of_the_call() -> None:
    """`help(ec.crm.orders.create)`: the models told apart by `producttype`, their fields."""
    text = _help(next(e for e in ENDPOINTS if e.key == "crm.orders.create"))
    assert "`ElectricityOrder` (producttype='electricity'):" in text
    assert "`GasOrder` (producttype='gas'):" in text
    assert "mru_nr (str | int): Meter number" in " ".join(text.split())


def test_unsafe_endpoints_say_a_repeat_may_duplicate() -> None:
    unsafe = [e for e in ENDPOINTS if e.retry == "unsafe"]
    assert unsafe
    for endpoint in unsafe:
        assert "store the record twice" in " ".join(_help(endpoint).split())
