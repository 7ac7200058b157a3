"""The one place adapter errors become Beckn responses (ACK / NACK bodies and statuses).

Beckn core 1.2.0 ``Ack``: ``{"message":{"ack":{"status":"ACK"}}}``; a NACK adds the
``error`` object (``type``, ``code``, ``path``, ``message``) with an ONDC error code.
"""

from __future__ import annotations

from typing import Final

import orjson
from starlette.responses import Response

from adapter.core.errors import FIXED_RETRY_AFTER, NetworkError, Overloaded

__all__ = ["ACK_BODY", "ack_response", "nack_body", "nack_response"]

ACK_BODY: Final = orjson.dumps({"message": {"ack": {"status": "ACK"}}})
_JSON: Final = "application/json"


# What ``Response(ACK_BODY, media_type=_JSON)`` makes of its headers, made once.
_ACK_HEADERS: Final = (
    (b"content-length", str(len(ACK_BODY)).encode("latin-1")),
    (b"content-type", _JSON.encode("latin-1")),
)


class _Ack(Response):
    """The ACK, its body and headers made once: ``Response`` renders its body and builds
    its headers for every instance (10,900 instructions an ACK, of about 1.6 M an
    answered search), the same bytes every time."""

    media_type = _JSON

    def __init__(self) -> None:
        self.status_code = 200
        self.background = None
        self.body = ACK_BODY
        # A list of its own: whoever sends it may add to it.
        self.raw_headers = list(_ACK_HEADERS)


def ack_response() -> Response:
    """HTTP 200 with a Beckn ACK."""
    return _Ack()


def nack_body(error: NetworkError) -> bytes:
    """The NACK body for ``error``: its ONDC code, type and a message naming the problem."""
    problem: dict[str, str] = {
        "type": error.error_type,
        "code": error.code,
        "message": error.message,
    }
    if error.path is not None:
        problem["path"] = error.path
    return orjson.dumps({"message": {"ack": {"status": "NACK"}}, "error": problem})


def nack_response(error: NetworkError) -> Response:
    """The HTTP response for ``error``: its status, the NACK body, and retry hints."""
    headers: dict[str, str] = {}
    if isinstance(error, Overloaded):
        headers["Retry-After"] = str(error.retry_after)
    elif error.http_status in (429, 503):
        headers["Retry-After"] = str(FIXED_RETRY_AFTER)
    if error.http_status == 401:
        headers["WWW-Authenticate"] = 'Signature realm="ondc", headers="(created) (expires) digest"'
    return Response(
        nack_body(error), status_code=error.http_status, media_type=_JSON, headers=headers
    )
