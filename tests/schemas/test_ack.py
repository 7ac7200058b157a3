"""The synchronous ACK / NACK answer and the Beckn error object."""

from __future__ import annotations

import schemas
from tests.schemas.examples import assert_same_json, load


def test_ack_is_the_bare_beckn_ack_body() -> None:
    assert schemas.dump(schemas.ack()) == b'{"message":{"ack":{"status":"ACK"}}}'


def test_nack_builder_produces_the_ack_response_shape_with_its_error() -> None:
    response = schemas.nack(
        error_type=schemas.ErrorType.CONTEXT_ERROR,
        code="30022",
        message="stale request",
        path="context.timestamp",
    )

    assert_same_json(
        load(schemas.dump(response)),
        {
            "message": {"ack": {"status": "NACK"}},
            "error": {
                "type": "CONTEXT-ERROR",
                "code": "30022",
                "path": "context.timestamp",
                "message": "stale request",
            },
        },
    )
    assert not response.is_ack


def test_nack_leaves_out_message_and_path_when_not_given() -> None:
    response = schemas.nack(error_type=schemas.ErrorType.CORE_ERROR, code="30016")

    assert schemas.dump(response) == (
        b'{"message":{"ack":{"status":"NACK"}},"error":{"type":"CORE-ERROR","code":"30016"}}'
    )


def test_a_peers_ack_parses_and_reports_whether_it_was_accepted() -> None:
    accepted = schemas.parse(schemas.AckResponse, b'{"message":{"ack":{"status":"ACK"}}}')
    refused = schemas.parse(
        schemas.AckResponse,
        b'{"message":{"ack":{"status":"NACK"}},"error":{"type":"DOMAIN-ERROR","code":"40002"}}',
    )

    assert accepted.is_ack
    assert not refused.is_ack
    assert refused.error is not None
    assert refused.error.code == "40002"


def test_a_peers_ack_with_a_partial_context_echo_still_parses() -> None:
    raw = b'{"context":{"transaction_id":"T1"},"message":{"ack":{"status":"ACK"}}}'

    response = schemas.parse(schemas.AckResponse, raw)

    assert response.is_ack
    assert response.context == {"transaction_id": "T1"}
    assert schemas.dump(response) == raw


def test_the_out_of_stock_error_keeps_its_json_list_message_as_text() -> None:
    raw = (
        b'{"context":{"action":"on_select"},"message":{},"error":{"type":"DOMAIN-ERROR",'
        b'"code":"40002","message":"[{\\"item_id\\":\\"I1\\",\\"error\\":\\"40002\\"}]"}}'
    )

    callback = schemas.parse(schemas.OnSelectCallback, raw)

    assert callback.error is not None
    assert load(callback.error.message or "") == [{"item_id": "I1", "error": "40002"}]
    assert schemas.dump(callback) == raw
