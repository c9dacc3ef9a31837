"""A fictional product catalogue, seeded so that every run serves exactly the same products.

The products have the JSON shape of the product-API docs' example response (`product-api.md`,
"The result"): string ids, `last_update` and its timestamp, contract periods, availability,
texts in Dutch and French, links, a supplier with logos in three sizes, options, promotions,
`specifications` (name -> value and unit) and a price. Suppliers are invented Belgian-sounding
names; every URL points at `example.invalid`.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Collection, Iterable
from typing import Any

import attrs

from ._catalogue_data import NAMES, SUPPLIERS, specifications_and_price

__all__ = [
    "DETAIL_PARTS",
    "IDENTITY_KEYS",
    "PRODUCT_TYPES",
    "SORTS",
    "Catalogue",
    "CatalogueChange",
    "Product",
]

PRODUCT_TYPES = ("internet", "mobile", "electricity", "gas", "dualfuel_pack")
COUNTS = {"internet": 50, "mobile": 45, "electricity": 45, "gas": 35, "dualfuel_pack": 35}
IDENTITY_KEYS = (
    "producttype",
    "product_id",
    "group_id",
    "segment",
    "last_update",
    "last_update_timestamp",
)
"""Keys every product carries, whatever `detaillevel` asks for."""
DETAIL_PARTS = (
    "contract_periods",
    "availability",
    "texts",
    "links",
    "supplier",
    "options",
    "promotions",
    "specifications",
    "price",
)
"""The parts of the docs' example, in its order; served when no `detaillevel` is given."""
EXTRA_PARTS = ("attachments", "reviews", "order_preferences")
"""Parts the docs list for `detaillevel` that the sandbox serves empty when asked for."""
SORTS = ("fn", "sort_price", "n", "rat")
FIRST_UPDATE = 1_672_531_200  # 2023-01-01 00:00:00 UTC
LAST_UPDATE = 1_790_000_000  # 2026-09-21, before "today" in every demo


def _slug(text: str) -> str:
    """Lower-case ASCII words joined by dashes, for URLs."""
    ascii_text = text.lower().translate(str.maketrans("éèëêàç", "eeeeac"))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


@attrs.frozen
class Product:
    """One catalogue product: its fixed data plus what sorting and filtering need."""

    product_id: int
    producttype: str
    segment: str
    status: int
    """0 inactive, 1 active, 2 archived (product-api.md, `status`)."""
    rating: float
    supplier_id: int
    last_update: int
    names: dict[str, str]
    """Product name per language."""
    body: dict[str, Any]
    """Every part that does not depend on the language."""
    texts: dict[str, dict[str, str]]
    sort_price: float

    def render(self, lang: str, parts: Collection[str] | None = None) -> dict[str, Any]:
        """The product as the API serves it in `lang`, limited to `parts` when given."""
        lang = lang if lang in self.texts else "nl"
        supplier_name = self.body["supplier"]["name"]
        full: dict[str, Any] = {
            "producttype": self.producttype,
            "product_id": str(self.product_id),
            "group_id": "0",
            "segment": self.segment,
            "last_update": _format(self.last_update),
            "last_update_timestamp": self.last_update,
            "contract_periods": self.body["contract_periods"],
            "availability": self.body["availability"],
            "texts": self.texts[lang],
            "links": {
                "terms_conditions": self.body["terms_conditions"],
                "clickout": (
                    f"https://www.example.invalid/{lang}/{self.producttype}/"
                    f"{_slug(supplier_name)}/{_slug(self.names[lang])}/bestel"
                ),
            },
            "supplier": self.body["supplier"],
            "options": self.body["options"],
            "promotions": self.body["promotions"],
            "specifications": self.body["specifications"],
            "price": self.body["price"],
        }
        if parts is None:
            return full
        out = {key: full[key] for key in IDENTITY_KEYS}
        for part in parts:
            if part in full:
                out[part] = full[part]
            elif part in EXTRA_PARTS:
                out[part] = []
        return out


