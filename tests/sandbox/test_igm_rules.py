"""The conformance gate's grievance rules catch what ONDC's log validator refuses."""

from __future__ import annotations

import copy
from typing import Any

import orjson

from adapter.sandbox.igm_rules import check_igm
from tests.fixtures import REPO_ROOT

EXAMPLE = REPO_ROOT / "tests" / "fixtures" / "igm-2.0.0" / "contract" / "Flow1"


def _on_issue() -> dict[str, Any]:
    body: dict[str, Any] = orjson.loads((EXAMPLE / "11_on_issue9.json").read_bytes())
    # The contract's example is dated as it was created and before its own context; ours
    # are updated after creation, at the moment of the callback and of its last action.
    later = "2023-01-15T11:00:00.000Z"
    body["context"]["timestamp"] = body["message"]["issue"]["updated_at"] = later
    body["message"]["issue"]["actions"][-1]["updated_at"] = later
    # Its context names the buyer app buyerNP.com, its actors buyerapp.com; and its
    # fulfilment ref has no `type` (which the validator's FLOW_1 rule reads).
    body["context"]["bap_id"] = "buyerapp.com"
    body["message"]["issue"]["refs"][2]["type"] = "FULFILMENT"
    return body


def _rules(body: dict[str, Any], key: str = "on_issue_resolution_proposed") -> set[str]:
    return {v.rule for v in check_igm("IGM2_FLOW_1", {key: body}) if v.rule != "required_keys"}


def test_a_well_formed_on_issue_breaks_no_rule() -> None:
    assert _rules(_on_issue()) == set()


def test_a_last_action_id_that_is_not_the_last_action_is_caught() -> None:
    body = _on_issue()
    body["message"]["issue"]["last_action_id"] = "someone-else"
    assert _rules(body) == {"igm2_last_action_id"}


def test_an_issue_older_than_its_callback_is_caught() -> None:
    body = _on_issue()
    body["context"]["timestamp"] = "2099-01-01T00:00:00.000Z"
    assert "igm2_updated_at" in _rules(body)


def test_a_proposal_without_resolutions_is_caught() -> None:
    body = _on_issue()
    del body["message"]["issue"]["resolutions"]
    assert "igm2_resolutions" in _rules(body)


def test_a_resolved_key_with_another_status_is_caught() -> None:
    body = copy.deepcopy(_on_issue())
    assert "igm2_status" in _rules(body, key="on_issue_resolved")


def test_missing_keys_and_a_second_transaction_are_caught() -> None:
    other = _on_issue()
    other["context"]["transaction_id"] = "T2"
    found = check_igm(
        "IGM2_FLOW_1", {"on_issue_resolution_proposed": _on_issue(), "on_issue_resolved": other}
    )
    rules = {v.rule for v in found}
    assert "required_keys" in rules
    assert "transaction_id" in rules


def test_flow_1_needs_the_validators_fulfilment_ref_and_each_partys_organisation() -> None:
    body = _on_issue()
    del body["message"]["issue"]["refs"][2]["type"]
    body["message"]["issue"]["actors"][2]["info"]["org"]["name"] = "sellerapp.com"
    found = {(v.rule, v.path) for v in check_igm("IGM2_FLOW_1", {"on_issue_resolved": body})}
    assert ("igm2_flow_1_refs", "message.issue.refs") in found
    assert ("igm2_flow_1_actors", "message.issue.actors[2].info.org.name") in found
    # FLOW_2 (the seller's complaint) names other refs and sides; the escalation none.
    seller = {v.rule for v in check_igm("IGM2_FLOW_2", {"on_issue_gro_resolved": body})}
    assert {"igm2_flow_2_refs", "igm2_flow_2_actors"} <= seller
    escalation = {v.rule for v in check_igm("IGM2_ESCALATION", {"on_issue_gro_resolved": body})}
    assert not {r for r in escalation if r.startswith(("igm2_flow_1", "igm2_flow_2"))}
