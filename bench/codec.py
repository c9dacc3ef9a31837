"""Figure 3: model decoding (vs pydantic v2 and msgspec), form encoding (vs urlencode), and
checking + coercing a CSV row into a model (vs pydantic v2). Every SDK path here is the code
codegen generated for the model (`_econtract_decode`, `_econtract_encode`, `_econtract_build`)."""

from __future__ import annotations

import copy
import time
from typing import Any
from urllib.parse import urlencode

from ._common import Table, example_product, lead_row, repeat, verdict

DECODE_TARGET_US = 10.0
ENCODE_TARGET_US = 12.0
COERCE_TARGET_US = 15.0


def _per_item_us(function: Any, items: int) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) / items * 1e6


def decode_table(products: int, repetitions: int) -> Table:
    """µs per product to turn a parsed JSON list of `products` products into models."""
    import msgspec

    from econtract_async._decode import Decoder
    from econtract_async.product import Product

    one = example_product()
    body = [copy.deepcopy(one) for _ in range(products)]
    for i, item in enumerate(body):
        item["product_id"] = str(i + 1)
    decoder = Decoder()
    from . import _msgspec_models, _pydantic_models

    adapter = _pydantic_models.products()
    spec_type = _msgspec_models.products()

    decoded = decoder.many(body, Product)
    assert decoded[0].product_id == 1
    assert decoded[0].price is not None
    assert decoded[0].price.line_rental == 19.65
    assert decoded[0].extra == {}
    # The generated decoder must agree with the anchor on every typed value.
    anchor = adapter.validate_python(body[:1])[0]
    assert decoded[0].supplier is not None
    assert anchor.supplier is not None
    assert decoded[0].supplier.supplier_id == anchor.supplier.supplier_id == 36

    sdk = repeat(lambda: _per_item_us(lambda: decoder.many(body, Product), products), repetitions)
    pyd = repeat(lambda: _per_item_us(lambda: adapter.validate_python(body), products), repetitions)
    msg = repeat(
        lambda: _per_item_us(lambda: msgspec.convert(body, spec_type, strict=False), products),
        repetitions,
    )
    table = Table(
        f"Model decode: µs per product, list of {products:,} products (parsed JSON -> models)",
        ["decoder", "µs per product, median (min-max)", "vs pydantic v2"],
    )
    for name, sample in (
        ("econtract_async `Decoder.many` (generated `_econtract_decode`)", sdk),
        ("pydantic v2 `TypeAdapter.validate_python` (lax)", pyd),
        ("msgspec `convert(strict=False)`", msg),
    ):
        table.rows.append([name, sample.cell(2), f"{sample.median / pyd.median:.2f}x"])
    ok = sdk.median <= DECODE_TARGET_US and sdk.median < pyd.median
    table.notes.append(
        f"Target: <= {DECODE_TARGET_US:g} µs and faster than pydantic v2: "
        + verdict(ok, f"{sdk.median:.2f} µs vs pydantic {pyd.median:.2f} µs")
        + ". The product is the API docs' example (17 nested objects); the models keep unknown "
        "fields (pydantic `extra='allow'`; msgspec drops them) and coerce `\"2\"` to 2."
    )
    return table


def encode_table(leads: int, repetitions: int) -> Table:
    """µs per lead to encode a 25-field third-party lead into its form body."""
    from econtract_async._encoding import encode_form, encode_pairs
    from econtract_async.crm import ThirdPartyLead

    models = [ThirdPartyLead.from_mapping(lead_row(i)) for i in range(leads)]
    pairs = [encode_pairs(model) for model in models]
    fields = len(pairs[0])
    identical = all(encode_form(p) == urlencode(p) for p in pairs)

    def sdk() -> float:
        return _per_item_us(lambda: [encode_form(encode_pairs(m)) for m in models], leads)

    def form_only() -> float:
        return _per_item_us(lambda: [encode_form(p) for p in pairs], leads)

    def stdlib() -> float:
        return _per_item_us(lambda: [urlencode(p) for p in pairs], leads)

    full, only, anchor = (repeat(f, repetitions) for f in (sdk, form_only, stdlib))
    table = Table(
        f"Form encoding: µs per {fields}-field third-party lead ({leads:,} distinct leads)",
        ["encoder", "µs per lead, median (min-max)", "vs urlencode"],
    )
    for name, sample in (
        ("econtract_async model -> body (`encode_pairs` + `encode_form`)", full),
        ("econtract_async pairs -> body (`encode_form`)", only),
        ("`urllib.parse.urlencode(pairs)`", anchor),
    ):
        table.rows.append([name, sample.cell(2), f"{sample.median / anchor.median:.2f}x"])
    table.notes.append(
        f"Byte-identical to `urlencode` over the same pairs: {'yes' if identical else 'NO'} "
        f"({leads:,} leads checked)."
    )
    table.notes.append(
        f"Target: <= {ENCODE_TARGET_US:g} µs per lead (model -> body): "
        + verdict(full.median <= ENCODE_TARGET_US and identical, f"{full.median:.2f} µs")
        + "."
    )
    if not identical:
        msg = "encode_form differs from urllib.parse.urlencode"
        raise AssertionError(msg)
    return table


def coerce_table(leads: int, repetitions: int) -> Table:
    """µs per row to check and coerce a CSV lead row (all text) into a `ThirdPartyLead`."""
    from econtract_async.crm import ThirdPartyLead

    from . import _pydantic_models

    rows = [lead_row(i) for i in range(leads)]
    columns = len(rows[0])
    built = [ThirdPartyLead.from_mapping(row) for row in rows]
    assert built[0].address is not None
    assert built[0].gender == 1
    assert built[0] == ThirdPartyLead(**_python_names(rows[0]))

    def sdk() -> float:
        return _per_item_us(lambda: [ThirdPartyLead.from_mapping(r) for r in rows], leads)

    def pydantic() -> float:
        return _per_item_us(lambda: [_pydantic_models.lead_row_model(r) for r in rows], leads)

    ours, anchor = (repeat(f, repetitions) for f in (sdk, pydantic))
    table = Table(
        f"CSV row -> model: µs per {columns}-column third-party lead row ({leads:,} rows, all text)",
        ["path", "µs per row, median (min-max)", "vs pydantic v2"],
    )
    for name, sample in (
        ("econtract_async `ThirdPartyLead.from_mapping` (check + coerce)", ours),
        ("pydantic v2 `model_validate` (lax, address grouped first)", anchor),
    ):
        table.rows.append([name, sample.cell(2), f"{sample.median / anchor.median:.2f}x"])
    table.notes.append(
        f"Target: <= {COERCE_TARGET_US:g} µs per row: "
        + verdict(ours.median <= COERCE_TARGET_US, f"{ours.median:.2f} µs")
        + ". Every field is checked (e-mail, phone, country, postal code, house number, dates) "
        "and every problem collected; pydantic checks types only."
    )
    return table


def _python_names(row: dict[str, str]) -> dict[str, Any]:
    """The constructor arguments of a row: the same values, the address as a mapping."""
    out: dict[str, Any] = {
        ("product_type_id" if k == "producttype_id" else k): v
        for k, v in row.items()
        if not k.startswith("address_")
    }
    out["address"] = {k[8:]: v for k, v in row.items() if k.startswith("address_")}
    return out
