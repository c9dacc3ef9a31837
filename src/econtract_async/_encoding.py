"""Request models -> the exact form/query encoding of the official PHP clients.

PHP's `http_build_query` (RFC 1738): `true`/`false` -> `1`/`0`; `None` -> key left out; `''` ->
`key=`; lists -> `name[0]=a&name[1]=b` with the brackets percent-encoded; spaces -> `+`; UTF-8.
Fields the docs mark required but send empty (`empty_ok`) go out as `key=` when not given.

Output is byte-identical to `urllib.parse.urlencode` over the same pairs (which differs from PHP
only in leaving `~` unencoded; servers decode both the same, D-049). Each model's encoder is
generated at build time (`_econtract_encode`), straight-line code that reads each field once and
writes its wire text with the vocabulary's rule, so encoding a 25-field lead runs no reflection.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from . import _vocabulary as _v

if TYPE_CHECKING:
    from ._model import RequestModel

__all__ = ["encode_form", "encode_pairs", "format_value"]

_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
"""The characters `quote_plus` never encodes (RFC 3986 unreserved)."""
_ASCII = {c: "+" if c == 32 else f"%{c:02X}" for c in range(128) if chr(c) not in _SAFE}
_KEYS: dict[str, str] = {}


def _quote(text: str) -> str:
    """`quote_plus(text)`; ASCII text is translated in one C call."""
    return text.translate(_ASCII) if text.isascii() else quote_plus(text)


def _quote_key(key: str) -> str:
    quoted = _KEYS.get(key)
    if quoted is None:
        quoted = _KEYS[key] = quote_plus(key)
    return quoted


def encode_form(pairs: Iterable[tuple[str, str]]) -> str:
    """`name=value&...` for a query string or an `application/x-www-form-urlencoded` body."""
    keys, safe, quote = _KEYS, _SAFE, _quote
    # `not v.rstrip(safe)` is the cheapest all-characters-safe test; most values pass it.
    return "&".join(
        [f"{keys.get(k) or _quote_key(k)}={quote(v) if v.rstrip(safe) else v}" for k, v in pairs]
    )


def format_value(value: Any) -> str:
    """One scalar as PHP would print it into a query string (the vocabulary's wire rules)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return _v.encode_boolean(value)
    if isinstance(value, int):
        return _v.encode_integer(int(value))
    if isinstance(value, float):
        return _v.encode_number(value)
    if isinstance(value, datetime.datetime):
        return _v.encode_datetime(value)
    if isinstance(value, datetime.date):
        return _v.encode_date(value)
    return str(value)


def encode_pairs(model: RequestModel) -> list[tuple[str, str]]:
    """The `(name, value)` text pairs of a request model, in wire order, nested models flattened.

    Each model's encoder is generated source (`_econtract_encode`, `codegen/behaviour.py`).
    """
    out: list[tuple[str, str]] = []
    model._econtract_encode(out)
    return out
