"""The ACK the endpoints answer with: made once, the same as Starlette would make it."""

from __future__ import annotations

from starlette.responses import Response

from adapter.network.nack import ACK_BODY, ack_response


def test_an_ack_is_what_a_starlette_response_of_its_body_would_send() -> None:
    made = Response(ACK_BODY, status_code=200, media_type="application/json")
    ack = ack_response()
    assert (ack.status_code, ack.body, ack.raw_headers, ack.background) == (
        made.status_code,
        made.body,
        made.raw_headers,
        made.background,
    )
    assert ack.body == b'{"message":{"ack":{"status":"ACK"}}}'


def test_each_ack_has_headers_of_its_own() -> None:
    first, second = ack_response(), ack_response()
    first.raw_headers.append((b"x-added", b"by a middleware"))
    assert second.raw_headers == ack_response().raw_headers
    assert (b"x-added", b"by a middleware") not in second.raw_headers
