"""The build hook renders a reference section for every endpoint, from the SDK's own tables."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from econtract_async import EcontractClient
from econtract_async._generated import ENDPOINTS
from econtract_async._meta import EndpointMeta, FieldMeta, flatten
from econtract_async.sandbox import LiveSandbox

DOCS = Path(__file__).resolve().parents[2] / "docs"

pytestmark = pytest.mark.docs


def _load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "econtract_docs_reference_hook", DOCS / "_hooks" / "reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hook = _load_hook()
DECISIONS = (DOCS / "decisions.md").read_text(encoding="utf-8")
PAGES: dict[str, str] = hook.resource_pages(ENDPOINTS, DECISIONS)


def page_of(endpoint: EndpointMeta) -> str:
    return PAGES[f"reference/{endpoint.api}/{endpoint.resource}.md"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.key for e in ENDPOINTS])
def test_every_endpoint_has_a_section_with_method_path_and_call(endpoint: EndpointMeta) -> None:
    """Each endpoint's section shows its HTTP method and path and the SDK call."""
    page = page_of(endpoint)
    assert f"{{#{hook.anchor(endpoint)}}}" in page
    assert f"`{endpoint.method} {endpoint.path}`" in page
    assert f"await {hook.sdk_call(endpoint).removeprefix('await ').split('(')[0]}(" in page


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.key for e in ENDPOINTS])
def test_every_wire_parameter_has_a_row(endpoint: EndpointMeta) -> None:
    """Every path parameter and every flattened request field has a table row."""
    page = page_of(endpoint)
    wires = [field.wire for field in endpoint.path_params]
    for cls in endpoint.request:
        wires += [item.wire for item in flatten(cls.__econtract__)]
    for wire in wires:
        assert f"\n| `{wire}`" in page, wire


WRITES_FIRST = sorted(ENDPOINTS, key=lambda e: (bool(e.path_params), e.key != "crm.clients.create"))
"""The client first, then the other calls without a path id: on a fresh sandbox they store the
records that id 1 names."""


