"""HTTP responses -> the JSON answer, or the matching `APIError` carrying the API's own message.

Both send paths end here: an `httpx.Response` and the aiohttp fast path's `AiohttpResponse`
both satisfy `ResponseLike`, so there is one status mapping for every transport.

The real servers answer in more shapes than the docs show (`shared/reference/wire-protocol.md`,
"Responses"), and this module is where every one of them is settled, once (D-100..D-105):

- error bodies come as plain text (`Api error : ...`), a JSON string, a JSON array of messages
  or a JSON object; each becomes `api_message`; an empty body falls back to the status phrase;
- a 2xx whose body is an API error text is an `ErrorBodyError` (a `BadRequestError`);
- CRM answers may be wrapped as `{"status": 200, "data": {...}}`: the envelope is removed, and an
  envelope carrying an error status is that error;
- an empty 2xx body stands for JSON `null`.

What the answer then decodes to, whatever its shape, is `_resource.py`'s and `_decode.py`'s
business (D-103, D-052, D-053).
"""

from __future__ import annotations

import http
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ._exceptions import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ErrorBodyError,
    NotFoundError,
    RateLimitError,
    ResponseDecodingError,
    ServerError,
)
from ._redact import RedactedRequest

__all__ = [
    "ResponseLike",
    "api_message",
    "error_for",
    "is_error_text",
    "parse_json",
    "retry_after",
]


class ResponseLike(Protocol):
    """What parsing and error mapping read from a response (`httpx.Response` has all of it)."""

    @property
    def status_code(self) -> int: ...

    @property
    def reason_phrase(self) -> str: ...

    @property
    def headers(self) -> Mapping[str, str]:
        """Case-insensitive."""
        ...

    @property
    def content(self) -> bytes:
        """The whole (decompressed) body."""
        ...

    @property
    def text(self) -> str: ...


_API_ERROR_PREFIX = re.compile(r"^\s*api error\s*:\s*", re.IGNORECASE)
_ERROR_MARKERS = ("api error", "is required")
"""What the partner wrappers look for in a 2xx body to call it an error (D-101)."""
_MESSAGE_KEYS = ("message", "error", "errors", "msg", "messages", "data")
_ENVELOPE_KEYS = frozenset({"status", "data", *_MESSAGE_KEYS})
"""Every key an envelope may have; an object with any other key is an answer, not an envelope."""
_MAX_MESSAGE = 500


def is_error_text(text: str) -> bool:
    """Whether a 2xx body's text is an API error (`Api error : ...`, `... is required`)."""
    lowered = text.lower()
    return any(marker in lowered for marker in _ERROR_MARKERS)


def _strip(text: str) -> str:
    return _API_ERROR_PREFIX.sub("", text.strip(), count=1)


def _words(data: Any) -> str | None:
    """The message of a decoded JSON error body, or `None` when it carries none."""
    if isinstance(data, str):
        return _strip(data)
    if isinstance(data, list) and data and all(isinstance(item, str) for item in data):
        return "; ".join(_strip(item) for item in data)
    if isinstance(data, dict):
        for key in _MESSAGE_KEYS:
            value = data.get(key)
            if value:
                words = _words(value) if isinstance(value, str | list) else None
                return words if words is not None else json.dumps(value, sort_keys=True)
    return None


def api_message(text: str) -> str:
    """The API's own words, from every error body form the servers send.

    Plain text `Api error : X` -> `X`; a JSON string -> the string (its `Api error : ` prefix
    dropped); a JSON array of messages -> the messages joined with `; `; a JSON object -> its
    `message` / `error` / `errors` / `msg` / `messages` / `data`; anything else -> the text.
    Cut at 500 characters; `""` for an empty body.
    """
    stripped = text.strip()
    words: str | None = None
    if stripped[:1] in ('"', "[", "{"):
        try:
            words = _words(json.loads(stripped))
        except ValueError:
            words = None
    return (_strip(stripped) if words is None else words)[:_MAX_MESSAGE]


def retry_after(response: ResponseLike) -> float | None:
    """Seconds from a `Retry-After` header given in seconds (HTTP dates are ignored)."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    404: NotFoundError,
}


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _error(
    status: int,
    message: str,
    request: RedactedRequest,
    text: str,
    wait: float | None = None,
) -> APIError:
    """The `APIError` subclass of `status`."""
    if status == 429:
        return RateLimitError(
            status, message, request=request, response_text=text, retry_after=wait
        )
    if status >= 500:
        return ServerError(status, message, request=request, response_text=text)
    return _BY_STATUS.get(status, APIError)(status, message, request=request, response_text=text)


def error_for(
    response: ResponseLike, request: RedactedRequest, scrub: Callable[[str], str]
) -> APIError:
    """The exception for an error response; secrets the server may echo are scrubbed."""
    status = response.status_code
    text = scrub(response.text)
    message = api_message(text) or response.reason_phrase or _phrase(status)
    return _error(status, message, request, text, retry_after(response))


def _envelope_status(body: Any) -> int | None:
    """The status of a CRM envelope (`{"status": 200, "data": ...}`), `None` for any other body."""
    if not isinstance(body, dict) or "status" not in body or not _ENVELOPE_KEYS.issuperset(body):
        return None
    status = body["status"]
    if isinstance(status, str) and status.strip().isdigit():
        status = int(status)
    if isinstance(status, bool) or not isinstance(status, int):
        return None
    return status if 200 <= status < 300 or 400 <= status < 600 else None


def _refused(body: Any) -> bool:
    """Whether a decoded 2xx body is an API error text: a string or an array of messages."""
    if isinstance(body, str):
        return is_error_text(body)
    return (
        isinstance(body, list)
        and bool(body)
        and all(isinstance(item, str) for item in body)
        and any(is_error_text(item) for item in body)
    )


def parse_json(
    response: ResponseLike,
    request: Callable[[], RedactedRequest],
    scrub: Callable[[str], str],
) -> Any:
    """The JSON answer of a 2xx response, out of its envelope; raises when it is an error.

    `ResponseDecodingError` only for a body that is not JSON (and not an API error text). Its
    message quotes the start of the body scrubbed of secrets, and it chains no exception
    (`json`'s would hold the whole body).
    """
    status = response.status_code
    content = response.content
    if not content.strip():
        return None
    try:
        body = json.loads(content)
    except ValueError as exc:
        text = scrub(response.text)
        if is_error_text(text):
            message = api_message(text) or _phrase(status)
            raise ErrorBodyError(status, message, request=request(), response_text=text) from None
        where = (
            f"{exc.msg} at line {exc.lineno} column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else type(exc).__name__
        )
        msg = f"the response is not JSON ({where}; starts with {text[:80]!r})"
        raise ResponseDecodingError(msg, request=request()) from None
    if _refused(body):
        text = scrub(response.text)
        raise ErrorBodyError(status, api_message(text), request=request(), response_text=text)
    envelope = _envelope_status(body)
    if envelope is None:
        return body
    if envelope >= 400:
        text = scrub(response.text)
        message = api_message(text) or _phrase(envelope)
        raise _error(envelope, message, request(), text)
    return body.get("data", body)
