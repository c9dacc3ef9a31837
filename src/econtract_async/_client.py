"""`EcontractClient`: one pooled connection set, both APIs, every resource as an awaitable method."""

from __future__ import annotations

import contextlib
import contextvars
import enum
import logging
import os
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, Self

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
from ._redact import RedactedRequest, Redactor
from ._request import OutgoingRequest
from ._response import error_for, parse_json
from ._retry import RetryConfig, Verdict, judge
from ._transport import default_transport, map_transport_errors, running_on_asyncio
from ._version import __version__

if TYPE_CHECKING:
    from types import TracebackType

    from ._aiohttp import AiohttpResponse, AiohttpSender
    from ._generated.namespaces import CrmNamespace, ProductNamespace
    from ._generated.product.products import ProductsResource

__all__ = ["DEFAULT_CRM_URL", "DEFAULT_PRODUCT_URL", "EcontractClient"]

DEFAULT_CRM_URL = "https://crm.econtract.be"
DEFAULT_PRODUCT_URL = "https://api.econtract.be"
USER_AGENT = f"econtract-async/{__version__}"
_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json"}
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
logger = logging.getLogger("econtract_async")
_captured: contextvars.ContextVar[list[httpx.Response] | None] = contextvars.ContextVar(
    "econtract_async_captured", default=None
)


class ClientState(enum.Enum):
    """Lifecycle: a client is opened once and, once closed, stays closed."""

    UNOPENED = 1
    OPENED = 2
    CLOSED = 3


