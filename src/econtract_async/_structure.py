"""Dicts and CSV rows -> request models, every problem collected into one `ValidationError`.

The work is generated per model (`_econtract_build`, see `codegen/behaviour.py`): keys may be
wire names (`address_street`, `producttype`), Python names (`address` holding a dict,
`product_type_id`) or documented aliases; the values then go through the same generated check as
the constructor. This module picks the model of a call that takes several.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from ._exceptions import FieldError, ValidationError
from ._meta import FieldMeta
from ._model import UNKNOWN_FIELD, RequestModel

__all__ = ["from_mapping", "pick_model"]

M = TypeVar("M", bound=RequestModel)


def from_mapping(cls: type[M], data: Mapping[str, Any], *, ignore_unknown: bool = False) -> M:
    """Build request model `cls` from `data` (`cls.from_mapping(data)`).

    Unknown keys are errors (a typo such as `frist_name` must not be dropped silently) unless
    `ignore_unknown` is set, for rows that carry extra columns on purpose.
    """
    if not ignore_unknown:
        return cls.from_mapping(data)
    errors: list[FieldError] = []
    model = cls._econtract_build(data, "", "", errors, None)
    errors = [error for error in errors if error.message != UNKNOWN_FIELD]
    if errors or model is None:
        raise ValidationError(cls.__name__, errors)
    return model


def _discriminators(cls: type[Any]) -> list[FieldMeta]:
    return [f for f in cls.__econtract__.fields if f.type == "constant"]


def _given(field: FieldMeta, data: Mapping[str, Any]) -> Any:
    for key in (field.name, field.wire, *field.aliases):
        if key in data:
            return data[key]
    return None


def pick_model(candidates: Sequence[type[Any]], data: Mapping[str, Any]) -> type[Any]:
    """Which of several request models a dict is, by the value of their constant fields."""
    fallback = None
    for cls in candidates:
        constants = _discriminators(cls)
        if not constants:
            fallback = cls
            continue
        if all(str(_given(f, data)) == str(f.value) for f in constants):
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
