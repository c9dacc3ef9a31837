"""One OpenTelemetry span per call: endpoint, method, redacted URL, status, attempts, retry reasons."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
import respx
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from econtract_async import EcontractClient, NotFoundError, _telemetry

_EXPORTER = InMemorySpanExporter()
_PROVIDER = TracerProvider()
_PROVIDER.add_span_processor(SimpleSpanProcessor(_EXPORTER))


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Spans recorded by a provider of this test's own (the global one is left alone)."""
    original = trace.get_tracer_provider
    trace.get_tracer_provider = lambda: _PROVIDER
    _EXPORTER.clear()
    try:
        yield _EXPORTER
    finally:
        trace.get_tracer_provider = original


@pytest.mark.asyncio
async def test_a_retried_call_is_one_span_with_its_attempts_and_reasons(
    spans: InMemorySpanExporter, make_client: Callable[..., EcontractClient]
) -> None:
    async with make_client() as ec, respx.mock() as router:
        router.route().mock(side_effect=[httpx.Response(503), httpx.Response(200, json={"id": 63})])
        await ec.crm.clients.get(63)
    (span,) = spans.get_finished_spans()
    attributes = dict(span.attributes or {})
    assert span.name == "econtract crm.clients.get"
    assert attributes["econtract.endpoint"] == "crm.clients.get"
    assert attributes["http.request.method"] == "GET"
    assert attributes["http.response.status_code"] == 200
    assert attributes["econtract.attempts"] == 2
    assert attributes["econtract.retry_reasons"] == ("ServerError",)
    url = str(attributes["url.full"])
    assert "crm_api_key=%5Bredacted%5D" in url
    assert "ck_live" not in url


@pytest.mark.asyncio
async def test_a_failed_call_marks_its_span_as_an_error(
    spans: InMemorySpanExporter, make_client: Callable[..., EcontractClient]
) -> None:
    async with make_client() as ec, respx.mock() as router:
        router.route().respond(404, text="Api error : Client 9 not found")
        with pytest.raises(NotFoundError):
            await ec.crm.clients.get(9)
    (span,) = spans.get_finished_spans()
    attributes = dict(span.attributes or {})
    assert span.status.status_code is trace.StatusCode.ERROR
    assert attributes["error.type"] == "NotFoundError"
    assert attributes["econtract.attempts"] == 1
    assert "ck_live" not in str(attributes["url.full"])
    assert not span.events  # no exception event: its message could quote a server's echo


@pytest.mark.asyncio
async def test_no_span_without_a_configured_provider(
    make_client: Callable[..., EcontractClient],
) -> None:
    """With opentelemetry installed but no provider set, nothing is recorded (and nothing paid)."""
    _EXPORTER.clear()
    assert _telemetry._tracer() is None
    async with make_client() as ec, respx.mock() as router:
        router.route().respond(200, json={"id": 63})
        await ec.crm.clients.get(63)
    assert _EXPORTER.get_finished_spans() == ()
