"""The frozen intermediate form between the YAML in `schema/` and the rendered source.

Fields, models and endpoints are the runtime's own descriptions (`econtract_async._meta`),
with model names where the runtime holds classes: one definition for both sides.
"""

from __future__ import annotations

import attrs

from .vocabulary import meta

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


FieldSpec = meta.FieldDef[str]
"""A field of a model or a path parameter of an endpoint: the runtime's `FieldDef`, naming its
nested model instead of holding the class."""
ModelSpec = meta.ModelDef[str]
"""A model with its own fields and its includes already expanded, in wire order."""
EndpointSpec = meta.EndpointDef[str]
"""One API call of a resource."""


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
    base: str | None = None
    """A hand-written class of `econtract_async._resource_bases` the resource class extends."""


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