@pytest.mark.asyncio
async def test_every_example_runs_against_the_sandbox(docs_env: LiveSandbox) -> None:
    """Each endpoint's example runs as is, top-level await and all, as in `python -m asyncio`."""
    failures = []
    async with EcontractClient.from_env() as ec:
        for endpoint in WRITES_FIRST:
            code = hook.example_code(endpoint)
            compiled = compile(code, endpoint.key, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
            namespace = {"ec": ec, "print": lambda *_: None}
            try:
                await eval(compiled, namespace)
            except Exception as error:
                failures.append(f"{endpoint.key}: {error!r}\n{code}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.key for e in ENDPOINTS])
def test_every_section_has_forms_example_raises_and_retry_words(endpoint: EndpointMeta) -> None:
    """Call forms, a runnable example, Raises and the retry policy in words, per method."""
    page = page_of(endpoint)
    section = page.split(f"{{#{hook.anchor(endpoint)}}}")[1].split("\n## ")[0]
    assert f"async def {endpoint.name}(" in section
    assert "**Example**" in section
    assert hook.example_code(endpoint) in section
    assert "**Raises**" in section
    assert "- `ValidationError`" in section or not (endpoint.path_params or endpoint.request)
    assert f"**Retry policy**: [`{endpoint.retry}`]" in section


def test_a_default_means_not_required() -> None:
    """`lang` (required by the docs, default `nl`) reads as not required, with its default."""
    page = PAGES["reference/product/products.md"]
    rows = [line for line in page.splitlines() if line.startswith("| `lang` |")]
    assert rows
    for row in rows:
        assert "optional, default `nl` |" in row
        assert "**required**" not in row


def test_every_decision_in_the_schema_links_to_its_entry() -> None:
    """A field's `decision` becomes a link to its heading in decisions.md."""
    anchors = hook.decision_anchors(DECISIONS)
    used = {
        item.field.decision
        for endpoint in ENDPOINTS
        for cls in endpoint.request
        for item in flatten(cls.__econtract__)
        if item.field.decision
    }
    assert used
    text = "\n".join(PAGES.values())
    for decision in used:
        assert f"[{decision}](../../decisions.md#{anchors[decision]})" in text


def test_decision_anchor_uses_the_toc_slug() -> None:
    """Backticks vanish and punctuation is dropped, as the toc extension does."""
    anchors = hook.decision_anchors("## D-001: `ip_address` typed integer, sent as a dotted IP\n")
    assert anchors == {"D-001": "d-001-ip_address-typed-integer-sent-as-a-dotted-ip"}


def test_table_cells_escape_markdown_from_the_api_docs() -> None:
    """Pipes, brackets and stars in descriptions cannot break a table or make a link."""
    cell = hook._cell("Segment (see [/crm-parameters](#CRM parameters)) a|b (*)")
    assert cell == r"Segment (see \[/crm-parameters\](#CRM parameters)) a\|b (\*)"


def test_code_spans_in_api_text_stay_code() -> None:
    """Backticks in a summary are code, never escaped into literal backticks."""
    text = "further parameters go in `RequestOptions(extra_params=...)` (a_b)"
    assert (
        hook._prose(text) == r"further parameters go in `RequestOptions(extra_params=...)` (a\_b)"
    )


def test_constraints_are_spelled_out() -> None:
    """Bounds, values, codes, defaults and aliases appear in the constraints column."""
    field = FieldMeta(
        name="limit", wire="limit", type="integer", min=1, max=100, default=10, aliases=("max",)
    )
    assert hook.constraints(field) == "1 to 100; also accepted as `max`"
    field = FieldMeta(name="sg", wire="sg", type="enum", values=("consumer", "sme"))
    assert hook.constraints(field) == "one of `consumer`, `sme`"
    field = FieldMeta(name="x", wire="x", type="string", min_length=1)
    assert hook.constraints(field) == "length at least 1"


def test_migration_table_marks_missing_endpoints_for_the_parity_release() -> None:
    """A PHP call whose endpoint the SDK lacks says so; one it has links to its section."""
    only_reads = [e for e in ENDPOINTS if e.method == "GET"]
    table = hook.migration_table("crm", hook.CRM_PHP_CALLS, only_reads)
    rows = {line.split(" | ")[0].strip("| `"): line for line in table.splitlines()[2:]}
    assert "coming with the parity release" in rows["createClient($params)"]
    assert "reference/crm/clients.md#crm-clients-get" in rows["getClient($id)"]


def test_migration_table_covers_every_php_call() -> None:
    """One row per CRM and product PHP call, with the SDK call when the endpoint exists."""
    for api, calls in (("crm", hook.CRM_PHP_CALLS), ("product", hook.PRODUCT_PHP_CALLS)):
        table = hook.migration_table(api, calls)
        assert len(table.splitlines()) == 2 + len(calls)
    crm = hook.migration_table("crm", hook.CRM_PHP_CALLS)
    assert "ec.crm.suppliers.rating(id)" in crm
    assert "ec.crm.leads.create_call_me_back(CallMeBackLead(...))`" in crm


def test_each_resource_page_documents_its_models_with_mkdocstrings() -> None:
    """The clients page renders the resource class and its request and response models."""
    page = PAGES["reference/crm/clients.md"]
    for name in ("ClientsResource", "NewClient", "Client"):
        assert f"::: econtract_async.crm.{name}\n" in page


REQUEST_ENDPOINTS = [e for e in ENDPOINTS if e.request]


@pytest.mark.parametrize("endpoint", REQUEST_ENDPOINTS, ids=[e.key for e in REQUEST_ENDPOINTS])
def test_sibling_methods_show_their_call_forms_alike(endpoint: EndpointMeta) -> None:
    """Every method that takes models shows the same kinds of call forms: one for a model or a
    mapping, and one keyword form per model (`create` once showed one where its siblings
    showed three)."""
    forms = hook.call_forms(endpoint)
    assert len(forms) == 1 + len(endpoint.request)
    assert "Mapping[str, Any]" in forms[0]
    assert all("**fields: Unpack[" in form for form in forms[1:])


@pytest.mark.parametrize("endpoint", REQUEST_ENDPOINTS, ids=[e.key for e in REQUEST_ENDPOINTS])
def test_the_page_says_how_keywords_pick_a_model(endpoint: EndpointMeta) -> None:
    """The sentence under the call forms names every model, and for several models the constant
    that picks each (the model without one is the fallback, as `pick_model` does)."""
    text = hook.how_to_pass(endpoint, len(hook.call_forms(endpoint)))
    for cls in endpoint.request:
        assert f".{cls.__name__}]" in text
        constants = [f for f in cls.__econtract__.fields if f.is_constant]
        if len(endpoint.request) > 1:
            for field in constants:
                assert f"`{field.name}={field.value!r}` for `{cls.__name__}`" in text
            if not constants:
                assert f"otherwise `{cls.__name__}`" in text
    assert "keyword arguments" in text
    section = page_of(endpoint).split(f"{{#{hook.anchor(endpoint)}}}")[1].split("\n## ")[0]
    assert text in section
