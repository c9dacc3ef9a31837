"""The base of every generated resource: a thin bridge from a typed method to the client.

The decode entry lives here: the JSON answer (already out of its envelope, `_response.py`) is
given the top-level shape its model needs (`as_object` / `as_list`), then decoded. Where the
decoder cannot type a key, the call still succeeds: every key it can type is typed, the others
are kept in the model's `extra` (D-104).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._exceptions import ResponseDecodingError
from ._response import as_list, as_object

if TYPE_CHECKING:
    from ._client import EcontractClient
    from ._decode import Decoder
    from ._meta import EndpointMeta
    from ._options import RequestOptions

__all__ = ["Resource", "decode_list", "decode_one"]

T = TypeVar("T")
logger = logging.getLogger("econtract_async")


def _salvage(decoder: Decoder, data: dict[str, Any], cls: type[T], endpoint: EndpointMeta) -> T:
    """`cls` from the keys of `data` the decoder can type; the others kept in `extra`."""
    typed: dict[str, Any] = {}
    kept: dict[str, Any] = {}
    for key, value in data.items():
        try:
            decoder.one({key: value}, cls, endpoint)
        except ResponseDecodingError:
            kept[key] = value
        else:
            typed[key] = value
    model = decoder.one(typed, cls, endpoint)
    if not kept:
        return model
    logger.warning(
        "%s: kept %s in extra: the answer does not fit %s",
        endpoint.key,
        ", ".join(sorted(kept)),
        getattr(cls, "__name__", cls),
    )
    extra = {**getattr(model, "extra", {}), **kept}
    return attrs.evolve(model, extra=extra)  # type: ignore[misc]


def decode_one(decoder: Decoder, body: Any, cls: type[T], endpoint: EndpointMeta) -> T:
    """One model from any JSON answer."""
    data = as_object(body, endpoint)
    try:
        return decoder.one(data, cls, endpoint)
    except ResponseDecodingError:
        return _salvage(decoder, data, cls, endpoint)


def decode_list(decoder: Decoder, body: Any, cls: type[T], endpoint: EndpointMeta) -> list[T]:
    """A list of models from any JSON answer."""
    items = as_list(body)
    try:
        return decoder.many(items, cls, endpoint)
    except ResponseDecodingError:
        return [decode_one(decoder, item, cls, endpoint) for item in items]


class Resource:
    """A group of API calls (`ec.crm.clients`, `ec.products`, ...) sharing one client.

    Resources live exactly as long as their client holds them; they keep a strong reference
    back, which is harmless because the client owns them (no cycle outlives both).
    """

    __slots__ = ("_client",)

    def __init__(self, client: EcontractClient) -> None:
        self._client = client

    async def _call(
        self,
        endpoint: EndpointMeta,
        response: type[T],
        *,
        path_params: tuple[Any, ...],
        data: Any,
        fields: Mapping[str, Any] | None,
        options: RequestOptions | None,
    ) -> T:
        body = await self._client._call(endpoint, path_params, data, fields, options)
        return decode_one(self._client._decoder, body, response, endpoint)

    async def _call_many(
        self,
        endpoint: EndpointMeta,
        response: type[T],
        *,
        path_params: tuple[Any, ...],
        data: Any,
        fields: Mapping[str, Any] | None,
        options: RequestOptions | None,
    ) -> list[T]:
        body = await self._client._call(endpoint, path_params, data, fields, options)
        return decode_list(self._client._decoder, body, response, endpoint)
