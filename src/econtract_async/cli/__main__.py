"""`python -m econtract_async.cli`: the same as the `econtract` command."""

from __future__ import annotations

from . import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
