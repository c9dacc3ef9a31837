"""The sandbox's ASGI application: routes from the schema, credentials, checks, faults, answers.

Every endpoint of `econtract_async._generated.ENDPOINTS` is routed at its `path` and, when the
docs print another one, at its `doc_path` too (`/products/{id}.json`, `POST /api/latest`).
CRM calls must carry `crm_api_id` and `crm_api_key` (else 401); product calls must carry a
valid signature (else 401), a `time` within `max_clock_skew` of the server clock and a
`time` + `nonce` pair never seen before (else 400). Admin calls live under `/_sandbox/` and
never see faults.
"""

from __future__ import annotations

import hmac
import json
import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import anyio
import attrs
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .._auth import product_signature
from .._meta import EndpointMeta
from ._faults import Decision, Faults
from ._handlers import HANDLERS, Call
from ._handlers_more import register as _register_more
from ._params import ApiProblem, RawParams, check, choose_model, convert, decode

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from ._sandbox import Sandbox

__all__ = [
    "ADMIN_PREFIX",
    "HANDLERS",
    "DroppedConnection",
    "NonceCache",
    "SandboxRoute",
    "build_app",
    "build_routes",
    "real_shape",
]

ADMIN_PREFIX = "/_sandbox/"
CRM_CREDENTIALS = ("crm_api_id", "crm_api_key")
PRODUCT_CREDENTIALS = ("key", "time", "timestamp", "nonce", "ip", "apikey", "abcid")


_register_more()


class DroppedConnection(Exception):
    """Raised after the answer started: the server closes the connection without finishing it."""


@attrs.frozen
class SandboxRoute:
    """A method and path pattern, and the endpoints it serves (two leads share `/api/leads`)."""

    method: str
    path: str
    pattern: re.Pattern[str]
    endpoints: tuple[EndpointMeta, ...]

    @property
    def models(self) -> tuple[type[Any], ...]:
        """Every request model of the endpoints, without repeats."""
        return tuple(dict.fromkeys(m for e in self.endpoints for m in e.request))


