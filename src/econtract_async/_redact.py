"""The one place that turns a request into text: every secret is replaced by `[redacted]`.

Our credentials travel in query strings and form bodies (never headers), so redaction works on
parameter names (`crm_api_key`, `apikey`, and whatever a custom auth declares in
`secret_params`) and, as a second net, on the secret values themselves wherever they appear.
"""

from __future__ import annotations

import functools
import logging
import re
import weakref
from collections.abc import Callable, Iterable

import attrs

__all__ = ["REDACTED", "SECRET_PARAMS", "RedactedRequest", "Redactor", "scrub_library_logs"]

REDACTED = "[redacted]"
SECRET_PARAMS = frozenset({"crm_api_key", "apikey", "secret"})


@attrs.frozen
class RedactedRequest:
    """What an error or a log record may say about a request: nothing secret."""

    method: str
    url: str
    """The URL; on GET its query string carries the redacted parameters."""
    params: tuple[tuple[str, str], ...] = ()
    """Every parameter (query or form), secrets replaced by `[redacted]`."""
    attempt: int = 1

    def __str__(self) -> str:
        return f"{self.method} {self.url}"


@attrs.frozen
class Redactor:
    """Knows the secret parameter names and values of one client."""

    names: frozenset[str] = SECRET_PARAMS
    values: tuple[str, ...] = attrs.field(default=(), repr=False)

    @classmethod
    def for_auths(cls, auths: Iterable[object]) -> Redactor:
        """Collect secret names and values from auth strategies (custom ones included)."""
        names = set(SECRET_PARAMS)
        values: list[str] = []
        for auth in auths:
            names.update(getattr(auth, "secret_params", ()))
            values.extend(v for v in getattr(auth, "secret_values", ()) if v)
        return cls(frozenset(names), tuple(sorted(set(values), key=len, reverse=True)))

    def params(self, params: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        """Parameters with secret values replaced."""
        names = self.names
        return tuple((k, REDACTED if k in names else self.text(v)) for k, v in params)

    def text(self, text: str) -> str:
        """`text` with every known secret value replaced."""
        for value in self.values:
            if value in text:
                text = text.replace(value, REDACTED)
        return text

    def any_text(self, text: str) -> str:
        """`text` with secret values replaced, and the value of every `name=` pair whose name
        is secret (a URL or form body quoted by someone else, e.g. httpx's own log line)."""
        pattern = _pair_pattern(self.names)
        return self.text(pattern.sub(rf"\1{REDACTED}", text))

    def scrubber(self, params: Iterable[tuple[str, str]]) -> Callable[[str], str]:
        """`text` for one request: also hides its per-request secrets (e.g. the signed `apikey`),
        which a server may echo back in an error body."""
        extra = tuple(v for k, v in params if k in self.names and v and v not in self.values)
        if not extra:
            return self.text
        return attrs.evolve(
            self, values=tuple(sorted({*self.values, *extra}, key=len, reverse=True))
        ).text

    def request(
        self,
        method: str,
        base_url: str,
        path: str,
        params: Iterable[tuple[str, str]],
        *,
        in_query: bool,
        attempt: int = 1,
    ) -> RedactedRequest:
        """Describe a request for humans, logs and errors."""
        from urllib.parse import urlencode

        safe = self.params(params)
        url = base_url.rstrip("/") + path
        if in_query and safe:
            url = f"{url}?{urlencode(safe)}"
        return RedactedRequest(method, self.text(url), safe, attempt)


@functools.cache
def _pair_pattern(names: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(sorted(map(re.escape, names)))
    return re.compile(rf"((?<![\w%])(?:{alternatives})=)[^&\s\"'#]*")


class _LibraryLogScrubber(logging.Filter):
    """Rewrites a library's log records with every live client's secrets redacted."""

    def __init__(self) -> None:
        super().__init__()
        # By identity: equal redactors of two clients must each stay until their own client goes.
        self.redactors: weakref.WeakValueDictionary[int, Redactor] = weakref.WeakValueDictionary()

    def filter(self, record: logging.LogRecord) -> bool:
        redactors = list(self.redactors.values())
        if redactors:
            text = record.getMessage()
            for redactor in redactors:
                text = redactor.any_text(text)
            record.msg, record.args = text, None
        return True


_LIBRARY_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "aiohttp.client",
    "aiohttp.internal",
)
"""Loggers that may quote a request; a filter on a logger sees only that logger's own records."""
_scrubber = _LibraryLogScrubber()


def scrub_library_logs(redactor: Redactor) -> None:
    """Keep `redactor`'s secrets out of httpx's own INFO line (`HTTP Request: GET https://...?
    crm_api_key=...`) and the other libraries' records, for as long as the redactor lives."""
    _scrubber.redactors[id(redactor)] = redactor
    for name in _LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        if _scrubber not in library.filters:
            library.addFilter(_scrubber)
