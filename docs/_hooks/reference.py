"""mkdocs hook: the API reference and the migration tables, generated from the SDK at build time.

Everything here reads the generated SDK (`econtract_async.crm`, `econtract_async.product` and
the tables of `econtract_async._generated`, written by codegen from `schema/`), never the YAML
directly, so a page can only describe what the installed SDK really does:

- one page per resource (`reference/crm/clients.md`, `reference/product/products.md`, ...) with,
  per endpoint, the HTTP method and path, what it returns, its call forms (every overload), a
  runnable example, a parameter table (name, type, required or default, description with the
  constraints and the decision), the errors it raises and when, and its retry policy in words,
  followed by the mkdocstrings documentation of the resource class and its models;
- the endpoint index of `reference/index.md` (marker `<!-- econtract:endpoint-index -->`);
- the PHP-to-Python tables of `migration.md` (markers `<!-- econtract:migration-crm -->` and
  `<!-- econtract:migration-product -->`): a PHP call whose endpoint the SDK lacks reads
  "coming with the parity release" until codegen adds it.

Pages other engineers own (`testing.md`, `bulk-import.md`, ...) get a clearly marked placeholder
while they do not exist yet, so links to them keep the `--strict` build green.
"""

from __future__ import annotations

import html
import importlib
import importlib.util
import inspect
import logging
import re
import typing
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs

from econtract_async._generated import ENDPOINTS, MODELS, RESOURCES
from econtract_async._meta import (
    EndpointMeta,
    FieldMeta,
    ModelMeta,
    WireField,
    flatten,
    raises_of,
)
from econtract_async._meta import retry_words as _retry_words

__all__ = [
    "CRM_PHP_CALLS",
    "PRODUCT_PHP_CALLS",
    "PhpCall",
    "anchor",
    "break_points",
    "call_forms",
    "decision_anchors",
    "endpoint_index",
    "example_code",
    "how_to_pass",
    "migration_table",
    "raises",
    "resource_pages",
    "retry_words",
    "sdk_call",
    "stack_labels",
    "stacked",
]

log = logging.getLogger("mkdocs.hooks.econtract_reference")

# The toc extension's own slugify, so decision anchors match its heading ids (Markdown ships
# no type hints, hence the annotated import).
slugify: Callable[[str, str], str] = importlib.import_module("markdown.extensions.toc").slugify

REFERENCE_SECTION = "API reference"
PARITY = "coming with the parity release"
OWNED_ELSEWHERE = {
    "testing.md": "Testing your code",
    "bulk-import.md": "Bulk import",
    "performance.md": "Performance",
    "benchmarks.md": "Benchmarks",
    "validation.md": "Validation",
    "parity.md": "Calls beyond the API docs",
}
"""Pages written by other engineers: a placeholder stands in until the real page lands."""


@attrs.frozen
class PhpCall:
    """A method of an official PHP client and the wire call it makes."""

    php: str
    method: str
    path: str
    note: str = ""
    name: str | None = None
    """The SDK method name, where several SDK methods share the wire call (leads)."""


CRM_PHP_CALLS: tuple[PhpCall, ...] = (
    PhpCall("getClient($id)", "GET", "/api/clients/{id}"),
    PhpCall("createClient($params)", "POST", "/api/clients", "PHP 8: TypeError after sending"),
    PhpCall("searchClients($query)", "POST", "/api/clients/search", "not in the API docs"),
    PhpCall("updateClient($id, $params)", "POST", "/api/clients/{id}", "not in the API docs"),
    PhpCall("getAddress($id)", "GET", "/api/addresses/{id}"),
    PhpCall("createAddress($params)", "POST", "/api/addresses", "PHP 8: TypeError after sending"),
    PhpCall("updateAddress($id, $params)", "POST", "/api/addresses/{id}", "not in the API docs"),
    PhpCall("getContract($id)", "GET", "/api/contracts/{id}"),
    PhpCall("createOrder($params)", "POST", "/api/orders", "PHP 8: TypeError after sending"),
    PhpCall(
        "createLead($params)", "POST", "/api/leads", "PHP 8: TypeError after sending", "create"
    ),
    PhpCall(
        "createClickOutLead($params)",
        "POST",
        "/api/leads/clickOut",
        "PHP 8: TypeError after sending",
    ),
    PhpCall(
        "createCallMeBackLead($params)",
        "POST",
        "/api/leads",
        "PHP 8: TypeError after sending",
        "create_call_me_back",
    ),
    PhpCall("referral lead", "POST", "/api/referrals", "not in the API docs"),
    PhpCall(
        "getLatestOrders($params)",
        "GET",
        "/api/orders/latest",
        "PHP 8: TypeError after sending; the docs print `POST /api/latest`",
    ),
    PhpCall("latest order by product", "GET", "/api/orders/latestByProduct", "not in the API docs"),
    PhpCall(
        "getSupplierRating($id)",
        "GET",
        "/api/suppliers/{id}/rating",
        "documented, but missing from the PHP service class",
    ),
    PhpCall("getDefaultUsages($params)", "GET", "/api/usages"),
    PhpCall("recommendation", "GET", "/api/recommendations/{id}", "not in the API docs"),
    PhpCall(
        "renewal recommendation", "GET", "/api/recommendations/{id}/renewal", "not in the API docs"
    ),
)
"""`econtract/crm` 4.2.0 (`CrmService`), as observed in `shared/reference/wire-protocol.md`."""

