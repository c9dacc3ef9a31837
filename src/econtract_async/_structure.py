"""Dicts and CSV rows -> request models, every problem collected into one `ValidationError`.

Keys may be wire names (`address_street`, `producttype`), Python names (`address` holding a
dict, `product_type_id`) or documented aliases. Text is coerced the way a CSV file needs it:
`"12"` -> 12, `"1"`/`"true"` -> True, `"2021-03-22 15:30"` -> a datetime, `""` -> not given.

Each model gets a `_Plan` compiled once (per key prefix): the keys to look up, the coercion and
the check of every field. A mapping that passes every check is built without checking it a
second time (`build_prechecked`), unless the class has a default that fails its own check.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from ._exceptions import FieldError, ValidationError
from ._meta import FieldMeta
from ._model import RequestModel, build_prechecked
from ._validation import field_check, is_required

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


_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?")
"""The usual spelling of the formats below, which `fromisoformat` reads ~20x faster."""


def _to_datetime(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATETIME.fullmatch(text):
            with contextlib.suppress(ValueError):
                return datetime.datetime.fromisoformat(text)
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


def _blank(value: Any) -> bool:
    """Whether `value` is text with nothing but whitespace (`value.strip() == ""`)."""
    return isinstance(value, str) and (not value or value.isspace())


def _same(value: Any) -> Any:
    return value


def _scalar(ftype: str, field: FieldMeta) -> Callable[[Any], Any]:
    """The conversion of one (non-blank) value of type `ftype` of `field`."""
    if ftype in _SCALAR:
        return _SCALAR[ftype]
    if ftype in _TEXT_TYPES:
        return _to_text
    if ftype == "enum" and field.values and isinstance(field.values[0], int):
        return _to_int
    if ftype == "enum":
        return _to_text
    return _same


def _coercer(field: FieldMeta) -> Callable[[Any], Any]:
    """`coerce` for one field, compiled once."""
    if field.type == "list":
        item = _scalar(field.item or "string", field)
        one_or_many = field.one_or_many

        def many(value: Any) -> Any:
            if value is None or _blank(value):
                return None
            if isinstance(value, str):
                parts = [p for p in value.replace(",", " ").split() if p]
                values = [item(p) for p in parts]
                return values[0] if one_or_many and len(values) == 1 else values
            if isinstance(value, Sequence):
                return [item(v) for v in value]
            return item(value) if one_or_many else value

        return many
    scalar = _scalar(field.type, field)
    if scalar is _to_text:

        def text(value: Any) -> Any:
            if isinstance(value, str):
                return None if not value or value.isspace() else value
            return None if value is None else _to_text(value)

        return text

    def one(value: Any) -> Any:
        if value is None or _blank(value):
            return None
        return scalar(value)

    return one


def coerce(field: FieldMeta, value: Any) -> Any:
    """`value` converted to the Python type of `field` where it arrives as text; None for ''."""
    return _coercer(field)(value)


def _keys(field: FieldMeta, prefix: str) -> tuple[str, ...]:
    """The keys a field's value may come under, in order of preference, without repeats."""
    return tuple(dict.fromkeys((field.name, prefix + field.wire, *field.aliases)))


def _lookup(field: FieldMeta, data: Mapping[str, Any], prefix: str) -> tuple[bool, Any]:
    for key in (field.name, prefix + field.wire, *field.aliases):
        if key in data:
            return True, data[key]
    return False, None


@attrs.frozen
class _Value:
    """A plain field: look it up, coerce it, check it."""

    name: str
    keys: tuple[str, ...]
    wire: str
    where: str
    coerce: Callable[[Any], Any]
    check: Callable[[Any], str | None]
    required: bool
    key: str | None = attrs.field(init=False)
    """The only key, when there is one (most fields): one `get` instead of a loop."""

    @key.default
    def _only_key(self) -> str | None:
        return self.keys[0] if len(self.keys) == 1 else None


