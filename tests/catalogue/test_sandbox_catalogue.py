"""The sandbox's catalogue changes at run time, and `last_updated` moves with it."""

from __future__ import annotations

import datetime

import httpx
import pytest

from econtract_async import EcontractClient, ServerError
from econtract_async.sandbox import Sandbox, serve_in_thread
from econtract_async.sandbox._sandbox import _catalogue


@pytest.mark.asyncio
async def test_a_change_moves_last_updated_for_its_type_only(
    ec: EcontractClient, sandbox: Sandbox
) -> None:
    """The changed product is dearer and newest; other types' `last_updated` stands still."""
    internet = await ec.product.products.last_updated(cat="internet")
    gas = await ec.product.products.last_updated(cat="gas")
    before = await ec.product.products.list(cat="internet")
    change = sandbox.change_catalogue(cat="internet")
    after = await ec.product.products.list(cat="internet")
    moved = await ec.product.products.last_updated(cat="internet")
    assert moved != internet
    served = sandbox.catalogue.last_updated(cat="internet")  # the real answer is its date (D-105)
    assert served["last_update_timestamp"] == change.last_update
    assert moved.last_updated == datetime.datetime.fromisoformat(served["last_update"])
    assert await ec.product.products.last_updated(cat="gas") == gas
    (old,) = [p for p in before if p.product_id == change.product_ids[0]]
    (new,) = [p for p in after if p.product_id == change.product_ids[0]]
    assert old.price is not None
    assert new.price is not None
    assert new.price.monthly == pytest.approx((old.price.monthly or 0) + 1)
    assert [
        p.product_id for p in after if p != next(q for q in before if q.product_id == p.product_id)
    ] == list(change.product_ids)


def test_a_change_leaves_other_sandboxes_alone() -> None:
    """The seeded catalogue is shared between sandboxes: a change copies it."""
    with Sandbox() as changed, Sandbox() as other:
        changed.change_catalogue(product_ids=[3, 4])
        assert other.catalogue is _catalogue(2026)
        assert changed.catalogue is not other.catalogue
        assert changed.catalogue.product(3) != other.catalogue.product(3)
        assert changed.catalogue.product(5) is other.catalogue.product(5)
        with pytest.raises(ValueError, match="unknown product ids"):
            changed.change_catalogue(product_ids=[99_999])
        with pytest.raises(ValueError, match="unknown product type"):
            changed.change_catalogue(cat="bikes")


def test_the_admin_endpoint_changes_the_catalogue_and_reports_calls() -> None:
    """`POST /_sandbox/catalogue` changes it on a live sandbox; `GET` shows the calls counted."""
    with Sandbox() as sandbox, serve_in_thread(sandbox) as live:
        before = sandbox.catalogue
        answer = httpx.post(f"{live.base_url}/_sandbox/catalogue", json={"cat": "mobile"})
        assert answer.status_code == 200
        assert sandbox.catalogue is not before
        (changed,) = answer.json()["product_ids"]
        assert sandbox.catalogue.product(changed).producttype == "mobile"  # type: ignore[union-attr]
        bad = httpx.post(f"{live.base_url}/_sandbox/catalogue", json={"product_ids": ["x"]})
        assert bad.status_code == 400
        sandbox.calls["product.products.list"] += 2
        assert httpx.get(f"{live.base_url}/_sandbox/catalogue").json() == {
            "calls": {"product.products.list": 2}
        }


@pytest.mark.asyncio
async def test_calls_are_counted_by_endpoint_and_faults_are_not(
    ec: EcontractClient, sandbox: Sandbox
) -> None:
    """Only requests a handler answered count."""
    await ec.product.suppliers.list()
    sandbox.set_faults(script=("503",))
    with pytest.raises(ServerError):
        await ec.product.suppliers.list()
    assert sandbox.calls == {"product.suppliers.list": 1}
