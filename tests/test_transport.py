"""Every httpx transport error becomes one of ours, with whether the server may have seen the request."""

from __future__ import annotations

import httpx
import pytest

from econtract_async import (
    ConnectError,
    ConnectionLostError,
    RedactedRequest,
    RequestTimeoutError,
    TransportError,
)
from econtract_async._transport import map_httpx_errors, translate

HTTPX_TRANSPORT_ERRORS = sorted(
    (
        value
        for value in vars(httpx).values()
        if isinstance(value, type) and issubclass(value, httpx.TransportError)
    ),
    key=lambda cls: cls.__name__,
)

NEVER_SENT = {
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.ProxyError,
}


def test_the_walk_finds_the_httpx_errors() -> None:
    """The walk over `vars(httpx)` sees the transport error tree, so the mapping test is meaningful."""
    names = {cls.__name__ for cls in HTTPX_TRANSPORT_ERRORS}
    assert {"ConnectError", "ReadTimeout", "RemoteProtocolError", "TransportError"} <= names


@pytest.mark.parametrize(
    "cls", HTTPX_TRANSPORT_ERRORS, ids=[c.__name__ for c in HTTPX_TRANSPORT_ERRORS]
)
def test_every_httpx_transport_error_is_mapped(cls: type[httpx.TransportError]) -> None:
    """Each class maps to our TransportError tree, never-sent failures say so."""
    mapped = translate(cls("boom"))
    assert isinstance(mapped, TransportError)
    assert mapped.may_have_reached_server is (cls not in NEVER_SENT)
    assert cls.__name__ in str(mapped)


@pytest.mark.parametrize(
    ("cls", "ours"),
    [
        (httpx.ConnectError, ConnectError),
        (httpx.ConnectTimeout, RequestTimeoutError),
        (httpx.PoolTimeout, RequestTimeoutError),
        (httpx.ReadTimeout, RequestTimeoutError),
        (httpx.WriteTimeout, RequestTimeoutError),
        (httpx.ReadError, ConnectionLostError),
        (httpx.WriteError, ConnectionLostError),
        (httpx.RemoteProtocolError, ConnectionLostError),
    ],
)
def test_specific_classes(cls: type[httpx.TransportError], ours: type[TransportError]) -> None:
    """The common failures map to the specific class users catch."""
    assert type(translate(cls("boom"))) is ours


class TestAiohttpCause:
    def test_server_disconnect_behind_connect_timeout_is_connection_lost(self) -> None:
        """httpx-aiohttp reports a hang-up after sending as ConnectTimeout; the cause tells the truth."""
        import aiohttp

        exc = httpx.ConnectTimeout("timed out")
        exc.__cause__ = aiohttp.ServerDisconnectedError()
        mapped = translate(exc)
        assert type(mapped) is ConnectionLostError
        assert mapped.may_have_reached_server is True

    def test_connector_error_is_connect_error(self) -> None:
        """A failure to open the connection never reached the server."""
        import aiohttp

        exc = httpx.ConnectError("refused")
        exc.__cause__ = aiohttp.ClientConnectorError(
            aiohttp.client_reqrep.ConnectionKey("127.0.0.1", 1, False, True, None, None, None),
            OSError(111, "Connection refused"),
        )
        mapped = translate(exc)
        assert type(mapped) is ConnectError
        assert mapped.may_have_reached_server is False

    def test_server_timeout_may_have_reached_the_server(self) -> None:
        """A read timeout from aiohttp is a timeout after sending."""
        import aiohttp

        exc = httpx.ReadTimeout("timed out")
        exc.__cause__ = aiohttp.ServerTimeoutError("read")
        mapped = translate(exc)
        assert type(mapped) is RequestTimeoutError
        assert mapped.may_have_reached_server is True


def test_map_httpx_errors_attaches_the_redacted_request_and_scrubs() -> None:
    """The one translation point raises ours, scrubbed, with the redacted request, and hides the httpx chain."""
    request = RedactedRequest("GET", "https://crm.example.test/api/clients/63")
    with pytest.raises(ConnectError) as caught:  # noqa: SIM117
        with map_httpx_errors(lambda: request, lambda text: text.replace("s3cret", "[redacted]")):
            raise httpx.ConnectError("refused with s3cret")
    assert caught.value.request is request
    assert "s3cret" not in str(caught.value)
    assert caught.value.__suppress_context__
