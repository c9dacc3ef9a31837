"""Dicts and CSV rows -> request models, every problem collected into one `ValidationError`.

Keys may be wire names (`address_street`, `producttype`), Python names (`address` holding a
dict, `product_type_id`) or documented aliases. Text is coerced the way a CSV file needs it:
`"12"` -> 12, `"1"`/`"true"` -> True, `"2021-03-22 15:30"` -> a datetime, `""` -> not given.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from ._exceptions import FieldError, ValidationError
from ._meta import FieldMeta
from ._validation import field_problem

__all__ = ["coerce", "from_mapping", "pick_model"]

T = TypeVar("T")

_TRUE = frozenset({"1", "true", "yes", "y", "on", "ja", "oui"})
_FALSE = frozenset({"0", "false", "no", "n", "off", "nee", "non"})
_TEXT_TYPES = frozenset(
    {
        "string",
        "email",
        "phone",
        "country",
        "ean",
        "iban",
        "bic",
        "vat_be",
        "ip_address",
        "url",
        "postal_code",
        "house_number",
        "language",
    }
)


class _Bad(Exception):
    pass


def _to_int(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if math.isfinite(number) and number.is_integer():
            return int(number)
        msg = f"expected a whole number, got {value!r}"
        raise _Bad(msg)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _to_float(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            msg = f"expected a number, got {value!r}"
            raise _Bad(msg) from None
    return value


def _to_bool(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        msg = f"expected true/false or 1/0, got {value!r}"
        raise _Bad(msg)
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    return value


def _to_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            msg = f"expected a date (YYYY-MM-DD), got {value!r}"
            raise _Bad(msg) from None
    return value


def _to_datetime(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"):
            try:
                return datetime.datetime.strptime(text, fmt)
            except ValueError:
                continue
        msg = f"expected a date and time (YYYY-MM-DD HH:MM[:SS]), got {value!r}"
        raise _Bad(msg)
    return value


def _to_text(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


_SCALAR: dict[str, Callable[[Any], Any]] = {
    "integer": _to_int,
    "code": _to_int,
    "number": _to_float,
    "boolean": _to_bool,
    "date": _to_date,
    "datetime": _to_datetime,
}


def _scalar(ftype: str, field: FieldMeta, value: Any) -> Any:
    if ftype in _SCALAR:
        return _SCALAR[ftype](value)
    if ftype in _TEXT_TYPES:
        return _to_text(value)
    if ftype == "enum" and field.values and isinstance(field.values[0], int):
        return _to_int(value)
    if ftype == "enum":
        return _to_text(value)
    return value


def coerce(field: FieldMeta, value: Any) -> Any:
    """`value` converted to the Python type of `field` where it arrives as text; None for ''."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if field.type == "list":
        item = field.item or "string"
        if isinstance(value, str):
            parts = [p for p in value.replace(",", " ").split() if p]
            values = [_scalar(item, field, p) for p in parts]
            return values[0] if field.one_or_many and len(values) == 1 else values
        if isinstance(value, Sequence):
            return [_scalar(item, field, v) for v in value]
        return _scalar(item, field, value) if field.one_or_many else value
    return _scalar(field.type, field, value)


def _lookup(field: FieldMeta, data: Mapping[str, Any], prefix: str) -> tuple[bool, Any]:
    for key in (field.name, prefix + field.wire, *field.aliases):
        if key in data:
            return True, data[key]
    return False, None


def _build(
    cls: type[Any],
    data: Mapping[str, Any],
    prefix: str,
    path: str,
    errors: list[FieldError],
    used: set[str],
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for field in cls.__econtract__.fields:
        wire = prefix + (field.prefix if field.type == "model" else field.wire)
        where = path + field.name
        if field.type == "constant":
            found, value = _lookup(field, data, prefix)
            if found:
                used.update(k for k in (field.name, wire, *field.aliases) if k in data)
                if value not in (None, "") and str(value) != str(field.value):
                    errors.append(
                        FieldError(
                            where, wire, f"always {field.value!r} for {cls.__name__}, got {value!r}"
                        )
                    )
            continue
        if field.type == "model" and field.model is not None:
            nested_data: Mapping[str, Any] = data
            nested_prefix = wire
            if isinstance(data.get(field.name), Mapping):
                used.add(field.name)
                nested_data, nested_prefix = data[field.name], ""
            nested_used: set[str] = set()
            before = len(errors)
            nested = _build(
                field.model, nested_data, nested_prefix, where + ".", errors, nested_used
            )
            if nested_data is data:
                used.update(nested_used)
            else:
                for key in sorted(set(nested_data) - nested_used):
                    errors.append(FieldError(f"{where}.{key}", f"{wire}{key}", "unknown field"))
            given = any(v is not None for v in nested.values())
            if (
                not given
                and not field.required
                and all(e.message == "required" for e in errors[before:])
            ):
                del errors[before:]  # an optional nested model with no value is absent
            if given and len(errors) == before:
                try:
                    kwargs[field.name] = field.model(**nested)
                except ValidationError as exc:
                    errors.extend(
                        FieldError(f"{where}.{e.path}", f"{wire}{e.wire}", e.message)
                        for e in exc.errors
                    )
            elif not given and field.required:
                errors.append(FieldError(where, f"{wire}*", "required"))
            continue
        found, value = _lookup(field, data, prefix)
        if found:
            used.update(k for k in (field.name, prefix + field.wire, *field.aliases) if k in data)
        try:
            value = coerce(field, value)
        except _Bad as exc:
            errors.append(FieldError(where, wire, str(exc)))
            continue
        problem = field_problem(field, value)
        if problem is not None:
            errors.append(FieldError(where, wire, problem))
        elif value is not None:
            kwargs[field.name] = value
    return kwargs


def from_mapping(cls: type[T], data: Mapping[str, Any], *, ignore_unknown: bool = False) -> T:
    """Build request model `cls` from `data`, raising one `ValidationError` with every problem.

    Unknown keys are errors (a typo such as `frist_name` must not be dropped silently) unless
    `ignore_unknown` is set.
    """
    errors: list[FieldError] = []
    used: set[str] = set()
    kwargs = _build(cls, data, "", "", errors, used)
    if not ignore_unknown:
        errors.extend(FieldError(str(k), str(k), "unknown field") for k in data if k not in used)
    if errors:
        raise ValidationError(cls.__name__, errors)
    return cls(**kwargs)


def _discriminators(cls: type[Any]) -> list[FieldMeta]:
    return [f for f in cls.__econtract__.fields if f.type == "constant"]


def pick_model(candidates: Sequence[type[Any]], data: Mapping[str, Any]) -> type[Any]:
    """Which of several request models a dict is, by the value of their constant fields."""
    fallback = None
    for cls in candidates:
        constants = _discriminators(cls)
        if not constants:
            fallback = cls
            continue
        if all(str(_lookup(f, data, "")[1]) == str(f.value) for f in constants):
            return cls
    if fallback is not None:
        return fallback
    options = sorted({f"{f.wire}={f.value}" for cls in candidates for f in _discriminators(cls)})
    names = "/".join(c.__name__ for c in candidates)
    raise ValidationError(
        names,
        [
            FieldError(
                "<model>",
                options[0].split("=")[0] if options else "",
                f"cannot tell which model this is: give one of {', '.join(options)}",
            )
        ],
    )
