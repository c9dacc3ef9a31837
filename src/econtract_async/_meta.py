"""Runtime descriptions of models and endpoints, written by codegen from `schema/`.

The generated package holds data only: every model class carries a `ModelMeta` in
`__econtract__`, and `_generated.ENDPOINTS` lists an `EndpointMeta` per API call. The validator,
the form encoder, the response decoder, the sandbox and the reference docs all read these, so
they can never disagree about a field.
"""

from __future__ import annotations

import builtins
from typing import Any, Literal

import attrs

__all__ = ["Api", "EndpointMeta", "FieldMeta", "ModelMeta", "RetryPolicy", "WireField", "flatten"]

Api = Literal["crm", "product"]
RetryPolicy = Literal["safe", "deduplicated", "unsafe"]


@attrs.frozen
class FieldMeta:
    """One field of a model, as transcribed from an API parameter table."""

    name: str
    """Python attribute name."""
    wire: str
    """Parameter name on the wire, without any prefix of an enclosing model."""
    type: str
    """A type of the schema vocabulary (`string`, `integer`, `ean`, `model`, ...)."""
    required: bool = False
    empty_ok: bool = False
    label: str = ""
    description: str = ""
    aliases: tuple[str, ...] = ()
    decision: str | None = None
    derived: str | None = None
    default: Any = None
    value: Any = None
    values: tuple[Any, ...] = ()
    code: str | None = None
    item: str | None = None
    one_or_many: bool = False
    model: builtins.type[Any] | None = None
    prefix: str = ""
    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None

    @property
    def is_constant(self) -> bool:
        """Whether the SDK always sends `value` and the caller never passes it."""
        return self.type == "constant"


@attrs.frozen
class ModelMeta:
    """A model: its kind, docs and fields in wire order."""

    name: str
    kind: Literal["request", "response", "group"]
    description: str
    fields: tuple[FieldMeta, ...]
    source: str = ""
    schema_file: str = ""

    def field(self, name: str) -> FieldMeta:
        """Return the field with Python name `name`."""
        for field in self.fields:
            if field.name == name:
                return field
        msg = f"{self.name} has no field {name!r}"
        raise KeyError(msg)


@attrs.frozen
class EndpointMeta:
    """One API call: where it goes, what it takes and returns, and how it may be retried."""

    api: Api
    resource: str
    name: str
    method: Literal["GET", "POST"]
    path: str
    summary: str
    retry: RetryPolicy
    path_params: tuple[FieldMeta, ...] = ()
    request: tuple[type[Any], ...] = ()
    response: type[Any] | None = None
    many: bool = False
    documented: bool = True
    doc_path: str | None = None
    decision: str | None = None
    schema_file: str = ""

    @property
    def key(self) -> str:
        """A stable identifier such as `crm.clients.get`."""
        return f"{self.api}.{self.resource}.{self.name}"


@attrs.frozen
class WireField:
    """A request field as it appears on the wire: nested models flattened with their prefixes."""

    wire: str
    """The full wire name, e.g. `client_email`."""
    path: str
    """The Python path, e.g. `client.email`."""
    field: FieldMeta
    required: bool
    """Required on the wire: the field is required and so is every model enclosing it."""


def flatten(
    meta: ModelMeta, *, prefix: str = "", path: str = "", required: bool = True
) -> tuple[WireField, ...]:
    """Every wire parameter of a request model, in wire order, nested models expanded."""
    out: list[WireField] = []
    for field in meta.fields:
        field_path = f"{path}{field.name}"
        if field.type == "model" and field.model is not None:
            nested: ModelMeta = field.model.__econtract__
            out.extend(
                flatten(
                    nested,
                    prefix=prefix + field.prefix,
                    path=field_path + ".",
                    required=required and field.required,
                )
            )
        else:
            out.append(
                WireField(prefix + field.wire, field_path, field, required and field.required)
            )
    return tuple(out)
