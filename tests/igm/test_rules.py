"""IGM 2.0.0 and 1.0.0 rules over the issue document (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from adapter.igm.issue1 import RespondentStep, answer_v1, merge_buyer_v1, respond_v1, status_v1
from adapter.igm.issue2 import (
    ActionCode,
    Respondent,
    last_buyer_action,
    merge_buyer,
    respond,
    seller_reply_to,
)
from adapter.igm.remedies import return_reason

US = Respondent(
    subscriber_id="seller.odop.example",
    name="Desk",
    phone="9418000000",
    email="desk@odop.example",
    gro_name="Officer",
    gro_phone="9418000001",
    gro_email="gro@odop.example",
)
T0, T1, T2 = "2026-12-06T10:00:00.000Z", "2026-12-06T10:05:00.000Z", "2026-12-06T10:10:00.000Z"


def _opened() -> dict[str, Any]:
    return {
        "id": "I1",
        "status": "OPEN",
        "level": "ISSUE",
        "created_at": T0,
        "updated_at": T0,
        "actors": [{"id": "NP1", "type": "INTERFACING_NP"}],
        "actions": [
            {"id": "A1", "descriptor": {"code": "OPEN"}, "action_by": "NP1", "updated_at": T0}
        ],
    }


def test_our_step_is_appended_with_the_status_last_action_and_time_it_implies() -> None:
    issue = respond(
        _opened(),
        ActionCode.PROCESSING,
        us=US,
        domain="ONDC:RET12",
        now=T1,
        short_desc="Looking into it",
    )
    assert [a["descriptor"]["code"] for a in issue["actions"]] == ["OPEN", "PROCESSING"]
    assert issue["status"] == "PROCESSING"
    assert issue["last_action_id"] == issue["actions"][-1]["id"]
    assert issue["updated_at"] == T1
    assert issue["actions"][-1]["action_by"] == "NP2"
    assert issue["respondent_ids"] == ["NP2"]
    [ours] = [a for a in issue["actors"] if a["id"] == "NP2"]
    assert ours["info"]["org"]["name"] == "seller.odop.example::ONDC:RET12"


def test_the_same_step_rebuilt_gets_the_same_action_id() -> None:
    first = respond(_opened(), ActionCode.PROCESSING, us=US, domain="D", now=T1, short_desc="x")
    again = respond(_opened(), ActionCode.PROCESSING, us=US, domain="D", now=T2, short_desc="x")
    assert first["last_action_id"] == again["last_action_id"]


def test_a_buyer_code_is_not_ours_to_append() -> None:
    with pytest.raises(ValueError, match="complainant"):
        respond(_opened(), ActionCode.CLOSED, us=US, domain="D", now=T1, short_desc="x")


def test_an_escalated_issue_is_answered_by_the_grievance_officer() -> None:
    issue = {**_opened(), "level": "GRIEVANCE"}
    answered = respond(issue, ActionCode.PROCESSING, us=US, domain="D", now=T1, short_desc="x")
    assert answered["actions"][-1]["action_by"] == "NP2-GRO"
    types = {a["id"]: a["type"] for a in answered["actors"]}
    assert types["NP2"] == "COUNTERPARTY_NP"
    assert types["NP2-GRO"] == "COUNTERPARTY_NP_GRO"


def test_the_buyers_copy_without_our_actions_keeps_them_and_adds_its_own() -> None:
    ours = respond(
        _opened(), ActionCode.INFO_REQUESTED, us=US, domain="D", now=T1, short_desc="photo?"
    )
    stale = _opened()  # the buyer app did not copy our action back
    stale["actions"].append(
        {"id": "A9", "descriptor": {"code": "INFO_PROVIDED"}, "action_by": "NP1", "updated_at": T2}
    )
    fresh = last_buyer_action(ours, stale)
    merged = merge_buyer(ours, stale)
    assert [a["descriptor"]["code"] for a in merged["actions"]] == [
        "OPEN",
        "INFO_REQUESTED",
        "INFO_PROVIDED",
    ]
    assert merged["last_action_id"] == "A9"
    assert "NP2" in {a["id"] for a in merged["actors"]}
    assert fresh is not None
    assert seller_reply_to(fresh) == (ActionCode.PROCESSING, "Complaint is being processed")
    assert last_buyer_action(merged, stale) is None


@pytest.mark.parametrize(
    ("code", "step"),
    [
        ("OPEN", "PROCESSING"),
        ("ESCALATED", "PROCESSING"),
        ("RESOLUTION_REJECTED", "PROCESSING"),
        ("RESOLUTION_ACCEPTED", "RESOLVED"),
        ("CLOSED", None),
    ],
)
def test_our_automatic_step_after_each_buyer_step(code: str, step: str | None) -> None:
    reply = seller_reply_to({"descriptor": {"code": code}})
    assert (reply[0] if reply else None) == step


@pytest.mark.parametrize(
    ("category", "reason"), [("ITM01", "004"), ("ITM003", "005"), ("ITM04", "003"), (None, "003")]
)
def test_item_complaints_map_to_retail_return_reasons(category: str | None, reason: str) -> None:
    assert return_reason(category) == reason


def test_igm_1_resolution_names_our_grievance_officer_and_keeps_two_decimals() -> None:
    opened = {
        "id": "I1",
        "created_at": T0,
        "issue_actions": {
            "complainant_actions": [{"complainant_action": "OPEN", "updated_at": T0}]
        },
    }
    taken = respond_v1(opened, RespondentStep.PROCESSING, us=US, domain="D", now=T1, short_desc="x")
    done = respond_v1(
        taken,
        RespondentStep.RESOLVED,
        us=US,
        domain="D",
        now=T2,
        short_desc="y",
        resolution={"action_triggered": "REFUND", "refund_amount": "450"},
    )
    assert [
        s["respondent_action"]
        for s in answer_v1(done)["issue"]["issue_actions"]["respondent_actions"]
    ] == ["PROCESSING", "RESOLVED"]
    status = status_v1(done)["issue"]
    assert status["resolution"]["refund_amount"] == "450.00"
    gro = status["resolution_provider"]["respondent_info"]["resolution_support"]["gros"][0]
    assert gro["person"]["name"] == "Officer"
    closing = {
        "id": "I1",
        "status": "CLOSED",
        "issue_actions": {
            "complainant_actions": [{"complainant_action": "CLOSE", "updated_at": T2}]
        },
    }
    closed = merge_buyer_v1(done, closing)
    assert [a["complainant_action"] for a in closed["issue_actions"]["complainant_actions"]] == [
        "OPEN",
        "CLOSE",
    ]
    assert closed["resolution"] == done["resolution"]


def test_igm_1_resolution_must_be_one_ondc_knows() -> None:
    with pytest.raises(ValueError, match="resolution must trigger"):
        respond_v1(
            {"id": "I1"},
            RespondentStep.RESOLVED,
            us=US,
            domain="D",
            now=T1,
            short_desc="x",
            resolution={"action_triggered": "VOUCHER"},
        )
