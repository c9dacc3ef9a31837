"""HTTP responses -> parsed JSON, or the matching `APIError` carrying the API's own message.

Both send paths end here: an `httpx.Response` and the aiohttp fast path's `AiohttpResponse`
both satisfy `ResponseLike`, so there is one status mapping for every transport.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ._exceptions import (
    APIError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    RateLimitError,
    ResponseDecodingError,
    ServerError,
)
from ._redact import RedactedRequest

__all__ = ["ResponseLike", "api_message", "error_for", "parse_json", "retry_after"]


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


_API_ERROR_PREFIX = "Api error : "


def api_message(text: str) -> str:
    """The API's own words: `Api error : X` -> `X`; a JSON `message`/`error` field; else the text."""
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict):
            for key in ("message", "error", "errors", "msg"):
                if data.get(key):
                    value = data[key]
                    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    if stripped.startswith(_API_ERROR_PREFIX):
        return stripped[len(_API_ERROR_PREFIX) :]
    return stripped[:500]


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


def error_for(
    response: ResponseLike, request: RedactedRequest, scrub: Callable[[str], str]
) -> APIError:
    """The exception for an error response; secrets the server may echo are scrubbed."""
    status = response.status_code
    text = scrub(response.text)
    message = api_message(text) or response.reason_phrase
    if status == 429:
        return RateLimitError(
            status, message, request=request, response_text=text, retry_after=retry_after(response)
        )
    if status >= 500:
        return ServerError(status, message, request=request, response_text=text)
    return _BY_STATUS.get(status, APIError)(status, message, request=request, response_text=text)


def parse_json(response: ResponseLike, request: Callable[[], RedactedRequest]) -> Any:
    """The JSON body of a successful response."""
    try:
        return json.loads(response.content)
    except ValueError as exc:
        snippet = response.text[:80]
        msg = f"the response is not JSON ({exc}; starts with {snippet!r})"
        raise ResponseDecodingError(msg, request=request()) from exc
