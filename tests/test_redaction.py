"""The redaction sweep: no error path, log line, traceback or repr ever shows a credential."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from econtract_async import (
    EcontractClient,
    EcontractError,
    OutgoingRequest,
    product_signature,
)
from econtract_async.crm import CallMeBackLead

CRM_KEY = "ck_live_9f8e7d6c5b4a3f2e1d0c"
PRODUCT_SECRET = "ps_live_1a2b3c4d5e6f7a8b9c0d"
ROTATING_SECRET = "rs_live_77aa88bb99cc00dd11ee"
APIKEYS = [product_signature("pubkey", PRODUCT_SECRET, 1700000000, f"{n:032x}") for n in range(8)]
SECRETS = [CRM_KEY, PRODUCT_SECRET, ROTATING_SECRET, *APIKEYS]

Call = Callable[[EcontractClient], Awaitable[Any]]


def echo(status: int) -> Callable[[httpx.Request], httpx.Response]:
    """A server that answers `status` and echoes the whole request back in its error text."""

    def respond(request: httpx.Request) -> httpx.Response:
        text = f"Api error : cannot handle {request.url} body {request.content.decode()}"
        return httpx.Response(status, text=text)

    return respond


def broken(cls: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    """A transport that fails with `cls`, naming the full URL and body like some libraries do."""

    def fail(request: httpx.Request) -> httpx.Response:
        msg = f"{cls.__name__} while sending {request.url} {request.content.decode()}"
        raise cls(msg, request=request)

    return fail


CALLS: dict[str, Call] = {
    "crm GET": lambda ec: ec.crm.clients.get(63),
    "crm POST": lambda ec: ec.crm.leads.create_call_me_back(
        CallMeBackLead(first_name="Jan", phone="0471234567")
    ),
    "product GET": lambda ec: ec.products.list(cat="internet"),
}
SIDE_EFFECTS: dict[str, Any] = {
    **{f"HTTP {status}": echo(status) for status in (400, 401, 404, 409, 429, 500, 502, 503)},
    **{
        cls.__name__: broken(cls)
        for cls in (
            httpx.ConnectError,
            httpx.ConnectTimeout,
            httpx.ReadTimeout,
            httpx.ReadError,
            httpx.RemoteProtocolError,
            httpx.ProxyError,
        )
    },
    "error text with a 200": echo(200),
    "not JSON": lambda request: httpx.Response(
        200, text=f"<html>maintenance {request.url} {request.content.decode()}</html>"
    ),
}
# A JSON answer of a surprising shape is no error (D-052): its values are kept in `extra`.


def assert_clean(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def assert_exception_clean(exc: BaseException) -> None:
    request = getattr(exc, "request", None)
    assert_clean(
        str(exc),
        repr(exc),
        str(request),
        repr(request),
        "".join(traceback.format_exception(exc)),
    )


@pytest.fixture(autouse=True)
def debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    """Capture everything the SDK logs, at DEBUG."""
    caplog.set_level(logging.DEBUG, logger="econtract_async")


@pytest.mark.asyncio
@pytest.mark.parametrize("effect", list(SIDE_EFFECTS))
@pytest.mark.parametrize("call", list(CALLS))
async def test_no_error_path_shows_a_credential(
    call: str,
    effect: str,
    make_client: Callable[..., EcontractClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every status, transport failure and decoding error, after retries, is free of secrets."""
    async with make_client(max_retries=1) as ec:
        with respx.mock() as router:
            route = router.route().mock(side_effect=SIDE_EFFECTS[effect])
            with pytest.raises(EcontractError) as caught:
                await CALLS[call](ec)
        assert route.call_count >= 1
        assert_exception_clean(caught.value)
        assert_clean(repr(ec), repr(ec._crm_auth), repr(ec._product_auth))
    assert caplog.records, "every attempt is logged"
    assert_clean(caplog.text)
    assert_clean(*(repr(record.__dict__) for record in caplog.records))


