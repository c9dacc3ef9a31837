"""The base of every generated resource: a thin bridge from a typed method to the client.

The decode entry lives here. The JSON answer arrives out of its envelope, error answers already
raised (`_response.py`); the decoder turns any JSON into the model (D-052, D-053). One rule
needs the call itself, so it is applied here first: a bare scalar answer (the product API's
`last_updated.json` answers `"2018-10-23 13:45:12"`) is the value of the response field named
after the call (D-103).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ._client import EcontractClient
    from ._meta import EndpointMeta
    from ._options import RequestOptions

__all__ = ["Resource", "scalar_answer"]

T = TypeVar("T")


def scalar_answer(body: Any, endpoint: EndpointMeta) -> Any:
    """`{"last_updated": body}` for a bare scalar answer of `last_updated()`; else `body`.

    Only a scalar (text, number, flag), alone or in a one-element list, and only when the
    response model has a field whose wire name is the call's name; any other answer is
    returned as it is.
    """
    inner = body[0] if isinstance(body, list) and len(body) == 1 else body
    if inner is None or isinstance(inner, dict | list) or endpoint.response is None:
        return body
    fields = endpoint.response.__econtract__.fields
    if any(field.wire == endpoint.name for field in fields):
        return {endpoint.name: inner}
    return body


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
        return self._client._decoder.one(scalar_answer(body, endpoint), response, endpoint)

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
        return self._client._decoder.many(body, response, endpoint)
