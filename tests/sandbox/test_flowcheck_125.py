"""Pramaan's retail 1.2.5 flow rules (``adapter.sandbox.flowcheck_125``) and the choice of
field rules by a log's version, on ONDC's own 1.2.5 flows made consistent (the mock
payloads carry placeholder ids and times, filled in by ONDC's runner at run time)."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import orjson
import pytest

import schemas
from adapter.sandbox.conformance import check_callback, rules_for
from adapter.sandbox.conformance_rules import FIELD_RULES
from adapter.sandbox.flowcheck_125 import check_flow_125

FIXTURES: Final = Path(__file__).resolve().parents[1] / "fixtures" / "retail-1.2.5"
START: Final = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
_UNROUTED: Final = ("on_select", "on_init")  # the routing is named from on_confirm on


def _steps(flow: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.stem.split("_", 1)[1], orjson.loads(path.read_bytes()))
        for path in sorted((FIXTURES / flow).glob("*.json"))
    ]


def _routed(fulfillments: list[dict[str, Any]], routing: str) -> None:
    for fulfillment in fulfillments:
        if fulfillment.get("type") == "Delivery":
            kept = [t for t in fulfillment.get("tags") or [] if t.get("code") != "routing"]
            fulfillment["tags"] = [
                {"code": "routing", "list": [{"code": "type", "value": routing}]},
                *kept,
            ]


def consistent(flow: str, routing: str = "P2H2P") -> list[tuple[str, dict[str, Any]]]:
    """An ONDC 1.2.5 flow as a seller would send it: callbacks answer their request's
    message id 1 s later, unasked ones have fresh ids, ttl PT30S, the delivery routed."""
    steps = copy.deepcopy(_steps(flow))
    pending: dict[str, str] = {}
    at = START
    for _, body in steps:
        context = body["context"]
        action = context["action"]
        at += timedelta(seconds=1)
        context["timestamp"] = schemas.format_timestamp(at)
        context["ttl"] = "PT30S"
        if action.startswith("on_") and action.removeprefix("on_") in pending:
            context["message_id"] = pending.pop(action.removeprefix("on_"))
        else:
            context["message_id"] = str(uuid.uuid4())
            if not action.startswith("on_"):
                pending[action] = context["message_id"]
        order = body.get("message", {}).get("order")
        if isinstance(order, dict) and action.startswith("on_") and action not in _UNROUTED:
            _routed(order.get("fulfillments") or [], routing)
    return steps


def _rules(steps: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [violation.rule for violation in check_flow_125(steps)]


@pytest.mark.parametrize(
    "flow",
    sorted(path.relative_to(FIXTURES).as_posix() for path in FIXTURES.glob("*/*") if path.is_dir()),
)
def test_every_ondc_flow_keeps_the_sequence_and_partner_rules(flow: str) -> None:
    rules = set(_rules(_steps(flow)))
    assert not rules & {"sequence", "transaction_partners"}, rules


@pytest.mark.parametrize(
    "flow",
    [
        "RET16-1.2.5/Delivery_Flow",
        "RET12-1.2.5/Buyer_Cancellation_Flow",
        "RET10-1.2.5/Cancellation_Flow",
    ],
)
def test_a_consistent_flow_passes_every_rule(flow: str) -> None:
    assert check_flow_125(consistent(flow)) == []


def test_a_confirm_without_init_is_out_of_sequence_and_without_partners() -> None:
    steps = [s for s in consistent("RET16-1.2.5/Delivery_Flow") if s[0] not in ("init", "on_init")]
    assert {"sequence", "transaction_partners"} <= set(_rules(steps))


def test_a_callback_must_repeat_its_requests_message_id() -> None:
    steps = consistent("RET16-1.2.5/Delivery_Flow")
    steps[3][1]["context"]["message_id"] = str(uuid.uuid4())  # on_init
    assert _rules(steps) == ["message_id_pairing"]


def test_a_request_or_unasked_callback_may_not_reuse_a_message_id() -> None:
    steps = consistent("RET16-1.2.5/Delivery_Flow")
    steps[2][1]["context"]["message_id"] = steps[0][1]["context"]["message_id"]  # init
    steps[3][1]["context"]["message_id"] = steps[0][1]["context"]["message_id"]  # on_init
    assert "message_id_reused" in _rules(steps)
    steps = consistent("RET16-1.2.5/Delivery_Flow")
    steps[7][1]["context"]["message_id"] = steps[6][1]["context"]["message_id"]  # on_status
    assert _rules(steps) == ["message_id_reused"]


def test_on_confirm_stamped_over_five_seconds_after_confirm_breaks_the_timing_rule() -> None:
    steps = consistent("RET16-1.2.5/Delivery_Flow")
    sent = schemas.parse_timestamp(steps[4][1]["context"]["timestamp"])
    steps[5][1]["context"]["timestamp"] = schemas.format_timestamp(sent + timedelta(seconds=6))
    assert _rules(steps) == ["callback_stamp"]
    steps[5][1]["context"]["timestamp"] = schemas.format_timestamp(sent + timedelta(seconds=31))
    assert _rules(steps) == ["callback_stamp", "callback_after_ttl"]


def test_callbacks_say_ttl_pt30s() -> None:
    steps = consistent("RET16-1.2.5/Delivery_Flow")
    steps[7][1]["context"]["ttl"] = "PT1H"
    assert _rules(steps) == ["callback_ttl"]


def test_on_confirm_must_name_the_routing_and_later_callbacks_keep_it() -> None:
    steps = consistent("RET16-1.2.5/Delivery_Flow")
    for fulfillment in steps[5][1]["message"]["order"]["fulfillments"]:
        fulfillment.pop("tags", None)
    assert "routing_required" in _rules(steps)
    steps = consistent("RET16-1.2.5/Delivery_Flow")
    _routed(steps[7][1]["message"]["order"]["fulfillments"], "P2P")
    assert _rules(steps) == ["routing_kept"]


def test_a_p2p_order_may_not_show_a_hub_or_out_for_delivery_state() -> None:
    steps = consistent("RET16-1.2.5/Delivery_Flow", routing="P2P")
    _states(steps, {
        "on_status_packed": "Packed",
        "on_status_agent_assigned": "Agent-assigned",
        "on_status_picked": "Order-picked-up",
        "on_status_out_for_delivery": "At-delivery",
        "on_status_order_delivered": "Order-delivered",
    })  # fmt: skip
    assert check_flow_125(steps) == []
    _states(steps, {"on_status_out_for_delivery": "At-destination-hub"})
    assert _rules(steps) == ["routing_states"]
    # Nor "out for delivery": a hyperlocal courier is at the door (ONDC's validator).
    _states(steps, {"on_status_out_for_delivery": "Out-for-delivery"})
    assert _rules(steps) == ["routing_states"]


def _states(steps: list[tuple[str, dict[str, Any]]], codes: dict[str, str]) -> None:
    for key, body in steps:
        if key in codes:
            delivery = body["message"]["order"]["fulfillments"][0]
            delivery["state"] = {"descriptor": {"code": codes[key]}}


def test_the_delivery_moves_only_as_the_validator_allows() -> None:
    steps = consistent("RET16-1.2.5/Delivery_Flow")
    moves = {
        "on_status_packed": "Packed",
        "on_status_agent_assigned": "Agent-assigned",
        "on_status_picked": "Order-picked-up",
        "on_status_out_for_delivery": "Out-for-delivery",
        "on_status_order_delivered": "Order-delivered",
    }
    _states(steps, moves)
    assert check_flow_125(steps) == []
    _states(steps, {"on_status_out_for_delivery": "At-destination-hub"})  # skipped transit
    assert _rules(steps) == ["state_transition", "state_transition"]


def test_credentials_and_gst_number_stay_as_agreed() -> None:
    steps = consistent("RET12-1.2.5/Seller_Cred_Flow")
    assert check_flow_125(steps) == []
    creds = steps[5][1]["message"]["order"]["provider"]["creds"]
    assert creds[0]["descriptor"]["type"] == "GI"
    later = copy.deepcopy(steps[5])
    later[1]["context"] |= {"action": "on_status", "message_id": str(uuid.uuid4())}
    later[1]["message"]["order"]["provider"]["creds"] = []
    assert _rules([*steps, ("on_status_pending", later[1])]) == ["creds_echoed"]
    steps = consistent("RET12-1.2.5/Seller_Cred_Flow")
    terms = steps[5][1]["message"]["order"]["tags"][0]["list"]
    next(e for e in terms if e["code"] == "tax_number")["value"] = "02AAAAH1234C1Z5"
    assert _rules(steps) == ["gst_consistent"]


def test_the_gate_picks_the_field_rules_by_the_callbacks_version() -> None:
    assert rules_for("1.2.0") is FIELD_RULES
    steps = consistent("RET16-1.2.5/Delivery_Flow")
    on_status = copy.deepcopy(steps[9][1])
    on_status["message"]["order"]["fulfillments"][0]["state"] = {
        "descriptor": {"code": "At-destination-hub"}
    }
    seen_125 = {v.rule for v in check_callback("on_status", on_status)}
    on_status["context"]["core_version"] = "1.2.0"
    seen_120 = {v.rule for v in check_callback("on_status", on_status)}
    version_rules = [r for r in rules_for("1.2.5") if r.name == "CONTEXT_ENUM_VERSION"]
    assert [r.values for r in version_rules] == [("1.2.5",)]
    assert "CONTEXT_ENUM_VERSION" not in seen_125 | seen_120
    assert "FULFILLMENTS_STATE_DESCRIPTOR_CODE" in seen_120 - seen_125
    on_status["context"] |= {"core_version": "1.2.5", "ttl": "PT1M"}
    assert "ttl_pt30s" in {v.rule for v in check_callback("on_status", on_status)}


def _replacement_status(
    steps: list[tuple[str, dict[str, Any]]], name: str, state: str
) -> tuple[str, dict[str, Any]]:
    """The flow's last on_status again, later, with a second delivery (a replacement)."""
    key, body = copy.deepcopy(steps[-1])
    assert body["context"]["action"] == "on_status", key
    context = body["context"]
    context["message_id"] = str(uuid.uuid4())
    stamp = schemas.parse_timestamp(steps[-1][1]["context"]["timestamp"]) + timedelta(seconds=1)
    context["timestamp"] = schemas.format_timestamp(stamp)
    order = body["message"]["order"]
    order["fulfillments"] = [f for f in order["fulfillments"] if f["id"] != "R1-RP"]
    fulfillments = order["fulfillments"]
    first = next(f for f in fulfillments if f["type"] == "Delivery")
    second = {**copy.deepcopy(first), "id": "R1-RP", "state": {"descriptor": {"code": state}}}
    fulfillments.append(second)
    return name, body


