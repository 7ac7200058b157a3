"""A complaint the seller leaves unresolved past its expected resolution time is taken over
by our grievance officer: once, by one process, told to the buyer app through the network
(IGM 2.0.0 ``on_issue``, IGM 1.0.0 ``on_issue_status``), to the seller by webhook and to
the operator in the log; from then on the officer owns it in the seller API and the
department's tables."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from adapter.core.clock import FixedClock
from adapter.igm.book import IssueMoved
from adapter.igm.desk import StepRefused
from adapter.igm.reports import grievance_report
from adapter.igm.timers import IssueTimers, TimerRound
from adapter.sandbox.igm_rules import check_igm
from tests.igm.complainant import Complainant
from tests.igm.test_igm1_flow import _issue as issue_v1
from tests.igm.test_igm2_flow import delivered
from tests.orders.shop import Shop, demo_item, shop

OFFICER = "Grievance Redressal Officer, ODOP Himachal"


def escalating_timers(s: Shop, clock: FixedClock) -> IssueTimers:
    """The shop's grievance clock: warns an hour before, escalates 30 minutes after."""
    runtime = s.runtime
    assert runtime.issues is not None
    assert runtime.grievances is not None
    return IssueTimers(
        runtime.issues,
        runtime.grievances,
        clock,
        warn_before=timedelta(hours=1),
        escalate_after=timedelta(minutes=30),
        notify=runtime.issues.notify,
    )


async def _complaint(s: Shop, district: str, order_id: str, hours: int = 4) -> Complainant:
    """A buyer app's IGM 2.0.0 complaint about a delivered order, due in ``hours``."""
    await delivered(s, district, order_id)
    _, item = demo_item(district)
    s.new_transaction()
    buyer = Complainant(s, order_id, item["sku"], item["domain"])
    buyer.open_v2()
    buyer.issue["expected_resolution_time"] = {"duration": f"PT{hours}H"}
    await buyer.send()
    return buyer


def _gro(issue: dict[str, Any]) -> dict[str, Any]:
    [officer] = [a for a in issue["actors"] if a["type"] == "COUNTERPARTY_NP_GRO"]
    return officer


