"""The raw material of the sandbox catalogue: fictional suppliers, product names, specifications.

Every name here is invented; any resemblance to a real Belgian supplier is accidental.
"""

from __future__ import annotations

import random
from typing import Any

__all__ = ["NAMES", "SUPPLIERS", "specifications_and_price"]

SUPPLIERS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (11, "Brabo Telecom", ("internet", "mobile")),
    (12, "Scheldenet", ("internet", "mobile")),
    (13, "Ardenne Connect", ("internet",)),
    (14, "Lys Mobile", ("mobile",)),
    (15, "Kempen Energie", ("electricity", "gas", "dualfuel_pack")),
    (16, "Meuse Énergie", ("electricity", "gas", "dualfuel_pack")),
    (17, "Polderstroom", ("electricity", "dualfuel_pack")),
    (18, "Zoniën Gas & Power", ("electricity", "gas", "dualfuel_pack")),
    (19, "Hainaut Watt", ("electricity", "gas")),
)
"""`(supplier_id, name, product types)`."""

NAMES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "internet": (
        (
            "Surf Light",
            "Surf Light",
            "Basisinternet voor e-mail en nieuws",
            "Internet de base pour e-mails et infos",
        ),
        (
            "Surf Comfort",
            "Surf Confort",
            "Snel internet voor het hele gezin",
            "Internet rapide pour toute la famille",
        ),
        (
            "Giga Fiber",
            "Giga Fibre",
            "Glasvezel tot in je woonkamer",
            "La fibre jusque dans votre salon",
        ),
        (
            "Thuis Totaal",
            "Maison Totale",
            "Internet en tv in één pakket",
            "Internet et télé en un seul pack",
        ),
    ),
    "mobile": (
        (
            "Sim Only",
            "Sim Only",
            "Bellen en surfen zonder toestel",
            "Appeler et surfer sans appareil",
        ),
        ("Onbeperkt", "Illimité", "Onbeperkt bellen en sms'en", "Appels et SMS illimités"),
        (
            "Data Plus",
            "Data Plus",
            "Veel mobiele data voor weinig geld",
            "Beaucoup de data pour peu d'argent",
        ),
    ),
    "electricity": (
        (
            "Groene Stroom Vast",
            "Électricité Verte Fixe",
            "100% groene stroom, vaste prijs",
            "100% verte, prix fixe",
        ),
        (
            "Stroom Variabel",
            "Électricité Variable",
            "Volgt de marktprijs maandelijks",
            "Suit le prix du marché",
        ),
        (
            "Zon & Wind",
            "Soleil & Vent",
            "Stroom van Belgische zon en wind",
            "Énergie du soleil et du vent belges",
        ),
    ),
    "gas": (
        (
            "Aardgas Vast",
            "Gaz Naturel Fixe",
            "Vaste gasprijs voor drie jaar",
            "Prix du gaz fixe pendant trois ans",
        ),
        (
            "Aardgas Variabel",
            "Gaz Naturel Variable",
            "Gasprijs volgt de markt",
            "Le prix du gaz suit le marché",
        ),
    ),
    "dualfuel_pack": (
        ("Duo Vast", "Duo Fixe", "Stroom en gas, één factuur", "Électricité et gaz, une facture"),
        (
            "Duo Groen",
            "Duo Vert",
            "Groene stroom en gas samen",
            "Électricité verte et gaz ensemble",
        ),
    ),
}
"""Per product type: `(name nl, name fr, oneliner nl, oneliner fr)`."""


def _spec(value: Any, unit: str = "") -> dict[str, Any]:
    """One specification entry, shaped like the docs' example."""
    return {"value": value, "unit": unit}


