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
    ErrorBodyError,
    MissingFieldError,
    NotFoundError,
    RateLimitError,
    RedactedRequest,
    ResponseDecodingError,
    ServerError,
)
from econtract_async._meta import RetryPolicy
from econtract_async._response import api_message
from econtract_async._retry import Verdict, judge

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
    assert "line 1 column 1" in str(caught.value)


@pytest.mark.asyncio
async def test_a_decoding_error_shows_no_secret_and_chains_nothing(
    make_client: Callable[..., EcontractClient],
) -> None:
    """The quoted start of the body is scrubbed; no `JSONDecodeError.doc` holds the whole body."""
    async with make_client() as ec:
        with respx.mock() as router:
            router.route().respond(200, text="<p>ck_live_9f8e7d6c5b4a3f2e1d0c " + "x" * 5000)
            with pytest.raises(ResponseDecodingError) as caught:
                await ec.crm.clients.get(63)
    exc = caught.value
    assert "ck_live_9f8e7d6c5b4a3f2e1d0c" not in str(exc)
    assert "<p>[redacted] xxx" in str(exc)
    assert exc.__cause__ is None
    assert exc.__suppress_context__


ERROR_BODIES = [
    ("plain text", 'Api error : parameter "cat" is required', 'parameter "cat" is required'),
    (
        "JSON string",
        "\"Not all required parameters are set : Parameter 'sg' is required\"",
        "Not all required parameters are set : Parameter 'sg' is required",
    ),
    (
        "JSON array",
        '["u is required (invalid numeric value)", "zip is required (invalid zipcode value)"]',
        "u is required (invalid numeric value); zip is required (invalid zipcode value)",
    ),
    ("JSON object", '{"status": 400, "message": "Invalid EAN"}', "Invalid EAN"),
    ("JSON string with prefix", '"Api error : Client 63 not found"', "Client 63 not found"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("form", "body", "message"), ERROR_BODIES, ids=[f for f, _, _ in ERROR_BODIES]
)
@pytest.mark.parametrize("status", [400, 404, 500])
async def test_every_error_body_form_surfaces_as_api_message(
    form: str, body: str, message: str, status: int, make_client: Callable[..., EcontractClient]
) -> None:
    """Plain text, a JSON string, a JSON array of messages and an object give the same words."""
    async with make_client(max_retries=0) as ec:
        with respx.mock() as router:
            router.route().respond(status, text=body)
            with pytest.raises(APIError) as caught:
                await ec.products.list(cat="internet")
    assert caught.value.status_code == status
    assert caught.value.api_message == message
    assert caught.value.response_text == body


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequestError), (404, NotFoundError), (500, ServerError), (418, APIError)],
)
async def test_an_empty_error_body_falls_back_to_the_status_phrase(
    status: int, error: type[APIError], make_client: Callable[..., EcontractClient]
) -> None:
    """Old HTTP libraries turn every error into an empty body: the status still says it all."""
    async with make_client(max_retries=0) as ec:
        with respx.mock() as router:
            router.route().respond(status, content=b"")
            with pytest.raises(APIError) as caught:
                await ec.crm.clients.get(63)
    assert type(caught.value) is error
    assert caught.value.api_message
    assert caught.value.response_text == ""


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("form", "body", "message"),
    ERROR_BODIES[:3] + ERROR_BODIES[4:],
    ids=[f for f, _, _ in ERROR_BODIES[:3] + ERROR_BODIES[4:]],
)
async def test_a_200_whose_body_is_an_api_error_is_an_error_body_error(
    form: str, body: str, message: str, make_client: Callable[..., EcontractClient]
) -> None:
    """As the partner wrappers treat it: a BadRequestError with the real status, never retried."""
    async with make_client(max_retries=2) as ec:
        with respx.mock() as router:
            route = router.route().respond(200, text=body)
            with pytest.raises(ErrorBodyError) as caught:
                await ec.products.list(cat="internet")
    assert isinstance(caught.value, BadRequestError)
    assert caught.value.status_code == 200
    assert caught.value.api_message == message
    assert route.call_count == 1


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("envelope", "error"),
    [
        ({"status": 404, "message": "Client 63 not found"}, NotFoundError),
        ({"status": "400", "data": ["email is required"]}, BadRequestError),
        ({"status": 401, "error": "Api error : Unauthorized"}, AuthenticationError),
    ],
)
async def test_an_envelope_with_an_error_status_is_that_error(
    envelope: dict[str, object], error: type[APIError], make_client: Callable[..., EcontractClient]
) -> None:
    """`{"status": 404, ...}` sent with HTTP 200 raises as a 404 would."""
    async with make_client(max_retries=0) as ec:
        with respx.mock() as router:
            router.route().respond(200, json=envelope)
            with pytest.raises(APIError) as caught:
                await ec.crm.clients.get(63)
    assert type(caught.value) is error
    assert caught.value.status_code == int(str(envelope["status"]))
    assert caught.value.api_message


@pytest.mark.asyncio
async def test_an_empty_success_body_is_an_empty_answer(
    make_client: Callable[..., EcontractClient],
) -> None:
    """An empty 200 stands for `null`: the call succeeds with nothing known."""
    async with make_client() as ec:
        with respx.mock() as router:
            router.route().respond(200, content=b"")
            lead = await ec.crm.leads.create_referral()
            products = await ec.products.list(cat="internet")
    assert (getattr(lead, "id", None), lead.extra, products) == (None, {}, [])
    with pytest.raises(MissingFieldError):
        _ = lead.id


class TestApiMessage:
    def test_json_message_field_is_used(self) -> None:
        """A JSON error body's `message` (or `error`) is the API message."""
        assert api_message('{"message": "Invalid EAN"}') == "Invalid EAN"
        assert api_message('{"error": {"ean": "bad"}}') == '{"ean": "bad"}'

    def test_every_error_form_gives_the_words(self) -> None:
        """Each of the three error body forms, whitespace around it dropped."""
        for _, body, message in ERROR_BODIES:
            assert api_message(f"  {body}\n") == message

    def test_an_empty_body_has_no_message(self) -> None:
        assert api_message("") == api_message("  \n") == ""

    def test_other_text_is_kept_and_truncated(self) -> None:
        """Unknown text is kept as it is, cut at 500 characters."""
        assert api_message("  Bad Gateway ") == "Bad Gateway"
        assert len(api_message("x" * 2000)) == 500


@pytest.mark.parametrize("policy", ["safe", "deduplicated", "unsafe"])
def test_an_error_body_is_final_for_every_policy(policy: RetryPolicy) -> None:
    """Refused as asked: never retried, and never an unknown outcome, even for a lead."""
    assert judge(policy, ErrorBodyError(200, "Parameter sg is required")) is Verdict.FAILED
