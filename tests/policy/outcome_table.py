"""The outcome table: every answer and failure, under every retry policy, and what it means.

One table, asserted against `judge` itself, the client's retry loop (`test_outcome_table.py`)
and the bulk runner (`tests/bulk`), so the three can never disagree.
"""

from __future__ import annotations

from typing import Any

import httpx

from econtract_async._meta import RetryPolicy

FAILURES: dict[str, Any] = {
    "400": httpx.Response(400, text="Api error : bad"),
    "401": httpx.Response(401, text="Api error : unauthorised"),
    "404": httpx.Response(404, text="not found"),
    "429": httpx.Response(429, text="slow down"),
    "500": httpx.Response(500, text="oops"),
    "502": httpx.Response(502, text="bad gateway"),
    "503": httpx.Response(503, text="try later"),
    "504": httpx.Response(504, text="gateway timeout"),
    "2xx not json": httpx.Response(200, text="<html>maintenance</html>"),
    "connect error": httpx.ConnectError("connection refused"),
    "connect timeout": httpx.ConnectTimeout("connect timed out"),
    "pool timeout": httpx.PoolTimeout("no free connection"),
    "read timeout": httpx.ReadTimeout("read timed out"),
    "connection lost": httpx.RemoteProtocolError("server disconnected"),
    "read error": httpx.ReadError("connection reset"),
}
"""A respx side effect per kind of failed attempt."""

_NEVER_STORED_RETRY = {"429", "503", "connect error", "connect timeout", "pool timeout"}
_MAYBE_STORED_TRANSIENT = {"502", "504", "read timeout", "connection lost", "read error"}
_REFUSED = {"400", "401", "404"}


def expected(kind: str, policy: RetryPolicy) -> str:
    """`retry`, `failed` or `unknown`: the verdict on one failed attempt."""
    if kind in _NEVER_STORED_RETRY:
        return "retry"
    if kind in _MAYBE_STORED_TRANSIENT:
        return "unknown" if policy == "unsafe" else "retry"
    if kind in _REFUSED:
        return "failed"
    # 500 and an unreadable 2xx: the server may have stored it; a resend repeats the answer.
    return "unknown" if policy == "unsafe" else "failed"


POLICIES: tuple[RetryPolicy, ...] = ("safe", "deduplicated", "unsafe")
TABLE = [(kind, policy, expected(kind, policy)) for kind in FAILURES for policy in POLICIES]
