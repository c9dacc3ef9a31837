"""`mkdocs build --strict` succeeds: no warning, every generated page and example in place."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from econtract_async._generated import ENDPOINTS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.docs


def test_strict_build_renders_every_endpoint_and_example(tmp_path: Path) -> None:
    """The site builds with --strict; each endpoint's section and each example is in the HTML."""
    site = tmp_path / "site"
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