def _energy(rng: random.Random, prefix: str = "") -> tuple[dict[str, Any], dict[str, Any]]:
    """Electricity specifications and prices (keys prefixed for a dual-fuel pack)."""
    specs = {
        f"{prefix}green_percentage": _spec(rng.choice((0, 50, 100)), "%"),
        f"{prefix}tariff_type": _spec(rng.choice(("fixed", "variable"))),
    }
    day = round(rng.uniform(0.22, 0.38), 4)
    price = {
        f"{prefix}per_kwh_day": day,
        f"{prefix}per_kwh_night": round(day * rng.uniform(0.7, 0.9), 4),
        f"{prefix}per_kwh_excl": round(day * rng.uniform(0.6, 0.8), 4),
    }
    return specs, price


def _gas(rng: random.Random, prefix: str = "") -> tuple[dict[str, Any], dict[str, Any]]:
    """Gas specifications and prices (keys prefixed for a dual-fuel pack)."""
    specs = {f"{prefix}tariff_type": _spec(rng.choice(("fixed", "variable")))}
    price = {f"{prefix}per_kwh": round(rng.uniform(0.06, 0.12), 4)}
    return specs, price


def specifications_and_price(
    rng: random.Random, producttype: str
) -> tuple[dict[str, Any], dict[str, Any], float]:
    """Draw a product's `specifications`, `price` and an estimated monthly cost for sorting."""
    if producttype == "internet":
        download = rng.choice((50, 100, 200, 500, 1000))
        specs = {
            "volume": _spec(rng.choice((100, 250, -1)), "GB"),
            "download": _spec(download, "Mbps"),
            "upload": _spec(max(download // 10, 5), "Mbps"),
            "fixed_ip": _spec(rng.choice(("0", "1"))),
            "technology": _spec(rng.choice(("vdsl", "cable", "fiber"))),
            "max_computers": _spec(-1),
            "antispam": _spec(rng.choice(("0", "1"))),
            "antivirus": _spec(rng.choice(("0", "1"))),
        }
        monthly = round(rng.uniform(25, 75), 2)
        price: dict[str, Any] = {
            "monthly": monthly,
            "activation": rng.choice((0, 25, 50)),
            "modem": rng.choice((0, 5)),
            "installation_full": rng.choice((0, 60, 90)),
            "installation_diy": 0,
            "line_rental": rng.choice((0, 19.65)),
        }
        return specs, price, monthly + float(price["line_rental"])
    if producttype == "mobile":
        specs = {
            "data": _spec(rng.choice((1, 5, 20, 50, -1)), "GB"),
            "minutes": _spec(rng.choice((100, 500, -1)), "min"),
            "sms": _spec(rng.choice((100, -1))),
            "network": _spec(rng.choice(("4G", "5G"))),
        }
        monthly = round(rng.uniform(5, 45), 2)
        price = {
            "monthly": monthly,
            "activation": rng.choice((0, 15)),
            "per_minute": round(rng.uniform(0.05, 0.2), 2),
            "per_sms": round(rng.uniform(0.05, 0.12), 2),
            "per_mb": round(rng.uniform(0.01, 0.05), 3),
        }
        return specs, price, monthly
    specs = {}
    price = {"monthly": round(rng.uniform(2, 8), 2)}
    if producttype in ("electricity", "dualfuel_pack"):
        prefix = "elec_" if producttype == "dualfuel_pack" else ""
        elec_specs, elec_price = _energy(rng, prefix)
        specs.update(elec_specs)
        price.update(elec_price)
    if producttype in ("gas", "dualfuel_pack"):
        prefix = "gas_" if producttype == "dualfuel_pack" else ""
        gas_specs, gas_price = _gas(rng, prefix)
        specs.update(gas_specs)
        price.update(gas_price)
    price["fixed_yearly"] = round(rng.uniform(30, 90), 2)
    yearly = price["fixed_yearly"]
    yearly += 3500 * sum(v for k, v in price.items() if k.endswith("per_kwh_day"))
    yearly += 17000 * sum(v for k, v in price.items() if k.endswith("per_kwh"))
    return specs, price, round(price["monthly"] + yearly / 12, 2)
