"""The grievance clock: the seller's webhook hears of a new complaint and of each buyer
step, and a complaint nearing its expected resolution time is flagged once to the seller
and the operator."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from adapter.core.clock import FixedClock
from adapter.igm.timers import IssueTimers
from tests.igm.complainant import Complainant
from tests.igm.test_igm2_flow import delivered
from tests.orders.shop import demo_item, shop


async def test_a_complaint_near_its_resolution_time_is_flagged_once_to_seller_and_operator(
    tmp_path: Path, clock: FixedClock, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, _ = demo_item("Kangra")
        await delivered(s, "Kangra", "ODOP-KA-1")
        _, item = demo_item("Kangra")
        buyer = Complainant(s, "ODOP-KA-1", item["sku"], item["domain"])
        buyer.open_v2()
        buyer.issue["expected_resolution_time"] = {"duration": "PT4H"}
        await buyer.send()
        runtime = s.runtime
        assert runtime.issues is not None
        assert runtime.grievances is not None
        timers = IssueTimers(
            runtime.issues,
            runtime.grievances,
            clock,
            warn_before=timedelta(hours=1),
            notify=runtime.issues.notify,
        )
        assert await timers.run_once() == (0, 0, 0)  # four hours left
        clock.advance(3 * 3600 + 60)
        with caplog.at_level(logging.WARNING, logger="adapter.igm.timers"):
            assert await timers.run_once() == (0, 1, 0)
        assert "is due for resolution" in caplog.text
        assert await timers.run_once() == (0, 0, 0)  # flagged once

        code = entry["seller"]["code"]
        events = [n["event"] for n in await runtime.notifications.log(code)]
        assert events.count("issue.opened") == 1
        assert events.count("issue.due") == 1
        due = next(n for n in await runtime.notifications.log(code) if n["event"] == "issue.due")
        assert due["payload"]["order_id"] == "ODOP-KA-1"
        assert "9876543210" not in str(due["payload"])
