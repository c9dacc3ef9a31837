"""Schema types -> Python annotations and behaviour, all read from the runtime vocabulary."""

from __future__ import annotations

from typing import Any

from .spec import FieldSpec
from .vocabulary import vocabulary

__all__ = [
    "behaviour",
    "exact_test",
    "params_annotation",
    "request_annotation",
    "response_annotation",
    "scalar_annotation",
]

VOCABULARY = vocabulary.VOCABULARY


def _literal(values: tuple[object, ...]) -> str:
    return "Literal[" + ", ".join(repr(v) for v in values) + "]"


def behaviour(ftype: str, values: tuple[Any, ...] = ()) -> vocabulary.ScalarType:
    """The vocabulary entry whose check, coercion and encoding a scalar of `ftype` uses.

    An enum of integers behaves as an integer (its values are the field's rule); every other
    type is its own entry.
    """
    if ftype == "enum" and values and all(type(v) is int for v in values):
        return VOCABULARY["integer"]
    return VOCABULARY[ftype]


def _type_name(kind: type[Any]) -> str:
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def exact_test(kind: vocabulary.ScalarType, var: str) -> str:
    """An expression: `var` already has one of the type's exact Python types."""
    return " or ".join(f"type({var}) is {_type_name(t)}" for t in kind.exact)


def scalar_annotation(ftype: str, spec: FieldSpec | None = None) -> str:
    """The Python type of one value of a scalar schema type."""
    if ftype == "enum" and spec is not None and spec.values:
        return _literal(spec.values)
    return VOCABULARY[ftype].annotation


def request_annotation(spec: FieldSpec) -> str:
    """The annotation of a request-model field (without `| None`)."""
    if spec.type == "model":
        return str(spec.model)
    if spec.type == "constant":
        return _literal((spec.value,))
    if spec.type == "list":
        item = scalar_annotation(spec.item or "string", _item_spec(spec))
        many = f"Sequence[{item}]"
        return f"{many} | {item}" if spec.one_or_many else many
    annotation = scalar_annotation(spec.type, spec)
    if spec.accepts_empty and not behaviour(spec.type, spec.values).text:
        annotation += ' | Literal[""]'
    return annotation


def params_annotation(spec: FieldSpec) -> str:
    """The annotation of a keyword argument: a nested model may also be given as a dict."""
    if spec.type == "model":
        return f"{spec.model} | {spec.model}Params"
    return request_annotation(spec)


def _item_spec(spec: FieldSpec) -> FieldSpec:
    from attrs import evolve

    return evolve(spec, type=spec.item or "string")


def response_annotation(spec: FieldSpec) -> str:
    """The annotation of a response-model field (without `| None`): lenient, text stays text.

    As on requests, an enum of integers is an integer; a response enum is never a `Literal`: the
    server may answer a value the docs do not list, and it must still be readable (D-160).
    """
    if spec.type == "model":
        return str(spec.model)
    if spec.type == "map":
        return f"dict[str, {spec.model}]"
    if spec.type == "json":
        return "Any"
    if spec.type == "list":
        if spec.model:
            return f"list[{spec.model}]"
        return f"list[{behaviour(spec.item or 'string').response}]"
    return behaviour(spec.type, spec.values).response
