"""JSON responses -> response models, through one configured cattrs converter.

Lenient on purpose: ids that arrive as strings become ints, `"0"`/`"1"` become booleans, PHP's
empty array `[]` stands for an empty object, and every field the schema does not describe is
kept in the model's `extra`, so a new API field never breaks a client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import cattrs
from cattrs.gen import make_dict_structure_fn, override

from ._exceptions import ResponseDecodingError
from ._model import ResponseModel

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._meta import EndpointMeta

__all__ = ["Decoder"]

T = TypeVar("T")


def _int(value: Any, _: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        return int(float(text)) if "." in text else int(text)
    msg = f"expected a whole number, got {value!r}"
    raise ValueError(msg)


def _float(value: Any, _: Any) -> float:
    if isinstance(value, bool):
        msg = f"expected a number, got {value!r}"
        raise ValueError(msg)
    return float(value)


def _bool(value: Any, _: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1, "0", "1"):
        return bool(int(value))
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    msg = f"expected a flag, got {value!r}"
    raise ValueError(msg)


def _str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    msg = f"expected text, got {value!r}"
    raise ValueError(msg)


class Decoder:
    """Structures parsed JSON into response models; one per client, shared by all calls."""

    def __init__(self) -> None:
        converter = cattrs.Converter()
        converter.register_structure_hook(int, _int)
        converter.register_structure_hook(float, _float)
        converter.register_structure_hook(bool, _bool)
        converter.register_structure_hook(str, _str)
        converter.register_structure_hook(Any, lambda value, _: value)
        converter.register_structure_hook_factory(
            lambda cls: isinstance(cls, type) and issubclass(cls, ResponseModel), self._model_hook
        )
        self.converter = converter

    def _model_hook(self, cls: type[Any]) -> Callable[[Any, Any], Any]:
        meta = cls.__econtract__
        renames = {f.name: override(rename=f.wire) for f in meta.fields if f.name != f.wire}
        overrides: dict[str, Any] = {"extra": override(omit=True), **renames}
        base = make_dict_structure_fn(cls, self.converter, **overrides)
        known = frozenset(f.wire for f in meta.fields)

        def structure(value: Any, _: Any) -> Any:
            if isinstance(value, list) and not value:
                return cls()
            if not isinstance(value, dict):
                msg = f"expected a JSON object for {cls.__name__}, got {type(value).__name__}"
                raise TypeError(msg)
            instance = base(value, cls)
            if len(value) > len(known) or not known.issuperset(value):
                instance.extra = {k: v for k, v in value.items() if k not in known}
            return instance

        return structure

    def _fail(
        self, exc: Exception, cls: type[Any], endpoint: EndpointMeta | None
    ) -> ResponseDecodingError:
        where = f" from {endpoint.key}" if endpoint is not None else ""
        details = (
            "; ".join(cattrs.transform_error(exc))
            if isinstance(exc, cattrs.BaseValidationError)
            else str(exc)
        )
        return ResponseDecodingError(f"the response{where} does not fit {cls.__name__}: {details}")

    def one(self, body: Any, cls: type[T], endpoint: EndpointMeta | None = None) -> T:
        """One model from a JSON object (a one-element list is unwrapped)."""
        if isinstance(body, list) and len(body) == 1:
            body = body[0]
        try:
            return self.converter.structure(body, cls)
        except Exception as exc:
            raise self._fail(exc, cls, endpoint) from exc

    def many(self, body: Any, cls: type[T], endpoint: EndpointMeta | None = None) -> list[T]:
        """A list of models from a JSON list (PHP's `{}`/`[]` for none is an empty list)."""
        if isinstance(body, dict):
            body = list(body.values()) if body else []
        if not isinstance(body, list):
            raise self._fail(
                TypeError(f"expected a JSON list, got {type(body).__name__}"), cls, endpoint
            )
        structure = self.converter.get_structure_hook(cls)
        try:
            return [structure(item, cls) for item in body]
        except Exception as exc:
            raise self._fail(exc, cls, endpoint) from exc
