"""A FastAPI app with one `EcontractClient` for its lifetime, handed to endpoints by a dependency."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

import econtract_async as ea
from econtract_async import EcontractClient

log = logging.getLogger("shop")

TRUSTED_PROXIES = frozenset({"127.0.0.1", "10.0.0.2"})
"""The reverse proxies in front of the app: only they may say who the visitor is."""


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the one client (and its connection pool) at startup, close it at shutdown."""
    async with EcontractClient.from_env() as ec:
        app.state.econtract = ec
        yield


def visitor_ip(request: Request) -> str | None:
    """The visitor's address, trusting `X-Forwarded-For` only as far as our own proxies.

    Walk the header from the right (the hop our proxy appended) past every trusted proxy; the
    first address that is not one is the visitor. A peer that is not a trusted proxy is the
    visitor itself, whatever headers it sends.
    """
    peer = request.client.host if request.client else None
    if peer not in TRUSTED_PROXIES:
        return peer
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([*filter(None, hops), peer]):
        if hop in TRUSTED_PROXIES:
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return None  # a forged or garbled hop: sign no address rather than a wrong one
    return peer


def econtract(request: Request) -> EcontractClient:
    """The dependency: the app's client, signing product-API calls with this visitor's IP."""
    ec: EcontractClient = request.app.state.econtract
    ip = visitor_ip(request)
    return ec.with_options(end_user_ip=ip) if ip else ec


Econtract = Annotated[EcontractClient, Depends(econtract)]

ERROR_STATUS: tuple[tuple[type[ea.EcontractError], int], ...] = (
    (ea.ValidationError, 422),  # the visitor's input breaks a rule; nothing was sent
    (ea.NotFoundError, 404),  # no such record in the CRM
    (ea.BadRequestError, 422),  # the API refused the input our checks let through
    (ea.RateLimitError, 503),  # the API is shedding load: ask the visitor to come back
    (ea.RequestTimeoutError, 504),  # the API did not answer in time
    (ea.AuthenticationError, 500),  # our credentials are wrong: our fault, not the visitor's
    (ea.ConfigurationError, 500),
    (ea.ClientClosedError, 500),
    (ea.EcontractError, 502),  # any other upstream failure: transport, 5xx, bad answer
)
"""SDK error -> HTTP status of our answer; the first class that matches wins."""


def status_for(error: ea.EcontractError) -> int:
    """The HTTP status our app answers for `error` (see `ERROR_STATUS`)."""
    return next(status for cls, status in ERROR_STATUS if isinstance(error, cls))


app = FastAPI(lifespan=lifespan)


@app.exception_handler(ea.EcontractError)
async def econtract_error(request: Request, error: Exception) -> JSONResponse:
    """Answer an SDK error with its status; only validation details reach the visitor."""
    assert isinstance(error, ea.EcontractError)
    status = status_for(error)
    body: dict[str, Any] = {"detail": "upstream error" if status >= 500 else "refused"}
    headers: dict[str, str] = {}
    if isinstance(error, ea.ValidationError):
        body = {"detail": [{"field": e.path, "message": e.message} for e in error.errors]}
    elif isinstance(error, ea.NotFoundError):
        body = {"detail": "not found"}
    elif isinstance(error, ea.RateLimitError) and error.retry_after is not None:
        headers["Retry-After"] = str(round(error.retry_after))
    if status >= 500:
        log.warning("econtract call failed: %s", error)  # redacted: safe to log
    return JSONResponse(body, status_code=status, headers=headers)


class ClientIn(BaseModel):
    """What our sign-up form posts; the SDK checks every field before sending."""

    gender: int
    segment: int
    first_name: str
    last_name: str
    cellphone: str
    email: str
    language: str


@app.get("/products/{cat}")
async def products(cat: str, ec: Econtract) -> list[dict[str, Any]]:
    """The first five products of one category, priced for this visitor."""
    found = await ec.products.list(cat=cat, limit=5)
    return [{"id": p.product_id, "name": p.texts.name if p.texts else None} for p in found]


@app.post("/clients", status_code=201)
async def create_client(form: ClientIn, ec: Econtract) -> dict[str, Any]:
    """Create (or find) the CRM client for a sign-up."""
    client = await ec.crm.clients.create(form.model_dump())
    return {"id": client.id, "email": client.email}


@app.get("/clients/{client_id}")
async def get_client(client_id: int, ec: Econtract) -> dict[str, Any]:
    """One CRM client, as our front end shows it."""
    client = await ec.crm.clients.get(client_id)
    return {"id": client.id, "name": f"{client.first_name} {client.last_name}"}


@app.get("/crm/clients/{client_id}")
async def client_record(client_id: int, ec: Econtract) -> dict[str, Any]:
    """The CRM's whole record of one client: the SDK model itself, by `to_dict()`.

    FastAPI writes the dict as JSON (dates as ISO text); `Client.from_dict(answer)` reads it
    back. The shape is the SDK's, so it gains fields when the SDK's models do.
    """
    client = await ec.crm.clients.get(client_id)
    return client.to_dict()
