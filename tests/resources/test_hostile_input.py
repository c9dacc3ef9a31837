"""Hostile input through every create-like call: only ValidationError, and then nothing is sent.

For every endpoint that takes a request model, Hypothesis fills its keyword arguments from edge
cases (lone surrogates, trailing newlines, non-ASCII digits, huge strings, `None` in required
fields, wrong types). The call either raises `ValidationError` before any request leaves, or,
when the values happen to be valid for their fields, sends exactly one request. No other
exception ever escapes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from econtract_async import EcontractClient, ValidationError
from econtract_async._generated import ENDPOINTS
from econtract_async._meta import EndpointMeta, FieldMeta

from .examples import example_path_params

CALLS = [e for e in ENDPOINTS if len(e.request) == 1]

EDGE_TEXT = st.sampled_from(
    [
        "\ud800",
        "Jan\udfff",
        "jan@example.be\n",
        "0471234567\n",
        "BE\n",
        "2000\n",
        "12\n",
        "BE68539007547034\n",
        "١٢",
        "٠٤٧١٢٣٤٥٦٧",
        "٢٠٠٠",
        "0",
        "",
        " ",
        "x" * 200_000,
        "1" * 5_000,
    ]
)
EDGE = st.one_of(
    EDGE_TEXT,
    st.none(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.just(10**5000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(EDGE_TEXT, max_size=3),
    st.dictionaries(st.text(max_size=4), EDGE_TEXT, max_size=2),
)


def _fields(endpoint: EndpointMeta) -> list[FieldMeta]:
    return [f for f in endpoint.request[0].__econtract__.fields if f.type != "constant"]


def _required(endpoint: EndpointMeta) -> list[str]:
    return [
        f.name for f in _fields(endpoint) if f.required and not f.empty_ok and f.default is None
    ]


def _method(ec: EcontractClient, endpoint: EndpointMeta) -> Callable[..., Any]:
    namespace = ec.crm if endpoint.api == "crm" else ec.product
    return getattr(getattr(namespace, endpoint.resource), endpoint.name)  # type: ignore[no-any-return]


@pytest.mark.parametrize("endpoint", CALLS, ids=[e.key for e in CALLS])
def test_hostile_keyword_arguments_end_in_validation_error(
    endpoint: EndpointMeta, make_client: Callable[..., EcontractClient]
) -> None:
    """Edge-case values for every field: ValidationError with nothing sent, or one valid request."""
    names = [f.name for f in _fields(endpoint)]
    required = _required(endpoint)

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({}, optional=dict.fromkeys(names, EDGE)))
    def run(kwargs: dict[str, Any]) -> None:
        async def call() -> tuple[BaseException | None, int]:
            async with make_client(max_retries=0) as ec:
                with respx.mock(assert_all_called=False) as router:
                    route = router.route().mock(return_value=httpx.Response(200, json={}))
                    try:
                        await _method(ec, endpoint)(*example_path_params(endpoint), **kwargs)
                    except Exception as exc:  # the assertion below names any other type
                        return exc, route.call_count
                    return None, route.call_count

        error, sent = asyncio.run(call())
        if error is None:
            assert sent == 1
            assert all(kwargs.get(name) is not None for name in required)
        else:
            assert isinstance(error, ValidationError), repr(error)
            assert error.errors
            assert sent == 0

    run()


@pytest.mark.parametrize("endpoint", [e for e in CALLS if _required(e)], ids=lambda e: e.key)
def test_none_in_a_required_field_is_always_refused(
    endpoint: EndpointMeta, make_client: Callable[..., EcontractClient]
) -> None:
    """`None` is "not given": for a required field, a ValidationError naming it, nothing sent."""
    name = _required(endpoint)[0]

    async def call() -> tuple[ValidationError, int]:
        async with make_client() as ec:
            with respx.mock(assert_all_called=False) as router:
                route = router.route().mock(return_value=httpx.Response(200, json={}))
                with pytest.raises(ValidationError) as caught:
                    await _method(ec, endpoint)(*example_path_params(endpoint), **{name: None})
                return caught.value, route.call_count

    error, sent = asyncio.run(call())
    assert sent == 0
    assert name in {e.path.split(".")[0] for e in error.errors}
