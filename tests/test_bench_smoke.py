"""The benchmarks still run: every figure at smoke sizes produces its table (timings unchecked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The [bench] extra is part of `make test`'s install: a missing anchor fails, never skips.
BENCH_PACKAGES = ("aiohttp", "pydantic", "msgspec", "httptools", "httpx_aiohttp")


def test_the_benchmark_anchors_are_installed() -> None:
    """Every package the benchmarks compare against imports."""
    import importlib

    for name in BENCH_PACKAGES:
        assert importlib.import_module(name) is not None


def test_every_benchmark_produces_its_table_at_smoke_sizes(tmp_path: Path) -> None:
    """`python -m bench --smoke` prints and writes all six tables and the machine description."""
    out = tmp_path / "benchmarks.md"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    written = out.read_text()
    for title in (
        "### Bulk lead import",
        "### CPU per request",
        "### Model decode",
        "### Form encoding",
        "### Import time",
        "### Bulk memory",
    ):
        assert title in result.stdout
        assert title in written
    assert "## Machine" in written
    assert "Target:" in written


def test_encoding_benchmark_checks_byte_identical_output(tmp_path: Path) -> None:
    """The encoding table reports the byte-for-byte comparison with urlencode as passed."""
    out = tmp_path / "codec.md"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--only", "codec", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Byte-identical to `urlencode` over the same pairs: yes" in out.read_text()
