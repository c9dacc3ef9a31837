"""The one retry and outcome policy: what an answer means, and whether a request may be sent again.

Every failure is judged once, here, by `judge`, for the client's retry loop and the bulk importer
alike. The verdict depends on the endpoint's retry policy (`safe` reads, `deduplicated` writes the
CRM de-duplicates, `unsafe` writes such as leads) and on one question: may the server have stored
the request?

| answer or failure                                  | stored?  | safe / deduplicated | unsafe  |
|----------------------------------------------------|----------|---------------------|---------|
| 429, 503 (the server refused the work)             | no       | retry               | retry   |
| connect failure, connect or pool timeout           | no       | retry               | retry   |
| 502, 504 (a gateway gave up; the app may have run) | maybe    | retry               | unknown |
| read timeout, connection lost after sending        | maybe    | retry               | unknown |
| 500 and other 5xx (the app failed mid-way)         | maybe    | failed              | unknown |
| a 2xx whose body cannot be read                    | yes      | failed              | unknown |
| 400, 401, 404 and other 4xx (refused as asked)     | no       | failed              | failed  |
| `ClientClosedError` while in flight                | maybe    | failed              | unknown |

`unknown` is never retried automatically: the caller (or the bulk journal) decides. A 500 is not
retried even where a resend is harmless, because it is nearly always the same answer again.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable

import attrs

from ._exceptions import (
    APIError,
    ClientClosedError,
    EcontractError,
    RateLimitError,
    ResponseDecodingError,
    TransportError,
)
from ._meta import RetryPolicy

__all__ = ["RetryConfig", "Verdict", "judge"]

_REFUSED = frozenset({429, 503})
_GATEWAY = frozenset({502, 504})


class Verdict(enum.StrEnum):
    """What a failed attempt means for the request."""

    RETRY = "retry"
    """Safe to send again (a fresh attempt, signed afresh); once attempts run out, `FAILED`."""
    FAILED = "failed"
    """Final. Either the server certainly did not store it, or a resend later is harmless."""
    UNKNOWN = "unknown"
    """The server may have stored it and a resend could duplicate it: never resent automatically."""


def _may_have_stored(error: EcontractError) -> bool:
    if isinstance(error, APIError):
        return error.status_code >= 500 and error.status_code not in _REFUSED
    if isinstance(error, TransportError | ClientClosedError):
        return error.may_have_reached_server
    return isinstance(error, ResponseDecodingError)


def _retryable(error: EcontractError, policy: RetryPolicy) -> bool:
    if isinstance(error, APIError):
        status = error.status_code
        return status in _REFUSED or (policy != "unsafe" and status in _GATEWAY)
    if isinstance(error, TransportError):
        return policy != "unsafe" or not error.may_have_reached_server
    return False


def judge(policy: RetryPolicy, error: EcontractError) -> Verdict:
    """The verdict on one failed attempt of an endpoint with retry policy `policy`."""
    if _retryable(error, policy):
        return Verdict.RETRY
    if policy == "unsafe" and _may_have_stored(error):
        return Verdict.UNKNOWN
    return Verdict.FAILED


@attrs.frozen
class RetryConfig:
    """Backoff settings. The delay before retry n is uniform in [0, min(max_delay, base_delay * 2**(n-1))].

    A `Retry-After` from the server wins over the jittered delay, up to `max_retry_after`.
    """

    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    random: Callable[[], float] = attrs.field(default=random.random, repr=False)

    def delay(self, retry: int, error: EcontractError) -> float:
        """Seconds to wait before retry number `retry` (1-based)."""
        if isinstance(error, RateLimitError) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self.max_retry_after)
        return float(self.random()) * min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
