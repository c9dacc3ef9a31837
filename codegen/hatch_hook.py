"""Hatchling build hook: write the generated modules from `schema/` for wheel, sdist and editable
builds."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class GenerateModelsHook(BuildHookInterface[Any]):
    """Runs codegen before the build and declares its output as artifacts.

    hatchling honours `.gitignore`, which lists `_generated/`, `crm.py` and `product.py`, so
    the files must be declared as artifacts to be packed.
    """

    PLUGIN_NAME = "econtract-codegen"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Generate the modules into the source tree."""
        root = Path(self.root)
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        from codegen import GENERATED, generate

        generate(root / "schema", root / "src" / "econtract_async")
        build_data["artifacts"] += [f"src/econtract_async/{path}" for path in GENERATED]
