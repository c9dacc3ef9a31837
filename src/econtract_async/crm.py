"""Public home of the CRM API's models and resources (generated from `schema/crm/`)."""

from __future__ import annotations

from ._generated.crm import *  # noqa: F403
from ._generated.crm import __all__ as __all__  # noqa: PLC0414 (re-export for type checkers)