def _compile(path: str) -> re.Pattern[str]:
    """A path template (`/products/view/{id}.json`) as an anchored regular expression."""
    parts = re.split(r"\{(\w+)\}", path)
    regex = "".join(
        f"(?P<{part}>[^/]+?)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


def build_routes(endpoints: Iterable[EndpointMeta]) -> list[SandboxRoute]:
    """Routes for `endpoints`, literal paths before templated ones so they win."""
    grouped: dict[tuple[str, str], list[EndpointMeta]] = {}
    for endpoint in endpoints:
        grouped.setdefault((endpoint.method, endpoint.path), []).append(endpoint)
        if endpoint.doc_path:
            method, _, path = endpoint.doc_path.rpartition(" ")
            grouped.setdefault((method or endpoint.method, path), []).append(endpoint)
    routes = [
        SandboxRoute(method, path, _compile(path), tuple(found))
        for (method, path), found in grouped.items()
    ]
    routes.sort(key=lambda r: (r.path.count("{"), -len(r.path)))
    return routes


class NonceCache:
    """Remembers `time` + `nonce` pairs for as long as their `time` is acceptable."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[int, str], None] = {}

    def first_use(self, timestamp: int, nonce: str, *, now: float, window: float) -> bool:
        """Record the pair; `False` when it was seen before (a replay)."""
        with self._lock:
            if len(self._seen) > 1024:
                self._seen = {k: v for k, v in self._seen.items() if k[0] >= now - window}
            if (timestamp, nonce) in self._seen:
                return False
            self._seen[(timestamp, nonce)] = None
            return True


def _secret_equal(given: object, expected: str) -> bool:
    """Constant-time comparison of a sent credential."""
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


def _take(raw: RawParams, name: str) -> str | None:
    """Remove a parameter and return it when it is a single value."""
    value = raw.pop(name, None)
    return value if isinstance(value, str) else None


def _required(name: str) -> ApiProblem:
    """The API's answer for a missing parameter."""
    msg = f"Api error : Not all required parameters are set : Parameter {name} is required"
    return ApiProblem(400, msg)


class ApiApp:
    """The raw ASGI app behind every non-admin path: faults first, then the API behaviour."""

    def __init__(self, sandbox: Sandbox, endpoints: Iterable[EndpointMeta]) -> None:
        self.sandbox = sandbox
        self.routes = build_routes(endpoints)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if request.url.path.startswith(ADMIN_PREFIX):
            await _text(404, "Not Found")(scope, receive, send)
            return
        decision = self.sandbox.fault_injector.decide()
        if decision.latency:
            await anyio.sleep(decision.latency)
        if decision.status is not None:
            await _fault_response(decision)(scope, receive, send)
            return
        try:
            status, body, media_type = 200, await self.handle(request), "application/json"
        except ApiProblem as problem:
            status, media_type = problem.status, "text/plain"
            body = problem.message.encode()
            if self.sandbox.real_shapes:
                body, media_type = _error_body(request.url.path, problem)
        headers = {"content-type": f"{media_type}; charset=utf-8"}
        if decision.drop:
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(b"content-type", headers["content-type"].encode())],
                }
            )
            raise DroppedConnection
        if decision.slow_chunks:
            response: Response = StreamingResponse(
                _slowly(body, decision), status_code=status, headers=headers
            )
        else:
            response = Response(body, status_code=status, headers=headers)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> bytes:
        """Route, authenticate, check and handle one API request; its JSON answer."""
        path = request.url.path
        matches = [(r, m) for r in self.routes if (m := r.pattern.match(path))]
        if not matches:
            raise ApiProblem(404, f"Api error : Unknown path {path}")
        chosen = next(((r, m) for r, m in matches if r.method == request.method), None)
        if chosen is None:
            raise ApiProblem(405, f"Api error : Method {request.method} not allowed on {path}")
        route, match = chosen
        body = (await request.body()).decode("utf-8", "replace") if request.method == "POST" else ""
        raw = decode(request.url.query, body)
        if route.endpoints[0].api == "crm":
            self._check_crm(raw)
        else:
            self._check_product(raw)
        path_values: dict[str, Any] = {}
        endpoint = route.endpoints[0]
        for field in endpoint.path_params:
            try:
                path_values[field.name] = convert(field, match.group(field.wire))
            except ValueError:
                raise ApiProblem(404, f"Api error : Unknown path {path}") from None
        parsed = None
        if route.models:
            model = choose_model(route.models, raw)
            endpoint = next((e for e in route.endpoints if model in e.request), endpoint)
            parsed = check(model, raw)
        handler = HANDLERS.get(endpoint.key)
        if handler is None:
            raise ApiProblem(501, f"Sandbox error : no handler for {endpoint.key}")
        sandbox = self.sandbox
        sandbox.calls[endpoint.key] += 1
        call = Call(endpoint, path_values, parsed, sandbox.store, sandbox.catalogue, raw)
        result = handler(call)
        if sandbox.real_shapes:
            result = real_shape(endpoint, result)
        return json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()

    def _check_crm(self, raw: RawParams) -> None:
        """401 unless the CRM id and key are both sent and right."""
        credentials = self.sandbox.credentials
        api_id, api_key = (_take(raw, name) for name in CRM_CREDENTIALS)
        if not (
            _secret_equal(api_id, credentials.crm_api_id)
            and _secret_equal(api_key, credentials.crm_api_key)
        ):
            raise ApiProblem(401, "Api error : Unauthorized : invalid or missing CRM credentials")

    def _check_product(self, raw: RawParams) -> None:
        """Check the signature (401), the clock (400) and that the nonce is fresh (400)."""
        sandbox = self.sandbox
        sent = {name: _take(raw, name) for name in PRODUCT_CREDENTIALS}
        time_text = sent["time"] or sent["timestamp"] or ""
        nonce = sent["nonce"] or ""
        for name, value in (
            ("key", sent["key"]),
            ("time", time_text),
            ("nonce", nonce),
            ("apikey", sent["apikey"]),
        ):
            if not value:
                raise _required(name)
        if not re.fullmatch(r"\d{1,12}", time_text):
            raise ApiProblem(
                400, "Api error : Invalid parameters : Parameter time must be an integer"
            )
        timestamp = int(time_text)
        credentials = sandbox.credentials
        expected = product_signature(credentials.public_key, credentials.secret, timestamp, nonce)
        if not (
            _secret_equal(sent["key"], credentials.public_key)
            and _secret_equal(sent["apikey"], expected)
        ):
            raise ApiProblem(401, "Api error : Unauthorized : invalid key or signature")
        now = sandbox.clock()
        if abs(now - timestamp) > sandbox.max_clock_skew:
            msg = (
                f"Api error : Invalid parameters : Parameter time is more than"
                f" {sandbox.max_clock_skew:g} seconds away from the server clock"
            )
            raise ApiProblem(400, msg)
        if not sandbox.nonces.first_use(timestamp, nonce, now=now, window=sandbox.max_clock_skew):
            raise ApiProblem(400, "Api error : Invalid parameters : time and nonce already used")


