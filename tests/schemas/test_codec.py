"""``parse`` and ``dump``: exact round trips, raw UTF-8, no coercion, extras kept."""

from __future__ import annotations

import orjson
import pytest
from pydantic import ValidationError

import schemas
from tests.schemas.examples import assert_same_json, load

CONTEXT = {
    "domain": "ONDC:RET16",
    "country": "IND",
    "city": "std:01899",
    "action": "on_search",
    "core_version": "1.2.0",
    "bap_id": "buyer.example.in",
    "bap_uri": "https://buyer.example.in/ondc",
    "bpp_id": "odop.example.in",
    "bpp_uri": "https://odop.example.in/ondc",
    "transaction_id": "7f1c0f0e-3b8e-4c55-9d0b-2f1a9c2b7d11",
    "message_id": "b3a8f3f4-6d0e-4a9b-8c84-9a1b0a4d2e55",
    "timestamp": "2025-03-31T16:45:45.969Z",
    "ttl": "PT30S",
}


def _body(message: object, **context: object) -> bytes:
    return orjson.dumps({"context": {**CONTEXT, **context}, "message": message})


def test_devanagari_and_rupee_sign_dump_as_raw_utf8_not_escapes() -> None:
    message = {
        "catalog": {
            "bpp/providers": [
                {
                    "id": "P-CHAMBA-1",
                    "descriptor": {"name": "चंबा रुमाल कारीगर समिति"},
                    "items": [
                        {
                            "id": "I1",
                            "descriptor": {"name": "चंबा रुमाल", "short_desc": "₹4500 हस्तनिर्मित"},
                            "price": {"currency": "INR", "value": "4500.00"},
                        }
                    ],
                }
            ]
        }
    }
    raw = _body(message)

    dumped = schemas.dump(schemas.parse(schemas.OnSearchCallback, raw))

    assert "चंबा रुमाल".encode() in dumped
    assert "₹4500".encode() in dumped
    assert b"\\u" not in dumped
    assert dumped == raw


def test_values_are_never_coerced_into_another_json_type() -> None:
    order = {
        "items": [{"id": "I1", "quantity": {"count": "1"}}, {"id": "I2", "quantity": {"count": 2}}],
        "fulfillments": [{"id": "F1", "tracking": "false"}, {"id": "F2", "tracking": False}],
        "payment": {"@ondc/org/buyer_app_finder_fee_amount": 3},
        "quote": {"price": {"currency": "INR", "value": 106.5}},
    }

    body = schemas.parse(schemas.OnStatusCallback, _body({"order": order}, action="on_status"))

    assert body.message is not None
    assert body.message.order is not None
    parsed = body.message.order
    assert parsed.items is not None
    assert parsed.fulfillments is not None
    assert parsed.items[0].quantity is not None
    assert parsed.items[0].quantity.count == "1"
    assert parsed.items[1].quantity is not None
    assert parsed.items[1].quantity.count == 2
    assert parsed.fulfillments[0].tracking == "false"
    assert parsed.fulfillments[1].tracking is False
    assert parsed.payment is not None
    assert parsed.payment.buyer_app_finder_fee_amount == 3
    assert_same_json(load(schemas.dump(body))["message"]["order"], order)


def test_a_value_of_an_unexpected_type_is_rejected_rather_than_converted() -> None:
    order = {"items": [{"id": "I1", "quantity": {"count": 1.0}}]}

    with pytest.raises(ValidationError):
        schemas.parse(schemas.SelectRequest, _body({"order": order}, action="select"))


def test_unmodelled_fields_round_trip_unchanged_wherever_they_appear() -> None:
    message = {
        "catalog": {
            "bpp/fulfillents": [{"id": "1", "type": "Delivery"}],
            "bpp/providers": [
                {
                    "id": "P1",
                    "@ondc/org/some_future_flag": {"nested": [1, 2.5, None, True, "x"]},
                    "items": [{"id": "I1", "code": "x", "list": [{"code": "a", "value": 1}]}],
                }
            ],
        },
        "note": None,
    }
    raw = _body(message, extra_context_field=42)

    body = schemas.parse(schemas.OnSearchCallback, raw)

    assert body.message is not None
    assert body.message.catalog is not None
    catalog = body.message.catalog
    assert catalog.model_extra == {"bpp/fulfillents": [{"id": "1", "type": "Delivery"}]}
    assert body.context.model_extra == {"extra_context_field": 42}
    assert_same_json(load(schemas.dump(body)), load(raw))


