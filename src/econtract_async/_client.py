"""`EcontractClient`: one pooled connection set, both APIs, every resource as an awaitable method."""

from __future__ import annotations

import contextlib
import contextvars
import enum
import functools
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Self

import anyio
import attrs
import httpx

from ._auth import Auth, CrmKeyAuth, SignedProductKeyAuth
from ._decode import Decoder
from ._encoding import encode_form, encode_pairs, format_value
from ._exceptions import (
    ClientClosedError,
    ConfigurationError,
    EcontractError,
    FieldError,
    ValidationError,
)
from ._meta import EndpointMeta
from ._model import RequestModel
from ._options import RequestOptions
from ._redact import RedactedRequest, Redactor, scrub_library_logs
from ._request import OutgoingRequest
from ._response import error_for, parse_json
from ._retry import RetryConfig, Verdict, judge
from ._telemetry import call_span
from ._transport import HttpBackend, HttpxSender, Sender, aiohttp_sender

if TYPE_CHECKING:
    from types import TracebackType

    from .crm import CrmNamespace
    from .product import ProductNamespace, ProductsResource

__all__ = ["DEFAULT_CRM_URL", "DEFAULT_PRODUCT_URL", "EcontractClient"]

DEFAULT_CRM_URL = "https://crm.econtract.be"
DEFAULT_PRODUCT_URL = "https://api.econtract.be"
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)
"""100 connections, all kept alive (httpx's default keeps 20 and reopens the rest per request)."""
logger = logging.getLogger("econtract_async")
_captured: contextvars.ContextVar[list[httpx.Response] | None] = contextvars.ContextVar(
    "econtract_async_captured", default=None
)
_CLOSED = "this EcontractClient was closed; create a new one"


class ClientState(enum.Enum):
    """Lifecycle: a client is opened once and, once closed, stays closed."""

    UNOPENED = 1
    OPENED = 2
    CLOSED = 3


@attrs.define
class _Shared:
    """What every view of one client shares: the sender, the lifecycle, the calls in flight."""

    make_sender: Callable[[], Sender]
    sender: Sender | None = None
    """Made on first use, so that a client built outside an event loop binds to none."""
    state: ClientState = ClientState.UNOPENED
    in_flight: set[anyio.CancelScope] = attrs.field(factory=set)
    """One scope per attempt on the wire; `aclose()` cancels them."""