@pytest.mark.asyncio
@pytest.mark.parametrize("call", ["crm GET", "product GET"])
async def test_an_answer_of_the_wrong_shape_is_kept_and_logs_no_credential(
    call: str,
    make_client: Callable[..., EcontractClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What cannot be typed lands in `extra` (D-052), and nothing logged shows a credential."""

    def wrong(request: httpx.Request) -> httpx.Response:
        echoed = {"echo": str(request.url)}
        return httpx.Response(200, json=[{"id": echoed, "product_id": echoed}])

    async with make_client() as ec:
        with respx.mock() as router:
            router.route().mock(side_effect=wrong)
            result = await CALLS[call](ec)
    model = result[0] if isinstance(result, list) else result
    assert set(model.extra) >= {"id"} or set(model.extra) >= {"product_id"}
    assert_clean(caplog.text)
    assert_clean(*(repr(record.__dict__) for record in caplog.records))


@pytest.mark.asyncio
async def test_validation_configuration_and_closed_errors_show_no_credential(
    make_client: Callable[..., EcontractClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Errors raised before sending are clean too."""
    raised: list[BaseException] = []
    async with make_client() as ec:
        for bad in (
            lambda: ec.crm.clients.get(0),
            lambda: ec.crm.leads.create_click_out({"crm_api_key": CRM_KEY}),
        ):
            with pytest.raises(EcontractError) as caught:
                await bad()
            raised.append(caught.value)
    with pytest.raises(EcontractError) as caught:
        await ec.crm.clients.get(63)
    raised.append(caught.value)
    with pytest.raises(EcontractError) as caught:
        EcontractClient.from_env(
            {"AB_CRM_KEY": CRM_KEY, "ECONTRACT_PRODUCT_SECRET": PRODUCT_SECRET}
        )
    raised.append(caught.value)
    crm_only = make_client(product_auth=None)
    with pytest.raises(EcontractError) as caught:
        await crm_only.products.list(cat="internet")
    raised.append(caught.value)
    await crm_only.aclose()
    for exc in raised:
        assert_exception_clean(exc)
    assert_clean(caplog.text)


class RotatingSecretAuth:
    """A custom strategy: a signature from a secret store, sent as `token` + `token_sig`."""

    secret_params = frozenset({"token_sig"})

    def __init__(self, store: dict[str, str]) -> None:
        self._store = store

    @property
    def secret_values(self) -> tuple[str, ...]:
        return (self._store["current"],)

    def apply(self, request: OutgoingRequest, /) -> OutgoingRequest:
        request.params.append(("token", "tenant-42"))
        request.params.append(("token_sig", self._store["current"]))
        return request

    def __repr__(self) -> str:
        return "RotatingSecretAuth(token='tenant-42')"


@pytest.mark.asyncio
async def test_custom_auth_plugs_in_and_its_secret_is_redacted(
    make_client: Callable[..., EcontractClient], caplog: pytest.LogCaptureFixture
) -> None:
    """A user's Auth implementation signs every request, and its declared secret never leaks."""
    auth = RotatingSecretAuth({"current": ROTATING_SECRET})
    async with make_client(crm_auth=auth, max_retries=0) as ec:
        with respx.mock() as router:
            route = router.route().mock(
                side_effect=[httpx.Response(200, json={"id": 63}), echo(401)]
            )
            assert (await ec.crm.clients.get(63)).id == 63
            with pytest.raises(EcontractError) as caught:
                await ec.crm.clients.get(63)
        assert_clean(repr(ec))
    params = list(route.calls[0].request.url.params.multi_items())
    assert params[-2:] == [("token", "tenant-42"), ("token_sig", ROTATING_SECRET)]
    assert_exception_clean(caught.value)
    assert "token_sig=%5Bredacted%5D" in str(caught.value.request)
    assert_clean(caplog.text)
