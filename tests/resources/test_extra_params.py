"""`RequestOptions(extra_params=...)` on the wire: PHP's `http_build_query` form, credentials refused."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import respx

from econtract_async import ConfigurationError, EcontractClient, RequestOptions
from econtract_async._options import CREDENTIAL_PARAMS

CRM_CREDENTIALS = [("crm_api_id", "p-123"), ("crm_api_key", "ck_live_9f8e7d6c5b4a3f2e1d0c")]

ENCODED: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
    ("list", {"list": ["a", "b"]}, [("list[0]", "a"), ("list[1]", "b")]),
    ("tuple", {"ids": (2, 5)}, [("ids[0]", "2"), ("ids[1]", "5")]),
    ("map", {"opt": {"zip": 9000, "lang": "nl"}}, [("opt[zip]", "9000"), ("opt[lang]", "nl")]),
    (
        "nested",
        {"opt": {"sid": [3, 4], "deep": {"x": True}}},
        [("opt[sid][0]", "3"), ("opt[sid][1]", "4"), ("opt[deep][x]", "1")],
    ),
    ("booleans", {"yes": True, "no": False}, [("yes", "1"), ("no", "0")]),
    ("none left out", {"gone": None, "kept": "x"}, [("kept", "x")]),
    ("none inside a list", {"l": ["a", None, "c"]}, [("l[0]", "a"), ("l[2]", "c")]),
    ("empty text sent", {"fax": ""}, [("fax", "")]),
    ("empty list and map left out", {"l": [], "m": {}, "k": 1}, [("k", "1")]),
    ("numbers", {"f": 80.5, "g": 3.0, "i": 12}, [("f", "80.5"), ("g", "3"), ("i", "12")]),
    (
        "dates",
        {"d": datetime.date(2026, 1, 2), "t": datetime.datetime(2026, 1, 2, 3, 4, 5)},
        [("d", "2026-01-02"), ("t", "2026-01-02 03:04:05")],
    ),
    ("unicode", {"naam": "Zoë & co"}, [("naam", "Zoë & co")]),
]


def sent(request: httpx.Request) -> list[tuple[str, str]]:
    raw = request.url.query if request.method == "GET" else request.content
    return parse_qsl(raw.decode(), keep_blank_values=True)


@pytest.mark.parametrize(("case", "params", "pairs"), ENCODED, ids=[c for c, _, _ in ENCODED])
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.asyncio
async def test_extra_params_are_encoded_like_every_other_parameter(
    case: str,
    params: dict[str, Any],
    pairs: list[tuple[str, str]],
    method: str,
    make_client: Callable[..., EcontractClient],
) -> None:
    """After the model's own pairs, before the credentials, in the order given."""
    options = RequestOptions(extra_params=params)
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(return_value=httpx.Response(200, json={"id": 1}))
            if method == "GET":
                await ec.crm.recommendations.get(5, comparison_id=9, options=options)
                own = [("comparison_id", "9")]
            else:
                await ec.crm.clients.search(query="peeters", options=options)
                own = [("query", "peeters")]
    request = route.calls.last.request
    assert sent(request) == own + pairs + CRM_CREDENTIALS
    raw = request.url.query if method == "GET" else request.content
    assert b"%5B%27" not in raw
    assert b"None" not in raw


@pytest.mark.asyncio
async def test_brackets_are_percent_encoded_as_php_does(
    make_client: Callable[..., EcontractClient],
) -> None:
    """`list[0]=a` travels as `list%5B0%5D=a`, never as a Python repr."""
    async with make_client() as ec:
        with respx.mock() as router:
            route = router.route().mock(return_value=httpx.Response(200, json={}))
            await ec.crm.leads.create_referral(
                options=RequestOptions(extra_params={"list": ["a", "b"], "null": None})
            )
    body = route.calls.last.request.content
    assert body.startswith(b"list%5B0%5D=a&list%5B1%5D=b&crm_api_id=")


@pytest.mark.parametrize("name", sorted(CREDENTIAL_PARAMS))
def test_a_credential_name_is_refused_at_construction(name: str) -> None:
    """Credentials are added by the auth strategies: a second copy is a clear error, not a leak."""
    with pytest.raises(ConfigurationError) as caught:
        RequestOptions(extra_params={name: "x"})
    assert name in str(caught.value)
    assert "credentials" in str(caught.value)


def test_every_bad_name_is_named_at_once() -> None:
    """The six names the official clients use for credentials, and bracketed forms of them."""
    with pytest.raises(ConfigurationError) as caught:
        RequestOptions(
            extra_params={
                "crm_api_id": 1,
                "crm_api_key": "k",
                "key": "k",
                "apikey": "a",
                "time": 1,
                "nonce": "n",
                "key[0]": "k",
                "fine": "yes",
            }
        )
    message = str(caught.value)
    for name in ("crm_api_id", "crm_api_key", "key", "apikey", "time", "nonce", "key[0]"):
        assert f"{name}:" in message
    assert "fine" not in message


def test_ip_points_to_end_user_ip() -> None:
    with pytest.raises(ConfigurationError, match="end_user_ip"):
        RequestOptions(extra_params={"ip": "203.0.113.9"})


@pytest.mark.parametrize(
    "value",
    [object(), b"bytes", float("nan"), float("inf"), "\ud800", {"k": {1.5: "x"}}, [object()]],
    ids=["object", "bytes", "nan", "inf", "surrogate", "float-key", "object-in-list"],
)
def test_a_value_that_cannot_be_sent_is_refused(value: Any) -> None:
    """Hostile or unsendable values are a clear error before any request, never a crash."""
    with pytest.raises(ConfigurationError, match="extra_params"):
        RequestOptions(extra_params={"field": value})


@pytest.mark.parametrize("name", ["", "\udcff"], ids=["empty", "surrogate"])
def test_a_bad_name_is_refused(name: str) -> None:
    with pytest.raises(ConfigurationError, match="extra_params"):
        RequestOptions(extra_params={name: "x"})