PRODUCT_PHP_CALLS: tuple[PhpCall, ...] = (
    PhpCall("getProducts($params)", "GET", "/products.json"),
    PhpCall(
        "getProducts($params, $productId)",
        "GET",
        "/products/view/{id}.json",
        "legacy clients call `/products/{id}.json`",
    ),
    PhpCall(
        "getProducts($params, [$id1, $id2])",
        "GET",
        "/products.json",
        "sends `productid[0]=…`; legacy clients `productid=2+5`",
    ),
    PhpCall("getProductsLastUpdated($params)", "GET", "/products/last_updated.json"),
    PhpCall("compare($params)", "GET", "/comparison.json", "parameters undocumented"),
    PhpCall("previousCompare($id, $params)", "GET", "/comparison/{id}.json"),
    PhpCall("getSuppliers($params)", "GET", "/suppliers.json", "parameters undocumented"),
    PhpCall("getSupplierDetail($id, $params)", "GET", "/suppliers/{id}.json"),
    PhpCall("getReviews($params)", "GET", "/reviews.json", "parameters undocumented"),
    PhpCall("usages($params)", "GET", "/usages.json", "parameters undocumented"),
    PhpCall("getDnb($zip, $lang)", "GET", "/dnb.json"),
    PhpCall("availability check", "GET", "/products/is_available_at/{id}.json", "`zip`"),
    PhpCall("product PBS", "GET", "/products/pbs/{id}.json", "parameters undocumented"),
    PhpCall("sales agent", "GET", "/sales_agent.json", "parameters undocumented"),
)
"""The `Aanbieders` class of `econtract/ApiClient` (1.1.9 and the legacy 1.0.x/1.1.7)."""


# Helpers


_CODE_SPAN = re.compile(r"(`[^`]+`)")


def _prose(text: object) -> str:
    """API-docs text as Markdown: its `code spans` stay code, every other markup is escaped."""
    parts = _CODE_SPAN.split(" ".join(str(text).split()))
    return "".join(
        part if index % 2 else re.sub(r"([\\*_\[\]])", r"\\\1", html.escape(part, quote=False))
        for index, part in enumerate(parts)
    )


def _cell(text: object) -> str:
    """Text made safe for one Markdown table cell (code spans kept, pipes escaped)."""
    return _prose(text).replace("|", "\\|")


def _code(text: object) -> str:
    """Inline code that survives a table cell (backticks and pipes included)."""
    value = str(text).replace("|", "\\|")
    fence = "``" if "`" in value else "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _namespace(endpoint: EndpointMeta) -> str:
    """Where the resource hangs off the client: `ec.crm.clients` or `ec.products`."""
    if endpoint.api == "product" and endpoint.resource == "products":
        return "ec.products"
    return f"ec.{endpoint.api}.{endpoint.resource}"


def _public_module(api: str) -> str:
    return f"econtract_async.{api}"


def _model_ref(endpoint_api: str, cls: type[Any]) -> str:
    """An autorefs link to a generated model's mkdocstrings entry."""
    return f"[`{cls.__name__}`][{_public_module(endpoint_api)}.{cls.__name__}]"


def anchor(endpoint: EndpointMeta) -> str:
    """The heading id of an endpoint's section, unique across the site (`crm-clients-get`)."""
    return endpoint.key.replace(".", "-").replace("_", "-")


