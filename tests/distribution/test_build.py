"""The build hook generates the models for sdist, wheel and editable builds, with no manual step."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from econtract_async import _generated

ROOT = Path(__file__).resolve().parents[2]
HATCHLING = [sys.executable, "-m", "hatchling", "build"]
GENERATED = (
    "src/econtract_async/_generated",
    "src/econtract_async/crm.py",
    "src/econtract_async/product.py",
)
"""What the build hook writes: never tracked, so a fresh clone has none of it."""


def _copy_sources(dest: Path) -> Path:
    """A copy of the tracked project files, without any generated package."""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src = ROOT / name.decode()
        if src.is_file():
            target = dest / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(src.read_bytes())
    for path in GENERATED:
        assert not (dest / path).exists(), path
    return dest


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean copy of the project, as a fresh clone has it."""
    return _copy_sources(tmp_path_factory.mktemp("clone"))


def _build(project: Path, target: str, out: Path) -> Path:
    subprocess.run(
        [*HATCHLING, "-t", target, "-d", str(out)], cwd=project, check=True, capture_output=True
    )
    (artifact,) = out.iterdir()
    return artifact


def _digest_line(source: str) -> str:
    return next(line for line in source.splitlines() if line.startswith("SCHEMA_DIGEST"))


class TestBuildHook:
    def test_wheel_contains_the_generated_package(self, project: Path, tmp_path: Path) -> None:
        """A wheel built from a clean tree ships the generated public modules and `_generated/`
        with the current schema digest."""
        wheel = _build(project, "wheel", tmp_path / "dist")
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
            init = archive.read("econtract_async/_generated/__init__.py").decode()
            crm = archive.read("econtract_async/crm.py").decode()
        assert {"econtract_async/crm.py", "econtract_async/product.py"} <= names
        assert "class ThirdPartyLead(RequestModel):" in crm
        assert "econtract_async/py.typed" in names
        assert f'SCHEMA_DIGEST = "{_generated.SCHEMA_DIGEST}"' == _digest_line(init)

    def test_sdist_carries_schema_and_codegen_and_rebuilds_a_wheel(
        self, project: Path, tmp_path: Path
    ) -> None:
        """An sdist holds schema/ and codegen/, and a wheel built from it generates the models again."""
        sdist = _build(project, "sdist", tmp_path / "sdist")
        with tarfile.open(sdist) as archive:
            names = archive.getnames()
            archive.extractall(tmp_path / "unpacked", filter="data")
        top = names[0].split("/")[0]
        assert f"{top}/schema/crm/leads.yaml" in names
        assert f"{top}/codegen/hatch_hook.py" in names
        shipped = {f"{top}/{path}" for path in (*GENERATED[1:], f"{GENERATED[0]}/__init__.py")}
        assert shipped <= set(names)
        unpacked = tmp_path / "unpacked" / top
        import shutil

        shutil.rmtree(unpacked / GENERATED[0])
        for path in GENERATED[1:]:
            (unpacked / path).unlink()
        wheel = _build(unpacked, "wheel", tmp_path / "wheel")
        with zipfile.ZipFile(wheel) as archive:
            product = archive.read("econtract_async/product.py").decode()
            assert "econtract_async/_generated/__init__.py" in archive.namelist()
        assert "class ProductsResource(Resource):" in product

    def test_installed_wheel_imports_with_its_models(self, project: Path, tmp_path: Path) -> None:
        """The wheel, installed into an empty target directory, imports and exposes typed models."""
        wheel = _build(project, "wheel", tmp_path / "dist")
        site = tmp_path / "site"
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)
        code = (
            "import sys; sys.path.insert(0, sys.argv[1]);"
            "import econtract_async, econtract_async._generated as g;"
            "from econtract_async.crm import ThirdPartyLead;"
            "assert econtract_async.__file__.startswith(sys.argv[1]), econtract_async.__file__;"
            "assert ThirdPartyLead.__module__ == 'econtract_async.crm', ThirdPartyLead.__module__;"
            "print(len(g.ENDPOINTS))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code, str(site)], check=True, capture_output=True, text=True
        )
        assert int(result.stdout) == len(_generated.ENDPOINTS)