def _format(timestamp: int) -> str:
    """`YYYY-MM-DD HH:MM:SS` in UTC."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(timestamp))


def _logo(host: str, slug: str) -> dict[str, dict[str, str]]:
    """The three logo sizes of a supplier, in color and grayscale."""
    folders = {"100x70": "logos", "60x42": "midsize", "80x30": "thumbs"}
    return {
        size: {
            "color": f"{host}/brands/{folder}/{slug}.png",
            "grayscale": f"{host}/brands/{folder}/gray/{slug}.png",
        }
        for size, folder in folders.items()
    }


class Catalogue:
    """The seeded products, and the product API's filters, sorts and detail levels over them.

    Args:
        seed: the seed of the generator; the same seed always yields the same catalogue.
        static_host: where logos and terms live.
    """

    def __init__(
        self, seed: int = 2026, *, static_host: str = "https://static.example.invalid"
    ) -> None:
        self.seed = seed
        rng = random.Random(seed)
        products: list[Product] = []
        for producttype in PRODUCT_TYPES:
            suppliers = [s for s in SUPPLIERS if producttype in s[2]]
            for index in range(COUNTS[producttype]):
                product_id = len(products) + 1
                products.append(
                    self._product(
                        rng, product_id, producttype, suppliers[index % len(suppliers)], static_host
                    )
                )
        self.products: tuple[Product, ...] = tuple(products)
        self._by_id = {p.product_id: p for p in products}

    @staticmethod
    def _product(
        rng: random.Random,
        product_id: int,
        producttype: str,
        supplier: tuple[int, str, tuple[str, ...]],
        host: str,
    ) -> Product:
        """Draw one product."""
        supplier_id, supplier_name, _ = supplier
        slug = _slug(supplier_name)
        tier_nl, tier_fr, blurb_nl, blurb_fr = rng.choice(NAMES[producttype])
        size = rng.choice(("S", "M", "L", "XL", "2026", "Plus", "Pro"))
        names = {"nl": f"{tier_nl} {size}", "fr": f"{tier_fr} {size}"}
        specifications, price, sort_price = specifications_and_price(rng, producttype)
        regions = [rng.random() < 0.85 for _ in range(3)]
        if not any(regions):
            regions[0] = True
        promotions = []
        if rng.random() < 0.3:
            promotions.append(
                {
                    "promotion_id": str(1000 + product_id),
                    "name": f"{rng.choice((1, 2, 3, 6))} maanden korting",
                    "discount": round(rng.uniform(5, 60), 2),
                    "valid_until": "2027-03-31",
                }
            )
        options = []
        if producttype in ("internet", "mobile") and rng.random() < 0.4:
            options.append(
                {
                    "option_id": str(500 + product_id),
                    "name": "Extra data",
                    "price": round(rng.uniform(2, 10), 2),
                }
            )
        periods = rng.choice((["0"], ["12"], ["12", "24"], ["0", "12", "36"]))
        body = {
            "contract_periods": periods,
            "availability": dict(zip(("flanders", "wallonia", "brussels"), regions, strict=True)),
            "terms_conditions": None
            if rng.random() < 0.2
            else f"{host}/terms/{slug}/{product_id}.pdf",
            "supplier": {
                "supplier_id": str(supplier_id),
                "name": supplier_name,
                "logo": _logo(host, slug),
            },
            "options": options,
            "promotions": promotions,
            "specifications": specifications,
            "price": price,
        }
        texts = {
            "nl": {"name": names["nl"], "oneliner": blurb_nl, "explanation": "", "remarks": ""},
            "fr": {"name": names["fr"], "oneliner": blurb_fr, "explanation": "", "remarks": ""},
        }
        status = rng.choices((1, 2, 0), weights=(85, 10, 5))[0]
        return Product(
            product_id=product_id,
            producttype=producttype,
            segment=rng.choices(("consumer", "sme"), weights=(70, 30))[0],
            status=status,
            rating=round(rng.uniform(5.0, 9.6), 1),
            supplier_id=supplier_id,
            last_update=rng.randrange(FIRST_UPDATE, LAST_UPDATE),
            names=names,
            body=body,
            texts=texts,
            sort_price=sort_price,
        )

    def suppliers(self) -> list[dict[str, Any]]:
        """Every supplier once, as products show them (`supplier_id`, `name`, `logo`)."""
        seen: dict[str, dict[str, Any]] = {}
        for product in self.products:
            supplier = product.body["supplier"]
            seen.setdefault(supplier["supplier_id"], supplier)
        return sorted(seen.values(), key=lambda s: int(s["supplier_id"]))

    def product(self, product_id: int) -> Product | None:
        """The product with this id, whatever its type or status."""
        return self._by_id.get(product_id)

    def select(
        self,
        *,
        cat: str | None = None,
        segment: str | None = None,
        supplier_ids: Iterable[int] = (),
        product_ids: Iterable[int] = (),
        statuses: Iterable[int] = (1,),
    ) -> list[Product]:
        """Products matching every filter given (an empty filter matches everything)."""
        suppliers = set(supplier_ids)
        ids = set(product_ids)
        wanted = set(statuses)
        return [
            p
            for p in self.products
            if (cat is None or p.producttype == cat)
            and (not segment or p.segment == segment)
            and (not suppliers or p.supplier_id in suppliers)
            and (not ids or p.product_id in ids)
            and p.status in wanted
        ]

    def search(
        self,
        *,
        cat: str,
        lang: str = "nl",
        segment: str | None = None,
        supplier_ids: Iterable[int] = (),
        product_ids: Iterable[int] = (),
        statuses: Iterable[int] = (1,),
        sort: str = "fn",
        limit: int | None = None,
        parts: Collection[str] | None = None,
    ) -> list[dict[str, Any]]:
        """The product list endpoint: filter, sort, limit, then render in `lang`."""
        found = self.select(
            cat=cat,
            segment=segment,
            supplier_ids=supplier_ids,
            product_ids=product_ids,
            statuses=statuses,
        )
        language = lang if lang in ("nl", "fr") else "nl"
        keys = {
            "fn": lambda p: (
                f"{p.body['supplier']['name']} {p.names[language]}".lower(),
                p.product_id,
            ),
            "n": lambda p: (p.names[language].lower(), p.product_id),
            "sort_price": lambda p: (p.sort_price, p.product_id),
            "rat": lambda p: (-p.rating, p.product_id),
        }
        found.sort(key=keys.get(sort, keys["fn"]))
        if limit is not None:
            found = found[: max(limit, 0)]
        return [p.render(language, parts) for p in found]

    def last_updated(
        self,
        *,
        cat: str | None = None,
        supplier_id: int | None = None,
        statuses: Iterable[int] = (1,),
    ) -> dict[str, Any]:
        """The newest `last_update` over the matching products (`null` when none match)."""
        found = self.select(
            cat=cat,
            supplier_ids=() if supplier_id is None else (supplier_id,),
            statuses=statuses,
        )
        if not found:
            return {"last_update": None, "last_update_timestamp": None}
        newest = max(p.last_update for p in found)
        return {"last_update": _format(newest), "last_update_timestamp": newest}


# Changing the catalogue at run time (the catalogue cache's tests and benchmarks watch a refresh).


@attrs.frozen
class CatalogueChange:
    """What `Catalogue.changed` did: the products it touched and their new `last_update`."""

    product_ids: tuple[int, ...]
    last_update: int


def _bumped(product: Product, timestamp: int) -> Product:
    """`product` one euro a month dearer, updated at `timestamp` (its dicts copied, not shared)."""
    price = dict(product.body["price"])
    if isinstance(price.get("monthly"), int | float):
        price["monthly"] = round(float(price["monthly"]) + 1.0, 2)
    body = {**product.body, "price": price}
    return attrs.evolve(
        product, body=body, sort_price=product.sort_price + 1.0, last_update=timestamp
    )


def changed(
    catalogue: Catalogue,
    *,
    cat: str | None = None,
    product_ids: Iterable[int] = (),
    now: float | None = None,
) -> tuple[Catalogue, CatalogueChange]:
    """A copy of `catalogue` where some products changed; the original is left as it was.

    The products are `product_ids`, or else the first active product of `cat` (of the first
    type when `cat` is omitted). Each costs one euro a month more and gets a `last_update`
    after every product's current one (and not before `now`), so `last_updated` moves for
    every filter that matches it.

    Raises:
        ValueError: an unknown product id or product type.
    """
    ids = tuple(product_ids)
    if not ids:
        if cat is not None and cat not in PRODUCT_TYPES:
            msg = f"unknown product type {cat!r}; expected one of {PRODUCT_TYPES}"
            raise ValueError(msg)
        ids = (catalogue.select(cat=cat or PRODUCT_TYPES[0])[0].product_id,)
    unknown = [i for i in ids if catalogue.product(i) is None]
    if unknown:
        msg = f"unknown product ids {unknown}"
        raise ValueError(msg)
    newest = max(p.last_update for p in catalogue.products)
    timestamp = max(newest + 1, int(now or 0))
    wanted = set(ids)
    copy = object.__new__(Catalogue)
    copy.seed = catalogue.seed
    copy.products = tuple(
        _bumped(p, timestamp) if p.product_id in wanted else p for p in catalogue.products
    )
    copy._by_id = {p.product_id: p for p in copy.products}
    return copy, CatalogueChange(ids, timestamp)