def sdk_call(endpoint: EndpointMeta) -> str:
    """The Python call of an endpoint, e.g. `await ec.crm.clients.get(id)`."""
    args = [param.name for param in endpoint.path_params]
    if endpoint.request:
        args.append(f"{endpoint.request[0].__name__}(...)")
    return f"await {_namespace(endpoint)}.{endpoint.name}({', '.join(args)})"


def _alternatives(endpoint: EndpointMeta) -> str:
    """The other request models an endpoint takes, e.g. ` (or `GasOrder`, `DualFuelOrder`)`."""
    others = [f"`{cls.__name__}`" for cls in endpoint.request[1:]]
    return f" (or {', '.join(others)})" if others else ""


def decision_anchors(decisions_md: str) -> dict[str, str]:
    """`D-NNN` -> the heading anchor of its entry in `decisions.md` (toc's own slugify)."""
    anchors: dict[str, str] = {}
    for match in re.finditer(r"^## (D-\d{3})\b(.*)$", decisions_md, flags=re.MULTILINE):
        heading = (match.group(1) + match.group(2)).replace("`", "")
        anchors[match.group(1)] = slugify(html.unescape(heading), "-")
    return anchors


def _decision_link(decision: str | None, anchors: dict[str, str], up: str) -> str:
    if not decision:
        return ""
    anchor = anchors.get(decision)
    if anchor is None:
        log.warning("decision %s is not an entry of docs/decisions.md", decision)
        return decision
    return f"[{decision}]({up}decisions.md#{anchor})"


# Parameter tables


def _type(field: FieldMeta) -> str:
    if field.type == "list":
        return _code(f"list[{field.item}]")
    return _code(field.type)


def _bound(low: float | None, high: float | None, what: str = "") -> str:
    def fmt(number: float) -> str:
        return str(int(number)) if float(number).is_integer() else str(number)

    if low is not None and high is not None:
        return f"{what}{fmt(low)} to {fmt(high)}"
    if low is not None:
        return f"{what}at least {fmt(low)}"
    if high is not None:
        return f"{what}at most {fmt(high)}"
    return ""


def constraints(field: FieldMeta) -> str:
    """Every rule the SDK checks or applies to a field, in words."""
    parts: list[str] = []
    if field.is_constant:
        parts.append(f"always {_code(field.value)}")
    if field.values:
        parts.append("one of " + ", ".join(_code(v) for v in field.values))
    if field.code:
        parts.append(f"open code {_code(field.code)}")
    value_range = _bound(field.min, field.max)
    if value_range:
        parts.append(value_range)
    length = _bound(field.min_length, field.max_length, "length ")
    if length:
        parts.append(length)
    if field.pattern:
        parts.append(f"matches {_code(field.pattern)}")
    if field.one_or_many:
        parts.append("one value or a list")
    if field.aliases:
        parts.append("also accepted as " + ", ".join(_code(a) for a in field.aliases))
    if field.derived == "example":
        parts.append("from the docs' examples")
    elif field.derived == "reference":
        parts.append("from the official clients")
    return "; ".join(parts)


def _required(required: bool, field: FieldMeta) -> str:
    """What the caller must do: a field the SDK fills in (constant, default) is not required."""
    if field.is_constant:
        return f"set by the SDK: always {_code(field.value)}"
    if field.default is not None:
        return f"optional, default {_code(field.default)}"
    if required and field.empty_ok:
        return "**required** (sent empty when not given)"
    return "**required**" if required else "optional"


HEADER = "| Parameter | Type | Description |\n|---|---|---|"
"""Three columns; on a phone each row becomes a card (`STACK`), description in full width."""

STACK = "ec-stack"
"""The class of a `<div>` around a table whose rows a phone shows as cards, one cell under the
other, each with its column's name (`docs/stylesheets/reference.css`; `on_page_content` adds
the labels). Tables with long descriptions need it: three columns do not fit 390 px."""


def stacked(table: Sequence[str], *, labels: bool = True) -> list[str]:
    """The Markdown lines of `table`, wrapped so a phone shows its rows as cards.

    `labels=False` for parameter tables: name, type and description read as such without
    their column names, and each card is two lines shorter.
    """
    classes = STACK if labels else f"{STACK} {STACK}--bare"
    return [f'<div class="{classes}" markdown>', "", *table, "", "</div>", ""]


FOOTNOTE = "(*)"
"""The API docs' mark for "the CRM parameters page lists the accepted values"."""


