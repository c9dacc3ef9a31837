"""Public home of the product API's models and resources (generated from `schema/product/`)."""

from __future__ import annotations

from ._generated.product import *  # noqa: F403
from ._generated.product import __all__ as __all__  # noqa: PLC0414 (re-export for type checkers)
