"""`mkdocs build --strict` succeeds, and what it renders reads right: no markup shows through.

The site is built once per module; every page of it is then checked for what a screenshot of the
reference once showed: literal backticks in the text, tables with an empty header row or rows
of the wrong width, and table syntax left unrendered.
"""

from __future__ import annotations

import os
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