def _description(field: FieldMeta) -> str:
    """The API docs' description, without their `(*)` footnote mark (its footnote is not here:
    the constraints name the open code instead, or the note says where the values are)."""
    text = " ".join(str(field.description or "").replace(FOOTNOTE, " ").split())
    if FOOTNOTE in str(field.description) and not (field.code or field.values):
        text += "; the CRM parameters page lists the accepted values"
    return text


def _row(wire: str, python: str, field: FieldMeta, required: bool, decision: str) -> str:
    name = _code(wire)
    if not field.is_constant and python != wire:
        name += f"<br>Python: {_code(python)}"
    rules = constraints(field)
    description = _description(field)
    notes = [_cell(description).rstrip(".")] if description else []
    if rules:
        notes.append(rules[0].upper() + rules[1:])
    if decision:
        notes.append(f"Decision: {decision}")
    cells = (name, f"{_type(field)}<br>{_required(required, field)}", ". ".join(notes))
    return "| " + " | ".join(cells) + " |"


def parameter_rows(fields: Iterable[WireField], anchors: dict[str, str], up: str) -> list[str]:
    """One table row per wire parameter."""
    return [
        _row(
            item.wire,
            item.path,
            item.field,
            item.required,
            _decision_link(item.field.decision, anchors, up),
        )
        for item in fields
    ]


# Pages


