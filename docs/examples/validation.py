"""Validation: every bad field at once, before sending; and how to send what the SDK cannot verify."""

from __future__ import annotations

from econtract_async import EcontractClient, RequestOptions, ValidationError, unverified
from econtract_async.crm import NewClient, ThirdPartyLead


async def main(ec: EcontractClient) -> None:
    """Show the collected errors, dict input, and the two ways around a check."""
    wires: list[str] = []
    try:
        NewClient(
            gender=1,
            segment=1,
            first_name="Jan",
            last_name="Peeters",
            cellphone="12",
            email="jan.example.be",
            language="de",  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        for error in exc.errors:  # FieldError(path, wire, message)
            print(error)
        wires = [e.wire for e in exc.errors]
    assert wires == ["cellphone", "email", "language"]

    # A CSV row: wire names, text values; "" means "not given".
    row = {
        "first_name": "Lotte",
        "last_name": "Janssens",
        "email": "lotte@example.be",
        "language": "nl",
        "cellphone": "0471 23 45 67",
        "supplier_id": "5",
        "is_realtime": "1",
        "call_at": "2026-12-01 15:30",
        "address_street": "Kerkstraat",
        "address_nr": "10A",
        "address_postal_code": "3500",
        "address_city": "Hasselt",
        "address_country": "BE",
    }
    lead = ThirdPartyLead.from_mapping(row)
    assert lead.supplier_id == 5
    assert lead.is_realtime is True

    # A format the SDK cannot verify, and a parameter the docs do not list.
    client = NewClient(
        gender=1,
        segment=1,
        first_name="Chloé",
        last_name="Dubois",
        cellphone=unverified("+33 6 12 34 56 78"),
        email="chloe@example.fr",
        language="fr",
    )
    created = await ec.crm.clients.create(
        client, options=RequestOptions(extra_params={"utm_source": "newsletter"})
    )
    print("created client", created.id)
    await ec.crm.leads.create(lead)
