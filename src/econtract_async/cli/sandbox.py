"""`econtract sandbox`: serve the local sandbox of both APIs (the sandbox's own command line)."""

from __future__ import annotations

from collections.abc import Sequence

from ._common import EXIT_OK, fail

__all__ = ["serve"]


def serve(argv: Sequence[str]) -> int:
    """Serve the sandbox with `python -m econtract_async.sandbox`'s options until Ctrl-C.

    The sandbox is a server: Ctrl-C is how it is meant to stop, so it exits 0.
    """
    try:
        from ..sandbox.__main__ import main
    except ImportError:
        return fail("the sandbox needs its extra: pip install 'econtract-async[sandbox]'")
    try:
        return main(list(argv), prog="econtract sandbox")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_OK
    except KeyboardInterrupt:
        return EXIT_OK
