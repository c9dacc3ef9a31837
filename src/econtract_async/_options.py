"""Per-call options: timeout, retries, the visitor's IP, and parameters the docs don't list."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import httpx

__all__ = ["RequestOptions"]


@attrs.frozen
class RequestOptions:
    """Overrides for one call; `None` means "use the client's setting".

    Args:
        timeout: seconds (or an `httpx.Timeout`) for this call.
        max_retries: retries after the first attempt, for this call.
        end_user_ip: the visitor's IP address a web backend acts for (product API `ip`).
        extra_params: more wire parameters, appended after the model's own: for fields the
            API accepts that the docs don't list, or a value the SDK cannot verify.
    """

    timeout: float | httpx.Timeout | None = None
    max_retries: int | None = None
    end_user_ip: str | None = None
    extra_params: Mapping[str, str | int | float | bool] = attrs.field(factory=dict)
