"""YAML in `schema/` -> `SchemaSpec`, collecting every problem before raising once."""

from __future__ import annotations

import difflib
import hashlib
import keyword
import re
from pathlib import Path
from typing import Any

import attrs
import yaml

from .spec import (
    CodeSpec,
    EndpointSpec,
    FieldSpec,
    ModelSpec,
    ResourceSpec,
    SchemaProblem,
    SchemaSpec,
)
from .vocabulary import vocabulary

__all__ = ["SCALAR_TYPES", "TYPES", "SchemaError", "load_schema", "schema_digest"]

SCALAR_TYPES = frozenset(vocabulary.VOCABULARY)
"""The scalar types: exactly the runtime vocabulary's (`econtract_async._vocabulary`)."""
TYPES = SCALAR_TYPES | frozenset(vocabulary.STRUCTURAL_TYPES)
RESPONSE_ONLY_TYPES = frozenset({"map", "json"})
_BASE_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")

RESOURCE_KEYS = {
    "api",
    "resource",
    "title",
    "source",
    "documented",
    "models",
    "endpoints",
    "base",
}
MODEL_KEYS = {"kind", "description", "source", "status", "include", "fields"}
FIELD_KEYS = {
    "wire", "name", "label", "type", "required", "empty_ok", "allow_empty", "description", "aliases",
    "decision", "derived", "default", "value", "values", "code", "item", "one_or_many",
    "model", "prefix", "min", "max", "min_length", "max_length", "pattern", "country_field",
}  # fmt: skip
ENDPOINT_KEYS = {
    "method", "path", "summary", "path_params", "request", "response", "many", "retry",
    "decision", "documented", "doc_path",
}  # fmt: skip
OVERRIDE_KEYS = {"required", "description", "decision", "empty_ok", "allow_empty", "label"}
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_MODEL_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_DECISION = re.compile(r"^D-\d{3}$")