class EcontractClient:
    """Async client for the Econtract CRM API (`ec.crm`) and product API (`ec.product`).

    Create one per application and share it: it holds one connection pool. Use it as an
    async context manager, or call `aclose()` when done.

    Args:
        crm_auth: credentials for the CRM API, usually `CrmKeyAuth(crm_id, crm_key)`.
        product_auth: credentials for the product API, usually `SignedProductKeyAuth(key, secret)`.
        crm_base_url: the CRM's base URL.
        product_base_url: the product API's base URL.
        timeout: seconds, or an `httpx.Timeout`, per attempt.
        max_retries: retries after the first attempt (see `docs/errors.md` for what is retried).
        limits: connection pool limits; by default 100 connections, all kept alive.
        http_client: your own `httpx.AsyncClient` (not closed by us).
        transport: your own httpx transport (respx, `httpx.ASGITransport`, ...).
        end_user_ip: the visitor's IP address signed into product-API requests by default.
        retry: backoff settings.
        http_backend: how requests go on the wire. `"httpx"` (default, every event loop): one
            `httpx.AsyncClient` (`http_client`'s, or ours over `transport`, or ours over several
            small connection pools), so respx, `httpx.MockTransport`, event hooks, proxies and
            mounts just work. `"aiohttp"` (the `aiohttp` extra, asyncio only): one
            `aiohttp.ClientSession`, less CPU per request at high concurrency
            (docs/performance.md). Or a ready `Sender`, such as `AiohttpSender(limits)`; it is
            closed with the client. Either way errors, headers on the wire and
            `raw_responses()` are the same.
    """

    crm: CrmNamespace
    product: ProductNamespace
    products: ProductsResource

    def __init__(
        self,
        *,
        crm_auth: Auth | None = None,
        product_auth: Auth | None = None,
        crm_base_url: str = DEFAULT_CRM_URL,
        product_base_url: str = DEFAULT_PRODUCT_URL,
        timeout: float | httpx.Timeout = 30.0,
        max_retries: int = 2,
        limits: httpx.Limits | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        end_user_ip: str | None = None,
        retry: RetryConfig | None = None,
        http_backend: HttpBackend | Sender = "httpx",
    ) -> None:
        if max_retries < 0:
            msg = f"max_retries must be 0 or more, got {max_retries}"
            raise ConfigurationError(msg)
        if http_client is not None and transport is not None:
            msg = "give http_client or transport, not both"
            raise ConfigurationError(msg)
        self._crm_auth = crm_auth
        self._product_auth = product_auth
        self._base_urls = {"crm": crm_base_url.rstrip("/"), "product": product_base_url.rstrip("/")}
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._max_retries = max_retries
        self._end_user_ip = end_user_ip
        self._retry = retry or RetryConfig()
        self._shared = _Shared(
            _sender_factory(http_backend, http_client, transport, limits, self._timeout)
        )
        self._redactor = Redactor.for_auths(a for a in (crm_auth, product_auth) if a is not None)
        scrub_library_logs(self._redactor)
        self._decoder = Decoder()
        self._mount()

    def _mount(self) -> None:
        from .crm import CrmNamespace
        from .product import ProductNamespace

        self.crm = CrmNamespace(self)
        self.product = ProductNamespace(self)
        self.products = self.product.products

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **kwargs: Any) -> Self:
        """A client configured from environment variables.

        CRM: `AB_CRM_URL`, `AB_CRM_ID`, `AB_CRM_KEY` (the PHP package's names). Product API:
        `ECONTRACT_PRODUCT_URL`, `ECONTRACT_PRODUCT_KEY`, `ECONTRACT_PRODUCT_SECRET`. An API
        whose variables are all absent is left unconfigured; a half-configured one is an error.
        """
        env = os.environ if environ is None else environ
        problems: list[str] = []

        def pair(id_var: str, key_var: str) -> tuple[str, str] | None:
            present = [v for v in (id_var, key_var) if env.get(v)]
            if not present:
                return None
            if len(present) == 1:
                missing = key_var if present[0] == id_var else id_var
                problems.append(f"{missing} is not set (but {present[0]} is)")
                return None
            return env[id_var], env[key_var]

        crm = pair("AB_CRM_ID", "AB_CRM_KEY")
        product = pair("ECONTRACT_PRODUCT_KEY", "ECONTRACT_PRODUCT_SECRET")
        if problems:
            raise ConfigurationError("; ".join(problems))
        if (
            crm is None
            and product is None
            and "crm_auth" not in kwargs
            and "product_auth" not in kwargs
        ):
            msg = "no credentials: set AB_CRM_ID and AB_CRM_KEY, or ECONTRACT_PRODUCT_KEY and ECONTRACT_PRODUCT_SECRET"
            raise ConfigurationError(msg)
        if crm is not None:
            kwargs.setdefault("crm_auth", CrmKeyAuth(*crm))
        if product is not None:
            kwargs.setdefault("product_auth", SignedProductKeyAuth(*product))
        if env.get("AB_CRM_URL"):
            kwargs.setdefault("crm_base_url", env["AB_CRM_URL"])
        if env.get("ECONTRACT_PRODUCT_URL"):
            kwargs.setdefault("product_base_url", env["ECONTRACT_PRODUCT_URL"])
        return cls(**kwargs)

    def with_options(
        self,
        *,
        end_user_ip: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
    ) -> Self:
        """A view of this client with other defaults, sharing its connection pool and lifecycle.

        Cheap enough to make per web request, e.g. `ec.with_options(end_user_ip=visitor_ip)`.
        """
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)
        if end_user_ip is not None:
            view._end_user_ip = end_user_ip
        if timeout is not None:
            view._timeout = (
                timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
            )
        if max_retries is not None:
            view._max_retries = max_retries
        view._mount()
        return view

    def __repr__(self) -> str:
        auths = ", ".join(repr(a) for a in (self._crm_auth, self._product_auth) if a is not None)
        return f"<EcontractClient {self._shared.state.name.lower()} {auths}>"

    # Lifecycle

    async def __aenter__(self) -> Self:
        if self._shared.state is ClientState.CLOSED:
            msg = "this EcontractClient was closed; create a new one"
            raise ClientClosedError(msg)
        self._shared.state = ClientState.OPENED
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections (but not a caller's own `http_client`).

        Calls in flight end at once with `ClientClosedError` (their request may have reached
        the server); nothing is retried or reopened afterwards.
        """
        shared = self._shared
        if shared.state is ClientState.CLOSED:
            return
        shared.state = ClientState.CLOSED
        for scope in list(shared.in_flight):
            scope.cancel()
        with anyio.CancelScope(shield=True):
            if shared.sender is not None:
                await shared.sender.aclose()

    @property
    def is_closed(self) -> bool:
        """Whether `aclose()` was called."""
        return self._shared.state is ClientState.CLOSED

    def _sender(self) -> Sender:
        """The sender, made on first use; `ClientClosedError` once the client is closed."""
        shared = self._shared
        if shared.state is ClientState.CLOSED:
            raise ClientClosedError(_CLOSED)
        if shared.sender is None:
            shared.sender = shared.make_sender()
            shared.state = ClientState.OPENED
        return shared.sender

    # Raw access

    @contextlib.contextmanager
    def raw_responses(self) -> Iterator[list[httpx.Response]]:
        """Collect the raw `httpx.Response` of every attempt made inside the block (this task only)."""
        responses: list[httpx.Response] = []
        token = _captured.set(responses)
        try:
            yield responses
        finally:
            _captured.reset(token)

    # The one request path

    def _model(
        self, endpoint: EndpointMeta, data: Any, fields: Mapping[str, Any] | None
    ) -> RequestModel | None:
        """The request model of a call, from a model, a mapping or keyword arguments."""
        if not endpoint.request:
            return None
        if fields:
            if data is not None:
                msg = f"{endpoint.key}: give a model/mapping or keyword arguments, not both"
                raise ConfigurationError(msg)
            data = fields
        if isinstance(data, endpoint.request):
            return data  # type: ignore[no-any-return]
        if isinstance(data, RequestModel):
            expected = " or ".join(cls.__name__ for cls in endpoint.request)
            msg = f"{endpoint.key} takes {expected}, got {type(data).__name__}"
            raise ConfigurationError(msg)
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            msg = f"{endpoint.key} takes a model or a mapping, got {type(data).__name__}"
            raise ConfigurationError(msg)
        from ._structure import from_mapping, pick_model  # on use: keeps the import light

        cls = (
            endpoint.request[0]
            if len(endpoint.request) == 1
            else pick_model(endpoint.request, data)
        )
        model: RequestModel = from_mapping(cls, data)
        return model

    def _path(self, endpoint: EndpointMeta, values: tuple[Any, ...]) -> str:
        if not values and not endpoint.path_params:
            return endpoint.path
        from ._validation import field_problem  # on use: keeps the import light

        errors = []
        filled = {}
        for field, value in zip(endpoint.path_params, values, strict=True):
            problem = field_problem(field, value)
            if problem is not None:
                errors.append(FieldError(field.name, field.wire, problem))
            filled[field.wire] = format_value(value)
        if errors:
            raise ValidationError(endpoint.key, errors)
        return endpoint.path.format(**filled) if filled else endpoint.path

    async def _call(
        self,
        endpoint: EndpointMeta,
        path_params: tuple[Any, ...],
        data: Any,
        fields: Mapping[str, Any] | None,
        options: RequestOptions | None,
    ) -> Any:
        """Validate, encode, sign, send with retries, and return the parsed JSON body."""
        auth = self._crm_auth if endpoint.api == "crm" else self._product_auth
        if auth is None:
            arg = "crm_auth" if endpoint.api == "crm" else "product_auth"
            msg = f"{endpoint.key} needs {arg}: pass it to EcontractClient or use EcontractClient.from_env()"
            raise ConfigurationError(msg)
        path = self._path(endpoint, path_params)
        model = self._model(endpoint, data, fields)
        params = encode_pairs(model) if model is not None else []
        ip = self._end_user_ip
        retries, timeout = self._max_retries, self._timeout
        if options is not None:
            params.extend(options.extra_pairs)
            ip = options.end_user_ip or ip
            if options.max_retries is not None:
                retries = options.max_retries
            if options.timeout is not None:
                timeout = (
                    options.timeout
                    if isinstance(options.timeout, httpx.Timeout)
                    else httpx.Timeout(options.timeout)
                )
        request = OutgoingRequest(endpoint.api, endpoint.method, path, params, ip, endpoint)
        return await self._send(request, auth, retries, timeout)

    async def _send(
        self, base: OutgoingRequest, auth: Auth, retries: int, http_timeout: httpx.Timeout
    ) -> Any:
        """Send with retries under the endpoint's policy; return the parsed JSON body.

        Errors are raised from this frame, which holds no credential (the signed request and
        its URL live only in `_attempt`'s frame, which is off the error's traceback): error
        reporters that capture locals print nothing secret.
        """
        endpoint = base.endpoint
        policy = endpoint.retry if endpoint is not None else "unsafe"
        name = endpoint.key if endpoint is not None else base.path
        with call_span(name, base.method) as span:
            attempt = 0
            while True:
                attempt += 1
                started = time.perf_counter()
                body, error = await self._attempt(
                    base, auth, attempt, http_timeout, describe=span.recording
                )
                if error is None:
                    parsed, status, described = body
                    span.finish(attempt, status, None, described and described.url)
                    return parsed
                retry = attempt <= retries and judge(policy, error) is Verdict.RETRY
                delay = self._retry.delay(attempt, error) if retry else None
                self._log_failure(error, attempt, started, delay)
                if delay is None:
                    span.finish(attempt, getattr(error, "status_code", None), error)
                    raise error
                span.retried(type(error).__name__)
                await anyio.sleep(delay)

    async def _attempt(
        self,
        base: OutgoingRequest,
        auth: Auth,
        attempt: int,
        http_timeout: httpx.Timeout,
        *,
        describe: bool = False,
    ) -> tuple[Any, EcontractError | None]:
        """One signed attempt: `((json, status, redacted request), None)`, or `(None, error)`.

        The redacted request is described only when `describe` asks (it costs an encoding).
        The error comes back with no traceback, cause or context, so none of this frame's
        locals (the signed URL and body) travel with it.
        """
        shared = self._shared
        request = base.copy()
        request.attempt = attempt
        request = auth.apply(request)
        base_url = self._base_urls[base.api]
        encoded = encode_form(request.params)
        if request.in_query:
            method, content = "GET", None
            url = f"{base_url}{request.path}?{encoded}" if encoded else base_url + request.path
        else:
            method, content, url = "POST", encoded.encode(), base_url + request.path
        started = time.perf_counter()
        scope = anyio.CancelScope()
        error: EcontractError | None = None
        try:
            sender = self._sender()
            with scope:
                shared.in_flight.add(scope)
                try:
                    answer = await sender.send(method, url, content, http_timeout)
                finally:
                    shared.in_flight.discard(scope)
            if scope.cancelled_caught:
                msg = "the client was closed while this request was in flight"
                raise ClientClosedError(msg, may_have_reached_server=True)
            captured = _captured.get()
            if captured is not None:
                captured.append(answer.as_httpx())
            code = answer.status_code
            described = functools.partial(self._describe, base_url, request)
            if not 200 <= code < 300:
                raise error_for(answer, described(), self._redactor.scrubber(request.params))
            parsed = parse_json(answer, described, self._redactor.scrubber(request.params))
            if logger.isEnabledFor(logging.DEBUG):
                self._log(logging.DEBUG, described(), str(code), started, None)
        except EcontractError as exc:
            error = exc
        if error is None:
            return (parsed, code, described() if describe else None), None
        error.__traceback__ = error.__cause__ = error.__context__ = None
        if getattr(error, "request", False) is None:
            error.args = (self._redactor.scrubber(request.params)(str(error.args[0])),)
            error.request = self._describe(base_url, request)  # type: ignore[attr-defined]
        return None, error

    def _describe(self, base_url: str, request: OutgoingRequest) -> RedactedRequest:
        return self._redactor.request(
            request.method,
            base_url,
            request.path,
            request.params,
            in_query=request.in_query,
            attempt=request.attempt,
        )

    def _log_failure(
        self, error: EcontractError, attempt: int, started: float, retry_in: float | None
    ) -> None:
        if not logger.isEnabledFor(logging.INFO):
            return
        request = getattr(error, "request", None)
        status = getattr(error, "status_code", None)
        outcome = str(status) if status is not None else type(error).__name__
        suffix = f"; retrying in {retry_in:.2f} s" if retry_in is not None else ""
        self._log(logging.INFO, request, outcome, started, attempt, suffix)

    @staticmethod
    def _log(
        level: int,
        request: RedactedRequest | None,
        outcome: str,
        started: float | None,
        attempt: int | None = None,
        suffix: str = "",
    ) -> None:
        attempt = request.attempt if request is not None else attempt or 1
        elapsed = "" if started is None else f" in {(time.perf_counter() - started) * 1000:.1f} ms"
        logger.log(
            level,
            "%s %s -> %s%s (attempt %d)%s",
            request.method if request is not None else "-",
            request.url if request is not None else "-",
            outcome,
            elapsed,
            attempt,
            suffix,
            extra={
                "econtract_request": request,
                "econtract_status": int(outcome) if outcome.isdigit() else None,
                "econtract_attempt": attempt,
            },
        )


def _sender_factory(
    backend: HttpBackend | Sender,
    http_client: httpx.AsyncClient | None,
    transport: httpx.AsyncBaseTransport | None,
    limits: httpx.Limits | None,
    timeout: httpx.Timeout,
) -> Callable[[], Sender]:
    """How a client makes its sender on first use, checked now so bad options fail at once."""
    if not isinstance(backend, str):
        if http_client is not None or transport is not None:
            msg = "give a Sender as http_backend, or http_client/transport, not both"
            raise ConfigurationError(msg)
        return lambda: backend
    if backend == "aiohttp":
        if http_client is not None or transport is not None:
            msg = (
                'http_backend="aiohttp" sends through aiohttp: it takes no http_client or transport'
            )
            raise ConfigurationError(msg)
        aiohttp_sender(None)  # fails now, naming the extra, when aiohttp is missing
        return lambda: _on_asyncio(aiohttp_sender(limits or DEFAULT_LIMITS))
    if backend != "httpx":
        msg = f"http_backend must be 'httpx', 'aiohttp' or a Sender, got {backend!r}"
        raise ConfigurationError(msg)
    if http_client is not None:
        if limits is not None:
            msg = "limits belong to your http_client: set them there"
            raise ConfigurationError(msg)
        return lambda: HttpxSender(http_client, owns=False)
    if transport is not None:
        return lambda: HttpxSender.over(transport, timeout)
    return lambda: HttpxSender.owned(limits or DEFAULT_LIMITS, timeout)


def _on_asyncio(sender: Sender) -> Sender:
    """`sender`, after checking the running loop is asyncio's (aiohttp runs on nothing else)."""
    asyncio = sys.modules.get("asyncio")  # imported already by any program running on it
    try:
        running = asyncio is not None and asyncio.get_running_loop() is not None
    except RuntimeError:
        running = False
    if not running:
        msg = 'http_backend="aiohttp" runs on asyncio only; use the default httpx backend on trio'
        raise ConfigurationError(msg)
    return sender
