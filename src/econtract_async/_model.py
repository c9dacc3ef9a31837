"""Base classes of the generated models, and the small pieces their generated code shares.

Each generated request model writes its own behaviour as ordinary methods (see
`codegen/behaviour.py`): `_econtract_check` checks every field and collects every failure,
`_econtract_build` builds the model from a mapping or CSV row, `_econtract_encode` appends its
form pairs. Each response model writes `_econtract_decode`. This module only calls them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from ._exceptions import FieldError, ValidationError
from ._meta import ModelMeta

__all__ = ["UNKNOWN_FIELD", "Flat", "RequestModel", "ResponseModel", "unknown_keys"]

UNKNOWN_FIELD = "unknown field"
"""The message of a key no field of the model answers to."""


class Flat:
    """A nested model still to be read from the prefixed keys of its parent's row."""

    __slots__ = ("data", "keyp")

    def __init__(self, data: Mapping[str, Any], keyp: str) -> None:
        self.data = data
        self.keyp = keyp


def unknown_keys(
    data: Mapping[Any, Any],
    known: frozenset[str],
    path: str,
    prefix: str,
    errors: list[FieldError],
) -> None:
    """Report every key of `data` that is not in `known`: a typo must not be dropped silently."""
    for key in data:
        if key not in known:
            errors.append(FieldError(f"{path}{key}", f"{prefix}{key}", UNKNOWN_FIELD))


class RequestModel:
    """A model we send. Construction checks every field and raises one `ValidationError`.

    Subclasses are frozen attrs classes written by codegen; `__econtract__` describes them.
    The constructor, `from_mapping` and keyword arguments run the same generated check, so
    they accept the same values: text where a CSV cell would carry it (`"12"` for a number,
    `"1980-03-22"` for a date) is converted to the field's type, everything else is checked.
    """

    __slots__ = ()
    __econtract__: ClassVar[ModelMeta]
    _econtract_keys: ClassVar[frozenset[str]]

    def __attrs_post_init__(self) -> None:
        errors: list[FieldError] = []
        self._econtract_check("", "", errors)
        if errors:
            raise ValidationError(type(self).__name__, errors)

    def _econtract_check(self, path: str, prefix: str, errors: list[FieldError]) -> None:
        raise NotImplementedError  # pragma: no cover - written by codegen for every model

    @classmethod
    def _econtract_build(
        cls,
        data: Mapping[str, Any],
        path: str,
        prefix: str,
        errors: list[FieldError],
        keyp: str | None,
    ) -> Self | None:
        raise NotImplementedError  # pragma: no cover - written by codegen for every model

    def _econtract_encode(self, out: list[tuple[str, str]]) -> None:
        raise NotImplementedError  # pragma: no cover - written by codegen for every model

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Self:
        """Build from a dict (wire or Python names, documented aliases), checking every field.

        Nested models come as a mapping under their Python name or as prefixed keys of the same
        mapping (`address_street`). `None` means not given; `""` is an explicit empty value,
        accepted where the field allows it and sent as `key=` (an importer that reads empty CSV
        cells as "not given" drops them first, as the bulk lead importer does).

        Raises:
            ValidationError: Naming every bad, missing or unknown field, with full wire names.
        """
        errors: list[FieldError] = []
        model = cls._econtract_build(data, "", "", errors, None)
        if errors or model is None:
            raise ValidationError(cls.__name__, errors)
        return model

    def to_wire(self) -> list[tuple[str, str]]:
        """The `(name, value)` pairs this model sends, in wire order."""
        out: list[tuple[str, str]] = []
        self._econtract_encode(out)
        return out


class ResponseModel:
    """A model we receive. Every field is optional; unknown fields are kept in `extra`."""

    __slots__ = ()
    __econtract__: ClassVar[ModelMeta]
    _econtract_keys: ClassVar[frozenset[str]]

    @classmethod
    def _econtract_decode(cls, d: dict[str, Any]) -> Self:
        raise NotImplementedError  # pragma: no cover - written by codegen for every model
