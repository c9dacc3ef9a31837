"""Base classes of the generated models, and the small pieces their generated code shares.

Each generated request model writes its own behaviour as ordinary methods (see
`codegen/behaviour.py`): `_econtract_check` checks every field and collects every failure,
`_econtract_build` builds the model from a mapping or CSV row, `_econtract_encode` appends its
form pairs. Each response model writes `_econtract_decode` and `_econtract_rename`. Every model
writes `_econtract_dump`, behind `to_dict` / `to_json` / `from_dict`. This module only calls them.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any, ClassVar, Self

from ._exceptions import FieldError, ValidationError
from ._meta import ModelMeta

__all__ = ["UNKNOWN_FIELD", "Flat", "Model", "RequestModel", "ResponseModel", "unknown_keys"]

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


def _json_value(value: Any) -> Any:
    """What `json.dumps` cannot write itself: dates and timestamps as ISO 8601 text."""
    if isinstance(value, datetime.date):  # datetime.datetime is a date too
        return value.isoformat()
    msg = f"{type(value).__name__} is not JSON serializable"
    raise TypeError(msg)


class Model:
    """What every generated model, request or response, can do with plain data.

    - `to_dict()`: a new dict of plain values (nested models as dicts, lists as lists), by
      Python attribute name; `to_dict(wire=True)` by the API's own names instead.
    - `to_json()`: the same as JSON text, dates and timestamps as ISO 8601 (`2026-11-26`,
      `2026-11-26T15:30:00`).
    - `from_dict(data)`: the model back from either form (or parsed `to_json()` output), so
      `type(m).from_dict(m.to_dict()) == m`.

    Models never hold secrets: credentials live only in the client's auth strategy and are added
    to a request after the model is encoded, so serializing a model can never leak one.
    """

    __slots__ = ()

    def to_dict(self, *, wire: bool = False) -> dict[str, Any]:
        """This model as a new dict of plain values.

        Args:
            wire: Key by the API's names instead of the Python attribute names. A request model
                then reads as the form it sends: flat, nested models under their prefixes
                (`client_email`); a response model as the JSON the server sent, `extra` merged
                back among the fields.
        """
        raise NotImplementedError  # pragma: no cover - RequestModel and ResponseModel define it

    def to_json(self, *, wire: bool = False, indent: int | None = None) -> str:
        """`to_dict(wire=wire)` as JSON text; dates and timestamps as ISO 8601 strings."""
        return json.dumps(self.to_dict(wire=wire), default=_json_value, indent=indent)


class RequestModel(Model):
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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The model from `to_dict()` output, either form, or parsed `to_json()`: `from_mapping`.

        Raises:
            ValidationError: Naming every bad, missing or unknown field, with full wire names.
        """
        return cls.from_mapping(data)

    def _econtract_dump(self, wire: bool, out: dict[str, Any], keyp: str) -> None:
        raise NotImplementedError  # pragma: no cover - written by codegen for every model

    def to_dict(self, *, wire: bool = False) -> dict[str, Any]:
        """This model as a new dict of plain values (see `Model.to_dict`)."""
        out: dict[str, Any] = {}
        self._econtract_dump(wire, out, "")
        return out

    def to_wire(self) -> list[tuple[str, str]]:
        """The `(name, value)` pairs this model sends, in wire order."""
        out: list[tuple[str, str]] = []
        self._econtract_encode(out)
        return out


class ResponseModel(Model):
    """A model we receive. Every field is optional; unknown fields are kept in `extra`."""

    __slots__ = ()
    __econtract__: ClassVar[ModelMeta]
    _econtract_keys: ClassVar[frozenset[str]]

    @classmethod
    def _econtract_decode(cls, d: dict[str, Any]) -> Self:
        raise NotImplementedError  # pragma: no cover - written by codegen for every model

    @classmethod
    def _econtract_rename(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError  # pragma: no cover - written by codegen for every model

    def _econtract_dump(self, wire: bool, out: dict[str, Any]) -> None:
        raise NotImplementedError  # pragma: no cover - written by codegen for every model

    def to_dict(self, *, wire: bool = False) -> dict[str, Any]:
        """This model as a new dict of plain values (see `Model.to_dict`)."""
        out: dict[str, Any] = {}
        self._econtract_dump(wire, out)
        return out

    def __repr__(self) -> str:
        """The fields the answer held, by Python name, then `extra` if any (D-163).

        A response model has dozens of optional fields and an answer fills a few: the `None`
        ones are left out, so a log line shows what the server said.
        """
        parts = []
        for field in type(self).__econtract__.fields:
            value = getattr(self, f"_{field.name}" if field.required else field.name)
            if value is not None:
                parts.append(f"{field.name}={value!r}")
        extra: dict[str, Any] = getattr(self, "extra", {})
        if extra:
            parts.append(f"extra={extra!r}")
        return f"{type(self).__qualname__}({', '.join(parts)})"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The model from `to_dict()` output, either form, or parsed `to_json()`.

        Decoded as leniently as a server answer: a value that fits no field type is kept in
        `extra`, never an error.
        """
        return cls._econtract_decode(cls._econtract_rename(data))
