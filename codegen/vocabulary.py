"""The runtime's type vocabulary and model descriptions, as the build sees them.

`src/econtract_async/_vocabulary.py` (every scalar type with its check, coercion, encoding,
sandbox parsing and response decoding) and `src/econtract_async/_meta.py` (the field, model and
endpoint descriptions) are the single definitions. Both import only the standard library and
attrs, so the build loads them by path, without importing the package (whose dependencies an
isolated build does not have). Type checkers see the ordinary modules.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

__all__ = ["meta", "vocabulary"]

_PACKAGE = Path(__file__).resolve().parent.parent / "src" / "econtract_async"


def _load(name: str) -> ModuleType:
    """The runtime module `name`, loaded from its file under a private name."""
    key = f"codegen._runtime_{name.lstrip('_')}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, _PACKAGE / f"{name}.py")
    if spec is None or spec.loader is None:  # pragma: no cover - the file is part of the tree
        msg = f"cannot load {name}.py from {_PACKAGE}"
        raise ImportError(msg)
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module  # before exec: dataclasses and attrs look their module up
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    from econtract_async import _meta as meta
    from econtract_async import _vocabulary as vocabulary
else:
    vocabulary = _load("_vocabulary")
    meta = _load("_meta")
