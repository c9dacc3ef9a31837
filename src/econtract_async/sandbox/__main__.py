"""`econtract sandbox` (or `python -m econtract_async.sandbox`): serve both APIs on 127.0.0.1.

On start it prints the `export` lines that point `EcontractClient.from_env()` and the
`econtract` command at it, then serves until Ctrl+C.

Example:
    ```
    econtract sandbox --port 8765 --db sandbox.db
    curl "http://127.0.0.1:8765/api/clients/1?crm_api_id=sandbox-crm-id&crm_api_key=sandbox-crm-key"
    ```
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

import uvicorn

from ._faults import Faults
from ._sandbox import Sandbox, SandboxCredentials
from ._server import LiveSandbox, _bind, install_log_filters

__all__ = ["build_parser", "export_lines", "main", "parse_args"]


def _error_rate(text: str) -> tuple[int, float]:
    """`503=0.1` -> `(503, 0.1)`."""
    status, _, rate = text.partition("=")
    try:
        return int(status), float(rate)
    except ValueError:
        msg = f"expected STATUS=RATE such as 503=0.1, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def build_parser(
    prog: str = "python -m econtract_async.sandbox", *, add_help: bool = True
) -> argparse.ArgumentParser:
    """The command line, with every sandbox and fault option (`prog` names the command).

    `econtract completion` reads it (`add_help=False`) to complete `econtract sandbox`.
    """
    defaults = SandboxCredentials()
    parser = argparse.ArgumentParser(
        prog=prog,
        add_help=add_help,
        description="Serve a local stand-in for the Econtract CRM and product APIs on 127.0.0.1. "
        "On start, prints the export lines that point EcontractClient.from_env() and the "
        "econtract command at it.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--db", default="sandbox.db", metavar="FILE", help="SQLite file, or :memory:"
    )
    parser.add_argument("--seed", type=int, default=2026, help="product catalogue seed")
    parser.add_argument("--crm-id", default=defaults.crm_api_id, help="CRM id it accepts")
    parser.add_argument("--crm-key", default=defaults.crm_api_key, help="CRM key it accepts")
    parser.add_argument(
        "--public-key", default=defaults.public_key, help="product API key it accepts"
    )
    parser.add_argument(
        "--secret", default=defaults.secret, help="product API signing secret it accepts"
    )
    parser.add_argument("--max-clock-skew", type=float, default=300.0, help="seconds")
    faults = parser.add_argument_group("faults (changeable at run time: POST /_sandbox/faults)")
    faults.add_argument(
        "--latency", type=float, nargs="+", default=[0.0], help="SECONDS or LOW HIGH"
    )
    faults.add_argument(
        "--error-rate", type=_error_rate, action="append", default=[], help="e.g. 503=0.1"
    )
    faults.add_argument("--rate-limit-rate", type=float, default=0.0, help="probability of 429")
    faults.add_argument("--retry-after", type=int, default=1, help="seconds, sent with 429")
    faults.add_argument(
        "--drop-rate", type=float, default=0.0, help="handle, then drop the connection"
    )
    faults.add_argument(
        "--slow-body-rate", type=float, default=0.0, help="probability of a trickled body"
    )
    faults.add_argument(
        "--slow-body-delay", type=float, default=0.05, help="seconds between trickled chunks"
    )
    faults.add_argument("--fault-seed", type=int, default=0, help="seed of the fault dice")
    return parser


def parse_args(
    argv: Sequence[str] | None = None, *, prog: str = "python -m econtract_async.sandbox"
) -> argparse.Namespace:
    """The command line, with every sandbox and fault option (`prog` names the command)."""
    return build_parser(prog).parse_args(argv)


def export_lines(live: LiveSandbox) -> list[str]:
    """Shell lines that point `EcontractClient.from_env()` and `econtract` at `live`."""
    credentials = live.credentials
    variables = {
        "AB_CRM_URL": live.crm_base_url,
        "AB_CRM_ID": credentials.crm_api_id,
        "AB_CRM_KEY": credentials.crm_api_key,
        "ECONTRACT_PRODUCT_URL": live.product_base_url,
        "ECONTRACT_PRODUCT_KEY": credentials.public_key,
        "ECONTRACT_PRODUCT_SECRET": credentials.secret,
    }
    return [f"export {name}={shlex.quote(value)}" for name, value in variables.items()]


def main(
    argv: Sequence[str] | None = None, *, prog: str = "python -m econtract_async.sandbox"
) -> int:
    """Build the sandbox from the command line and serve it until interrupted."""
    args = parse_args(argv, prog=prog)
    latency: float | tuple[float, float] = (
        (args.latency[0], args.latency[1]) if len(args.latency) > 1 else args.latency[0]
    )
    try:
        faults = Faults(
            latency=latency,
            error_rates=dict(args.error_rate),
            rate_limit_rate=args.rate_limit_rate,
            retry_after=args.retry_after,
            drop_rate=args.drop_rate,
            slow_body_rate=args.slow_body_rate,
            slow_body_delay=args.slow_body_delay,
            seed=args.fault_seed,
        )
    except ValueError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    credentials = SandboxCredentials(args.crm_id, args.crm_key, args.public_key, args.secret)
    sandbox = Sandbox(
        db=args.db,
        credentials=credentials,
        faults=faults,
        catalogue_seed=args.seed,
        max_clock_skew=args.max_clock_skew,
    )
    try:
        sock = _bind(args.port)
    except OSError as exc:
        sandbox.close()
        sys.stderr.write(f"error: cannot listen on 127.0.0.1:{args.port}: {exc}\n")
        return 2
    live = LiveSandbox(sandbox, sock.getsockname()[1])
    # Printed after binding, so `--port 0` shows the port really chosen; flushed at once so a
    # script reading a pipe sees the lines before the server starts logging.
    lines = [
        f"econtract sandbox on {live.base_url} (db: {args.db}); Ctrl+C stops it.",
        "# Point EcontractClient.from_env() and the econtract command at it:",
        *export_lines(live),
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    try:
        config = uvicorn.Config(sandbox.app, lifespan="off")
        install_log_filters()
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        sandbox.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