def test_a_wire_key_equal_to_a_python_field_name_stays_an_extra() -> None:
    message = {"catalog": {"providers": [{"id": "beckn-1.1-style"}], "bpp/providers": []}}
    raw = _body(message)

    body = schemas.parse(schemas.OnSearchCallback, raw)

    assert body.message is not None
    assert body.message.catalog is not None
    assert body.message.catalog.providers == []
    assert body.message.catalog.model_extra == {"providers": [{"id": "beckn-1.1-style"}]}
    assert_same_json(load(schemas.dump(body)), load(raw))


def test_explicit_nulls_stay_null_and_absent_fields_stay_absent() -> None:
    raw = _body({"order": {"id": None, "items": []}}, action="on_status", ttl=None)

    dumped = load(schemas.dump(schemas.parse(schemas.OnStatusCallback, raw)))

    assert dumped["context"]["ttl"] is None
    assert dumped["message"] == {"order": {"id": None, "items": []}}


def test_floats_ints_and_bools_in_extras_keep_their_types() -> None:
    raw = _body({"catalog": {}, "stats": {"a": 1, "b": 1.0, "c": 1500.25, "d": True, "e": 0}})

    dumped = load(schemas.dump(schemas.parse(schemas.OnSearchCallback, raw)))

    assert_same_json(dumped, load(raw))


def test_key_order_is_restored_at_every_level() -> None:
    raw = (
        b'{"message":{"order":{"state":"Accepted","id":"O1"}},'
        b'"context":{"timestamp":"2025-04-01T11:32:28.024Z","action":"on_status"}}'
    )

    assert schemas.dump(schemas.parse(schemas.OnStatusCallback, raw)) == raw


def test_key_order_survives_copies_of_a_parsed_body() -> None:
    raw = (
        b'{"message":{"order":{"state":"Accepted","id":"O1"}},'
        b'"context":{"timestamp":"2025-04-01T11:32:28.024Z","action":"on_status"}}'
    )
    parsed = schemas.parse(schemas.OnStatusCallback, raw)

    assert schemas.dump(parsed.model_copy()) == raw
    assert schemas.dump(parsed.model_copy(deep=True)) == raw


def test_key_order_of_data_validated_in_python_is_kept_under_wire_names() -> None:
    data = {
        "message": {"order": {"state": "Accepted", "id": "O1"}},
        "context": {"timestamp": "2025-04-01T11:32:28.024Z", "action": "on_status"},
    }

    dumped = schemas.dump(schemas.OnStatusCallback.model_validate(data))

    assert dumped == orjson.dumps(data)


def test_a_peer_key_named_like_the_order_slot_is_an_extra_like_any_other() -> None:
    raw = b'{"context":{"action":"on_status","_received_order":["x"]},"message":{}}'

    assert schemas.dump(schemas.parse(schemas.OnStatusCallback, raw)) == raw


def test_a_body_pydantic_takes_but_orjson_does_not_still_parses_in_field_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = b'{"message":{},"context":{"action":"on_status"}}'

    def refuse(_: bytes) -> object:
        raise orjson.JSONDecodeError("refused", "", 0)

    monkeypatch.setattr(orjson, "loads", refuse)
    parsed = schemas.parse(schemas.OnStatusCallback, raw)

    assert parsed.context.action == "on_status"


def test_a_body_with_only_its_required_parts_parses() -> None:
    request = schemas.parse(schemas.SelectRequest, b'{"context":{"action":"select"},"message":{}}')
    callback = schemas.parse(
        schemas.OnSelectCallback,
        b'{"context":{"action":"on_select"},"error":{"type":"DOMAIN-ERROR","code":"30009"}}',
    )

    assert request.message.order is None
    assert callback.message is None
    assert callback.error is not None
    assert callback.error.code == "30009"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"context":{"action":"select"}}',
        b'{"message":{}}',
        b'{"context":{},"message":{}}',
        b"not json",
    ],
    ids=["no-message", "no-context", "no-action", "not-json"],
)
def test_a_request_without_context_action_or_message_is_rejected(raw: bytes) -> None:
    with pytest.raises(ValidationError):
        schemas.parse(schemas.SelectRequest, raw)


