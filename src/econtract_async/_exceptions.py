"""The one exception hierarchy of econtract-async.

```
EcontractError
├── ValidationError (also ValueError)    .errors: tuple[FieldError, ...]; raised before sending
├── ConfigurationError (also ValueError) missing or invalid credentials, base URL or option
├── ClientClosedError (also RuntimeError) closed; .may_have_reached_server when it was in flight
├── TransportError                       .request (redacted) .may_have_reached_server
│   ├── ConnectError                     the request never reached the server
│   ├── RequestTimeoutError              connect/pool timeouts never reached it; read timeouts may have
│   └── ConnectionLostError              the connection broke after sending: outcome unknown
├── APIError                             .status_code .api_message .request (redacted) .response_text
│   ├── BadRequestError (400)            includes a replayed product-API nonce
│   │   └── ErrorBodyError (2xx)         a success status whose body is an API error text
│   ├── AuthenticationError (401)
│   ├── NotFoundError (404)
│   ├── RateLimitError (429)             .retry_after (seconds or None)
│   └── ServerError (5xx)
├── ResponseDecodingError                a 2xx body that is not JSON (nor an API error text)
└── MissingFieldError (also AttributeError) reading a field the API always answers, from an answer without it
```

httpx and aiohttp exceptions are translated by the sender that uses them (`_transport`), and nowhere else. Every
request attached to an exception is a `RedactedRequest`: it never holds a credential.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from ._redact import RedactedRequest

__all__ = [
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConnectError",
    "ConnectionLostError",
    "EcontractError",
    "ErrorBodyError",
    "FieldError",
    "MissingFieldError",
    "NotFoundError",
    "RateLimitError",
    "RequestTimeoutError",
    "ResponseDecodingError",
    "ServerError",
    "TransportError",
    "ValidationError",
]


class EcontractError(Exception):
    """Root of every error raised by econtract-async."""


@attrs.frozen
class FieldError:
    """One bad field: where it is (Python path and wire name) and what is wrong with it."""

    path: str
    """Python path of the field, e.g. `client.email` or `detaillevel[1]`."""
    wire: str
    """The parameter name on the wire, e.g. `client_email`."""
    message: str

    def __str__(self) -> str:
        return f"{self.path} ({self.wire}): {self.message}"


class ValidationError(EcontractError, ValueError):
    """Input that the API would refuse, found before anything was sent.

    Every bad field is listed at once in `errors`.
    """

    def __init__(self, model: str, errors: tuple[FieldError, ...] | list[FieldError]) -> None:
        self.model = model
        self.errors = tuple(errors)
        lines = "\n".join(f"  - {error}" for error in self.errors)
        count = len(self.errors)
        msg = f"{count} invalid field{'s' if count != 1 else ''} in {model}:\n{lines}"
        super().__init__(msg)

    def __reduce__(self) -> tuple[type[ValidationError], tuple[str, tuple[FieldError, ...]]]:
        return (type(self), (self.model, self.errors))


class ConfigurationError(EcontractError, ValueError):
    """The client is missing something it needs (credentials, base URL) or was given a bad option."""


class ClientClosedError(EcontractError, RuntimeError):
    """The client was closed; create a new one instead of reopening it.

    Raised by a call made after `aclose()` (`may_have_reached_server` is False), and by a call
    that was in flight when `aclose()` ran (True: its request may have been processed).
    """

    def __init__(self, message: str, *, may_have_reached_server: bool = False) -> None:
        super().__init__(message)
        self.may_have_reached_server = may_have_reached_server


class TransportError(EcontractError):
    """The request could not be completed at the network level."""

    may_have_reached_server: bool = True

    def __init__(
        self,
        message: str,
        *,
        request: RedactedRequest | None = None,
        may_have_reached_server: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.request = request
        if may_have_reached_server is not None:
            self.may_have_reached_server = may_have_reached_server

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} ({self.request})" if self.request is not None else base


class ConnectError(TransportError):
    """The connection could not be opened: the request certainly never reached the server."""

    may_have_reached_server = False


class RequestTimeoutError(TransportError):
    """A timeout; `may_have_reached_server` is False for connect and pool timeouts."""


class ConnectionLostError(TransportError):
    """The connection broke after the request was sent: the server may have processed it."""


class APIError(EcontractError):
    """The API answered with an error status."""

    def __init__(
        self,
        status_code: int,
        api_message: str,
        *,
        request: RedactedRequest | None = None,
        response_text: str = "",
    ) -> None:
        self.status_code = status_code
        self.api_message = api_message
        self.request = request
        self.response_text = response_text
        where = f" for {request}" if request is not None else ""
        super().__init__(f"HTTP {status_code}{where}: {api_message}")


class BadRequestError(APIError):
    """HTTP 400: missing or bad parameters, or a replayed product-API `time` + `nonce`."""


class ErrorBodyError(BadRequestError):
    """A 2xx answer whose body is an API error (`Api error : ...`, `... is required`).

    The servers sometimes refuse a request with status 200 and the error as the body, in any of
    the error body forms; partner code treats that as an error, and so do we (D-101).
    `status_code` is the status actually sent (200); `api_message` is the error text.
    """


class AuthenticationError(APIError):
    """HTTP 401: a missing or wrong CRM id/key, or a bad product-API signature."""


class NotFoundError(APIError):
    """HTTP 404: no such resource or path."""


class RateLimitError(APIError):
    """HTTP 429: too many requests; `retry_after` is the server's hint in seconds, if any."""

    def __init__(
        self,
        status_code: int,
        api_message: str,
        *,
        request: RedactedRequest | None = None,
        response_text: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(status_code, api_message, request=request, response_text=response_text)
        self.retry_after = retry_after


class ServerError(APIError):
    """HTTP 5xx: the server failed."""


class ResponseDecodingError(EcontractError):
    """A 2xx body that is not JSON where JSON was due (and is not an API error text).

    An answer that is JSON never raises it: what cannot be typed is kept in the model's
    `extra` (D-104). The message quotes the start of the body with secrets scrubbed.
    """

    def __init__(self, message: str, *, request: RedactedRequest | None = None) -> None:
        self.request = request
        where = f" for {request}" if request is not None else ""
        super().__init__(f"{message}{where}")


class MissingFieldError(EcontractError, AttributeError):
    """A field the API always answers (a record's `id`) was not in this answer.

    Raised when the field is read, not when the answer is decoded: the call succeeded, and what
    the answer did hold is on the model, the rest in its `extra` (D-162). An `AttributeError`,
    so `getattr(created, "id", None)` reads it without raising.
    """

    def __init__(self, model: str, field: str) -> None:
        self.model = model
        self.field = field
        super().__init__(
            f"the answer held no {field!r} for this {model} (the call itself succeeded;"
            f" what the server sent is in the model's fields and `extra`)"
        )
