"""Values the SDK cannot verify, and the check of a path parameter.

Request models check themselves with generated code (see `_model.RequestModel`); path
parameters are single values checked here with the same vocabulary rules.
"""

from __future__ import annotations

from typing import Any, TypeVar

from . import _checks
from ._meta import FieldMeta
from ._vocabulary import VOCABULARY, Invalid

__all__ = ["Unverified", "field_problem", "unverified"]

T = TypeVar("T")


class _UnverifiedStr(str):
    __slots__ = ()


class _UnverifiedInt(int):
    __slots__ = ()


Unverified = (_UnverifiedStr, _UnverifiedInt)
"""The types of values marked with `unverified()`: generated checks accept them as they are."""


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


def field_problem(field: FieldMeta, value: Any) -> str | None:
    """What is wrong with `value` for scalar `field` (a path parameter), or None."""
    if value is None:
        return "required" if field.required else None
    if isinstance(value, Unverified):
        return None
    kind = VOCABULARY[field.type]
    try:
        if type(value) not in kind.exact:
            value = kind.coerce(value)
        problem = kind.check(value)
    except Invalid as exc:
        return exc.message
    if problem is None and (field.min is not None or field.max is not None):
        problem = _checks.in_range(value, field.min, field.max)
    return problem
