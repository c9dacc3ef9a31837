"""Descriptions of models, fields and endpoints: codegen's IR and the runtime metadata in one.

The `...Def` classes are generic in how a field or endpoint refers to a model: codegen builds them with
model *names* (`FieldDef[str]`, its intermediate form between the YAML and the rendered source;
`codegen/spec.py` loads this file by path), and the generated package writes them with the model
*classes* (`FieldMeta`, which is `FieldDef[type[Any]]`) into every class's `__econtract__` and into
`_generated.ENDPOINTS`. The sandbox and the reference docs read them; the checks, coercers,
encoders and decoders are generated source beside each model, from the same description.

This module imports only attrs and the standard library, so the build can load it alone.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

import attrs

__all__ = [
    "GATEWAY_STATUSES",
    "REFUSED_STATUSES",
    "Api",
    "EndpointDef",
    "EndpointMeta",
    "FieldDef",
    "FieldMeta",
    "ModelDef",
    "ModelKind",
    "ModelMeta",
    "RetryPolicy",
    "WireField",
    "flatten",
    "raises_of",
    "retry_words",
]

M = TypeVar("M")
"""How a description refers to a model: its name (codegen) or its class (runtime)."""

Api = Literal["crm", "product"]
RetryPolicy = Literal["safe", "deduplicated", "unsafe"]
ModelKind = Literal["request", "response", "group"]

REFUSED_STATUSES = frozenset({429, 503})
"""Statuses that say the server refused the work (nothing stored): retried under every policy.
`econtract_async._retry.judge` decides with these; the words below describe them."""
GATEWAY_STATUSES = frozenset({502, 504})
"""Statuses from a gateway that gave up (the application may have run): retried unless `unsafe`."""


@attrs.frozen
class FieldDef(Generic[M]):
    """One field of a model, as transcribed from an API parameter table."""

    name: str
    """Python attribute name."""
    wire: str
    """Parameter name on the wire, without any prefix of an enclosing model."""
    type: str
    """A type of the schema vocabulary (`string`, `integer`, `ean`, `model`, ...)."""
    required: bool = False
    empty_ok: bool = False
    """Required by the docs, but their examples send it empty: `key=` goes out when not given."""
    allow_empty: bool = False
    """An explicit `""` is accepted and sent as `key=` (implied by `empty_ok`)."""
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
    model: M | None = None
    prefix: str = ""
    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    country_field: str | None = None
    """The Python name of a `country` field of the same model whose value says which country's
    national form this field's value may take (`cellphone_country` for `cellphone`, D-132)."""

    @property
    def is_constant(self) -> bool:
        """Whether the SDK always sends `value` and the caller never passes it."""
        return self.type == "constant"

    @property
    def constant_wire(self) -> str:
        """The text a constant sends: `value` as written (`0`, `gas`), a boolean as `1` / `0`.

        Text in this form (a CSV cell, a form field) stands for the constant as well as `value`.
        """
        if isinstance(self.value, bool):
            return "1" if self.value else "0"
        return str(self.value)

    @property
    def accepts_empty(self) -> bool:
        """Whether an explicit `""` is a value of this field (sent as `key=`)."""
        return self.empty_ok or self.allow_empty


@attrs.frozen
class ModelDef(Generic[M]):
    """A model: its kind, docs and fields in wire order."""

    name: str
    kind: ModelKind
    description: str
    fields: tuple[FieldDef[M], ...]
    source: str = ""
    schema_file: str = ""
    status: str = "available"

    def field(self, name: str) -> FieldDef[M]:
        """Return the field with Python name `name`."""
        for field in self.fields:
            if field.name == name:
                return field
        msg = f"{self.name} has no field {name!r}"
        raise KeyError(msg)


@attrs.frozen
class EndpointDef(Generic[M]):
    """One API call: where it goes, what it takes and returns, and how it may be retried."""

    api: Api
    resource: str
    name: str
    method: Literal["GET", "POST"]
    path: str
    summary: str
    retry: RetryPolicy
    path_params: tuple[FieldDef[M], ...] = ()
    request: tuple[M, ...] = ()
    response: M | None = None
    many: bool = False
    documented: bool = True
    doc_path: str | None = None
    decision: str | None = None
    schema_file: str = ""

    @property
    def key(self) -> str:
        """A stable identifier such as `crm.clients.get`."""
        return f"{self.api}.{self.resource}.{self.name}"


FieldMeta = FieldDef[type[Any]]
"""A field as the generated package describes it: `model` is the nested class."""
ModelMeta = ModelDef[type[Any]]
"""A model as the generated package describes it (`cls.__econtract__`)."""
EndpointMeta = EndpointDef[type[Any]]
"""An API call as the generated package describes it (`_generated.ENDPOINTS`)."""


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


def retry_words(policy: RetryPolicy) -> str:
    """An endpoint's retry policy in words, for its docstring and its reference section.

    The statuses come from the sets `_retry.judge` uses, so the words cannot drift from the rule.
    """
    transient = ", ".join(str(s) for s in sorted(REFUSED_STATUSES | GATEWAY_STATUSES))
    refused = ", ".join(str(s) for s in sorted(REFUSED_STATUSES))
    if policy == "unsafe":
        return (
            "a repeat could store the record twice, so it is retried only when the "
            "request certainly never reached the server (connect failure, connect or pool "
            f"timeout) or the server refused the work (HTTP {refused}). A read timeout, a "
            "connection lost after sending, or a 5xx from a gateway or the app raises at once: "
            "the record may exist, so check before sending again."
        )
    why = (
        "the CRM finds and updates an existing record, so a repeat makes no second one"
        if policy == "deduplicated"
        else "repeating it changes nothing"
    )
    return (
        f"{why}. Retried (up to `max_retries`, 2 by default, with backoff) after "
        f"connect errors, timeouts, broken connections and HTTP {transient}."
    )


def raises_of(endpoint: EndpointDef[Any]) -> tuple[tuple[str, str], ...]:
    """The errors a call raises, and when: `(exception names, when)`, for docstring and reference."""
    api = "CRM" if endpoint.api == "crm" else "product API"
    credentials = "AB_CRM_ID/AB_CRM_KEY" if endpoint.api == "crm" else "the product key and secret"
    items: list[tuple[str, str]] = []
    if endpoint.path_params or endpoint.request:
        items.append(
            (
                "ValidationError",
                "before anything is sent, when a parameter breaks a rule; every bad field "
                "is named at once.",
            )
        )
    items.append(("ConfigurationError", f"the client has no {api} credentials."))
    if endpoint.path_params:
        items.append(("NotFoundError", f"(404) the {api} has no record with this id."))
    replay = "; also a replayed signature" if endpoint.api == "product" else ""
    items += [
        ("BadRequestError", f"(400) the {api} refused the parameters{replay}."),
        ("AuthenticationError", f"(401) the {api} refused {credentials}."),
        (
            "RateLimitError, ServerError",
            "(429, 5xx) still failing after the retries the policy allows (500 is never retried).",
        ),
        (
            "ConnectError, RequestTimeoutError, ConnectionLostError",
            "no answer, after the allowed retries; `may_have_reached_server` says whether "
            "the call may have had effect.",
        ),
        ("ResponseDecodingError", "the answer is not JSON or not the documented shape."),
        ("ClientClosedError", "the client was already closed."),
    ]
    return tuple(items)
