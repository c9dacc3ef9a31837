"""The request value object that resources build, auth strategies amend and the transport encodes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import attrs

if TYPE_CHECKING:
    from ._meta import Api, EndpointMeta

__all__ = ["OutgoingRequest"]


@attrs.define(slots=True, eq=False)
class OutgoingRequest:
    """A request before encoding: its parameters are still `(name, value)` text pairs.

    Both APIs carry every parameter, credentials included, in the query string (GET) or the
    form body (POST), so auth strategies append to `params` rather than set headers.
    """

    api: Api
    method: Literal["GET", "POST"]
    path: str
    """The path with its placeholders filled, e.g. `/api/clients/63`."""
    params: list[tuple[str, str]]
    """Query (GET) or form (POST) pairs in wire order; credentials are appended by the auth."""
    end_user_ip: str | None = None
    """The visitor's IP address a web backend acts for (signed into product-API requests)."""
    endpoint: EndpointMeta | None = None
    attempt: int = 1
    """1 for the first try, 2 for the first retry, ..."""

    @property
    def in_query(self) -> bool:
        """Whether the parameters travel in the query string (GET) rather than a form body."""
        return self.method == "GET"

    def copy(self) -> OutgoingRequest:
        """A copy with its own parameter list, so a retry can be signed afresh."""
        return attrs.evolve(self, params=list(self.params))
