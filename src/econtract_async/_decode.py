"""JSON responses -> response models, never failing a success because of its shape.

Each response model decodes itself with generated code (`_econtract_decode`, see
`codegen/behaviour.py`), field by field through the vocabulary's lenient `decode` rules: ids and
numbers sent as text become numbers, booleans arrive as `true`, `1` or `"1"`, `null` is "not
sent". The shapes around a field are handled here, once: an object answered as a one-element
list (or PHP's `[]` for an empty object), a list answered as one object or as PHP's `{"0": ...}`.

A value that fits none of this is not an error: the field stays `None` and the value is kept, as
sent, in the model's `extra` under its wire name (D-052), with every field the schema does not
describe. `ResponseDecodingError` is raised only for a body that is not JSON (`_response`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from ._exceptions import MissingFieldError
from ._vocabulary import Untyped

if TYPE_CHECKING:
    from ._meta import EndpointMeta
    from ._model import ResponseModel

__all__ = [
    "BODY_KEY",
    "Decoder",
    "extra",
    "mapping",
    "missing",
    "model",
    "models",
    "scalars",
    "untyped",
]

R = TypeVar("R", bound="ResponseModel")
T = TypeVar("T")

BODY_KEY = "_body"
"""The `extra` key holding a whole answer that was not a JSON object where one was due (D-053)."""


def untyped(bad: list[str] | None, wire: str) -> list[str]:
    """`bad` with `wire` added: the field's value did not fit its type."""
    if bad is None:
        return [wire]
    bad.append(wire)
    return bad


def missing(model: object, field: str) -> NoReturn:
    """Raise `MissingFieldError`: `model`'s always-answered `field` was not in its answer."""
    raise MissingFieldError(type(model).__name__, field)


def extra(data: dict[str, Any], known: frozenset[str], bad: list[str] | None) -> dict[str, Any]:
    """The keys of `data` the model does not type: unknown keys, and known ones that did not fit."""
    out = {key: value for key, value in data.items() if key not in known}
    for wire in bad or ():
        out[wire] = data[wire]
    return out


def model(cls: type[R], value: Any) -> R:
    """One nested object that did not arrive as a JSON object: `[]`, `[{...}]`, else `Untyped`."""
    if type(value) is list:
        if not value:
            return cls._econtract_decode({})
        if len(value) == 1 and type(value[0]) is dict:
            return cls._econtract_decode(value[0])
    raise Untyped


def models(cls: type[R], value: Any) -> list[R]:
    """A list of objects; one object stands for a one-element list, `{"0": ...}` for a list."""
    if type(value) is dict:
        value = [value] if _is_one(value) else list(value.values())
    if type(value) is not list:
        raise Untyped
    decode = cls._econtract_decode
    return [
        decode(item) if type(item) is dict else model(cls, item)
        for item in value
        if item is not None
    ]


def mapping(cls: type[R], value: Any) -> dict[str, R]:
    """A JSON object of objects; PHP's `[]` for an empty one."""
    if type(value) is list and not value:
        return {}
    if type(value) is not dict:
        raise Untyped
    decode = cls._econtract_decode
    return {
        key: decode(item) if type(item) is dict else model(cls, item)
        for key, item in value.items()
        if item is not None
    }


def scalars(decode: Callable[[Any], T | None], exact: type[Any] | None, value: Any) -> list[T]:
    """A list of scalars; one scalar stands for a one-element list, `{"0": ...}` for a list.

    `exact`: the type an item may already have to skip `decode` (None: decode every item). An
    item that decodes to "not sent" is left out.
    """
    if type(value) is dict:
        value = list(value.values())
    elif type(value) is not list:
        value = [value]
    items = (x if type(x) is exact else decode(x) for x in value if x is not None)
    return [x for x in items if x is not None]


def _is_one(value: dict[str, Any]) -> bool:
    """Whether a JSON object answered for a list is one item of it, not PHP's index-keyed list.

    PHP's `json_encode` writes a list whose keys are not 0, 1, 2, ... as an object keyed by the
    indexes (`{"0": {...}, "3": {...}}`). An object is read as such a list only when it is
    non-empty, every key is decimal digits and every value is an object or `null`; any other
    non-empty object is one item, whether or not its model types a field (D-130). `{}` is read
    as an empty list by the callers, never as an item.
    """
    if not value:
        return False
    for key, item in value.items():
        if not (key.isascii() and key.isdigit()) or (item is not None and type(item) is not dict):
            return True
    return False


def _whole(cls: type[R], body: Any) -> R:
    """One model from a whole answer, whatever JSON it is."""
    if type(body) is dict:
        return cls._econtract_decode(body)
    if body is None:
        return cls._econtract_decode({})
    try:
        return model(cls, body)
    except Untyped:
        if type(body) is list and body and type(body[0]) is dict:
            return cls._econtract_decode(body[0])  # a detail answered as a list: its first item
        decoded = cls._econtract_decode({})
        decoded.extra[BODY_KEY] = body  # type: ignore[attr-defined]
        return decoded


class Decoder:
    """Turns parsed JSON into response models; one per client, shared by all calls."""

    def one(self, body: Any, cls: type[T], endpoint: EndpointMeta | None = None) -> T:
        """One model from a JSON object (also from `[obj]`, `[]`, `null`; see the module doc)."""
        decoded: T = _whole(_response_class(cls), body)
        return decoded

    def many(self, body: Any, cls: type[T], endpoint: EndpointMeta | None = None) -> list[T]:
        """A list of models from a JSON list (also from one object, `{"0": ...}`, `{}`, `null`)."""
        decoded: list[T] = _many(_response_class(cls), body)
        return decoded


def _response_class(cls: type[Any]) -> type[Any]:
    """`cls`, a generated response model (anything else is a programming error)."""
    if not hasattr(cls, "_econtract_decode"):
        msg = f"{cls.__name__} is not a generated response model"
        raise TypeError(msg)
    return cls


def _many(cls: type[R], body: Any) -> list[R]:
    """A list of models from any JSON answer (see `Decoder.many`)."""
    if type(body) is list:
        decode = cls._econtract_decode
        return [
            decode(item) if type(item) is dict else _whole(cls, item)
            for item in body
            if item is not None
        ]
    if type(body) is dict:
        if _is_one(body):
            return [cls._econtract_decode(body)]
        return [_whole(cls, item) for item in body.values() if item is not None]
    if body is None:
        return []
    return [_whole(cls, body)]
