"""The field rules beyond a value's type, which generated checks call: `values`, `min`/`max`,
`min_length`/`max_length`, `pattern`, and the items of a list.

The type rules themselves (what an e-mail address or an EAN is) live in `_vocabulary`. Every
function here takes a value that already has its field's Python type and returns `None` or a
message; none of them raises, except `items`, which raises `Invalid` like a coercion.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ._vocabulary import Invalid

__all__ = ["in_range", "items", "length", "matches", "one_of"]


def one_of(value: Any, allowed: tuple[Any, ...]) -> str | None:
    """`value` is one of `allowed`, of the same type (`True` is not `1`)."""
    for candidate in allowed:
        if type(candidate) is type(value) and candidate == value:
            return None
    return f"expected one of {', '.join(map(repr, allowed))}, got {value!r}"


def in_range(value: float, low: float | None, high: float | None) -> str | None:
    """`low <= value <= high`, either bound optional."""
    if low is not None and value < low:
        return f"must be at least {low:g}, got {value!r}"
    if high is not None and value > high:
        return f"must be at most {high:g}, got {value!r}"
    return None


def length(value: str, shortest: int | None, longest: int | None) -> str | None:
    """`shortest <= len(value) <= longest`, either bound optional."""
    if shortest is not None and len(value) < shortest:
        return "must not be empty" if shortest == 1 else f"must be at least {shortest} characters"
    if longest is not None and len(value) > longest:
        return f"must be at most {longest} characters"
    return None


def matches(value: str, pattern: re.Pattern[str]) -> str | None:
    """The whole of `value` matches `pattern`."""
    return None if pattern.fullmatch(value) else f"does not match {pattern.pattern!r}"


_SEPARATORS = re.compile(r"[\s,]+")


def items(
    value: Any,
    exact: tuple[type[Any], ...],
    coerce: Callable[[Any], Any],
    check: Callable[[Any], str | None],
    rule: Callable[[Any], str | None] | None,
    *,
    one_or_many: bool,
) -> Any:
    """A list field's value, each item converted and checked; raises `Invalid` naming the item.

    A list or tuple is taken item by item; text is split on spaces and commas (`"1,2 3"`, a CSV
    cell or the legacy `2+5`); with `one_or_many` a single value stays a single value.
    """
    if isinstance(value, str):
        parts: Sequence[Any] = [p for p in _SEPARATORS.split(value) if p]
        if one_or_many and len(parts) == 1:
            return _item(parts[0], 0, exact, coerce, check, rule, single=True)
    elif isinstance(value, list | tuple):
        parts = value
    elif one_or_many:
        return _item(value, 0, exact, coerce, check, rule, single=True)
    else:
        msg = f"expected a list, got {type(value).__name__}"
        raise Invalid(msg)
    out = [_item(part, index, exact, coerce, check, rule) for index, part in enumerate(parts)]
    return out


def _item(
    value: Any,
    index: int,
    exact: tuple[type[Any], ...],
    coerce: Callable[[Any], Any],
    check: Callable[[Any], str | None],
    rule: Callable[[Any], str | None] | None,
    *,
    single: bool = False,
) -> Any:
    try:
        if type(value) not in exact:
            value = coerce(value)
        problem = check(value)
        if problem is None and rule is not None:
            problem = rule(value)
    except Invalid as exc:
        problem = exc.message
    if problem is not None:
        raise Invalid(problem if single else f"item {index}: {problem}")
    return value
