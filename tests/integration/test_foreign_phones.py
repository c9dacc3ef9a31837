"""Foreign national phone numbers on leads, through the SDK against the sandbox on loopback (D-132).

The sandbox reads every phone parameter by the SDK's own rule (`_vocabulary.check_phone_in`,
with the country the companion field sent), so both accept exactly the same numbers: numbers the
SDK refuses are sent here with `unverified()` to see the sandbox refuse them too.
"""

from __future__ import annotations

import pytest
from resources.wire import GERMAN_LEAD

from econtract_async import BadRequestError, EcontractClient, ValidationError, unverified
from econtract_async.crm import CreatedLead, Lead, NewClient

pytestmark = [pytest.mark.asyncio, pytest.mark.integration]

CASES = [
    ("01511234567", "DE"),
    ("01511234567", "de"),
    ("01511234567", "BE"),
    ("01511234567", None),
    ("0800 1234", "NL"),
    ("0800 1234", None),
    ("06 12 34 56 78", "FR"),
    ("0471234567", None),
    ("0471234567", "BE"),
    ("+49 151 1234567", None),
    ("0151", "DE"),
    ("12", None),
]


def sdk_accepts(number: str, country: str | None) -> bool:
    try:
        Lead(**GERMAN_LEAD, cellphone=number, cellphone_country=country)
    except ValidationError:
        return False
    return True


async def test_a_german_national_number_with_its_country_creates_a_lead(
    ec: EcontractClient,
) -> None:
    """The issue's case: `01511234567` with `cellphone_country=DE`, accepted end to end."""
    created = await ec.crm.leads.create(
        **GERMAN_LEAD, cellphone="01511234567", cellphone_country="DE"
    )
    assert type(created) is CreatedLead
    assert created.id is not None


@pytest.mark.parametrize(("number", "country"), CASES)
async def test_the_sandbox_accepts_exactly_what_the_sdk_accepts(
    number: str, country: str | None, ec: EcontractClient
) -> None:
    """Same numbers on both sides: what the SDK refuses, the sandbox refuses, naming the field."""
    lead = Lead(**GERMAN_LEAD, cellphone=unverified(number), cellphone_country=country)
    if sdk_accepts(number, country):
        assert (await ec.crm.leads.create(lead)).id is not None
        return
    with pytest.raises(BadRequestError) as caught:
        await ec.crm.leads.create(lead)
    assert "Parameter cellphone is invalid: not a phone number" in caught.value.api_message
    if country not in (None, "BE"):
        assert f"for {country.upper()}" in caught.value.api_message


async def test_a_phone_without_a_country_field_keeps_the_belgian_rule(
    ec: EcontractClient,
) -> None:
    """A client has no country field for its phones: a German national number is refused there."""
    client = NewClient(
        gender=1,
        segment=1,
        first_name="Anna",
        last_name="Schmidt",
        cellphone=unverified("01511234567"),
        email="anna.client@example.de",
        language="nl",
    )
    with pytest.raises(BadRequestError) as caught:
        await ec.crm.clients.create(client)
    assert "Parameter cellphone is invalid" in caught.value.api_message