@cache
def _example_values() -> ModuleType:
    """The test suite's table of valid values per field (`tests/resources/examples.py`).

    The docs' examples use the very values the tests prove valid, so there is one table of
    example values, not two.
    """
    path = Path(__file__).resolve().parents[2] / "tests" / "resources" / "examples.py"
    spec = importlib.util.spec_from_file_location("econtract_docs_example_values", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLE_ID = 1
"""Ids in examples (path ids, `*_id` fields): the first record a fresh sandbox stores."""

EXAMPLE_PATH_IDS = {"product.suppliers.get": 11}
"""Path ids that name something else than a stored record: the sandbox catalogue's first supplier."""

EXAMPLE_WORDS = {
    "cat": "electricity",
    "first_name": "Els",
    "last_name": "Maes",
    "producttype": "electricity",
    "street": "Veldstraat",
    "city": "Gent",
}
"""Readable values where the tests' generic text would read oddly (or name no product type)."""


def _source(field: FieldMeta, indent: str, used: set[str]) -> str:
    if field.type == "model" and field.model is not None:
        return _model_source(field.model, indent, used)
    if field.type == "integer" and (field.wire == "id" or field.wire.endswith("_id")):
        return repr(EXAMPLE_ID)
    if field.wire in EXAMPLE_WORDS and field.type == "string":
        return repr(EXAMPLE_WORDS[field.wire])
    return repr(_example_values().example_value(field))


def _model_source(cls: type[Any], indent: str = "", used: set[str] | None = None) -> str:
    """Source of a valid instance of request model `cls`: its required fields only.

    The names of the model classes it uses are added to `used` (for the imports).
    """
    used = set() if used is None else used
    used.add(cls.__name__)
    must_give = _example_values()._must_give
    inner = indent + "    "
    args = [
        f"{inner}{field.name}={_source(field, inner, used)},"
        for field in cls.__econtract__.fields
        if not field.is_constant and must_give(field)
    ]
    if not args:
        return f"{cls.__name__}()"
    return f"{cls.__name__}(\n" + "\n".join(args) + f"\n{indent})"


def _result_name(endpoint: EndpointMeta) -> str:
    if endpoint.response is None:
        return ""
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", endpoint.response.__name__).lower()
    return f"{name}s" if endpoint.many else name


def example_code(endpoint: EndpointMeta) -> str:
    """A runnable example of the call: top-level `await`, as in `python -m asyncio`."""
    path_id = EXAMPLE_PATH_IDS.get(endpoint.key, EXAMPLE_ID)
    args = [repr(path_id) for _ in endpoint.path_params]
    imports: list[str] = []
    if endpoint.request:
        used: set[str] = set()
        args.append(_model_source(endpoint.request[0], "", used))
        imports.append(f"from {_public_module(endpoint.api)} import {', '.join(sorted(used))}")
    call = f"await {_namespace(endpoint)}.{endpoint.name}({', '.join(args)})"
    result = _result_name(endpoint)
    body = f"{result} = {call}\nprint({result})" if result else call
    if "datetime." in body:
        imports.insert(0, "import datetime")
    return ("\n".join(imports) + "\n\n" if imports else "") + body


def _method(endpoint: EndpointMeta) -> Callable[..., Any]:
    resource = RESOURCES.get((endpoint.api, endpoint.resource))
    if resource is not None and hasattr(resource, endpoint.name):
        method: Callable[..., Any] = getattr(resource, endpoint.name)
        return method
    msg = f"no resource method for {endpoint.key}"
    raise LookupError(msg)


def _signature(function: Callable[..., Any]) -> str:
    """`async def name(param: type, /, *, ...) -> type`, annotations as written in the source."""
    signature = inspect.signature(function)
    params = list(signature.parameters.values())[1:]  # without `self`
    parts: list[str] = []
    for index, param in enumerate(params):
        if param.kind is param.KEYWORD_ONLY and "*" not in parts:
            parts.append("*")
        text = f"**{param.name}" if param.kind is param.VAR_KEYWORD else param.name
        if param.annotation is not param.empty:
            text += f": {param.annotation}"
        if param.default is not param.empty:
            text += f" = {param.default!r}"
        parts.append(text)
        following = params[index + 1] if index + 1 < len(params) else None
        if param.kind is param.POSITIONAL_ONLY and (
            following is None or following.kind is not param.POSITIONAL_ONLY
        ):
            parts.append("/")
    returns = signature.return_annotation
    returns_text = "None" if returns is inspect.Signature.empty else str(returns)
    head = f"async def {function.__name__}("
    tail = f") -> {returns_text}"
    text = head + ", ".join(parts) + tail
    if len(text) > 72:  # one parameter per line, as the formatter writes it
        text = head + "\n" + "".join(f"    {part},\n" for part in parts) + tail
    return text.replace("builtins.", "")


def call_forms(endpoint: EndpointMeta) -> list[str]:
    """Every way to call the method: its overloads, or its one signature."""
    function = _method(endpoint)
    overloads = typing.get_overloads(function)
    return [_signature(f) for f in (overloads or [function])]


def retry_words(endpoint: EndpointMeta, up: str) -> str:
    """The endpoint's retry policy (`schema/` `retry:`) in words, linked to the policy table.

    The words are the ones the method's docstring shows (`econtract_async._meta.retry_words`).
    """
    link = f"[`{endpoint.retry}`]({up}errors.md#what-is-retried)"
    return f"{link}: {_retry_words(endpoint.retry)}"


def raises(endpoint: EndpointMeta) -> list[str]:
    """The errors the call raises, and when: one Markdown list item each, as in its docstring."""
    return [
        f"- {', '.join(f'`{name}`' for name in names.split(', '))}: {when}"
        for names, when in raises_of(endpoint)
    ]


def _selector(cls: type[Any]) -> str:
    """The constant keyword that picks model `cls`, e.g. `producttype='electricity'`."""
    constants = [f for f in cls.__econtract__.fields if f.is_constant]
    return ", ".join(f"`{f.name}={f.value!r}`" for f in constants)


def how_to_pass(endpoint: EndpointMeta, forms: int) -> str:
    """What a caller hands the method: the model, a mapping, or keyword fields (one sentence).

    With several models, the keyword form needs the constant that picks one; the sentence names
    each model with its constant, and the model without one as what any other value means (the
    SDK's own rule: `econtract_async._structure.pick_model`).
    """
    api = endpoint.api
    models = endpoint.request
    keywords = forms > 1
    if len(models) == 1:
        tail = ", or the fields as keyword arguments." if keywords else "."
        return (
            f"Pass the model ({_model_ref(api, models[0])}) or a mapping of its fields (Python or "
            f"wire names){tail}"
        )
    refs = ", ".join(_model_ref(api, cls) for cls in models)
    if not keywords:
        return (
            f"Pass one of the models ({refs}) or a mapping of its fields; keyword fields are not "
            "accepted, as they could not say which model is meant."
        )
    picks = [f"{_selector(cls)} for `{cls.__name__}`" for cls in models if _selector(cls)]
    picks += [f"otherwise `{cls.__name__}`" for cls in models if not _selector(cls)]
    return (
        f"Pass one of the models ({refs}), a mapping of its fields, or the fields of one model as "
        f"keyword arguments with the constant that picks it: {', '.join(picks)}."
    )


def _endpoint_section(endpoint: EndpointMeta, anchors: dict[str, str], up: str) -> list[str]:
    api = endpoint.api
    returns = "nothing"
    if endpoint.response is not None:
        ref = _model_ref(api, endpoint.response)
        returns = f"a list of {ref}" if endpoint.many else ref
    facts = [
        f"- **HTTP**: `{endpoint.method} {endpoint.path}`",
        f"- **Returns**: {returns}",
    ]
    if endpoint.doc_path:
        facts.append(
            f"- **Path in the API docs**: `{endpoint.doc_path}` (the SDK sends what the "
            "official client sends)"
        )
    if not endpoint.documented:
        facts.append("- **In the API docs**: no; called by the official PHP client only")
    if endpoint.decision:
        facts.append(f"- **Decision**: {_decision_link(endpoint.decision, anchors, up)}")
    forms = call_forms(endpoint)
    resource_class = _resource_class(api, endpoint.resource)
    # The method's own identifier anchors here, the one place that documents it (autorefs).
    method_id = f"{_public_module(api)}.{resource_class}.{endpoint.name}" if resource_class else ""
    out = [
        *([f"[](){{#{method_id}}}", ""] if method_id else []),
        f"## `{endpoint.name}` {{#{anchor(endpoint)}}}",
        "",
        _prose(endpoint.summary) + ".",
        "",
        *facts,
        "",
        "```python",
        "\n\n".join(forms),
        "```",
        "",
    ]
    if endpoint.request:
        out += [how_to_pass(endpoint, len(forms)), ""]
    out += ["**Example**", "", "```python", example_code(endpoint), "```", ""]
    if endpoint.path_params:
        out += ["**Path parameters**", ""]
        out += stacked(
            [
                HEADER,
                *parameter_rows(
                    (WireField(f.wire, f.name, f, True) for f in endpoint.path_params),
                    anchors,
                    up,
                ),
            ],
            labels=False,
        )
    for cls in endpoint.request:
        meta: ModelMeta = cls.__econtract__
        where = "query string" if endpoint.method == "GET" else "form body"
        out += [f"**{_model_ref(api, cls)}** ({where})", ""]
        out += stacked([HEADER, *parameter_rows(flatten(meta), anchors, up)], labels=False)
    if not endpoint.path_params and not endpoint.request:
        out += ["This call takes no parameters of its own.", ""]
    out += ["**Raises**", "", *raises(endpoint), ""]
    out += [f"**Retry policy**: {retry_words(endpoint, up)}", ""]
    return out


def _resource_models(api: str, schema_file: str) -> list[str]:
    names = [
        name
        for name, cls in MODELS.items()
        if getattr(cls, "__econtract__", None) is not None
        and cls.__econtract__.schema_file == schema_file
    ]
    return [name for name in names if name in _exported(api)]


def _exported(api: str) -> frozenset[str]:
    module = importlib.import_module(_public_module(api))
    return frozenset(module.__all__)


def _group(endpoints: Iterable[EndpointMeta]) -> dict[tuple[str, str], list[EndpointMeta]]:
    groups: dict[tuple[str, str], list[EndpointMeta]] = {}
    for endpoint in endpoints:
        groups.setdefault((endpoint.api, endpoint.resource), []).append(endpoint)
    return groups


def _title(api: str, resource: str) -> str:
    return resource.replace("_", " ").capitalize()


def _page_uri(api: str, resource: str) -> str:
    return f"reference/{api}/{resource}.md"


def _resource_class(api: str, resource: str) -> str | None:
    """The public name of the resource class of `ec.<api>.<resource>`."""
    cls = RESOURCES.get((api, resource))
    return cls.__name__ if cls is not None and cls.__name__ in _exported(api) else None


def resource_pages(
    endpoints: Sequence[EndpointMeta] = ENDPOINTS, decisions_md: str = ""
) -> dict[str, str]:
    """Page URI -> Markdown of every generated resource page."""
    anchors = decision_anchors(decisions_md)
    up = "../../"
    pages: dict[str, str] = {}
    for (api, resource), group in _group(endpoints).items():
        schema_file = group[0].schema_file
        api_name = "CRM API" if api == "crm" else "product API"
        lines = [
            f"# {_title(api, resource)}",
            "",
            f"`{_namespace(group[0])}`: {len(group)} call{'s' if len(group) != 1 else ''} of the "
            f"{api_name}. Generated from `schema/{schema_file}` when the site is built; "
            "edit the YAML, never this page.",
            "",
            '!!! tip "Running the examples"',
            "    Each example runs as it is in `python -m asyncio`, after "
            "`from econtract_async import EcontractClient` and `ec = EcontractClient.from_env()` "
            "with the `export` lines `econtract sandbox` prints. Ids are `1`: the first record a "
            "fresh sandbox stores, so create a client (then an address or an order) first. The "
            "test suite runs every example against the sandbox.",
            "",
            "Every method also takes `options=RequestOptions(...)`: this call's `timeout`, "
            "`max_retries`, `end_user_ip` and `extra_params` "
            "([`RequestOptions`][econtract_async.RequestOptions]).",
            "",
        ]
        for endpoint in group:
            lines += _endpoint_section(endpoint, anchors, up)
        resource_class = _resource_class(api, resource)
        models = _resource_models(api, schema_file)
        if resource_class or models:
            lines += ["## Python API", ""]
        if resource_class:
            # Its methods are the sections above: rendered again from their docstrings, they
            # would show a second signature style and fold `**fields` into one paragraph.
            lines += [
                f"::: {_public_module(api)}.{resource_class}",
                "    options:",
                "      members: false",
                "",
                "",
            ]
        for name in models:
            lines += [f"::: {_public_module(api)}.{name}", "", ""]
        pages[_page_uri(api, resource)] = "\n".join(lines).rstrip() + "\n"
    return pages


def endpoint_index(endpoints: Sequence[EndpointMeta] = ENDPOINTS, up: str = "") -> str:
    """A table of every endpoint, linking to its section of the resource page."""
    lines = ["| API | HTTP | SDK call | Documented |", "|---|---|---|---|"]
    for endpoint in endpoints:
        page = _page_uri(endpoint.api, endpoint.resource).removeprefix("reference/")
        lines.append(
            f"| {endpoint.api} | `{endpoint.method} {endpoint.path}` | "
            f"[`{sdk_call(endpoint)}`]({up}{page}#{anchor(endpoint)}){_alternatives(endpoint)} | "
            f"{'yes' if endpoint.documented else 'no'} |"
        )
    return "\n".join(lines)


def _find(call: PhpCall, api: str, endpoints: Sequence[EndpointMeta]) -> EndpointMeta | None:
    for endpoint in endpoints:
        if endpoint.api != api or endpoint.method != call.method:
            continue
        if call.path not in (endpoint.path, endpoint.doc_path and endpoint.doc_path.split()[-1]):
            continue
        if call.name is not None and endpoint.name != call.name:
            continue
        return endpoint
    return None


def migration_table(
    api: str, calls: Sequence[PhpCall], endpoints: Sequence[EndpointMeta] = ENDPOINTS
) -> str:
    """PHP method -> SDK call; a PHP call the SDK lacks reads "coming with the parity release"."""
    lines = [
        "| PHP | Wire call | econtract-async | Notes |",
        "|---|---|---|---|",
    ]
    for call in calls:
        endpoint = _find(call, api, endpoints)
        if endpoint is None:
            ours = f"*{PARITY}*"
        else:
            page = _page_uri(endpoint.api, endpoint.resource)
            ours = f"[`{sdk_call(endpoint)}`]({page}#{anchor(endpoint)}){_alternatives(endpoint)}"
        lines.append(f"| `{call.php}` | `{call.method} {call.path}` | {ours} | {call.note} |")
    return "\n".join(lines)


def _placeholder(title: str, name: str) -> str:
    return (
        f"# {title}\n\n"
        f'!!! warning "Not written yet"\n'
        f"    This page (`docs/{name}`) is being written by another engineer; this placeholder "
        f"keeps links to it working until it lands.\n"
    )


# The rendered HTML


_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)
_INLINE_CODE = re.compile(r"(<code\b[^>]*>)(.*?)(</code>)", re.DOTALL)
_TAG = re.compile(r"(<[^>]+>)")
_BREAK_AFTER = re.compile(r"(?<=[\w)\]}'\"])([.(\[=,/|])(?=[^\s.,)\]<&])")
"""Where a line may break inside inline code: after `.`, `(`, `[`, `=`, `,`, `/` and `|` between
two names (never inside a name, never inside `...`, never after a leading `.` as in `.env`)."""