def test_a_model_built_in_code_dumps_only_what_was_given_under_wire_names() -> None:
    catalog = schemas.Catalog(
        descriptor=schemas.Descriptor(name="HP ODOP"),
        providers=[
            schemas.Provider(
                id="P1",
                items=[schemas.Item(id="I1", returnable=True, time_to_ship="P3D")],
            )
        ],
    )

    assert load(schemas.dump(catalog)) == {
        "bpp/descriptor": {"name": "HP ODOP"},
        "bpp/providers": [
            {
                "id": "P1",
                "items": [
                    {"id": "I1", "@ondc/org/returnable": True, "@ondc/org/time_to_ship": "P3D"}
                ],
            }
        ],
    }


def test_a_prebuilt_callback_dumps_its_context_as_received_and_its_message_as_given() -> None:
    context = schemas.parse(schemas.Context, orjson.dumps(dict(reversed(CONTEXT.items()))))
    message = {"catalog": {"bpp/providers": [{"id": "P1", "descriptor": {"name": "चंबा रुमाल ₹"}}]}}

    raw = schemas.dump(schemas.Prebuilt(context=context, message=message))

    assert raw == orjson.dumps({"context": dict(reversed(CONTEXT.items())), "message": message})
    assert "चंबा रुमाल ₹".encode() in raw  # raw UTF-8, not \u escapes


def _generic_dump(body: schemas.Prebuilt) -> bytes:
    """A prebuilt callback written the general way: pydantic's dump of its context and
    the walk back to the received order (what ``dump`` did for every context before)."""
    from schemas._codec import _data

    return orjson.dumps({"context": _data(body.context), "message": body.message})


_ANSWERED = {
    "action": "on_search",
    "bpp_id": "odop.example.in",
    "bpp_uri": "https://odop.example.in/ondc",
    "timestamp": "2025-03-31T16:45:46.001Z",
}


@pytest.mark.parametrize(
    "received",
    [
        # A search from a gateway: no bpp_id or bpp_uri, so the answer adds them.
        {k: v for k, v in CONTEXT.items() if not k.startswith("bpp")} | {"action": "search"},
        # Keys in another order, an extension key among them, a count given as text.
        {"ttl": "PT30S", "action": "search", "x-trace": "7", "city": "std:0177",
         "max_callbacks": "2", "domain": "ONDC:RET10", "timestamp": "2025-03-31T16:45:45Z"},
        # Nulls, a number and a boolean as extras, both core_version and version.
        {"action": "search", "key": None, "core_version": "1.2.0", "version": "1.2.0",
         "retries": 3, "test": True, "ratio": 0.5},
        # Every key of the answer received already: no key is added.
        dict(CONTEXT),
        # An extension object in the context: written the general way.
        {"action": "search",
         "location": {"city": {"code": "std:0177"}, "country": {"code": "IND"}}},
    ],
)  # fmt: skip
def test_a_prebuilt_callback_context_is_written_as_the_general_dump_writes_it(
    received: dict[str, object],
) -> None:
    request = schemas.parse(schemas.Context, orjson.dumps(received))
    answered = request.model_copy(update=_ANSWERED)
    body = schemas.Prebuilt(context=answered, message={"catalog": {"bpp/providers": []}})

    dumped = schemas.dump(body)

    assert dumped == _generic_dump(body)
    context = orjson.loads(dumped)["context"]
    assert list(context)[: len(received)] == list(received)
    assert {key: context[key] for key in _ANSWERED} == _ANSWERED


def test_a_prebuilt_context_with_a_python_value_is_converted_as_pydantic_converts_it() -> None:
    from datetime import UTC, datetime

    request = schemas.parse(schemas.Context, orjson.dumps({"action": "search"}))
    answered = request.model_copy(update={"x-when": datetime(2025, 3, 31, tzinfo=UTC)})
    body = schemas.Prebuilt(context=answered, message={})

    assert schemas.dump(body) == _generic_dump(body)
    assert orjson.loads(schemas.dump(body))["context"]["x-when"] == "2025-03-31T00:00:00Z"


