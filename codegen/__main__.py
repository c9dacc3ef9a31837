"""`python -m codegen`: regenerate, or check, `src/econtract_async/_generated/`."""

from __future__ import annotations

import sys

from . import main

sys.exit(main())
