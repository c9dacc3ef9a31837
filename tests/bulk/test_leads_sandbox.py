"""Bulk lead import against the sandbox on a real loopback socket (`BulkLeadsMixin`)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from econtract_async import EcontractClient
from econtract_async._bulk import OutcomeKind
from econtract_async.sandbox import Faults, LiveSandbox, Sandbox, serve_in_thread
from econtract_async.testing import client_for

pytestmark = [pytest.mark.anyio, pytest.mark.integration]


@pytest.fixture
def anyio_backend() -> str:
    """The loopback tests run on asyncio (the primitive is covered on trio elsewhere)."""
    return "asyncio"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveSandbox]:
    """A sandbox with its CRM in a file, served on a free loopback port."""
    sandbox = Sandbox(db=tmp_path / "crm.db")
    with serve_in_thread(sandbox) as served:
        yield served
    sandbox.close()


@pytest.fixture
async def ec(live: LiveSandbox) -> AsyncIterator[EcontractClient]:
    """A client of the live sandbox."""
    async with client_for(live) as client:
        yield client


def stored_emails(live: LiveSandbox) -> Counter[str]:
    """How many times the sandbox CRM holds a lead with each e-mail address."""
    with sqlite3.connect(live.sandbox.store.path) as db:
        rows = db.execute("SELECT data FROM leads").fetchall()
    return Counter(json.loads(data)["email"] for (data,) in rows)


def lead_rows(count: int, *, bad_every: int = 0) -> Iterator[dict[str, str]]:
    """Third-party lead rows in wire names; every `bad_every`-th row has two bad fields."""
    for n in range(count):
        bad = bad_every and n % bad_every == bad_every - 1
        yield {
            "first_name": "" if bad else f"Jan{n}",
            "last_name": "Peeters",
            "email": f"jan{n}@example" if bad else f"jan{n}@example.be",
            "language": "nl",
            "cellphone": "0499656565",
            "address_street": "Kerkstraat",
            "address_nr": str(n % 200 + 1),
            "address_postal_code": "3500",
            "address_city": "Hasselt",
            "address_country": "BE",
        }


def valid_emails(count: int, *, bad_every: int = 0) -> set[str]:
    """The e-mail addresses of the valid rows of `lead_rows(count, bad_every=...)`."""
    return {
        f"jan{n}@example.be"
        for n in range(count)
        if not (bad_every and n % bad_every == bad_every - 1)
    }


async def test_an_import_stopped_half_way_resumes_with_each_lead_stored_once(
    ec: EcontractClient, live: LiveSandbox, tmp_path: Path
) -> None:
    """Stop after 60 outcomes, resume with the same journal: every valid row is stored once."""
    journal = tmp_path / "leads.journal.db"
    async with ec.crm.leads.bulk_create(
        lead_rows(300, bad_every=25), lead_type="third_party", journal=journal, concurrency=6
    ) as run:
        seen = 0
        async for _ in run:
            seen += 1
            if seen == 60:
                run.stop()
    assert run.summary.stopped
    assert run.summary.total < 300

    resumed = await ec.crm.leads.bulk_create(
        lead_rows(300, bad_every=25), lead_type="third_party", journal=journal
    )
    assert not resumed.stopped
    assert resumed.skipped == run.summary.created
    assert resumed.created + resumed.skipped == len(valid_emails(300, bad_every=25))
    stored = stored_emails(live)
    assert set(stored) == valid_emails(300, bad_every=25)
    assert set(stored.values()) == {1}


async def test_under_injected_faults_every_row_ends_in_one_outcome(
    ec: EcontractClient, live: LiveSandbox, tmp_path: Path
) -> None:
    """With 5xx, 429 and dropped connections injected, counts add up and nothing duplicates."""
    live.set_faults(
        Faults(
            error_rates={500: 0.04, 502: 0.03, 503: 0.05},
            rate_limit_rate=0.05,
            retry_after=0,
            drop_rate=0.04,
            seed=11,
        )
    )
    async with ec.crm.leads.bulk_create(
        lead_rows(400),
        lead_type="third_party",
        journal=tmp_path / "j.db",
        concurrency=8,
        retry_backoff=0,
    ) as run:
        outcomes = [outcome async for outcome in run]
    kinds = Counter(outcome.kind for outcome in outcomes)
    assert sorted(o.position for o in outcomes) == list(range(400))
    assert run.summary.total == 400
    assert kinds[OutcomeKind.UNKNOWN] > 0  # 500, 502 and dropped connections: may be stored
    assert run.stats.rate_limited > 0
    assert run.stats.retries > 0

    stored = stored_emails(live)
    assert set(stored.values()) == {1}
    created = {o.row["email"] for o in outcomes if o.kind is OutcomeKind.CREATED}
    unknown = {o.row["email"] for o in outcomes if o.kind is OutcomeKind.UNKNOWN}
    failed = {o.row["email"] for o in outcomes if o.kind is OutcomeKind.FAILED}
    assert created <= set(stored)
    assert not failed & set(stored)
    assert set(stored) <= created | unknown


async def test_invalid_leads_carry_every_field_error_and_are_never_sent(
    ec: EcontractClient, live: LiveSandbox
) -> None:
    """Rows with bad fields end invalid with all their errors; the CRM never sees them."""
    async with ec.crm.leads.bulk_create(lead_rows(20, bad_every=5), lead_type="third_party") as run:
        invalid = [o async for o in run if o.kind is OutcomeKind.INVALID]
    assert [o.position for o in invalid] == [4, 9, 14, 19]
    assert {e.wire for e in invalid[0].errors} == {"first_name", "email"}
    assert set(stored_emails(live)) == valid_emails(20, bad_every=5)


async def test_three_shards_store_every_lead_exactly_once(
    ec: EcontractClient, live: LiveSandbox, tmp_path: Path
) -> None:
    """Shards 0/3, 1/3 and 2/3, each with its own journal, together store each row once."""
    for index in range(3):
        await ec.crm.leads.bulk_create(
            lead_rows(90), lead_type="third_party", shard=(index, 3), journal=tmp_path / f"{index}"
        )
    stored = stored_emails(live)
    assert set(stored) == valid_emails(90)
    assert set(stored.values()) == {1}
