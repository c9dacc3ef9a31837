"""What every transport implements (`Sender`) and hands back (`Answer`), and the headers it sends.

The client builds a request as text (method, full URL, form body), a `Sender` puts it on the wire
once and reads the whole answer. A sender never resends behind the client's back, and raises
only our `TransportError`s, each saying whether the request may have reached the server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import httpx

from .._version import __version__

__all__ = ["FORM_HEADERS", "WIRE_HEADERS", "Answer", "Sender"]

WIRE_HEADERS: Mapping[str, str] = {
    "Accept": "*/*",
    "Accept-Encoding": "gzip, deflate",
    "User-Agent": f"econtract-async/{__version__}",
}
"""Sent with every request, by every transport (D-110): `Accept` as the PHP clients send it,
the encodings every backend decodes without extra packages, and an honest user agent."""

FORM_HEADERS: Mapping[str, str] = {
    **WIRE_HEADERS,
    "Content-Type": "application/x-www-form-urlencoded",
}
"""`WIRE_HEADERS` plus the content type of a form body (POST)."""


class Answer:
    """One fully read HTTP answer, the same whichever transport fetched it.

    `as_httpx()` gives the `httpx.Response` (its `.request` holding the headers that really went
    out) that `EcontractClient.raw_responses()` collects; it is built only when asked for.
    """

    __slots__ = ("_as_httpx", "content", "headers", "reason_phrase", "status_code")

    def __init__(
        self,
        status_code: int,
        reason_phrase: str,
        headers: Mapping[str, str],
        content: bytes,
        as_httpx: Callable[[], httpx.Response],
    ) -> None:
        self.status_code = status_code
        self.reason_phrase = reason_phrase
        self.headers = headers
        """Case-insensitive."""
        self.content = content
        """The whole body, decompressed."""
        self._as_httpx = as_httpx

    @property
    def text(self) -> str:
        """The body as text: UTF-8 unless the answer names another charset; bad bytes replaced."""
        charset = "utf-8"
        content_type = self.headers.get("content-type", "")
        for part in content_type.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def as_httpx(self) -> httpx.Response:
        """This answer as an `httpx.Response`, with the `httpx.Request` that was sent."""
        return self._as_httpx()


class Sender(Protocol):
    """Sends one request and reads its whole answer; one per client, shared by its views.

    Implementations: `HttpxSender` (the default) and `AiohttpSender` (`http_backend="aiohttp"`).
    """

    async def send(
        self, method: str, url: str, body: bytes | None, http_timeout: httpx.Timeout
    ) -> Answer:
        """Put one request on the wire exactly once (a form body when `body` is given).

        Raises:
            TransportError: our own, never the library's; its message quotes no URL.
        """
        ...

    async def aclose(self) -> None:
        """Close every connection; later sends raise `ClientClosedError`."""
        ...
