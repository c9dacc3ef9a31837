"""`mkdocs build --strict` succeeds, and what it renders reads right: no markup shows through.

The site is built once per module; every page of it is then checked for what a screenshot of the
reference once showed: literal backticks in the text, tables with an empty header row or rows
of the wrong width, and table syntax left unrendered.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

from econtract_async._generated import ENDPOINTS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.docs


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation site, built with --strict into a temporary folder."""
    site = tmp_path_factory.mktemp("docs") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "WARNING" not in result.stderr, result.stderr[-4000:]
    return site


def test_strict_build_renders_every_endpoint_and_example(site: Path) -> None:
    """The site builds with --strict; each endpoint's section and each example is in the HTML."""
    for endpoint in ENDPOINTS:
        html = (site / "reference" / endpoint.api / endpoint.resource / "index.html").read_text(
            encoding="utf-8"
        )
        anchor = endpoint.key.replace(".", "-").replace("_", "-")
        assert f'id="{anchor}"' in html, endpoint.key
    quickstart = (site / "quickstart" / "index.html").read_text(encoding="utf-8")
    quickstart = quickstart.replace("<wbr>", "")  # break points in inline code
    assert "ec.crm.clients.create" in quickstart  # the included example, not the snippet line
    assert "--8&lt;--" not in quickstart
    models = (site / "reference" / "crm" / "clients" / "index.html").read_text(encoding="utf-8")
    assert 'id="econtract_async.crm.NewClient"' in models
    guide = (site / "web-frameworks" / "index.html").read_text(encoding="utf-8")
    assert "Depends" in guide  # the FastAPI example is included


@attrs.define
class Table:
    header: list[str] = attrs.Factory(list)
    rows: list[list[str]] = attrs.Factory(list)


class PageText(HTMLParser):
    """The visible prose of a page (outside code), its tables, and its paragraphs."""

    SKIPPED = frozenset({"code", "pre", "script", "style", "kbd", "samp"})

    def __init__(self) -> None:
        super().__init__()
        self.prose: list[str] = []
        self.paragraphs: list[str] = []
        self.tables: list[Table] = []
        self._skip = 0
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False
        self._paragraph: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skip += 1
        elif tag == "table":
            self.tables.append(Table())
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in {"td", "th"}:
            self._cell = []
        elif tag == "p":
            self._paragraph = []

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self._skip -= 1
        elif tag == "thead":
            self._in_head = False
        elif tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            table = self.tables[-1]
            if self._in_head:
                table.header = self._row
            else:
                table.rows.append(self._row)
            self._row = None
        elif tag == "p" and self._paragraph is not None:
            self.paragraphs.append("".join(self._paragraph).strip())
            self._paragraph = None

    def handle_data(self, data: str) -> None:
        for sink in (self._cell, self._paragraph):
            if sink is not None:
                sink.append(data)
        if not self._skip:
            self.prose.append(data)


def pages(site: Path) -> Iterator[tuple[str, PageText]]:
    for path in sorted(site.rglob("index.html")):
        parsed = PageText()
        parsed.feed(path.read_text(encoding="utf-8"))
        name = path.relative_to(site).parent.as_posix()
        yield ("home" if name == "." else name), parsed


def test_the_site_has_pages(site: Path) -> None:
    """The checks below see every page, the generated reference included."""
    names = {name for name, _ in pages(site)}
    assert {"home", "quickstart", "reference/crm/orders", "reference/product/products"} <= names


def test_no_page_shows_literal_backticks(site: Path) -> None:
    """Every backtick became code: none is left in a page's visible prose."""
    bad = {
        name: [line.strip() for line in "".join(page.prose).splitlines() if "`" in line][:3]
        for name, page in pages(site)
        if "`" in "".join(page.prose)
    }
    assert not bad, bad


def test_tables_have_a_header_and_rows_of_its_width(site: Path) -> None:
    """No empty header row (a key/value table in disguise), no row wider or narrower."""
    bad: list[str] = []
    for name, page in pages(site):
        for number, table in enumerate(page.tables):
            if not any(table.header):
                bad.append(f"{name} table {number}: empty header {table.header}")
            bad += [
                f"{name} table {number}: row of {len(row)} cells under {len(table.header)}"
                for row in table.rows
                if len(row) != len(table.header)
            ]
    assert not bad, bad[:10]


def test_no_table_syntax_is_left_unrendered(site: Path) -> None:
    """A paragraph that starts with a pipe is a Markdown table that failed to render."""
    bad = {
        name: [p for p in page.paragraphs if p.startswith("|")][:2]
        for name, page in pages(site)
        if any(p.startswith("|") for p in page.paragraphs)
    }
    assert not bad, bad


class CodeRuns(HTMLParser):
    """Inline code (outside `<pre>`), as the runs a line can break between: text split at spaces
    and at `<wbr>`; and whether each run sits in a table."""

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[tuple[str, bool]] = []
        self._pre = 0
        self._table = 0
        self._code: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._pre += 1
        elif tag == "table":
            self._table += 1
        elif tag == "code" and not self._pre:
            self._code = []
        elif tag == "wbr" and self._code is not None:
            self._code.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre -= 1
        elif tag == "table":
            self._table -= 1
        elif tag == "code" and self._code is not None:
            self.runs += [(run, bool(self._table)) for run in "".join(self._code).split()]
            self._code = None

    def handle_data(self, data: str) -> None:
        if self._code is not None:
            self._code.append(data)


