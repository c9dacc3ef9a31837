"""Request parameters as the APIs read them: PHP-style form and query decoding, then checks.

Decoding follows PHP's `$_GET` / `$_POST`: `name[0]=a&name[1]=b` and `name[]=a` are lists, a
repeated plain key keeps its last value. Checks come from the endpoint's request model
(`_meta.flatten`): required parameters, explicit empties, bounds and enum values; each type is
read by its `parse` rule in the vocabulary (`_vocabulary`), and a phone number by the SDK's own
rule, with the country its companion field sent (`COUNTRY_CHECKS`, D-132). Problems are
reported in the API's own words (`Api error : Not all required parameters are set : Parameter
cat is required`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

import attrs

from .._meta import FieldMeta, WireField, flatten
from .._vocabulary import COUNTRY_CHECKS, VOCABULARY

__all__ = ["ApiProblem", "Parsed", "RawParams", "check", "choose_model", "convert", "decode"]

RawValue = str | list[str]
RawParams = dict[str, RawValue]

_BRACKETS = re.compile(r"^([^\[\]]+)\[([^\[\]]*)\]$")
_TRUE = frozenset({"1", "true", "on", "yes"})
_FALSE = frozenset({"0", "false", "off", "no"})


class ApiProblem(Exception):
    """An error answer: status and the plain-text body the API would send."""

    def __init__(
        self, status: int, message: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def decode(*sources: str) -> RawParams:
    """Decode URL-encoded query strings and form bodies, later sources winning over earlier ones."""
    out: RawParams = {}
    lists: dict[str, list[tuple[str, str]]] = {}
    for source in sources:
        for key, value in parse_qsl(source, keep_blank_values=True):
            match = _BRACKETS.match(key)
            if match is None:
                out[key] = value
                lists.pop(key, None)
                continue
            name, index = match.groups()
            lists.setdefault(name, []).append((index, value))
            out.pop(name, None)
    for name, items in lists.items():
        if all(index.isdigit() for index, _ in items if index):
            items.sort(key=lambda item: int(item[0]) if item[0] else 0)
        out[name] = [value for _, value in items]
    return out


def _lookup(raw: RawParams, wire_field: WireField) -> tuple[str, RawValue] | None:
    """The parameter for a field under its wire name or one of its aliases."""
    prefix = wire_field.wire[: len(wire_field.wire) - len(wire_field.field.wire)]
    for name in (wire_field.wire, *(prefix + alias for alias in wire_field.field.aliases)):
        if name in raw:
            return name, raw[name]
    return None


def convert(field: FieldMeta, value: str, *, type_name: str | None = None) -> Any:
    """One text value converted to the field's type, by the vocabulary's `parse` rule.

    Raises:
        ValueError: with the reason (`must be an integer`, ...).
    """
    kind = VOCABULARY[type_name or field.type]
    result = kind.parse(value)
    if isinstance(result, int | float) and not isinstance(result, bool):
        if field.min is not None and result < field.min:
            msg = f"must be at least {field.min:g}"
            raise ValueError(msg)
        if field.max is not None and result > field.max:
            msg = f"must be at most {field.max:g}"
            raise ValueError(msg)
    return result


def _convert_any(field: FieldMeta, value: str) -> Any:
    """A value of a scalar or enum field."""
    if field.type == "enum":
        if field.values and all(isinstance(v, int) for v in field.values):
            result: Any = convert(field, value, type_name="integer")
        else:
            result = value
        if result not in field.values:
            allowed = ", ".join(str(v) for v in field.values)
            msg = f"must be one of {allowed}"
            raise ValueError(msg)
        return result
    return convert(field, value)


def _items(field: FieldMeta, value: RawValue) -> list[Any]:
    """The items of a list parameter; a scalar is split on spaces and commas (legacy `2+5`)."""
    texts = value if isinstance(value, list) else [v for v in re.split(r"[\s,]+", value) if v]
    out = []
    for text in texts:
        if field.values:
            if text not in [str(v) for v in field.values]:
                allowed = ", ".join(str(v) for v in field.values)
                msg = f"items must be one of {allowed}"
                raise ValueError(msg)
            out.append(text)
        else:
            out.append(convert(field, text, type_name=field.item or "string"))
    return out


@attrs.frozen
class Parsed:
    """Checked parameters of one request model."""

    model: type[Any]
    values: dict[str, Any]
    """Converted values by full wire name; only parameters that were sent."""
    groups: dict[str, dict[str, Any]]
    """Values by nested model path (`""` for top-level fields, `client`, `address`, ...)."""


def _country_check(
    field: FieldMeta,
    value: Any,
    wire_field: WireField,
    raw: RawParams,
    by_path: dict[str, WireField],
) -> None:
    """The SDK's own rule for a phone number, with the country its companion field sent (D-132).

    Raises:
        ValueError: with the rule's words.
    """
    country: RawValue | None = None
    if field.country_field is not None:
        group = wire_field.path.rpartition(".")[0]
        companion = by_path.get(f"{group}.{field.country_field}" if group else field.country_field)
        found = None if companion is None else _lookup(raw, companion)
        country = None if found is None else found[1]
    problem = COUNTRY_CHECKS[field.type](value, country)
    if problem is not None:
        msg = f"is invalid: {problem}"
        raise ValueError(msg)


def check(model: type[Any], raw: RawParams) -> Parsed:
    """Check `raw` against a request model, collecting every problem into one `ApiProblem`."""
    missing: list[str] = []
    invalid: list[str] = []
    values: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {}
    wire_fields = flatten(model.__econtract__)
    by_path = {wire_field.path: wire_field for wire_field in wire_fields}
    for wire_field in wire_fields:
        field = wire_field.field
        found = _lookup(raw, wire_field)
        if found is None or found[1] in ("", []):
            if field.is_constant:
                value: Any = field.value
            elif found is None or not field.accepts_empty:
                if wire_field.required:
                    missing.append(wire_field.wire)
                continue
            else:
                value = VOCABULARY[field.type].empty
        else:
            text = found[1]
            try:
                if field.type == "list":
                    value = _items(field, text)
                elif isinstance(text, list):
                    msg = "must be a single value"
                    raise ValueError(msg)
                elif field.is_constant:
                    if text != field.constant_wire:
                        msg = f"must be {field.value}"
                        raise ValueError(msg)
                    value = field.value
                else:
                    value = _convert_any(field, text)
                    if field.type in COUNTRY_CHECKS:
                        _country_check(field, value, wire_field, raw, by_path)
            except ValueError as exc:
                invalid.append(f"Parameter {wire_field.wire} {exc}")
                continue
        values[wire_field.wire] = value
        group, _, _ = wire_field.path.rpartition(".")
        groups.setdefault(group, {})[field.wire] = value
    if missing:
        listed = ", ".join(f"Parameter {name} is required" for name in missing)
        raise ApiProblem(400, f"Api error : Not all required parameters are set : {listed}")
    if invalid:
        raise ApiProblem(400, f"Api error : Invalid parameters : {', '.join(invalid)}")
    return Parsed(model, values, groups)


def _constants(model: type[Any]) -> dict[str, WireField]:
    """The constant fields of a model by wire name (the discriminators)."""
    return {w.wire: w for w in flatten(model.__econtract__) if w.field.is_constant}


def choose_model(models: Sequence[type[Any]], raw: RawParams) -> type[Any]:
    """Pick the request model a request is for, by the discriminator its models declare.

    Models of one endpoint differ by a constant (`producttype` of orders, `lead_type` of
    leads); a model where that parameter is an ordinary field is the fallback (a generic lead).
    """
    if len(models) == 1:
        return models[0]
    keys: dict[str, WireField] = {}
    for model in models:
        keys.update(_constants(model))
    for key, sample in keys.items():
        found = _lookup(raw, sample)
        sent = None if found is None or isinstance(found[1], list) else found[1]
        for model in models:
            constant = _constants(model).get(key)
            if constant is not None and sent == constant.field.constant_wire:
                return model
        for model in models:
            if key not in _constants(model) and any(
                w.wire == key for w in flatten(model.__econtract__)
            ):
                return model
        if not sent:
            msg = f"Api error : Not all required parameters are set : Parameter {key} is required"
            raise ApiProblem(400, msg)
        allowed = ", ".join(
            sorted(w.field.constant_wire for m in models for w in _constants(m).values())
        )
        msg = f"Api error : Invalid parameters : Parameter {key} must be one of {allowed}"
        raise ApiProblem(400, msg)
    return models[0]
