"""A local, faithful stand-in for Econtract's CRM API and Aanbieders product API.

Needs the `[sandbox]` extra (Starlette and uvicorn). It serves every endpoint the SDK knows,
straight from the schema: it checks credentials, signatures, replays and parameters the way
the real APIs do, keeps CRM state in SQLite, serves a seeded product catalogue, and injects
faults on demand. Use it in-process (`Sandbox().transport()`), on a loopback socket
(`run_sandbox()`), from the command line (`python -m econtract_async.sandbox`), or through the
pytest plugin's fixtures (see `docs/testing.md`).
"""

from __future__ import annotations

from ._app import DroppedConnection
from ._faults import Faults
from ._sandbox import IN_PROCESS_URL, Sandbox, SandboxCredentials, SandboxTransport
from ._server import LiveSandbox, run_sandbox, serve_in_thread

__all__ = [
    "IN_PROCESS_URL",
    "DroppedConnection",
    "Faults",
    "LiveSandbox",
    "Sandbox",
    "SandboxCredentials",
    "SandboxTransport",
    "run_sandbox",
    "serve_in_thread",
]
