"""Build-time code generator: `schema/` YAML -> the generated modules of `econtract_async`.

It writes `src/econtract_async/crm.py` and `product.py` (every model and resource class of
each API, defined in its public home) and `src/econtract_async/_generated/` (the tables the
sandbox and the docs read). The runtime package never imports this. Pipeline: `load` (YAML ->
frozen spec, every problem collected) -> `render` (spec -> source through `templates/`) ->
`write` (format with ruff, then replace the `_generated/` folder whole, so a removed schema
file leaves no orphan module, and each API module in one rename).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .load import SchemaError, load_schema
from .render import API_MODULES, render_package

__all__ = [
    "DEFAULT_OUT",
    "GENERATED",
    "PROJECT_ROOT",
    "SchemaError",
    "generate",
    "generated_sources",
    "render_sources",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCHEMA = PROJECT_ROOT / "schema"
DEFAULT_OUT = PROJECT_ROOT / "src" / "econtract_async"
"""The `econtract_async` package folder the generated files are written into."""
_PACKAGE_DIR = "_generated"
GENERATED = (f"{_PACKAGE_DIR}/", *(f"{api}.py" for api in API_MODULES))
"""What codegen owns inside the package folder (git-ignored; hatch build artifacts)."""
_RUFF_ARGS = ["--isolated", "--line-length", "100", "--target-version", "py311"]


def _ruff(*args: str) -> None:
    from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

    subprocess.run([find_ruff_bin(), *args], check=True, capture_output=True)


def render_sources(schema_dir: Path = DEFAULT_SCHEMA) -> dict[str, str]:
    """Path relative to the package folder -> final (formatted) source of every generated
    file, written nowhere."""
    with tempfile.TemporaryDirectory() as tmp:
        _write(schema_dir, Path(tmp))
        return generated_sources(Path(tmp))


def generated_sources(out: Path) -> dict[str, str]:
    """Path relative to `out` -> source of every generated file present under `out` now."""
    paths = sorted((out / _PACKAGE_DIR).rglob("*.py")) if (out / _PACKAGE_DIR).is_dir() else []
    paths += [out / f"{api}.py" for api in API_MODULES if (out / f"{api}.py").is_file()]
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(paths)}


def _write(schema_dir: Path, out: Path) -> list[Path]:
    files = render_package(load_schema(schema_dir))
    written = []
    for rel, source in sorted(files.items()):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        written.append(path)
    targets = [str(p) for p in written]
    _ruff("check", *_RUFF_ARGS, "--select", "I,F401", "--fix", "--quiet", *targets)
    _ruff("format", *_RUFF_ARGS, "--quiet", *targets)
    return written


def generate(schema_dir: Path = DEFAULT_SCHEMA, out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Generate into the package folder `out_dir`: `_generated/` replaced whole, then each API
    module (`crm.py`, `product.py`) replaced in one rename."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="_generated_", dir=out_dir))
    try:
        written = [p.relative_to(staging) for p in _write(schema_dir, staging)]
        target = out_dir / _PACKAGE_DIR
        if target.exists():
            shutil.rmtree(target)
        (staging / _PACKAGE_DIR).rename(target)
        for rel in written:
            if rel.parts[0] != _PACKAGE_DIR:
                os.replace(staging / rel, out_dir / rel)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return [out_dir / rel for rel in written]


def main(argv: list[str] | None = None) -> int:
    """`python -m codegen [--schema DIR] [--out DIR] [--check] [--check-schema] [--emit FILE]`."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="fail when --out is stale")
    parser.add_argument("--check-schema", action="store_true", help="only load and check the YAML")
    parser.add_argument(
        "--emit", metavar="FILE", help="print one generated file (e.g. crm.py), write none"
    )
    args = parser.parse_args(argv)
    try:
        if args.emit:
            sources = render_sources(args.schema)
            if args.emit not in sources:
                print(f"no generated file {args.emit!r}: {', '.join(sources)}", file=sys.stderr)
                return 1
            sys.stdout.write(sources[args.emit])
            return 0
        if args.check_schema:
            schema = load_schema(args.schema)
            print(f"schema OK: {len(schema.resources)} resources, digest {schema.digest[:12]}")
            return 0
        if args.check:
            expected = render_sources(args.schema)
            actual = generated_sources(args.out)
            if expected != actual:
                stale = sorted(
                    set(expected) ^ set(actual)
                    | {k for k in expected if actual.get(k) != expected[k]}
                )
                print(
                    f"stale generated code in {args.out}: {', '.join(stale)}; run `make regen`",
                    file=sys.stderr,
                )
                return 1
            print(f"generated code in {args.out} is up to date")
            return 0
        written = generate(args.schema, args.out)
    except SchemaError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files to {args.out}")
    return 0
