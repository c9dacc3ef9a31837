"""`econtract sandbox`: serve the local sandbox of both APIs (the sandbox's own command line)."""

from __future__ import annotations

from collections.abc import Sequence

from ._common import fail

__all__ = ["serve"]


def serve(argv: Sequence[str]) -> int:
    """Serve the sandbox with `python -m econtract_async.sandbox`'s options until Ctrl-C."""
    try:
        from ..sandbox.__main__ import main
    except ImportError:
        return fail("the sandbox needs its extra: pip install 'econtract-async[sandbox]'")
    try:
        return main(list(argv))
    except KeyboardInterrupt:
        return 0