def test_a_copy_with_updates_is_pydantics_copy_with_the_received_order() -> None:
    raw = orjson.dumps({"ttl": "PT30S", "action": "search", "x-trace": "7"})
    request = schemas.parse(schemas.Context, raw)

    copied = request.model_copy(update={"action": "on_search", "bpp_id": "b", "x-new": 1})

    assert copied.model_fields_set == {"ttl", "action", "x-trace", "bpp_id", "x-new"}
    assert copied.model_extra == {"x-trace": "7", "x-new": 1}
    assert (copied.action, copied.bpp_id, request.action, request.bpp_id) == (
        "on_search", "b", "search", None,
    )  # fmt: skip
    assert request.model_extra == {"x-trace": "7"}
    assert schemas.dump(copied) == (
        b'{"ttl":"PT30S","action":"on_search","x-trace":"7","bpp_id":"b","x-new":1}'
    )


def test_a_parsed_body_keeps_the_json_it_came_from_and_a_copy_does_not() -> None:
    raw = _body({"intent": {"item": {"descriptor": {"name": "शॉल"}}}}, action="search")
    parsed = schemas.parse(schemas.SearchRequest, raw)

    assert schemas.received_json(parsed) == orjson.loads(raw)
    assert schemas.received_json(parsed.model_copy()) is None
    assert schemas.received_json(parsed.context) is None
    assert schemas.received_json(schemas.SearchRequest.model_validate(orjson.loads(raw))) is None


def test_a_deferred_parse_remembers_the_context_at_once_and_the_rest_when_completed() -> None:
    raw = (
        b'{"message":{"order":{"state":"Accepted","id":"O1","x-note":"\xe0\xa4\xb6"}},'
        b'"context":{"timestamp":"2025-04-01T11:32:28.024Z","action":"on_status"}}'
    )
    parsed = schemas.parse(schemas.OnStatusCallback, raw, defer_order=True)

    assert schemas.dump(parsed.context) == orjson.dumps(orjson.loads(raw)["context"])
    # The order (and the copy of the JSON) wait for complete_order: field order till then.
    assert (
        schemas.dump(parsed.message.order)
        == b'{"id":"O1","state":"Accepted","x-note":"\xe0\xa4\xb6"}'
    )
    assert schemas.received_json(parsed) == orjson.loads(raw)

    schemas.complete_order(parsed)
    schemas.complete_order(parsed)  # once is enough; again does nothing

    assert schemas.dump(parsed) == raw
    assert schemas.dump(parsed.message.order) == orjson.dumps(orjson.loads(raw)["message"]["order"])


def test_completing_the_order_of_a_body_parsed_at_once_changes_nothing() -> None:
    raw = b'{"message":{"order":{"state":"Accepted","id":"O1"}},"context":{"action":"on_status"}}'
    parsed = schemas.parse(schemas.OnStatusCallback, raw)
    built = schemas.OnStatusCallback.model_validate(orjson.loads(raw))

    schemas.complete_order(parsed)
    schemas.complete_order(built)

    assert schemas.dump(parsed) == schemas.dump(built) == raw


def test_objects_of_texts_numbers_and_nulls_keep_their_received_order() -> None:
    # Every value of the context and of the descriptor is a scalar (the order is taken
    # without a walk into them); their keys come in reverse field order, an extension
    # key, a null and a number among them.
    context = dict(reversed(CONTEXT.items())) | {"x-hop": 2, "key": None, "action": "select"}
    descriptor = {"short_desc": "ऊनी ₹", "x-grade": 1.5, "name": "शॉल", "code": None}
    raw = orjson.dumps(
        {"message": {"order": {"items": [{"descriptor": descriptor, "id": "I1"}]}},
         "context": context}
    )  # fmt: skip

    parsed = schemas.parse(schemas.SelectRequest, raw)

    assert schemas.dump(parsed) == raw
    assert schemas.dump(parsed.context) == orjson.dumps(context)


def test_a_model_given_among_values_in_python_keeps_the_order_of_both() -> None:
    descriptor = schemas.Descriptor.model_validate({"short_desc": "s", "name": "n"})
    item = schemas.Item.model_validate({"x-note": "k", "descriptor": descriptor, "id": "I1"})

    assert (
        schemas.dump(item) == b'{"x-note":"k","descriptor":{"short_desc":"s","name":"n"},"id":"I1"}'
    )