_HYPHENATED = re.compile(r"[^\s<>]*\w-[^\s<>]*|--?\w[^\s<>]*")
"""A name with a hyphen (`--import-id`, `econtract-async`): browsers would break after it."""


def _breaks(text: str) -> str:
    """Break points after punctuation; hyphenated names kept whole (`<span class="ec-nobr">`)."""
    text = _BREAK_AFTER.sub(r"\1<wbr>", text)
    return _HYPHENATED.sub(lambda m: f'<span class="ec-nobr">{m.group(0)}</span>', text)


def break_points(page_html: str) -> str:
    """`<wbr>` after the punctuation of inline code, so a long span wraps between its names.

    With these, the stylesheet can forbid breaking *inside* a name (`first_nam` / `e`), in prose
    and tables alike, and `ec.with_options(end_user_ip=visitor_ip)` still fits a phone: it wraps
    after `(` or `=`. A name with a hyphen (`--import-id`) is kept whole too, where a browser
    would break after the hyphen. Code blocks (`<pre>`) are left alone; they scroll. `<wbr>`
    and the span add no character, so copied text and the search index are unchanged.
    """

    def code(match: re.Match[str]) -> str:
        parts = _TAG.split(match.group(2))
        inner = "".join(part if index % 2 else _breaks(part) for index, part in enumerate(parts))
        return match.group(1) + inner + match.group(3)

    pieces = _PRE.split(page_html)
    return "".join(
        piece if index % 2 else _INLINE_CODE.sub(code, piece) for index, piece in enumerate(pieces)
    )


