"""Per-call options: timeout, retries, the visitor's IP, and parameters the docs don't list.

`extra_params` are encoded exactly as PHP's `http_build_query` would encode the same array
(the encoding of every other parameter, `_encoding.format_value` for each scalar): lists as
`name[0]=a&name[1]=b`, maps as `name[key]=v` (nested to any depth), booleans as `1`/`0`, `''`
as `name=`, and `None` or an empty list/map left out. Names the credentials use are refused at
construction, so they never go out twice (D-106).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from typing import TypeAlias

import attrs
import httpx

from ._encoding import format_value
from ._exceptions import ConfigurationError

__all__ = ["CREDENTIAL_PARAMS", "ExtraValue", "RequestOptions", "encode_extra"]

ExtraValue: TypeAlias = "str | int | float | bool | datetime.date | Sequence[ExtraValue] | Mapping[str, ExtraValue] | None"
"""What `extra_params` accepts: scalars, `None` (left out), and lists and maps of them."""

CREDENTIAL_PARAMS = frozenset(
    {"crm_api_id", "crm_api_key", "key", "time", "timestamp", "nonce", "ip", "apikey", "abcid"}
)
"""Parameter names the auth strategies append (the CRM pair, the product API's signature)."""

_SCALARS = (str, int, float, datetime.date)


def _problem(path: str, value: object) -> str | None:
    """Why `value` (at `path`) cannot be sent, or `None`."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{path}: text that is not valid Unicode (a lone surrogate)"
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{path}: {value!r} is not a number PHP can read"
    if value is None or isinstance(value, _SCALARS):
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str | int) or isinstance(key, bool):
                return f"{path}: map keys must be text or integers, got {key!r}"
            found = _problem(f"{path}[{key}]", key) or _problem(f"{path}[{key}]", item)
            if found:
                return found
        return None
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        for index, item in enumerate(value):
            found = _problem(f"{path}[{index}]", item)
            if found:
                return found
        return None
    return f"{path}: cannot send a {type(value).__name__}"


def _check(params: Mapping[str, ExtraValue]) -> None:
    problems: list[str] = []
    for name, value in params.items():
        if not isinstance(name, str) or not name:
            problems.append(f"{name!r}: a parameter name must be non-empty text")
            continue
        if name.partition("[")[0] in CREDENTIAL_PARAMS:
            hint = " (use end_user_ip)" if name == "ip" else ""
            problems.append(f"{name}: the credentials add this parameter themselves{hint}")
            continue
        found = _problem(name, name) or _problem(name, value)
        if found:
            problems.append(found)
    if problems:
        msg = "extra_params cannot be sent: " + "; ".join(problems)
        raise ConfigurationError(msg)


def _flatten(name: str, value: ExtraValue, out: list[tuple[str, str]]) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(f"{name}[{key}]", item, out)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for index, item in enumerate(value):
            _flatten(f"{name}[{index}]", item, out)
    else:
        out.append((name, format_value(value)))


def encode_extra(params: Mapping[str, ExtraValue]) -> list[tuple[str, str]]:
    """The wire pairs of `extra_params`, in the order given, as `http_build_query` writes them."""
    out: list[tuple[str, str]] = []
    for name, value in params.items():
        _flatten(name, value, out)
    return out


@attrs.frozen
class RequestOptions:
    """Overrides for one call; `None` means "use the client's setting".

    Args:
        timeout: seconds (or an `httpx.Timeout`) for this call.
        max_retries: retries after the first attempt, for this call.
        end_user_ip: the visitor's IP address a web backend acts for (product API `ip`).
        extra_params: more wire parameters, appended after the model's own: for fields the
            API accepts that the docs don't list, or a value the SDK cannot verify. Encoded
            like every other parameter (lists, maps, booleans; `None` left out). The names the
            credentials use (`crm_api_id`, `crm_api_key`, `key`, `time`, `nonce`, `apikey`,
            `ip`, `abcid`, `timestamp`) raise `ConfigurationError`.
    """

    timeout: float | httpx.Timeout | None = None
    max_retries: int | None = None
    end_user_ip: str | None = None
    extra_params: Mapping[str, ExtraValue] = attrs.field(factory=dict)
    _pairs: tuple[tuple[str, str], ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        _check(self.extra_params)
        object.__setattr__(self, "_pairs", tuple(encode_extra(self.extra_params)))

    @property
    def extra_pairs(self) -> tuple[tuple[str, str], ...]:
        """The wire pairs of `extra_params`, computed once at construction."""
        return self._pairs
