"""What is retried, and how long to wait: exponential backoff with full jitter.

- Reads (`safe`) and writes the CRM documents as de-duplicating (`deduplicated`: clients,
  addresses, orders) are retried after connect errors, timeouts, broken connections, 429 and
  502/503/504.
- Other writes (`unsafe`: leads) are retried only when the request certainly never reached
  the server (connect failure or a connect/pool timeout), or when the server answered 429 or
  503 (it refused the work). A broken connection after sending raises, so the caller decides.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import attrs

from ._exceptions import APIError, EcontractError, RateLimitError, TransportError
from ._meta import RetryPolicy

__all__ = ["RetryConfig", "should_retry"]

_REFUSED = frozenset({429, 503})
_TRANSIENT = frozenset({429, 502, 503, 504})


def should_retry(policy: RetryPolicy, error: EcontractError) -> bool:
    """Whether `error` may be retried under an endpoint's retry policy."""
    if isinstance(error, APIError):
        return error.status_code in (_REFUSED if policy == "unsafe" else _TRANSIENT)
    if isinstance(error, TransportError):
        return policy != "unsafe" or not error.may_have_reached_server
    return False


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
