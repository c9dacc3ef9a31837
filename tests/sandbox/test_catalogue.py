"""Tests of `econtract_async.sandbox._catalogue`."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from econtract_async.sandbox._catalogue import DETAIL_PARTS, IDENTITY_KEYS, Catalogue


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    """The default catalogue."""
    return Catalogue()


def test_catalogue_has_at_least_200_products_of_every_type(catalogue: Catalogue) -> None:
    """The five product types are all well stocked."""
    counts = Counter(p.producttype for p in catalogue.products)
    assert sum(counts.values()) >= 200
    assert set(counts) == {"internet", "mobile", "electricity", "gas", "dualfuel_pack"}
    assert min(counts.values()) >= 30


def test_same_seed_same_catalogue_other_seed_other_catalogue() -> None:
    """Seeding makes the catalogue identical across runs."""
    one, two, other = Catalogue(5), Catalogue(5), Catalogue(6)
    assert one.search(cat="gas") == two.search(cat="gas")
    assert one.search(cat="gas") != other.search(cat="gas")


def test_product_has_the_documented_shape(catalogue: Catalogue) -> None:
    """Every key of the docs' example product is served, with the same JSON types."""
    example = {
        "producttype": "internet",
        "product_id": "2",
        "group_id": "0",
        "segment": "consumer",
        "last_update": "2009-10-02 15:35:08",
        "last_update_timestamp": 1254490508,
        "contract_periods": ["12"],
        "availability": {"flanders": True, "wallonia": True, "brussels": True},
        "texts": {"name": "", "oneliner": "", "explanation": "", "remarks": ""},
        "links": {"terms_conditions": None, "clickout": ""},
        "supplier": {"supplier_id": "36", "name": "", "logo": {}},
        "options": [],
        "promotions": [],
        "specifications": {},
        "price": {},
    }
    for product in catalogue.search(cat="internet"):
        assert list(product) == list(example)
        assert isinstance(product["product_id"], str)
        assert isinstance(product["last_update_timestamp"], int)
        assert set(product["texts"]) == set(example["texts"])
        assert set(product["links"]) == set(example["links"])
        assert set(product["supplier"]["logo"]) == {"100x70", "60x42", "80x30"}
        for sizes in product["supplier"]["logo"].values():
            assert set(sizes) == {"color", "grayscale"}
            assert all(url.startswith("https://static.example.invalid/") for url in sizes.values())
        assert all(set(spec) == {"value", "unit"} for spec in product["specifications"].values())
        assert {"monthly", "activation", "line_rental"} <= set(product["price"])


def test_last_update_text_matches_its_timestamp(catalogue: Catalogue) -> None:
    """last_update is last_update_timestamp written in UTC."""
    import datetime

    for product in catalogue.search(cat="mobile"):
        moment = datetime.datetime.fromtimestamp(product["last_update_timestamp"], datetime.UTC)
        assert product["last_update"] == moment.strftime("%Y-%m-%d %H:%M:%S")


def test_texts_follow_the_language(catalogue: Catalogue) -> None:
    """The same product is named in Dutch or French."""
    (dutch,) = catalogue.search(cat="gas", product_ids=[catalogue.select(cat="gas")[0].product_id])
    (french,) = catalogue.search(
        cat="gas", lang="fr", product_ids=[catalogue.select(cat="gas")[0].product_id]
    )
    assert dutch["texts"]["name"] != french["texts"]["name"]
    assert "/nl/" in dutch["links"]["clickout"]
    assert "/fr/" in french["links"]["clickout"]


def test_filters_narrow_the_list(catalogue: Catalogue) -> None:
    """Segment, supplier and status filters each apply."""
    assert {p["segment"] for p in catalogue.search(cat="internet", segment="sme")} == {"sme"}
    suppliers = {
        p["supplier"]["supplier_id"] for p in catalogue.search(cat="gas", supplier_ids=[15])
    }
    assert suppliers == {"15"}
    active = catalogue.select(cat="internet")
    every = catalogue.select(cat="internet", statuses=(0, 1, 2))
    assert {p.status for p in active} == {1}
    assert len(every) > len(active)


def test_product_id_filter_returns_exactly_those_products(catalogue: Catalogue) -> None:
    """productid picks the given active products of the category."""
    wanted = [p.product_id for p in catalogue.select(cat="internet")[:3]]
    found = catalogue.search(cat="internet", product_ids=wanted)
    assert sorted(int(p["product_id"]) for p in found) == sorted(wanted)


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("sort_price", lambda p: p.sort_price, False),
        ("rat", lambda p: p.rating, True),
        ("n", lambda p: p.names["nl"].lower(), False),
    ],
)
def test_sorts_order_the_list(catalogue: Catalogue, sort: str, key: object, reverse: bool) -> None:
    """Each documented sort orders the products accordingly."""
    served = [int(p["product_id"]) for p in catalogue.search(cat="electricity", sort=sort)]
    values = [key(catalogue.product(i)) for i in served]  # type: ignore[operator]
    assert values == sorted(values, reverse=reverse)


def test_limit_cuts_the_list(catalogue: Catalogue) -> None:
    """limit caps the number of products."""
    assert len(catalogue.search(cat="mobile", limit=3)) == 3


def test_detaillevel_serves_only_those_parts_and_identity(catalogue: Catalogue) -> None:
    """Asked-for parts plus the identity keys, nothing else; unknown-but-documented parts are empty."""
    (product,) = catalogue.search(cat="internet", limit=1, parts=["texts", "price", "reviews"])
    assert list(product) == [*IDENTITY_KEYS, "texts", "price", "reviews"]
    assert product["reviews"] == []
    (full,) = catalogue.search(cat="internet", limit=1)
    assert list(full) == [*IDENTITY_KEYS, *DETAIL_PARTS]


def test_last_updated_is_the_newest_matching_update(catalogue: Catalogue) -> None:
    """last_updated is the maximum over the products that match its filters."""
    gas = catalogue.select(cat="gas")
    newest = max(p.last_update for p in gas)
    assert catalogue.last_updated(cat="gas")["last_update_timestamp"] == newest
    supplier = gas[0].supplier_id
    of_supplier = max(p.last_update for p in gas if p.supplier_id == supplier)
    found = catalogue.last_updated(cat="gas", supplier_id=supplier)
    assert found["last_update_timestamp"] == of_supplier
    assert catalogue.last_updated(cat="nothing") == {
        "last_update": None,
        "last_update_timestamp": None,
    }


def test_catalogue_is_json_serialisable(catalogue: Catalogue) -> None:
    """Every product renders to JSON without loss."""
    products = catalogue.search(cat="dualfuel_pack", statuses=(0, 1, 2))
    assert json.loads(json.dumps(products)) == products