@attrs.define
class _Shared:
    """What every view of one client shares: the connection pool and the lifecycle."""

    http: httpx.AsyncClient | None
    owns_http: bool
    transport: httpx.AsyncBaseTransport | None
    limits: httpx.Limits
    backend: Literal["auto", "httpx"] = "auto"
    sender: AiohttpSender | None = None
    """The aiohttp fast path, once chosen (see `EcontractClient._pool`)."""
    state: ClientState = ClientState.UNOPENED


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
        http_backend: `"auto"` (default): when the client owns its pool (no `http_client`, no
            `transport`) and runs on asyncio, requests go straight through one
            `aiohttp.ClientSession`, skipping httpx's per-request machinery (about 250 µs of
            CPU per request, docs/performance.md); on trio, or with your own `http_client` or
            `transport`, they go through httpx. `"httpx"`: always through httpx's own
            transport. Either way `raw_responses()` yields `httpx.Response`
            objects and errors are the same.
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
        http_backend: Literal["auto", "httpx"] = "auto",
    ) -> None:
        if max_retries < 0:
            msg = f"max_retries must be 0 or more, got {max_retries}"
            raise ConfigurationError(msg)
        if http_client is not None and transport is not None:
            msg = "give http_client or transport, not both"
            raise ConfigurationError(msg)
        if http_backend not in ("auto", "httpx"):
            msg = f"http_backend must be 'auto' or 'httpx', got {http_backend!r}"
            raise ConfigurationError(msg)
        self._crm_auth = crm_auth
        self._product_auth = product_auth
        self._base_urls = {"crm": crm_base_url.rstrip("/"), "product": product_base_url.rstrip("/")}
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._max_retries = max_retries
        self._end_user_ip = end_user_ip
        self._retry = retry or RetryConfig()
        pool = limits or httpx.Limits(max_connections=100, max_keepalive_connections=100)
        self._shared = _Shared(http_client, http_client is None, transport, pool, http_backend)
        self._redactor = Redactor.for_auths(a for a in (crm_auth, product_auth) if a is not None)
        self._decoder = Decoder()
        self._mount()

    def _mount(self) -> None:
        from ._generated.namespaces import CrmNamespace, ProductNamespace

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
        """Close the connection pool (unless it is the caller's own `http_client`)."""
        shared = self._shared
        if shared.state is ClientState.CLOSED:
            return
        shared.state = ClientState.CLOSED
        with anyio.CancelScope(shield=True):
            if shared.sender is not None:
                await shared.sender.aclose()
            if shared.http is not None and shared.owns_http:
                await shared.http.aclose()

    @property
    def is_closed(self) -> bool:
        """Whether `aclose()` was called."""
        return self._shared.state is ClientState.CLOSED

    def _pool(self) -> AiohttpSender | httpx.AsyncClient:
        """The aiohttp fast path when `http_backend="auto"` allows it, else the httpx client."""
        shared = self._shared
        if shared.sender is not None and shared.state is not ClientState.CLOSED:
            return shared.sender
        if (
            shared.http is None
            and shared.transport is None
            and shared.backend == "auto"
            and shared.state is not ClientState.CLOSED
            and running_on_asyncio()
        ):
            from ._aiohttp import AiohttpSender

            shared.sender = AiohttpSender(shared.limits, _HEADERS)
            shared.state = ClientState.OPENED
            return shared.sender
        return self._http()

    def _http(self) -> httpx.AsyncClient:
        shared = self._shared
        if shared.state is ClientState.CLOSED:
            msg = "this EcontractClient was closed; create a new one"
            raise ClientClosedError(msg)
        if shared.http is None:
            transport = shared.transport or default_transport(shared.limits)
            shared.http = httpx.AsyncClient(
                transport=transport, limits=shared.limits, timeout=self._timeout
            )
            shared.state = ClientState.OPENED
        return shared.http

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
        pool = self._pool()
        base_url = self._base_urls[base.api]
        policy = base.endpoint.retry if base.endpoint is not None else "unsafe"
        attempt = 0
        while True:
            attempt += 1
            request = base.copy()
            request.attempt = attempt
            request = auth.apply(request)

            def scrub(text: str, request: OutgoingRequest = request) -> str:
                # Built only on the error path: it also hides this request's signed values.
                return self._redactor.scrubber(request.params)(text)

            def describe(request: OutgoingRequest = request) -> RedactedRequest:
                return self._redactor.request(
                    request.method,
                    base_url,
                    request.path,
                    request.params,
                    in_query=request.in_query,
                    attempt=request.attempt,
                )

            encoded = encode_form(request.params)
            if request.in_query:
                method, body = "GET", None
                url = f"{base_url}{request.path}?{encoded}" if encoded else base_url + request.path
            else:
                method, body, url = "POST", encoded.encode(), base_url + request.path
            started = time.perf_counter()
            response: httpx.Response | AiohttpResponse
            try:
                with map_transport_errors(describe, scrub):
                    if isinstance(pool, httpx.AsyncClient):
                        outgoing = self._httpx_request(method, url, body, http_timeout)
                        response = await pool.send(outgoing)
                    else:
                        response = await pool.send(method, url, body, http_timeout)
                captured = _captured.get()
                if captured is not None:
                    captured.append(self._as_httpx(response, method, url, body))
                code = response.status_code
                if 200 <= code < 300:
                    self._log(logging.DEBUG, describe, code, started, None)
                    return parse_json(response, describe, scrub)
                raise error_for(response, describe(), scrub)
            except EcontractError as error:
                status = getattr(error, "status_code", None)
                if attempt > retries or judge(policy, error) is not Verdict.RETRY:
                    self._log(logging.INFO, describe, status, started, error)
                    raise
                delay = self._retry.delay(attempt, error)
                self._log(logging.INFO, describe, status, started, error, delay)
            await anyio.sleep(delay)

    @staticmethod
    def _as_httpx(
        response: httpx.Response | AiohttpResponse, method: str, url: str, body: bytes | None
    ) -> httpx.Response:
        """The `httpx.Response` that `raw_responses()` collects, whichever path sent it."""
        if isinstance(response, httpx.Response):
            return response
        headers = _HEADERS if body is None else {**_HEADERS, **_FORM}
        return response.to_httpx(method, url, headers, body)

    @staticmethod
    def _httpx_request(
        method: str, url: str, body: bytes | None, timeout: httpx.Timeout
    ) -> httpx.Request:
        """The `httpx.Request` of one attempt on the httpx path."""
        extensions = {"timeout": timeout.as_dict()}
        if body is None:
            return httpx.Request(method, url, headers=_HEADERS, extensions=extensions)
        return httpx.Request(
            method, url, content=body, headers={**_HEADERS, **_FORM}, extensions=extensions
        )

    def _log(
        self,
        level: int,
        describe: Any,
        status: int | None,
        started: float,
        error: EcontractError | None,
        retry_in: float | None = None,
    ) -> None:
        if not logger.isEnabledFor(level):
            return
        request: RedactedRequest = describe()
        elapsed = (time.perf_counter() - started) * 1000
        outcome = str(status) if status is not None else type(error).__name__ if error else "-"
        suffix = f"; retrying in {retry_in:.2f} s" if retry_in is not None else ""
        logger.log(
            level,
            "%s %s -> %s in %.1f ms (attempt %d)%s",
            request.method,
            request.url,
            outcome,
            elapsed,
            request.attempt,
            suffix,
            extra={
                "econtract_request": request,
                "econtract_status": status,
                "econtract_attempt": request.attempt,
            },
        )
