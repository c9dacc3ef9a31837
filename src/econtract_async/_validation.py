"""One collecting check per request model: every bad field is reported in one `ValidationError`.

attrs validators stop at the first failure, so generated models do not use them; instead
`RequestModel.__attrs_post_init__` calls `check`, which runs a plan compiled once per class from
its `ModelMeta`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ._checks import CHECKS, Check, check_string
from ._exceptions import FieldError, ValidationError
from ._meta import FieldMeta

__all__ = ["Unverified", "check", "field_check", "field_problem", "is_required", "unverified"]

T = TypeVar("T")


class _UnverifiedStr(str):
    __slots__ = ()


class _UnverifiedInt(int):
    __slots__ = ()


Unverified = (_UnverifiedStr, _UnverifiedInt)
_PASSES_TEXT = (str, *Unverified)
"""Values a plain text field accepts without looking further."""


def unverified(value: T) -> T:
    """Mark a value the SDK cannot verify (e.g. a code or format the CRM accepts that we don't know).

    The value keeps its type and is sent as it is; only the format and range checks are skipped.

    >>> from econtract_async import unverified
    >>> str(unverified("+33 6 12 34 56 78"))
    '+33 6 12 34 56 78'
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _UnverifiedStr(value)  # type: ignore[return-value]
    if isinstance(value, int):
        return _UnverifiedInt(value)  # type: ignore[return-value]
    msg = f"unverified() takes text or a whole number, got {type(value).__name__}"
    raise TypeError(msg)


def _constraints(field: FieldMeta) -> Check | None:
    rules: list[Callable[[Any], str | None]] = []
    if field.values:
        allowed = field.values
        allowed_types = frozenset(type(v) for v in allowed)

        def one_of(value: Any) -> str | None:
            if value in allowed and type(value) in allowed_types:
                return None
            return f"expected one of {', '.join(map(repr, allowed))}, got {value!r}"

        rules.append(one_of)
    low, high = field.min, field.max
    if low is not None or high is not None:

        def in_range(value: Any) -> str | None:
            if isinstance(value, int | float) and not isinstance(value, bool):
                if low is not None and value < low:
                    return f"must be at least {low:g}, got {value!r}"
                if high is not None and value > high:
                    return f"must be at most {high:g}, got {value!r}"
            return None

        rules.append(in_range)
    shortest, longest = field.min_length, field.max_length
    if shortest is not None or longest is not None:

        def length(value: Any) -> str | None:
            if isinstance(value, str):
                if shortest is not None and len(value) < shortest:
                    return (
                        "must not be empty"
                        if shortest == 1
                        else f"must be at least {shortest} characters"
                    )
                if longest is not None and len(value) > longest:
                    return f"must be at most {longest} characters"
            return None

        rules.append(length)
    if field.pattern is not None:
        pattern = re.compile(field.pattern)

        def matches(value: Any) -> str | None:
            if isinstance(value, str) and not pattern.fullmatch(value):
                return f"does not match {field.pattern!r}"
            return None

        rules.append(matches)
    if not rules:
        return None

    def all_rules(value: Any) -> str | None:
        for rule in rules:
            problem = rule(value)
            if problem:
                return problem
        return None

    return all_rules


def _scalar_check(ftype: str, field: FieldMeta) -> Check:
    base = CHECKS.get(ftype)
    if ftype == "enum":
        base = None
    extra = _constraints(field)
    if base is None and extra is None:
        return lambda value: None
    if base is not None and extra is None:
        if base is check_string:
            return lambda value: None if isinstance(value, _PASSES_TEXT) else base(value)
        return lambda value: None if isinstance(value, Unverified) else base(value)

    def run(value: Any) -> str | None:
        if isinstance(value, Unverified):
            return None
        problem = base(value) if base is not None else None
        if problem is None and extra is not None:
            problem = extra(value)
        return problem

    return run


def _field_check(field: FieldMeta) -> Check:
    """A check for one value of `field`; `''` passes where the docs' examples send it empty."""
    check = _value_check(field)
    if not field.empty_ok:
        return check
    return lambda value: None if value == "" else check(value)


def _value_check(field: FieldMeta) -> Check:
    """A check for one value of `field` (a list, a nested model or a scalar)."""
    if field.type == "model":
        model = field.model

        def nested(value: Any) -> str | None:
            if isinstance(value, model):  # type: ignore[arg-type]
                return None
            name = model.__name__ if model is not None else "a model"
            return f"expected a {name}, got {type(value).__name__}"

        return nested
    if field.type == "constant":
        return lambda value: None if value == field.value else f"always {field.value!r}"
    if field.type == "list":
        item = _scalar_check(field.item or "string", field)

        def many(value: Any) -> str | None:
            if isinstance(value, Sequence) and not isinstance(value, str | bytes):
                for index, element in enumerate(value):
                    problem = item(element)
                    if problem:
                        return f"item {index}: {problem}"
                return None
            if field.one_or_many:
                return item(value)
            return f"expected a list, got {type(value).__name__}"

        return many
    return _scalar_check(field.type, field)


_FIELD_CHECKS: dict[int, tuple[FieldMeta, Check]] = {}


def field_check(field: FieldMeta) -> Check:
    """The check of a non-None value of `field`, compiled once per field."""
    cached = _FIELD_CHECKS.get(id(field))
    if cached is not None and cached[0] is field:
        return cached[1]
    run = _field_check(field)
    _FIELD_CHECKS[id(field)] = (field, run)
    return run


def is_required(field: FieldMeta) -> bool:
    """Whether None (not given) is a problem for `field`."""
    return field.required and not field.empty_ok and field.default is None


def field_problem(field: FieldMeta, value: Any) -> str | None:
    """What is wrong with `value` for `field`, or None (required-ness included)."""
    if value is None:
        return "required" if is_required(field) else None
    return field_check(field)(value)


_Plan = tuple[tuple[str, str, bool, Check], ...]
_PLANS: dict[type[Any], _Plan] = {}


def _plan(cls: type[Any]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        meta = cls.__econtract__
        plan = tuple((f.name, f.wire, is_required(f), field_check(f)) for f in meta.fields)
        _PLANS[cls] = plan
    return plan


def check(model: Any) -> None:
    """Raise one `ValidationError` naming every bad field of `model`, or return."""
    errors: list[FieldError] | None = None
    for name, wire, required, run in _plan(type(model)):
        value = getattr(model, name)
        problem = run(value) if value is not None else ("required" if required else None)
        if problem is not None:
            if errors is None:
                errors = []
            errors.append(FieldError(name, wire, problem))
    if errors:
        raise ValidationError(type(model).__name__, errors)