_STACKED_TABLE = re.compile(
    rf'(<div class="{STACK}(?: [^"]*)?"[^>]*>\s*<table>)(.*?)(</table>)', re.DOTALL
)
_CELL_TEXT = re.compile(r"<th\b[^>]*>(.*?)</th>", re.DOTALL)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)


def stack_labels(page_html: str) -> str:
    """Each cell of a stacked table gets its column's name (`data-label`), which a phone
    shows above the cell when the rows become cards."""

    def table(match: re.Match[str]) -> str:
        body = match.group(2)
        head, _, rows = body.partition("</thead>")
        labels = [html.escape(_TAG.sub("", cell).strip()) for cell in _CELL_TEXT.findall(head)]

        def row(row_match: re.Match[str]) -> str:
            cells = iter(labels)
            inner = re.sub(
                r"<td\b", lambda _: f'<td data-label="{next(cells, "")}"', row_match.group(1)
            )
            return f"<tr>{inner}</tr>"

        return match.group(1) + head + "</thead>" + _ROW.sub(row, rows) + match.group(3)

    return _STACKED_TABLE.sub(table, page_html)


# mkdocs event handlers


def on_config(config: Any) -> Any:
    """Append one nav entry per generated resource page to the "API reference" section."""
    nav = config.get("nav")
    if not nav:
        return config
    for section in nav:
        if isinstance(section, dict) and REFERENCE_SECTION in section:
            entries: list[Any] = section[REFERENCE_SECTION]
            for api, label in (("crm", "CRM API"), ("product", "Product API")):
                pages = [
                    {_title(a, r): _page_uri(a, r)} for (a, r) in _group(ENDPOINTS) if a == api
                ]
                if pages:
                    entries.append({label: pages})
    return config