def test_a_replacement_delivery_starts_pending_and_moves_as_the_first_one() -> None:
    steps = consistent("RET16-1.2.5/Delivery_Flow")
    assert check_flow_125(steps) == []
    wrong_start = [*steps, _replacement_status(steps, "on_status_rep", "Packed")]
    assert _rules(wrong_start) == ["replacement_starts_pending"]
    steps.append(_replacement_status(steps, "on_status_pending_rep", "Pending"))
    steps.append(_replacement_status(steps, "on_status_packed_rep", "Packed"))
    assert check_flow_125(steps) == []
    steps.append(_replacement_status(steps, "on_status_delivered_rep", "Order-delivered"))
    assert _rules(steps) == ["state_transition"], "Packed -> Order-delivered skips the courier"


def test_a_refusing_callback_is_held_to_its_context_and_error_block() -> None:
    steps = consistent("RET16-1.2.5/Delivery_Flow")
    on_status = next(b for _, b in steps if b["context"]["action"] == "on_status")
    context = {**on_status["context"], "action": "on_cancel"}
    error = {"type": "DOMAIN-ERROR", "code": "30014", "message": "not late yet"}
    assert check_callback("on_cancel_no", {"context": context, "error": error}) == []
    rules = {
        v.rule
        for v in check_callback("on_cancel_no", {"context": context, "error": {"code": "late"}})
    }
    assert rules == {"error_code", "error_type", "error_message"}
    # An answer with a message is held to the message's rules, error or not.
    hollow = {"context": context, "message": {"order": {}}, "error": error}
    assert check_callback("on_cancel", hollow), "an empty order breaks the order rules"
    bad_context = {"context": {**context, "ttl": "PT1H"}, "error": error}
    assert [v.rule for v in check_callback("on_cancel_no", bad_context)] == ["ttl_pt30s"]


def _pushed(flow: str) -> list[tuple[str, dict[str, Any]]]:
    """ONDC's incremental flow as a seller sends it: every on_search a push with a
    message id of its own."""
    steps = consistent(flow)
    for _, body in steps:
        if body["context"]["action"] == "on_search":
            body["context"]["message_id"] = str(uuid.uuid4())
    return steps


@pytest.mark.parametrize(
    "flow",
    [
        "RET10-1.2.5/Discovery_Flow_incremental_catalog",
        "RET12-1.2.5/Discovery_Flow_incremental_catalog",
    ],
)
def test_pushes_to_a_subscription_have_fresh_message_ids(flow: str) -> None:
    assert check_flow_125(_pushed(flow)) == []


def test_an_on_search_with_a_fresh_id_answers_no_plain_search() -> None:
    steps = _pushed("RET12-1.2.5/Discovery_Flow_incremental_catalog")
    steps[0][1]["message"]["intent"]["tags"] = []  # a plain search: answered, not pushed
    assert "message_id_pairing" in _rules(steps)
