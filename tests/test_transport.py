"""Every httpx and aiohttp transport error becomes one of ours, with whether the server may have seen the request."""

from __future__ import annotations

import aiohttp
import httpx
import pytest
from aiohttp.client_reqrep import ConnectionKey, RequestInfo
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from econtract_async import (
    ConnectError,
    ConnectionLostError,
    RequestTimeoutError,
    TransportError,
)
from econtract_async._transport._aiohttp import translate_aiohttp
from econtract_async._transport._httpx import translate_httpx as translate

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
        exc = httpx.ConnectTimeout("timed out")
        exc.__cause__ = aiohttp.ServerDisconnectedError()
        mapped = translate(exc)
        assert type(mapped) is ConnectionLostError
        assert mapped.may_have_reached_server is True

    def test_connector_error_is_connect_error(self) -> None:
        """A failure to open the connection never reached the server."""
        exc = httpx.ConnectError("refused")
        exc.__cause__ = aiohttp.ClientConnectorError(KEY, OSError(111, "Connection refused"))
        mapped = translate(exc)
        assert type(mapped) is ConnectError
        assert mapped.may_have_reached_server is False

    def test_server_timeout_may_have_reached_the_server(self) -> None:
        """A read timeout from aiohttp is a timeout after sending."""
        exc = httpx.ReadTimeout("timed out")
        exc.__cause__ = aiohttp.ServerTimeoutError("read")
        mapped = translate(exc)
        assert type(mapped) is RequestTimeoutError
        assert mapped.may_have_reached_server is True


SECRET_URL = "https://crm.example.test/api/clients/63?crm_api_id=p-1&crm_api_key=s3cret"
KEY = ConnectionKey("127.0.0.1", 1, False, True, None, None, None)
REQUEST_INFO = RequestInfo(URL(SECRET_URL), "GET", CIMultiDictProxy(CIMultiDict()), URL(SECRET_URL))
AIOHTTP_ERRORS = sorted(
    (
        value
        for value in vars(aiohttp).values()
        if isinstance(value, type) and issubclass(value, aiohttp.ClientError)
    ),
    key=lambda cls: cls.__name__,
)
AIOHTTP_NEVER_SENT = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
    aiohttp.ServerFingerprintMismatch,
    aiohttp.ClientHttpProxyError,
    aiohttp.InvalidURL,
    aiohttp.NonHttpUrlClientError,
)


def aiohttp_error(cls: type[aiohttp.ClientError]) -> aiohttp.ClientError:
    """An instance of `cls`, built the way aiohttp builds it, quoting a URL with a secret where aiohttp would."""
    if issubclass(cls, aiohttp.ClientConnectorCertificateError):
        return cls(KEY, ValueError("certificate verify failed"))
    if issubclass(cls, aiohttp.ClientConnectorError):
        return cls(KEY, OSError(111, "Connection refused"))
    if issubclass(cls, aiohttp.ClientResponseError):
        return cls(REQUEST_INFO, (), status=502, message="Bad Gateway")
    if issubclass(cls, aiohttp.InvalidURL):
        return cls(SECRET_URL, "bad")
    if cls is aiohttp.ServerFingerprintMismatch:
        return cls(b"expected", b"got", "127.0.0.1", 443)
    if issubclass(cls, aiohttp.ConnectionTimeoutError | aiohttp.NonHttpUrlClientError):
        return cls(f"Connection timeout to host {SECRET_URL}")
    return cls("boom")


class TestAiohttpErrors:
    def test_the_walk_finds_the_aiohttp_errors(self) -> None:
        """The walk over `vars(aiohttp)` sees the client error tree, so the mapping test is meaningful."""
        names = {cls.__name__ for cls in AIOHTTP_ERRORS}
        assert {
            "ClientConnectorError",
            "ServerDisconnectedError",
            "SocketTimeoutError",
            "ClientPayloadError",
        } <= names

    @pytest.mark.parametrize("cls", AIOHTTP_ERRORS, ids=[c.__name__ for c in AIOHTTP_ERRORS])
    def test_every_aiohttp_client_error_is_mapped(self, cls: type[aiohttp.ClientError]) -> None:
        """Each class maps to our TransportError tree; never-sent failures say so; URLs are left out."""
        mapped = translate_aiohttp(aiohttp_error(cls))
        assert isinstance(mapped, TransportError)
        assert mapped.may_have_reached_server is (not issubclass(cls, AIOHTTP_NEVER_SENT))
        assert cls.__name__ in str(mapped)
        assert "s3cret" not in str(mapped)

    @pytest.mark.parametrize(
        ("exc", "ours", "reached"),
        [
            (aiohttp.ClientConnectorError(KEY, OSError(111, "refused")), ConnectError, False),
            (aiohttp.ConnectionTimeoutError("connect"), RequestTimeoutError, False),
            (aiohttp.SocketTimeoutError("read"), RequestTimeoutError, True),
            (TimeoutError(), RequestTimeoutError, True),
            (aiohttp.ServerDisconnectedError(), ConnectionLostError, True),
            (aiohttp.ClientOSError(104, "reset"), ConnectionLostError, True),
            (aiohttp.ClientPayloadError("truncated"), ConnectionLostError, True),
        ],
        ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else "",
    )
    def test_specific_failures(
        self, exc: BaseException, ours: type[TransportError], reached: bool
    ) -> None:
        """The failures the fast path meets map to the class users catch, and say whether the server saw the request."""
        mapped = translate_aiohttp(exc)
        assert type(mapped) is ours
        assert mapped.may_have_reached_server is reached

    def test_other_exceptions_are_not_ours_to_map(self) -> None:
        """A bug (not a network failure) passes through the translation point untouched."""
        assert translate_aiohttp(ValueError("bug")) is None
        assert translate_aiohttp(OSError("not from aiohttp")) is None