def _ids_as_text(value: Any) -> Any:
    """Every whole-number `id` / `..._id` value as text, as PHP backends often serialise them."""
    if isinstance(value, list):
        return [_ids_as_text(item) for item in value]
    if not isinstance(value, dict):
        return value
    return {
        key: (
            str(item)
            if (key == "id" or key.endswith("_id"))
            and isinstance(item, int)
            and not isinstance(item, bool)
            else _ids_as_text(item)
        )
        for key, item in value.items()
    }


def real_shape(endpoint: EndpointMeta, result: Any) -> Any:
    """A handler's answer in the shape the real servers send (D-105).

    CRM answers come in the `{"status": 200, "data": ...}` envelope with ids as text; the
    product API's last-updated answer is a bare date-time string; every other product answer
    is already in its real shape (lists at the top level, the detail a one-element list, ids
    as text).
    """
    if endpoint.api == "crm":
        return {"status": 200, "data": _ids_as_text(result)}
    if endpoint.key == "product.products.last_updated" and isinstance(result, dict):
        return result.get("last_updated")
    return result


_PREFIX = "Api error : "


def _error_body(path: str, problem: ApiProblem) -> tuple[bytes, str]:
    """An error in one of the real servers' three body forms (D-105).

    CRM parameter refusals (400) are a JSON array of messages, CRM "not found" (404) a JSON
    string, everything else (the product API, 401s) plain text `Api error : ...`.
    """
    words = problem.message.removeprefix(_PREFIX)
    if path.startswith("/api/") and problem.status == 400:
        return json.dumps([words], ensure_ascii=False).encode(), "application/json"
    if path.startswith("/api/") and problem.status == 404:
        return json.dumps(words, ensure_ascii=False).encode(), "application/json"
    return problem.message.encode(), "text/plain"


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text answer."""
    return Response(message, status_code=status, media_type="text/plain", headers=headers)


def _fault_response(decision: Decision) -> Response:
    """The answer of an injected error status."""
    reasons = {
        429: "Too Many Requests",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
    }
    assert decision.status is not None
    headers = {}
    if decision.retry_after is not None:
        headers["retry-after"] = str(decision.retry_after)
    return _text(decision.status, reasons.get(decision.status, "Error"), headers)


async def _slowly(body: bytes, decision: Decision) -> AsyncIterator[bytes]:
    """The body in `slow_chunks` pieces with a pause before each piece after the first."""
    size = max(1, -(-len(body) // decision.slow_chunks))
    for index, start in enumerate(range(0, max(len(body), 1), size)):
        if index:
            await anyio.sleep(decision.slow_delay)
        yield body[start : start + size]


def build_app(sandbox: Sandbox, endpoints: Iterable[EndpointMeta]) -> Starlette:
    """The Starlette application: admin routes, then every API path."""

    async def faults(request: Request) -> Response:
        """GET the faults in force; POST changes (JSON, partial); DELETE resets them."""
        injector = sandbox.fault_injector
        if request.method == "DELETE":
            return JSONResponse(injector.reset().to_json())
        if request.method in ("POST", "PUT"):
            try:
                data = json.loads(await request.body() or b"{}")
                if not isinstance(data, dict):
                    msg = "expected a JSON object"
                    raise ValueError(msg)
                base = Faults() if request.method == "PUT" else injector.current
                injector.set(Faults.from_json(data, base=base))
            except ValueError as exc:
                return _text(400, f"Sandbox error : {exc}")
        return JSONResponse(injector.current.to_json())

    async def catalogue(request: Request) -> Response:
        """GET the API calls handled so far; POST `{"cat": ..., "product_ids": [...]}` changes products."""
        if request.method == "POST":
            try:
                data = json.loads(await request.body() or b"{}")
                change = sandbox.change_catalogue(
                    cat=data.get("cat"), product_ids=[int(i) for i in data.get("product_ids", ())]
                )
            except (ValueError, TypeError, AttributeError) as exc:
                return _text(400, f"Sandbox error : {exc}")
            return JSONResponse(attrs.asdict(change))
        return JSONResponse({"calls": dict(sandbox.calls)})

    async def health(request: Request) -> Response:
        """Liveness and what this sandbox serves."""
        return JSONResponse(
            {
                "status": "ok",
                "endpoints": sorted({e.key for e in sandbox.endpoints}),
                "products": len(sandbox.catalogue.products),
            }
        )

    return Starlette(
        routes=[
            Route(f"{ADMIN_PREFIX}faults", faults, methods=["GET", "POST", "PUT", "DELETE"]),
            Route(f"{ADMIN_PREFIX}health", health, methods=["GET"]),
            Route(f"{ADMIN_PREFIX}catalogue", catalogue, methods=["GET", "POST"]),
            Route("/{path:path}", ApiApp(sandbox, endpoints)),
        ]
    )
