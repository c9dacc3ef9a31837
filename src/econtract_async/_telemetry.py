"""One OpenTelemetry span per API call, when `opentelemetry-api` is installed (the `otel` extra).

The span carries the endpoint, the HTTP method, the redacted URL of the last attempt, the status,
the attempt count and the retry reasons. Generic httpx instrumentation records full URLs, whose
query strings hold our credentials: use this span instead (docs/errors.md, "Observability").
Without the package, or with no tracer provider configured, this costs one attribute lookup.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

__all__ = ["CallSpan", "call_span"]


@functools.cache
def _trace_api() -> Any:
    try:
        from opentelemetry import trace  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return trace


@functools.cache
def _tracer_of(provider: Any) -> Any:
    from ._version import __version__

    return provider.get_tracer("econtract_async", __version__)


def _tracer() -> Any:
    """A tracer of the configured provider; None when there is none (nothing would record)."""
    trace = _trace_api()
    if trace is None:
        return None
    provider = trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider):
        return None
    return _tracer_of(provider)


class CallSpan:
    """What the client tells the span of one call; a no-op without a tracer."""

    __slots__ = ("_reasons", "_span")

    def __init__(self, span: Any) -> None:
        self._span = span
        self._reasons: list[str] = []

    @property
    def recording(self) -> bool:
        """Whether anything is recorded (worth describing the request for)."""
        return self._span is not None

    def retried(self, reason: str) -> None:
        """An attempt failed with `reason` (an error type) and will be retried."""
        if self._span is not None:
            self._reasons.append(reason)

    def finish(
        self,
        attempts: int,
        status: int | None,
        error: BaseException | None,
        url: str | None = None,
    ) -> None:
        """The call ended after `attempts`, with `status` (None: no answer) or `error`.

        `url` is the redacted URL of the last attempt (an error carries its own).
        """
        span = self._span
        if span is None:
            return
        span.set_attribute("econtract.attempts", attempts)
        if self._reasons:
            span.set_attribute("econtract.retry_reasons", self._reasons)
        if status is not None:
            span.set_attribute("http.response.status_code", status)
        request = getattr(error, "request", None)
        if request is not None:
            url = request.url
        if url is not None:
            span.set_attribute("url.full", url)
        if error is not None:
            from opentelemetry.trace import (  # type: ignore[import-not-found,unused-ignore]
                Status,
                StatusCode,
            )

            span.set_attribute("error.type", type(error).__name__)
            span.set_status(Status(StatusCode.ERROR, type(error).__name__))


@contextlib.contextmanager
def call_span(endpoint: str, method: str) -> Iterator[CallSpan]:
    """A span named after `endpoint` around one call (all its attempts)."""
    tracer = _tracer()
    if tracer is None:
        yield CallSpan(None)
        return
    attributes = {"econtract.endpoint": endpoint, "http.request.method": method}
    with tracer.start_as_current_span(
        f"econtract {endpoint}", attributes=attributes, record_exception=False
    ) as span:
        yield CallSpan(span)
