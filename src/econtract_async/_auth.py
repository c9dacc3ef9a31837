"""Auth strategies: a one-method protocol and the two credentials the Econtract APIs use.

Both strategies append parameters, never headers, exactly where and in the order the official
PHP clients do (`shared/reference/wire-protocol.md`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from ._request import OutgoingRequest

__all__ = [
    "Auth",
    "CrmKeyAuth",
    "SignedProductKeyAuth",
    "new_nonce",
    "new_tracking_id",
    "product_signature",
]


@runtime_checkable
class Auth(Protocol):
    """Adds credentials to a request before it is encoded.

    Implement `apply`: append your parameters to `request.params` (or return a new request).
    It runs once per attempt, retries included, so a signature can be fresh every time.
    Name any parameter whose value is secret in `secret_params` so it is redacted everywhere.
    """

    secret_params: frozenset[str]

    def apply(self, request: OutgoingRequest, /) -> OutgoingRequest:
        """Return `request` with credentials added."""
        ...


def new_nonce() -> str:
    """A fresh 32-character lower-case hex nonce (the PHP clients send an MD5 of a unique id)."""
    return secrets.token_hex(16)


def new_tracking_id() -> str:
    """A 13-character hex `abcid`, the shape the PHP client's `uniqid()` produces."""
    return secrets.token_hex(7)[:13]


def product_signature(public_key: str, secret: str, timestamp: int, nonce: str) -> str:
    """The product API's `apikey`: HMAC-SHA1 keyed by `secret + time + nonce` over the public key."""
    key = f"{secret}{timestamp}{nonce}".encode()
    return hmac.new(key, public_key.encode(), hashlib.sha1).hexdigest()


class CrmKeyAuth:
    """The CRM's id + key pair, appended as `crm_api_id` and `crm_api_key` to every request.

    They go after the caller's parameters: in the query string on GET, in the form body on POST.
    """

    __slots__ = ("_api_key", "api_id")
    secret_params = frozenset({"crm_api_key"})

    def __init__(self, api_id: str | int, api_key: str) -> None:
        self.api_id = str(api_id)
        self._api_key = api_key

    @property
    def secret_values(self) -> tuple[str, ...]:
        """Values that must never be printed."""
        return (self._api_key,)

    def apply(self, request: OutgoingRequest, /) -> OutgoingRequest:
        """Append `crm_api_id` and `crm_api_key`."""
        request.params.append(("crm_api_id", self.api_id))
        request.params.append(("crm_api_key", self._api_key))
        return request

    def __repr__(self) -> str:
        return f"CrmKeyAuth(api_id={self.api_id!r}, api_key=[secure])"


class SignedProductKeyAuth:
    """The product API's public key + secret: every request is signed afresh.

    Appends `key`, `time`, `nonce`, `ip` (when known), `apikey` and `abcid`, in that order. The
    clock and nonce source are injectable so tests can pin them.
    """

    __slots__ = ("_clock", "_nonce", "_secret", "default_ip", "public_key", "tracking_id")
    secret_params = frozenset({"apikey"})

    def __init__(
        self,
        public_key: str,
        secret: str,
        *,
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] = new_nonce,
        tracking_id: str | None = None,
        default_ip: str | None = None,
    ) -> None:
        self.public_key = public_key
        self._secret = secret
        self._clock = clock
        self._nonce = nonce
        self.tracking_id = tracking_id if tracking_id is not None else new_tracking_id()
        self.default_ip = default_ip

    @property
    def secret_values(self) -> tuple[str, ...]:
        """Values that must never be printed."""
        return (self._secret,)

    def apply(self, request: OutgoingRequest, /) -> OutgoingRequest:
        """Append a fresh signature: a new `time` and `nonce` for every attempt."""
        timestamp = int(self._clock())
        nonce = self._nonce()
        params = request.params
        params.append(("key", self.public_key))
        params.append(("time", str(timestamp)))
        params.append(("nonce", nonce))
        ip = request.end_user_ip or self.default_ip
        if ip:
            params.append(("ip", ip))
        params.append(
            ("apikey", product_signature(self.public_key, self._secret, timestamp, nonce))
        )
        params.append(("abcid", self.tracking_id))
        return request

    def __repr__(self) -> str:
        return f"SignedProductKeyAuth(public_key={self.public_key!r}, secret=[secure])"
