"""Each HTTP status maps to its error, carrying status, the API's own message and a redacted request."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import respx

from econtract_async import (
    APIError,
    AuthenticationError,
    BadRequestError,
    EcontractClient,
    NotFoundError,
    RateLimitError,
    RedactedRequest,
    ResponseDecodingError,
    ServerError,
)
from econtract_async._response import api_message

STATUSES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (404, NotFoundError),
    (409, APIError),
    (422, APIError),
    (429, RateLimitError),
    (500, ServerError),
    (502, ServerError),
    (503, ServerError),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("status", "error"), STATUSES, ids=[str(s) for s, _ in STATUSES])
async def test_status_maps_to_its_error(
    status: int, error: type[APIError], make_client: Callable[..., EcontractClient]
) -> None:
    """The exact error class, with status, message and a redacted GET request attached."""
    async with make_client(max_retries=0) as ec:
        with respx.mock() as router:
            router.get(url__startswith="https://crm.example.test/api/clients/63").respond(
                status, text="Api error : Client 63 is not yours"
            )
            with pytest.raises(APIError) as caught:
                await ec.crm.clients.get(63)
    exc = caught.value
    assert type(exc) is error
    assert exc.status_code == status
    assert exc.api_message == "Client 63 is not yours"
    assert isinstance(exc.request, RedactedRequest)
    assert exc.request.method == "GET"
    assert exc.request.url.startswith("https://crm.example.test/api/clients/63?crm_api_id=p-123")
    assert "crm_api_key=%5Bredacted%5D" in exc.request.url
    assert f"HTTP {status}" in str(exc)


@pytest.mark.asyncio
async def test_bad_request_parses_the_documented_api_error(
    make_client: Callable[..., EcontractClient],
) -> None:
    """The product API's plain-text 400 becomes BadRequestError with the text after `Api error : `."""
    async with make_client() as ec:
        with respx.mock() as router:
            router.get(url__startswith="https://api.example.test/products.json").respond(
                400,
                text="Api error : Not all required parameters are set : Parameter cat is required",
            )
            with pytest.raises(BadRequestError) as caught:
                await ec.products.list(cat="internet")
    assert caught.value.api_message == (
        "Not all required parameters are set : Parameter cat is required"
    )


@pytest.mark.asyncio
async def test_rate_limit_carries_retry_after(make_client: Callable[..., EcontractClient]) -> None:
    """A 429's Retry-After header in seconds is exposed as `retry_after`."""
    async with make_client(max_retries=0) as ec:
        with respx.mock() as router:
            router.route().respond(429, headers={"Retry-After": "7"}, text="slow down")
            with pytest.raises(RateLimitError) as caught:
                await ec.crm.clients.get(63)
    assert caught.value.retry_after == 7.0
    assert caught.value.api_message == "slow down"


@pytest.mark.asyncio
async def test_success_that_is_not_json_is_a_decoding_error(
    make_client: Callable[..., EcontractClient],
) -> None:
    """A 200 with an HTML body raises ResponseDecodingError with the redacted request."""
    async with make_client() as ec:
        with respx.mock() as router:
            router.route().respond(200, text="<html>maintenance</html>")
            with pytest.raises(ResponseDecodingError) as caught:
                await ec.crm.clients.get(63)
    assert caught.value.request is not None
    assert "<html>maintenance" in str(caught.value)


class TestApiMessage:
    def test_json_message_field_is_used(self) -> None:
        """A JSON error body's `message` (or `error`) is the API message."""
        assert api_message('{"message": "Invalid EAN"}') == "Invalid EAN"
        assert api_message('{"error": {"ean": "bad"}}') == '{"ean": "bad"}'

    def test_other_text_is_kept_and_truncated(self) -> None:
        """Unknown text is kept as it is, cut at 500 characters."""
        assert api_message("  Bad Gateway ") == "Bad Gateway"
        assert len(api_message("x" * 2000)) == 500