def on_files(files: Any, config: Any) -> Any:
    """Add the generated resource pages, and placeholders for missing pages of others."""
    from mkdocs.structure.files import File

    docs_dir = Path(config["docs_dir"])
    decisions = docs_dir / "decisions.md"
    decisions_md = decisions.read_text(encoding="utf-8") if decisions.exists() else ""
    for uri, content in resource_pages(ENDPOINTS, decisions_md).items():
        files.append(File.generated(config, uri, content=content))
    for name, title in OWNED_ELSEWHERE.items():
        if files.get_file_from_path(name) is None:
            log.info("docs/%s does not exist yet: serving a placeholder", name)
            files.append(File.generated(config, name, content=_placeholder(title, name)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Fill the endpoint index and the migration tables in from the SDK's endpoints."""
    uri = page.file.src_uri

    def fill(marker: str, table: str) -> None:
        nonlocal markdown
        markdown = markdown.replace(marker, "\n".join(stacked(table.splitlines())))

    if uri == "reference/index.md":
        fill("<!-- econtract:endpoint-index -->", endpoint_index())
    if uri == "migration.md":
        fill("<!-- econtract:migration-crm -->", migration_table("crm", CRM_PHP_CALLS))
        fill("<!-- econtract:migration-product -->", migration_table("product", PRODUCT_PHP_CALLS))
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """Label the cells of stacked tables; let inline code wrap between names, never inside."""
    return break_points(stack_labels(html))
