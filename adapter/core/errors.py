"""The adapter's error tree, and the ONDC error code and HTTP status each one answers with.

Errors a network peer can cause are :class:`NetworkError` subclasses; the network edge
turns them into a NACK in one place (``adapter.network.nack``)::

    AdapterError
    ├── NetworkError                 answered with a NACK (code, HTTP status)
    │   ├── AuthenticationFailed     30016, 401: bad, expired or malformed signature
    │   │   └── UnknownSigningKey    30016, 401: the registry has no such (live) key
    │   ├── KeyLookupUnavailable     31001, 503: registry unreachable, key not cached
    │   ├── InvalidRequest           30000, 400: not JSON, or not the action's schema
    │   ├── PayloadTooLarge          30000, 413: body above the configured limit
    │   ├── RateLimited              30000, 429: sender above its request rate
    │   ├── FeatureNotSupported      40001, 400: an action this seller app does not serve
    │   ├── OutOfSequence            30000, 400: a 1.2.5 request out of its transaction's
    │   │   │                        order (adapter.core.retail125.sequence)
    │   │   ├── ConfirmWithoutInit   30019, 400: confirm with no init/on_init before it
    │   │   └── OrderNotFound        30018, 400: status/track/cancel/update before confirm
    │   ├── StoreUnavailable         31001, 503: the request could not be recorded; retry
    │   ├── SharedStateUnavailable   31001, 503: Redis (cache, dedupe, limits) unreachable
    │   ├── Overloaded               31001, 503: the callback could not be sent within the
    │   │                            request's ttl; Retry-After says when to try again
    │   └── InternalError            31001, 503: an unexpected failure (logged); retry
    └── RegistryError                the registry refused a request of ours (our setup)

Codes: ONDC developer-docs error-codes.md (30000 invalid request, 30016 invalid signature,
31001 internal error, retry).
"""

from __future__ import annotations

from typing import ClassVar, Final

__all__ = [
    "FIXED_RETRY_AFTER",
    "AdapterError",
    "AuthenticationFailed",
    "FeatureNotSupported",
    "InternalError",
    "InvalidRequest",
    "KeyLookupUnavailable",
    "NetworkError",
    "Overloaded",
    "PayloadTooLarge",
    "RateLimited",
    "RegistryError",
    "SharedStateUnavailable",
    "StoreUnavailable",
    "UnknownSigningKey",
]

FIXED_RETRY_AFTER: Final = 5
"""The ``Retry-After`` seconds of a 429 or 503 refusal that names no time of its own (a
sender over its rate, an internal error). :class:`Overloaded` names its own."""


class AdapterError(Exception):
    """Base of every error the adapter raises on purpose."""


class NetworkError(AdapterError):
    """A request from a network peer that is answered with a NACK."""

    code: ClassVar[str] = "30000"
    http_status: ClassVar[int] = 400
    error_type: ClassVar[str] = "CONTEXT-ERROR"

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


class AuthenticationFailed(NetworkError):
    """The request's signature cannot be accepted (ONDC 30016, HTTP 401)."""

    code = "30016"
    http_status = 401
    error_type = "CONTEXT-ERROR"


class UnknownSigningKey(AuthenticationFailed):
    """The registry lists no live key for the signer's subscriber id and key id."""


class KeyLookupUnavailable(NetworkError):
    """The signer's key is not cached and the registry cannot be reached (ONDC 31001)."""

    code = "31001"
    http_status = 503
    error_type = "CORE-ERROR"


class InvalidRequest(NetworkError):
    """The body is not JSON or does not fit the action's schema (ONDC 30000)."""

    code = "30000"
    http_status = 400
    error_type = "JSON-SCHEMA-ERROR"


class PayloadTooLarge(NetworkError):
    """The body is larger than the configured limit."""

    code = "30000"
    http_status = 413
    error_type = "CONTEXT-ERROR"


class RateLimited(NetworkError):
    """The sender is above its allowed request rate."""

    code = "30000"
    http_status = 429
    error_type = "CONTEXT-ERROR"


class FeatureNotSupported(NetworkError):
    """An action this seller app does not serve (ONDC 40001)."""

    code = "40001"
    http_status = 400
    error_type = "DOMAIN-ERROR"


class StoreUnavailable(NetworkError):
    """The request could not be recorded, so it is not accepted (ONDC 31001, retry)."""

    code = "31001"
    http_status = 503
    error_type = "CORE-ERROR"


class SharedStateUnavailable(NetworkError):
    """The shared state (Redis) cannot be reached, so the request cannot be checked."""

    code = "31001"
    http_status = 503
    error_type = "CORE-ERROR"


class Overloaded(NetworkError):
    """The callbacks already promised would not leave room to answer this request within
    its ttl, so it is refused before it is ACKed (ONDC 31001, retry; HTTP 503 with
    ``Retry-After``: ``retry_after`` whole seconds)."""

    code = "31001"
    http_status = 503
    error_type = "CORE-ERROR"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InternalError(NetworkError):
    """An unexpected failure on our side; the peer is told to retry (ONDC 31001)."""

    code = "31001"
    http_status = 503
    error_type = "CORE-ERROR"


class RegistryError(AdapterError):
    """The registry refused a request of ours: usually our own configuration is wrong."""
