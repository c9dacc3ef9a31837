"""The frozen intermediate form between the YAML in `schema/` and the rendered source."""

from __future__ import annotations

from typing import Any

import attrs

__all__ = [
    "CodeSpec",
    "EndpointSpec",
    "FieldSpec",
    "ModelSpec",
    "ResourceSpec",
    "SchemaProblem",
    "SchemaSpec",
]


@attrs.frozen
class SchemaProblem:
    """One problem in the schema: the file, the key path inside it, and what is wrong."""

    file: str
    key_path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key_path}: {self.message}"


@attrs.frozen
class FieldSpec:
    """A field of a model or a path parameter of an endpoint."""

    name: str
    wire: str
    type: str
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
    model: str | None = None
    prefix: str = ""
    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None


@attrs.frozen
class ModelSpec:
    """A model with its own fields and its includes already expanded, in wire order."""

    name: str
    kind: str
    description: str
    fields: tuple[FieldSpec, ...]
    file: str
    source: str = ""
    status: str = "available"


@attrs.frozen
class EndpointSpec:
    """One API call of a resource."""

    name: str
    method: str
    path: str
    summary: str
    retry: str
    path_params: tuple[FieldSpec, ...] = ()
    request: tuple[str, ...] = ()
    response: str | None = None
    many: bool = False
    documented: bool = True
    doc_path: str | None = None
    decision: str | None = None


@attrs.frozen
class ResourceSpec:
    """One schema file: a resource of one API with its models and endpoints."""

    api: str
    resource: str
    title: str
    file: str
    source: str
    documented: bool
    models: tuple[ModelSpec, ...]
    endpoints: tuple[EndpointSpec, ...]
    extends: str | None = None


@attrs.frozen
class CodeSpec:
    """An open integer code from `shared/codes.yaml`."""

    name: str
    description: str
    seen_in_examples: tuple[int, ...] = ()


@attrs.frozen
class SchemaSpec:
    """The whole schema, sorted so rendering is deterministic."""

    resources: tuple[ResourceSpec, ...]
    codes: tuple[CodeSpec, ...]
    digest: str

    def model(self, name: str) -> ModelSpec:
        """The model called `name`, wherever it is defined."""
        for resource in self.resources:
            for model in resource.models:
                if model.name == name:
                    return model
        raise KeyError(name)

    def home(self, name: str) -> ResourceSpec:
        """The resource whose file defines model `name`."""
        for resource in self.resources:
            if any(model.name == name for model in resource.models):
                return resource
        raise KeyError(name)
