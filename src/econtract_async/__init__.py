"""econtract-async: the async, typed Python SDK for Econtract's CRM and product APIs.

```python
from econtract_async import EcontractClient, CrmKeyAuth, SignedProductKeyAuth

async with EcontractClient(crm_auth=CrmKeyAuth(crm_id, crm_key)) as ec:
    client = await ec.crm.clients.get(63)
```

Models live in `econtract_async.crm` and `econtract_async.product`.
"""

from ._auth import Auth, CrmKeyAuth, SignedProductKeyAuth, new_nonce, product_signature
from ._client import DEFAULT_CRM_URL, DEFAULT_PRODUCT_URL, EcontractClient
from ._exceptions import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    ConnectError,
    ConnectionLostError,
    EcontractError,
    ErrorBodyError,
    FieldError,
    MissingFieldError,
    NotFoundError,
    RateLimitError,
    RequestTimeoutError,
    ResponseDecodingError,
    ServerError,
    TransportError,
    ValidationError,
)
from ._options import RequestOptions
from ._redact import RedactedRequest
from ._request import OutgoingRequest
from ._retry import RetryConfig
from ._validation import unverified
from ._version import __version__

__all__ = [
    "DEFAULT_CRM_URL",
    "DEFAULT_PRODUCT_URL",
    "APIError",
    "Auth",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConnectError",
    "ConnectionLostError",
    "CrmKeyAuth",
    "EcontractClient",
    "EcontractError",
    "ErrorBodyError",
    "FieldError",
    "MissingFieldError",
    "NotFoundError",
    "OutgoingRequest",
    "RateLimitError",
    "RedactedRequest",
    "RequestOptions",
    "RequestTimeoutError",
    "ResponseDecodingError",
    "RetryConfig",
    "ServerError",
    "SignedProductKeyAuth",
    "TransportError",
    "ValidationError",
    "__version__",
    "new_nonce",
    "product_signature",
    "unverified",
]
