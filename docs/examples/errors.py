"""Handling errors: bad input never leaves the process; API errors carry the server's answer."""

from __future__ import annotations

from econtract_async import (
    APIError,
    EcontractClient,
    NotFoundError,
    RequestOptions,
    TransportError,
    ValidationError,
)


async def main(ec: EcontractClient) -> None:
    """Show one error of each family the caller handles differently."""
    bad: list[str] = []
    try:
        await ec.crm.clients.create(
            gender=1,
            segment=1,
            first_name="Jan",
            last_name="Peeters",
            cellphone="12",
            email="jan.example.be",
            language="nl",
            nationality="Belgium",
        )
    except ValidationError as exc:
        # Raised before sending: every bad field at once.
        bad = sorted(error.wire for error in exc.errors)
        print(exc)
    assert bad == ["cellphone", "email", "nationality"]

    status = None
    try:
        await ec.crm.clients.get(999_999, options=RequestOptions(max_retries=0))
    except NotFoundError as exc:
        print(exc.status_code, exc.api_message)
        status = exc.status_code
    except APIError as exc:  # 400, 401, 429, 5xx: the API answered with an error
        raise AssertionError(exc) from exc
    except TransportError as exc:  # no answer: connect error, timeout, broken connection
        print("try again later:", exc, exc.may_have_reached_server)
        raise
    assert status == 404
