"""`python -m codegen`: regenerate, or check, the generated modules of `src/econtract_async/`."""

from __future__ import annotations

import sys

from . import main

sys.exit(main())
