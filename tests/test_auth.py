"""Auth strategies: the documented signature vector, parameter order, fresh signatures, hidden secrets."""

from __future__ import annotations

import hashlib
import hmac
import re

from econtract_async import (
    Auth,
    CrmKeyAuth,
    OutgoingRequest,
    SignedProductKeyAuth,
    new_nonce,
    product_signature,
)


def request() -> OutgoingRequest:
    return OutgoingRequest("product", "GET", "/products.json", [("cat", "internet")])


def test_signature_matches_documented_vector() -> None:
    """key `pubkey`, secret `secret`, time 1700000000 and the documented nonce give the documented apikey."""
    nonce = "0123456789abcdef0123456789abcdef"
    assert product_signature("pubkey", "secret", 1700000000, nonce) == (
        "21b163fcff313a045a3d8a2a8acec868da90f9aa"
    )
    expected = hmac.new(f"secret1700000000{nonce}".encode(), b"pubkey", hashlib.sha1)
    assert product_signature("pubkey", "secret", 1700000000, nonce) == expected.hexdigest()


def test_product_auth_appends_signed_parameters_in_order() -> None:
    """With a fixed clock and nonce: key, time, nonce, apikey, abcid, after the caller's own."""
    auth = SignedProductKeyAuth(
        "pubkey",
        "secret",
        clock=lambda: 1700000000.9,
        nonce=lambda: "0123456789abcdef0123456789abcdef",
        tracking_id="0123456789abc",
    )
    assert auth.apply(request()).params == [
        ("cat", "internet"),
        ("key", "pubkey"),
        ("time", "1700000000"),
        ("nonce", "0123456789abcdef0123456789abcdef"),
        ("apikey", "21b163fcff313a045a3d8a2a8acec868da90f9aa"),
        ("abcid", "0123456789abc"),
    ]


def test_end_user_ip_goes_between_nonce_and_apikey() -> None:
    """The request's end-user IP wins over the auth's default, and sits before apikey."""
    auth = SignedProductKeyAuth("pubkey", "secret", default_ip="198.51.100.1")
    names = [k for k, _ in auth.apply(request()).params]
    assert names == ["cat", "key", "time", "nonce", "ip", "apikey", "abcid"]
    signed = auth.apply(
        OutgoingRequest("product", "GET", "/products.json", [], end_user_ip="203.0.113.9")
    )
    assert ("ip", "203.0.113.9") in signed.params


def test_every_application_signs_afresh() -> None:
    """Two applications use two nonces and two signatures; the tracking id stays the same."""
    auth = SignedProductKeyAuth("pubkey", "secret", clock=lambda: 1700000000)
    first, second = dict(auth.apply(request()).params), dict(auth.apply(request()).params)
    assert first["nonce"] != second["nonce"]
    assert first["apikey"] != second["apikey"]
    assert first["abcid"] == second["abcid"]
    assert re.fullmatch(r"[0-9a-f]{13}", first["abcid"])


def test_new_nonce_is_32_lower_hex() -> None:
    """Nonces have the shape of the PHP clients' MD5 (32 lower-case hex characters)."""
    assert re.fullmatch(r"[0-9a-f]{32}", new_nonce())


def test_crm_auth_appends_id_then_key_last() -> None:
    """`crm_api_id` then `crm_api_key`, after the caller's parameters."""
    signed = CrmKeyAuth(63, "ck_live_9f8e7d6c5b4a3f2e1d0c").apply(
        OutgoingRequest("crm", "POST", "/api/leads", [("first_name", "Jan")])
    )
    assert signed.params == [
        ("first_name", "Jan"),
        ("crm_api_id", "63"),
        ("crm_api_key", "ck_live_9f8e7d6c5b4a3f2e1d0c"),
    ]


def test_reprs_hide_secrets() -> None:
    """Neither auth prints its secret; both satisfy the Auth protocol."""
    crm = CrmKeyAuth("p-123", "ck_live_9f8e7d6c5b4a3f2e1d0c")
    product = SignedProductKeyAuth("pubkey", "ps_live_1a2b3c4d5e6f7a8b9c0d")
    assert repr(crm) == "CrmKeyAuth(api_id='p-123', api_key=[secure])"
    assert repr(product) == "SignedProductKeyAuth(public_key='pubkey', secret=[secure])"
    assert isinstance(crm, Auth)
    assert isinstance(product, Auth)