PHONE_LINE = 36
"""Characters of inline code a 390 px phone fits on one line of prose (about)."""


def test_inline_code_in_prose_fits_a_phone_line_between_break_points(site: Path) -> None:
    """A run of inline code longer than a phone's line can only break inside a name
    (`visi`/`tor_ip`); the build hook puts break points after its punctuation, so no run in
    prose is that long (tables may scroll sideways instead)."""
    bad: dict[str, list[str]] = {}
    for path in sorted(site.rglob("index.html")):
        parser = CodeRuns()
        parser.feed(path.read_text(encoding="utf-8"))
        long = [run for run, in_table in parser.runs if len(run) > PHONE_LINE and not in_table]
        if long:
            bad[path.relative_to(site).parent.as_posix()] = long[:3]
    assert not bad, bad
    # the break points are there: a call in the reference wraps after its dots and brackets
    html = (site / "reference" / "index.html").read_text(encoding="utf-8")
    assert "ec.<wbr>crm.<wbr>clients.<wbr>create(<wbr>NewClient(...))" in html


def test_parameter_tables_become_cards_on_a_phone(site: Path) -> None:
    """Every generated parameter table is in an `ec-stack` block (cards below 720 px), and
    every cell of a stacked table carries its column's name."""
    for endpoint in ENDPOINTS:
        html = (site / "reference" / endpoint.api / endpoint.resource / "index.html").read_text(
            encoding="utf-8"
        )
        tables = re.findall(r"<table>.*?</table>", html, flags=re.DOTALL)
        stacked = re.findall(
            r'<div class="ec-stack[^"]*">\s*<table>(.*?)</table>', html, flags=re.DOTALL
        )
        assert tables
        assert len(stacked) == len(tables), endpoint.key  # mkdocstrings renders lists, no table
        for table in stacked:
            assert "<td>" not in table
            assert '<td data-label="Description">' in table
    index = (site / "reference" / "index.html").read_text(encoding="utf-8")
    assert '<td data-label="SDK call">' in index


def test_no_footnote_marks_or_runaway_emphasis(site: Path) -> None:
    """The reference does not show the API docs' `(*)` footnote mark (its footnote is not on the
    site; decisions.md quotes it on purpose), and no emphasis runs on for paragraphs, as a stray
    `*` in a docstring once made it do."""
    bad: dict[str, list[str]] = {}
    for name, page in pages(site):
        if name.startswith("reference/") and "(*)" in "".join(page.prose):
            bad.setdefault(name, []).append("(*)")
    for path in sorted(site.rglob("index.html")):
        html = path.read_text(encoding="utf-8")
        for emphasis in re.findall(r"<em>(.*?)</em>", html, flags=re.DOTALL):
            if len(re.sub(r"<[^>]+>", "", emphasis)) > 1000:
                bad.setdefault(path.relative_to(site).parent.as_posix(), []).append(emphasis[:60])
    assert not bad, bad


def test_required_and_a_default_never_share_a_cell(site: Path) -> None:
    """A field with a default is optional: no Type cell (type and whether it is required) says
    "required" next to "default"."""
    bad = [
        f"{name}: {row[table.header.index('Type')]}"
        for name, page in pages(site)
        for table in page.tables
        if "Type" in table.header
        for row in table.rows
        if "required" in row[table.header.index("Type")]
        and "default" in row[table.header.index("Type")]
    ]
    assert not bad, bad[:5]
    products = dict(pages(site))["reference/product/products"]
    assert any("optional, default nl" in " ".join(row) for t in products.tables for row in t.rows)


def test_each_resource_method_is_documented_once(site: Path) -> None:
    """A method has one rendering, its reference section: its identifier anchors there, and
    mkdocstrings does not render it again (a second signature style, `**fields` in one cell)."""
    for endpoint in ENDPOINTS:
        html = (site / "reference" / endpoint.api / endpoint.resource / "index.html").read_text(
            encoding="utf-8"
        )
        ids = re.findall(rf'id="(econtract_async\.{endpoint.api}\.\w+Resource\.(\w+))"', html)
        assert [method for _, method in ids].count(endpoint.name) == 1, endpoint.key
        assert "doc-function" not in html, endpoint.key


def test_a_bare_doctest_renders_as_code(site: Path) -> None:
    """`>>>` lines in a docstring's description are Markdown quotes; the docs' griffe extension
    fences them, so no page nests quotes (`unverified` once showed three quote bars)."""
    bad = [
        path.relative_to(site).parent.as_posix()
        for path in sorted(site.rglob("index.html"))
        if re.search(r"<blockquote>\s*<blockquote>", path.read_text(encoding="utf-8"))
    ]
    assert not bad, bad
    html = (site / "reference" / "client" / "index.html").read_text(encoding="utf-8")
    contents = html.split('id="econtract_async.unverified"')[1]
    assert '<span class="gp">&gt;&gt;&gt; </span>' in contents.split("</pre>")[1]


def test_no_list_item_is_left_inside_a_paragraph(site: Path) -> None:
    """A `- item` line that Markdown folded into the paragraph above (as a raw HTML block in a
    list item once made it do) shows as ` - item` in running text."""
    bad = {
        name: [p[:80] for p in page.paragraphs if re.search(r"(^|\n)[-*] ", p)][:2]
        for name, page in pages(site)
        if any(re.search(r"(^|\n)[-*] ", p) for p in page.paragraphs)
    }
    assert not bad, bad