async def test_a_complaint_unresolved_past_its_time_is_taken_over_by_our_officer_once(
    tmp_path: Path, clock: FixedClock, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, _ = demo_item("Kullu")
        buyer = await _complaint(s, "Kullu", "ODOP-KU-E1")
        timers = escalating_timers(s, clock)
        assert await timers.run_once() == TimerRound(0, 0, 0)
        key = await s.seller_key(entry["seller"]["code"])
        [before] = (await s.net.client.get("/seller/v1/issues", headers=key)).json()
        assert before["owner"] == {
            "role": "seller",
            "label": {"en": "You, the seller", "hi": "आप, विक्रेता"},
            "seller": entry["seller"]["code"],
        }
        clock.advance(4 * 3600 + 29 * 60)  # past its time, within the grace
        assert await timers.run_once() == TimerRound(0, 1, 0)
        assert await s.unsolicited() == []

        clock.advance(2 * 60)
        with caplog.at_level(logging.ERROR, logger="adapter.igm.timers"):
            assert await timers.run_once() == TimerRound(0, 0, 1)
        assert "taken over by the grievance officer" in caplog.text
        assert await timers.run_once() == TimerRound(0, 0, 0)

        [told] = await s.unsolicited()
        assert told["context"]["action"] == "on_issue"
        issue = told["message"]["issue"]
        officer = _gro(issue)
        assert officer["info"]["person"]["name"] == OFFICER
        assert officer["info"]["contact"] == {
            "phone": "9418000001",
            "email": "gro@odop.himachal.example",
        }
        assert officer["info"]["org"]["name"] == f"seller.odop.example::{buyer.domain}"
        last = issue["actions"][-1]
        assert last["descriptor"]["code"] == "PROCESSING"
        assert last["action_by"] == officer["id"]
        assert officer["id"] in issue["respondent_ids"]
        assert issue["level"] == "ISSUE"  # only the complainant raises it in IGM 2.0.0
        assert issue["status"] == "PROCESSING"
        assert told["message"]["update_target"] == [{"path": "issue.actions", "action": "APPENDED"}]
        flow = {"on_issue_gro_processing": told}
        broken = [v for v in check_igm("IGM2_ESCALATION", flow) if v.rule != "required_keys"]
        assert broken == []

        # The seller hears it, and from now on sees the officer as the complaint's owner.
        code = entry["seller"]["code"]
        notes = await s.runtime.notifications.log(code)
        [note] = [n for n in notes if n["event"] == "issue.escalated"]
        assert note["payload"]["owner"]["role"] == "grievance_officer"
        assert note["payload"]["owner"]["phone"] == "9418000001"
        [shown] = (await s.net.client.get("/seller/v1/issues", headers=key)).json()
        assert shown["owner"]["name"] == OFFICER
        assert shown["owner"]["label"]["hi"] == "शिकायत अधिकारी"
        assert shown["escalated_at"] is not None

        # The officer answers every later step, at level ISSUE still.
        clock.advance(60)
        proposed = await s.net.client.post(
            f"/seller/v1/issues/{shown['id']}/propose",
            json={"resolutions": [{"code": "REFUND", "short_desc": "Full refund"}]},
            headers=key,
        )
        assert proposed.status_code == 200, proposed.text
        [offer] = await s.unsolicited()
        assert offer["message"]["issue"]["actions"][-1]["action_by"] == officer["id"]

        # The department counts it among the escalated, owned by the officer.
        assert s.runtime.issues is not None
        rows = await s.runtime.issues.report_rows()
        tables = {
            t.id: t for t in grievance_report(rows, now=clock.now(), officer="GRO (9418000001)")
        }
        [district] = tables["grievances_by_district"].records()
        assert district["escalated"] == 1
        [still_open] = tables["grievances_open"].records()
        assert still_open["owner"] == "GRO (9418000001)"


async def test_resolved_closed_and_proposed_complaints_are_not_escalated(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, _ = demo_item("Kullu")
        key = await s.seller_key(entry["seller"]["code"])
        assert s.runtime.issues is not None
        resolved = await _complaint(s, "Kullu", "ODOP-KU-E2")
        row = await s.runtime.issues.find(s.bap_id, resolved.issue["id"])
        assert row is not None
        done = await s.net.client.post(f"/seller/v1/issues/{row.pk}/resolve", headers=key)
        assert done.status_code == 200, done.text
        await s.unsolicited()

        closed = await _complaint(s, "Kullu", "ODOP-KU-E3")
        closed.add_v2("CLOSED", status="CLOSED")
        await closed.send()

        proposed = await _complaint(s, "Kullu", "ODOP-KU-E4")
        row = await s.runtime.issues.find(s.bap_id, proposed.issue["id"])
        assert row is not None
        offered = await s.net.client.post(
            f"/seller/v1/issues/{row.pk}/propose",
            json={"resolutions": [{"code": "NO_ACTION", "short_desc": "Within tolerance"}]},
            headers=key,
        )
        assert offered.status_code == 200, offered.text
        await s.unsolicited()

        clock.advance(2 * 86_400)
        assert (await escalating_timers(s, clock).run_once()).escalated == 0
        assert await s.unsolicited() == []
        for buyer in (resolved, closed, proposed):
            stored = await s.runtime.issues.find(s.bap_id, buyer.issue["id"])
            assert stored is not None
            assert stored.escalated_at is None


async def test_two_timer_rounds_racing_escalate_a_complaint_once(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        first = await _complaint(s, "Kangra", "ODOP-KA-E1")
        second = await _complaint(s, "Kangra", "ODOP-KA-E2")
        clock.advance(5 * 3600)
        rounds = await asyncio.gather(
            escalating_timers(s, clock).run_once(), escalating_timers(s, clock).run_once()
        )
        assert sum(r.escalated for r in rounds) == 2
        told = await s.unsolicited()
        assert sorted(c["message"]["issue"]["id"] for c in told) == sorted(
            [first.issue["id"], second.issue["id"]]
        )

        # Two processes that read the same row: the second's compare-and-set loses.
        third = await _complaint(s, "Kangra", "ODOP-KA-E3")
        clock.advance(5 * 3600)
        issues, desk = s.runtime.issues, s.runtime.grievances
        assert issues is not None
        assert desk is not None
        row = await issues.find(s.bap_id, third.issue["id"])
        assert row is not None
        await desk.escalate(row)
        with pytest.raises(IssueMoved):
            await desk.escalate(row)
        again = await issues.find(s.bap_id, third.issue["id"])
        assert again is not None
        with pytest.raises(StepRefused):
            await desk.escalate(again)
        assert len(await s.unsolicited()) == 1


async def test_an_igm_1_0_0_complaint_is_taken_over_with_the_officer_as_provider(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        await delivered(s, "Chamba", "ODOP-CH-E1")
        _, item = demo_item("Chamba")
        issue = issue_v1(s, "ODOP-CH-E1", item["sku"], "OPEN")
        await s.call("issue", {"issue": issue}, domain=item["domain"], core_version="1.0.0")
        clock.advance(86_400 + 31 * 60)
        assert (await escalating_timers(s, clock).run_once()).escalated == 1

        [told] = await s.unsolicited()
        assert told["context"]["action"] == "on_issue_status"
        assert told["context"]["core_version"] == "1.0.0"
        sent = told["message"]["issue"]
        steps = sent["issue_actions"]["respondent_actions"]
        assert [a["respondent_action"] for a in steps] == ["PROCESSING", "PROCESSING"]
        assert steps[-1]["updated_by"]["person"] == {"name": OFFICER}
        assert steps[-1]["updated_by"]["contact"]["phone"] == "9418000001"
        info = sent["resolution_provider"]["respondent_info"]
        assert info["type"] == "TRANSACTION-COUNTERPARTY-NP"
        assert info["organization"]["person"] == {"name": OFFICER}
        [gro] = info["resolution_support"]["gros"]
        assert gro["gro_type"] == "TRANSACTION-COUNTERPARTY-NP-GRO"
        assert "resolution" not in sent  # taken over, not resolved
        broken = [v for v in check_igm("IGM1", {"ret_on_issue": told}) if v.rule != "required_keys"]
        assert broken == []


async def test_an_igm_1_0_0_escalation_by_the_buyer_app_is_answered_by_our_officer(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        _, key = await delivered(s, "Chamba", "ODOP-CH-E2")
        _, item = demo_item("Chamba")
        opened = issue_v1(s, "ODOP-CH-E2", item["sku"], "OPEN")
        await s.call("issue", {"issue": opened}, domain=item["domain"], core_version="1.0.0")
        clock.advance(3600)
        escalated = issue_v1(s, "ODOP-CH-E2", item["sku"], "ESCALATE") | {"issue_type": "GRIEVANCE"}
        answer = await s.call(
            "issue", {"issue": escalated}, domain=item["domain"], core_version="1.0.0"
        )
        steps = answer["message"]["issue"]["issue_actions"]["respondent_actions"]
        assert [a["updated_by"]["person"]["name"] for a in steps] == [
            "ODOP Himachal grievance desk",
            OFFICER,
        ]
        [shown] = (await s.net.client.get("/seller/v1/issues", headers=key)).json()
        assert shown["owner"]["role"] == "grievance_officer"
        assert shown["owner"]["email"] == "gro@odop.himachal.example"
