"""Base classes of the generated models: validation at construction, unknown fields kept."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, ClassVar, Self, TypeVar

from ._meta import ModelMeta

__all__ = ["RequestModel", "ResponseModel", "build_prechecked"]

M = TypeVar("M", bound="RequestModel")

_PRECHECKED: ContextVar[type[Any] | None] = ContextVar("_PRECHECKED", default=None)
"""The class whose construction in progress was already checked field by field."""


def build_prechecked(cls: type[M], kwargs: Mapping[str, Any]) -> M:
    """`cls(**kwargs)` without the collecting check, for values that already passed it.

    Only `_structure.from_mapping` calls this, after running every field's check on the
    values in `kwargs` and on the class's defaults; so a model that exists is still valid.
    """
    token = _PRECHECKED.set(cls)
    try:
        return cls(**kwargs)
    finally:
        _PRECHECKED.reset(token)


class RequestModel:
    """A model we send. Construction checks every field and raises one `ValidationError`.

    Subclasses are frozen attrs classes written by codegen; `__econtract__` describes them.
    """

    __slots__ = ()
    __econtract__: ClassVar[ModelMeta]

    def __attrs_post_init__(self) -> None:
        if _PRECHECKED.get() is type(self):
            _PRECHECKED.set(None)  # one instance only: anything built meanwhile is checked
            return
        from ._validation import check

        check(self)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Self:
        """Build from a dict or CSV row: wire or Python names, text values coerced."""
        from ._structure import from_mapping

        return from_mapping(cls, data)

    def to_wire(self) -> list[tuple[str, str]]:
        """The `(name, value)` pairs this model sends, in wire order."""
        from ._encoding import encode_pairs

        return encode_pairs(self)


class ResponseModel:
    """A model we receive. Every field is optional; unknown fields are kept in `extra`."""

    __slots__ = ()
    __econtract__: ClassVar[ModelMeta]