class SchemaError(Exception):
    """The schema has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[SchemaProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in schema/:\n{lines}")


def schema_digest(schema_dir: Path) -> str:
    """sha256 over every file below `schema_dir`, by relative path and content."""
    digest = hashlib.sha256()
    for path in sorted(p for p in schema_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(schema_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class _Loader:
    def __init__(self, schema_dir: Path) -> None:
        self.schema_dir = schema_dir
        self.problems: list[SchemaProblem] = []
        self.raw_models: dict[str, tuple[str, dict[str, Any]]] = {}
        self.codes: dict[str, CodeSpec] = {}

    def problem(self, file: str, key_path: str, message: str) -> None:
        self.problems.append(SchemaProblem(file, key_path, message))

    def check_keys(
        self, file: str, path: str, data: Any, allowed: set[str], required: set[str]
    ) -> bool:
        if not isinstance(data, dict):
            self.problem(file, path, f"expected a mapping, got {type(data).__name__}")
            return False
        for key in data:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                self.problem(file, f"{path}.{key}" if path else str(key), f"unknown key{extra}")
        missing = sorted(required - set(data))
        for key in missing:
            self.problem(file, path or "<top>", f"missing required key {key!r}")
        return not missing

    def read_yaml(self, path: Path) -> Any:
        rel = path.relative_to(self.schema_dir).as_posix()
        try:
            return yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            self.problem(rel, "<file>", f"not valid YAML: {exc}")
            return None

    def load_codes(self) -> None:
        path = self.schema_dir / "shared" / "codes.yaml"
        if not path.exists():
            self.problem("shared/codes.yaml", "<file>", "missing")
            return
        data = self.read_yaml(path)
        if not self.check_keys("shared/codes.yaml", "", data, {"codes"}, {"codes"}):
            return
        for name, body in (data.get("codes") or {}).items():
            key_path = f"codes.{name}"
            if not self.check_keys(
                "shared/codes.yaml",
                key_path,
                body,
                {"description", "seen_in_examples"},
                {"description"},
            ):
                continue
            self.codes[name] = CodeSpec(
                name, str(body["description"]), tuple(body.get("seen_in_examples") or ())
            )

    def field(self, file: str, path: str, data: Any, kind: str) -> FieldSpec | None:
        required_keys = {"wire", "type", "description"}
        if kind in {"request", "group", "path"}:
            required_keys.add("label")
        if not self.check_keys(file, path, data, FIELD_KEYS, required_keys):
            return None
        ftype = data.get("type")
        name = data.get("name", data.get("wire"))
        ok = True
        if ftype not in TYPES:
            hint = difflib.get_close_matches(str(ftype), sorted(TYPES), n=1)
            self.problem(
                file,
                f"{path}.type",
                f"unknown type {ftype!r}" + (f" (did you mean {hint[0]!r}?)" if hint else ""),
            )
            ok = False
        if not isinstance(name, str) or not _IDENTIFIER.match(name) or keyword.iskeyword(name):
            self.problem(file, f"{path}.name", f"{name!r} is not a valid Python name: give `name`")
            ok = False
        if ftype == "code" and data.get("code") not in self.codes:
            self.problem(
                file, f"{path}.code", f"unknown code {data.get('code')!r} (see shared/codes.yaml)"
            )
            ok = False
        if ftype == "enum" and not data.get("values"):
            self.problem(file, f"{path}.values", "an enum needs `values`")
            ok = False
        if ftype == "constant" and "value" not in data:
            self.problem(file, f"{path}.value", "a constant needs `value`")
            ok = False
        if ftype == "list" and data.get("item") not in SCALAR_TYPES and data.get("model") is None:
            self.problem(
                file,
                f"{path}.item",
                f"a list needs a scalar `item` type or a `model`, got {data.get('item')!r}",
            )
            ok = False
        if ftype in {"model", "map"} and not isinstance(data.get("model"), str):
            self.problem(file, f"{path}.model", f"a {ftype} field needs `model`")
            ok = False
        if kind == "response" and data.get("required") and ftype not in SCALAR_TYPES:
            self.problem(
                file, f"{path}.required", "only a scalar response field can be always answered"
            )
            ok = False
        if ftype == "constant" and kind == "response":
            self.problem(file, f"{path}.type", "'constant' is only allowed in request models")
            ok = False
        if (
            data.get("allow_empty")
            and ftype in SCALAR_TYPES
            and not vocabulary.VOCABULARY[ftype].text
        ):
            self.problem(
                file,
                f"{path}.allow_empty",
                f"an explicit empty value is not a {ftype}: only text types allow it",
            )
            ok = False
        if ftype in RESPONSE_ONLY_TYPES and kind != "response":
            self.problem(file, f"{path}.type", f"{ftype!r} is only allowed in response models")
            ok = False
        decision = data.get("decision")
        if decision is not None and not _DECISION.match(str(decision)):
            self.problem(file, f"{path}.decision", f"{decision!r} is not of the form D-NNN")
            ok = False
        country_field = data.get("country_field")
        if country_field is not None and ftype not in vocabulary.COUNTRY_CHECKS:
            allowed = ", ".join(sorted(vocabulary.COUNTRY_CHECKS))
            self.problem(
                file,
                f"{path}.country_field",
                f"only a field of type {allowed} reads a country field, not one of type {ftype}",
            )
            ok = False
        elif country_field is not None and not isinstance(country_field, str):
            self.problem(file, f"{path}.country_field", "the Python name of a field of this model")
            ok = False
        if data.get("pattern") is not None:
            try:
                re.compile(str(data["pattern"]))
            except re.error as exc:
                self.problem(file, f"{path}.pattern", f"not a regular expression: {exc}")
                ok = False
        if not ok:
            return None
        return FieldSpec(
            name=name,
            wire=str(data["wire"]),
            type=ftype,
            required=bool(data.get("required", False)),
            empty_ok=bool(data.get("empty_ok", False)),
            allow_empty=bool(data.get("allow_empty", False)),
            label=str(data.get("label", "")),
            description=str(data.get("description") or ""),
            aliases=tuple(data.get("aliases") or ()),
            decision=decision,
            derived=data.get("derived"),
            default=data.get("default"),
            value=data.get("value"),
            values=tuple(data.get("values") or ()),
            code=data.get("code"),
            item=data.get("item"),
            one_or_many=bool(data.get("one_or_many", False)),
            model=data.get("model"),
            prefix=str(data.get("prefix", "")),
            min=data.get("min"),
            max=data.get("max"),
            min_length=data.get("min_length"),
            max_length=data.get("max_length"),
            pattern=data.get("pattern"),
            country_field=country_field,
        )

    def collect_models(self, file: str, data: dict[str, Any]) -> None:
        for name, body in (data.get("models") or {}).items():
            key_path = f"models.{name}"
            if not _MODEL_NAME.match(str(name)):
                self.problem(file, key_path, "model names are CamelCase")
                continue
            if name in self.raw_models:
                self.problem(
                    file,
                    key_path,
                    f"model {name!r} is already defined in {self.raw_models[name][0]}",
                )
                continue
            if self.check_keys(file, key_path, body, MODEL_KEYS, {"kind", "description"}):
                if body.get("kind") not in {"request", "response", "group"}:
                    self.problem(file, f"{key_path}.kind", f"unknown kind {body.get('kind')!r}")
                    continue
                self.raw_models[name] = (file, body)

    def as_response(
        self, file: str, name: str, included: list[FieldSpec], own: list[FieldSpec]
    ) -> list[FieldSpec]:
        """A response model's fields: the included tables' fields as answered, then its own.

        The CRM answers "all information of the model": every field of the request tables it
        mirrors, typed as on the request but optional and unchecked (D-160). Constants and
        nested request groups are not part of a stored record; a field that two tables share
        appears once (another wire name of it becomes an alias), and the model's own field of
        that name replaces it. The always-answered own fields (`id`) come first.
        """
        own_names = {spec.name for spec in own}
        fields: dict[str, FieldSpec] = {}
        for spec in included:
            if spec.type == "constant" or spec.name in own_names:
                continue
            if (
                spec.type == "model"
                and self.raw_models[spec.model or ""][1].get("kind") != "response"
            ):
                continue
            answered = attrs.evolve(spec, **_RESPONSE_RESET)
            seen = fields.get(spec.name)
            if seen is None:
                fields[spec.name] = answered
            elif (seen.type, seen.values, seen.item) == (spec.type, spec.values, spec.item):
                wires = (seen.wire, *seen.aliases)
                if spec.wire not in wires:
                    fields[spec.name] = attrs.evolve(seen, aliases=(*seen.aliases, spec.wire))
            else:
                self.problem(
                    file,
                    f"models.{name}.include",
                    f"field {spec.name!r} is included twice with different types: declare it",
                )
        first = [spec for spec in own if spec.required]
        return [*first, *fields.values(), *(spec for spec in own if not spec.required)]

    def expand(self, name: str, stack: tuple[str, ...] = ()) -> tuple[FieldSpec, ...] | None:
        file, body = self.raw_models[name]
        kind = body.get("kind", "request")
        if name in stack:
            self.problem(
                file, f"models.{name}.include", f"include cycle: {' -> '.join((*stack, name))}"
            )
            return None
        fields: list[FieldSpec] = []
        for index, entry in enumerate(body.get("include") or ()):
            key_path = f"models.{name}.include[{index}]"
            overrides: dict[str, Any] = {}
            item = entry
            if isinstance(entry, dict):
                if not self.check_keys(file, key_path, entry, {"model", "override"}, {"model"}):
                    continue
                overrides = entry.get("override") or {}
                item = entry["model"]
            if item not in self.raw_models:
                self.problem(file, key_path, f"unknown model {item!r}")
                continue
            item_kind = self.raw_models[item][1].get("kind")
            if item_kind != "group" and kind != "response":
                self.problem(file, key_path, f"{item!r} is not a group")
                continue
            included = self.expand(item, (*stack, name))
            if included is None:
                continue
            names = {f.name for f in included}
            for field_name, change in overrides.items():
                if field_name not in names:
                    self.problem(
                        file,
                        f"{key_path}.override.{field_name}",
                        f"{item} has no field {field_name!r}",
                    )
                elif self.check_keys(
                    file, f"{key_path}.override.{field_name}", change, OVERRIDE_KEYS, set()
                ):
                    pass
            for spec in included:
                change = overrides.get(spec.name)
                fields.append(attrs_evolve(spec, change) if isinstance(change, dict) else spec)
        own_fields: list[tuple[int, FieldSpec]] = []
        for index, raw in enumerate(body.get("fields") or ()):
            own = self.field(file, f"models.{name}.fields[{index}]", raw, kind)
            if own is not None:
                own_fields.append((index, own))
        if kind == "response":
            fields = self.as_response(file, name, fields, [spec for _, spec in own_fields])
        else:
            fields += [spec for _, spec in own_fields]
        by_name = {spec.name: spec for spec in fields}
        for index, spec in own_fields:  # included fields were checked in their group
            if spec.country_field is None or stack:  # once, not again per model including it
                continue
            target = by_name.get(spec.country_field)
            if target is None or target.type != "country":
                found = "has no such field" if target is None else f"is a {target.type}"
                self.problem(
                    file,
                    f"models.{name}.fields[{index}].country_field",
                    f"{spec.country_field!r} must be a field of type country of {name}: "
                    f"{name} {found}",
                )
        seen: set[str] = set()
        for spec in fields:
            if spec.name in seen:
                self.problem(file, f"models.{name}", f"field {spec.name!r} appears twice")
            seen.add(spec.name)
        return tuple(fields)

    def check_references(self, file: str, model: ModelSpec) -> None:
        for index, spec in enumerate(model.fields):
            if spec.model is not None and spec.model not in self.raw_models:
                self.problem(
                    file,
                    f"models.{model.name}.fields[{index}].model",
                    f"unknown model {spec.model!r}",
                )
            elif spec.type == "model" and model.kind != "response":
                target_kind = self.raw_models[spec.model or ""][1].get("kind")
                if target_kind != "group":
                    self.problem(
                        file,
                        f"models.{model.name}.fields[{index}].model",
                        "nested request models must be groups",
                    )

    def endpoint(
        self, file: str, name: str, data: Any, documented: bool, api: str, resource: str
    ) -> EndpointSpec | None:
        key_path = f"endpoints.{name}"
        if not self.check_keys(
            file, key_path, data, ENDPOINT_KEYS, {"method", "path", "summary", "retry"}
        ):
            return None
        ok = True
        if not _IDENTIFIER.match(str(name)):
            self.problem(file, key_path, "endpoint names are Python method names")
            ok = False
        if data.get("method") not in {"GET", "POST"}:
            self.problem(file, f"{key_path}.method", "GET or POST")
            ok = False
        if data.get("retry") not in {"safe", "deduplicated", "unsafe"}:
            self.problem(file, f"{key_path}.retry", "safe, deduplicated or unsafe")
            ok = False
        request = data.get("request")
        requests = tuple(request) if isinstance(request, list) else ((request,) if request else ())
        for item in requests:
            if item not in self.raw_models:
                self.problem(file, f"{key_path}.request", f"unknown model {item!r}")
                ok = False
            elif self.raw_models[item][1].get("kind") != "request":
                self.problem(file, f"{key_path}.request", f"{item!r} is not a request model")
                ok = False
        response = data.get("response")
        if response is not None and (
            response not in self.raw_models
            or self.raw_models[response][1].get("kind") != "response"
        ):
            self.problem(file, f"{key_path}.response", f"{response!r} is not a response model")
            ok = False
        params = []
        for index, raw in enumerate(data.get("path_params") or ()):
            spec = self.field(file, f"{key_path}.path_params[{index}]", raw, "path")
            if spec is not None:
                params.append(spec)
        placeholders = re.findall(r"{(\w+)}", str(data.get("path", "")))
        if placeholders != [p.wire for p in params]:
            self.problem(
                file,
                f"{key_path}.path_params",
                f"must describe the placeholders {placeholders} in order",
            )
            ok = False
        if not ok:
            return None
        return EndpointSpec(
            api=api,  # type: ignore[arg-type]  # checked against {"crm", "product"} on load
            resource=resource,
            schema_file=file,
            name=name,
            method=data["method"],
            path=data["path"],
            summary=str(data["summary"]),
            retry=data["retry"],
            path_params=tuple(params),
            request=requests,
            response=response,
            many=bool(data.get("many", False)),
            documented=bool(data.get("documented", documented)),
            doc_path=data.get("doc_path"),
            decision=data.get("decision"),
        )

    def load(self) -> SchemaSpec:
        self.load_codes()
        files: list[tuple[str, dict[str, Any]]] = []
        for path in sorted(self.schema_dir.glob("*/*.yaml")):
            rel = path.relative_to(self.schema_dir).as_posix()
            if rel.startswith("shared/"):
                continue
            data = self.read_yaml(path)
            if data is None:
                continue
            if not self.check_keys(
                rel, "", data, RESOURCE_KEYS, {"api", "resource", "title", "source"}
            ):
                continue
            if data.get("api") not in {"crm", "product"}:
                self.problem(rel, "api", "crm or product")
                continue
            if rel.split("/")[0] != data["api"]:
                self.problem(
                    rel,
                    "api",
                    f"a file under {rel.split('/')[0]}/ must say api: {rel.split('/')[0]}",
                )
            files.append((rel, data))
            self.collect_models(rel, data)
        resources = []
        for rel, data in files:
            models = []
            for name, (file, body) in self.raw_models.items():
                if file != rel:
                    continue
                fields = self.expand(name)
                if fields is None:
                    continue
                model = ModelSpec(
                    name=name,
                    kind=body["kind"],
                    description=" ".join(str(body["description"]).split()),
                    fields=fields,
                    schema_file=rel,
                    source=str(body.get("source", "")),
                    status=str(body.get("status", "available")),
                )
                self.check_references(rel, model)
                models.append(model)
            documented = bool(data.get("documented", True))
            base = data.get("base")
            if base is not None and not _BASE_NAME.match(str(base)):
                self.problem(
                    rel,
                    "base",
                    f"{base!r} is not a class name: name a class of econtract_async._resource_bases",
                )
                base = None
            endpoints = []
            for name, body in (data.get("endpoints") or {}).items():
                spec = self.endpoint(
                    rel, name, body, documented, data["api"], str(data["resource"])
                )
                if spec is not None:
                    endpoints.append(spec)
            resources.append(
                ResourceSpec(
                    api=data["api"],
                    resource=str(data["resource"]),
                    title=str(data["title"]),
                    file=rel,
                    source=str(data["source"]),
                    documented=documented,
                    models=tuple(models),
                    endpoints=tuple(endpoints),
                    base=base,
                )
            )
        if self.problems:
            raise SchemaError(self.problems)
        return SchemaSpec(
            resources=tuple(resources),
            codes=tuple(self.codes[name] for name in sorted(self.codes)),
            digest=schema_digest(self.schema_dir),
        )


_RESPONSE_RESET: dict[str, Any] = {
    "required": False, "empty_ok": False, "allow_empty": False, "default": None,
    "min": None, "max": None, "min_length": None, "max_length": None, "pattern": None,
    "one_or_many": False, "prefix": "", "country_field": None,
}  # fmt: skip
"""What a request table's field loses as a response field: answers are optional, unchecked."""


def attrs_evolve(spec: FieldSpec, change: dict[str, Any]) -> FieldSpec:
    """`spec` with the overridden keys of an include changed."""
    return attrs.evolve(spec, **{k: v for k, v in change.items() if k in OVERRIDE_KEYS})


def load_schema(schema_dir: Path) -> SchemaSpec:
    """Load and check every file below `schema_dir`; raise `SchemaError` listing every problem."""
    return _Loader(schema_dir).load()