@attrs.frozen
class _Constant:
    """A constant field: only a contradicting value is a problem."""

    keys: tuple[str, ...]
    wire: str
    where: str
    value: Any
    owner: str


@attrs.frozen
class _Nested:
    """A nested model: from a mapping under its name, or from prefixed keys of the same row."""

    name: str
    required: bool
    wire: str
    where: str
    model: type[Any]
    flat: _Plan
    """Its plan over prefixed keys of the enclosing row."""
    own: _Plan
    """Its plan over a mapping of its own."""


@attrs.frozen
class _Plan:
    """How to build one model from a mapping whose keys carry `prefix`."""

    cls: type[Any]
    steps: tuple[_Value | _Constant | _Nested, ...]
    own_keys: frozenset[str]
    """Keys of this level's plain and constant fields."""
    known: frozenset[str]
    """Every key a row may use when no nested model comes as a mapping of its own."""
    nested_names: tuple[str, ...]
    """Names of nested models here or in flat nested models: a mapping under one changes `known`."""
    prechecked: bool
    """Whether a model built from checked values needs no second check."""


_PLANS: dict[tuple[type[Any], str, str], _Plan] = {}


def _plan(cls: type[Any], prefix: str, path: str) -> _Plan:
    """The plan of `cls` for keys prefixed with `prefix`, errors at `path`; compiled once."""
    plan = _PLANS.get((cls, prefix, path))
    if plan is None:
        plan = _PLANS[cls, prefix, path] = _compile(cls, prefix, path)
    return plan


def _compile(cls: type[Any], prefix: str, path: str) -> _Plan:
    steps: list[_Value | _Constant | _Nested] = []
    own: set[str] = set()
    known: set[str] = set()
    nested_names: list[str] = []
    for field in cls.__econtract__.fields:
        where = path + field.name
        if field.type == "model" and field.model is not None:
            wire = prefix + field.prefix
            flat = _plan(field.model, wire, where + ".")
            steps.append(
                _Nested(
                    field.name,
                    field.required,
                    wire,
                    where,
                    field.model,
                    flat,
                    _plan(field.model, "", where + "."),
                )
            )
            known |= flat.known
            nested_names += (field.name, *flat.nested_names)
            continue
        keys = _keys(field, prefix)
        own.update(keys)
        if field.type == "constant":
            steps.append(_Constant(keys, prefix + field.wire, where, field.value, cls.__name__))
            continue
        wire = prefix + (field.prefix if field.type == "model" else field.wire)
        steps.append(
            _Value(
                field.name,
                keys,
                wire,
                where,
                _coercer(field),
                field_check(field),
                is_required(field),
            )
        )
    return _Plan(
        cls,
        tuple(steps),
        frozenset(own),
        frozenset(own | known),
        tuple(nested_names),
        _defaults_pass(cls),
    )


def _defaults_pass(cls: type[Any]) -> bool:
    """Whether every value `cls` fills in by itself passes its field's check.

    Then a model built from values that passed their checks is valid without checking it again.
    Anything unusual (no attrs class, converters, factories, attributes the metadata does not
    describe) keeps the full check.
    """
    described = {field.name: field for field in cls.__econtract__.fields}
    if not (isinstance(cls, type) and issubclass(cls, RequestModel) and attrs.has(cls)):
        return False
    attributes = attrs.fields(cls)
    if {a.name for a in attributes} != set(described):
        return False
    for attribute in attributes:
        if attribute.converter is not None or isinstance(attribute.default, attrs.Factory):  # type: ignore[arg-type]
            return False
        default = attribute.default
        if default is attrs.NOTHING or (default is None and attribute.init):
            continue  # given by the caller (and checked), or None checked as "not given"
        field = described[attribute.name]
        if default is None:
            if is_required(field):
                return False
        elif field_check(field)(default) is not None:
            return False
    return True


