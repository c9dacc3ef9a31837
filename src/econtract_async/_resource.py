"""The base of every generated resource: a thin bridge from a typed method to the client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ._client import EcontractClient
    from ._meta import EndpointMeta
    from ._options import RequestOptions

__all__ = ["Resource"]

T = TypeVar("T")


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
        return self._client._decoder.one(body, response, endpoint)

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
