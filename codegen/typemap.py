"""Schema types -> Python annotations, for request fields, keyword arguments and responses."""

from __future__ import annotations

from .spec import FieldSpec

__all__ = ["request_annotation", "response_annotation"]

_STR_TYPES = frozenset(
    {"string", "email", "phone", "country", "ean", "iban", "bic", "vat_be", "ip_address", "url"}
)


def _literal(values: tuple[object, ...]) -> str:
    return "Literal[" + ", ".join(repr(v) for v in values) + "]"


def scalar_annotation(ftype: str, spec: FieldSpec | None = None) -> str:
    """The Python type of one value of a scalar schema type."""
    if ftype in _STR_TYPES:
        return "str"
    if ftype in {"postal_code", "house_number"}:
        return "str | int"
    if ftype in {"integer", "code"}:
        return "int"
    if ftype == "number":
        return "float"
    if ftype == "boolean":
        return "bool"
    if ftype == "date":
        return "datetime.date"
    if ftype == "datetime":
        return "datetime.datetime"
    if ftype == "language":
        return _literal(("nl", "fr"))
    if ftype == "enum" and spec is not None:
        return _literal(spec.values)
    msg = f"no scalar annotation for {ftype!r}"
    raise ValueError(msg)


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
    return scalar_annotation(spec.type, spec)


def _item_spec(spec: FieldSpec) -> FieldSpec:
    from attrs import evolve

    return evolve(spec, type=spec.item or "string")


def response_annotation(spec: FieldSpec) -> str:
    """The annotation of a response-model field (without `| None`): lenient, text stays text."""
    if spec.type == "model":
        return str(spec.model)
    if spec.type == "map":
        return f"dict[str, {spec.model}]"
    if spec.type == "json":
        return "Any"
    if spec.type == "list":
        if spec.model:
            return f"list[{spec.model}]"
        return f"list[{response_scalar(spec.item or 'string')}]"
    return response_scalar(spec.type)


def response_scalar(ftype: str) -> str:
    """Response scalars: numbers and flags are decoded, everything else is kept as text."""
    if ftype in {"integer", "code"}:
        return "int"
    if ftype == "number":
        return "float"
    if ftype == "boolean":
        return "bool"
    return "str"
