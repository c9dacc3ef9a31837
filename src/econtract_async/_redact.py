"""The one place that turns a request into text: every secret is replaced by `[redacted]`.

Our credentials travel in query strings and form bodies (never headers), so redaction works on
parameter names (`crm_api_key`, `apikey`, and whatever a custom auth declares in
`secret_params`) and, as a second net, on the secret values themselves wherever they appear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

__all__ = ["REDACTED", "SECRET_PARAMS", "RedactedRequest", "Redactor"]

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
    values: tuple[str, ...] = ()

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