def _known(plan: _Plan, data: Mapping[Any, Any]) -> frozenset[str] | set[str]:
    """The keys of `data` that building from it looked up (the rest are unknown)."""
    if not any(isinstance(data.get(name), Mapping) for name in plan.nested_names):
        return plan.known
    keys = set(plan.own_keys)
    for step in plan.steps:
        if isinstance(step, _Nested):
            if isinstance(data.get(step.name), Mapping):
                keys.add(step.name)
            else:
                keys |= _known(step.flat, data)
    return keys


def _build(plan: _Plan, data: Mapping[Any, Any], errors: list[FieldError]) -> dict[str, Any]:
    """The constructor arguments of `plan.cls` from `data`; problems go to `errors`."""
    kwargs: dict[str, Any] = {}
    for step in plan.steps:
        if type(step) is _Value:
            if step.key is not None:
                value = data.get(step.key)
            else:
                value = None
                for key in step.keys:
                    if key in data:
                        value = data[key]
                        break
            try:
                value = step.coerce(value)
            except _Bad as exc:
                errors.append(FieldError(step.where, step.wire, str(exc)))
                continue
            if value is None:
                if step.required:
                    errors.append(FieldError(step.where, step.wire, "required"))
                continue
            problem = step.check(value)
            if problem is not None:
                errors.append(FieldError(step.where, step.wire, problem))
            else:
                kwargs[step.name] = value
        elif type(step) is _Constant:
            for key in step.keys:
                if key in data:
                    value = data[key]
                    if value not in (None, "") and str(value) != str(step.value):
                        message = f"always {step.value!r} for {step.owner}, got {value!r}"
                        errors.append(FieldError(step.where, step.wire, message))
                    break
        else:
            assert isinstance(step, _Nested)
            _build_nested(step, data, errors, kwargs)
    return kwargs


def _build_nested(
    step: _Nested, data: Mapping[Any, Any], errors: list[FieldError], kwargs: dict[str, Any]
) -> None:
    """Add nested model `step` to `kwargs`, or its problems to `errors`."""
    own = data.get(step.name)
    nested_data: Mapping[Any, Any] = data
    plan = step.flat
    if isinstance(own, Mapping):
        nested_data, plan = own, step.own
    before = len(errors)
    nested = _build(plan, nested_data, errors)
    if nested_data is not data:
        for key in sorted(set(nested_data) - _known(plan, nested_data)):
            errors.append(FieldError(f"{step.where}.{key}", f"{step.wire}{key}", "unknown field"))
    if not nested and not step.required and all(e.message == "required" for e in errors[before:]):
        del errors[before:]  # an optional nested model with no value is absent
    if nested and len(errors) == before:
        try:
            kwargs[step.name] = _construct(plan, nested)
        except ValidationError as exc:
            errors.extend(
                FieldError(f"{step.where}.{e.path}", f"{step.wire}{e.wire}", e.message)
                for e in exc.errors
            )
    elif not nested and step.required:
        errors.append(FieldError(step.where, f"{step.wire}*", "required"))


def _construct(plan: _Plan, kwargs: dict[str, Any]) -> Any:
    """Build `plan.cls` from arguments that passed their checks."""
    if plan.prechecked:
        return build_prechecked(plan.cls, kwargs)
    return plan.cls(**kwargs)


def from_mapping(cls: type[T], data: Mapping[str, Any], *, ignore_unknown: bool = False) -> T:
    """Build request model `cls` from `data`, raising one `ValidationError` with every problem.

    Unknown keys are errors (a typo such as `frist_name` must not be dropped silently) unless
    `ignore_unknown` is set.
    """
    plan = _plan(cls, "", "")
    errors: list[FieldError] = []
    kwargs = _build(plan, data, errors)
    if not ignore_unknown:
        known = _known(plan, data)
        errors.extend(FieldError(str(k), str(k), "unknown field") for k in data if k not in known)
    if errors:
        raise ValidationError(cls.__name__, errors)
    built: T = _construct(plan, kwargs)
    return built


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
