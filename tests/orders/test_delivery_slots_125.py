"""Slotted delivery in retail 1.2.5 (Pramaan's Slotted_Delivery_Flow, WORKBENCH and
MANDATORY in RET10): the Kangra store delivers in its own city in hourly slots; a cart of
Kangra tea from a buyer there is offered the next open slots as Delivery fulfilments, the
init chooses one by id, and the order keeps it to delivery. The seller sets the slots
through the seller API and sees the chosen one on the order. The conformance gate passes
the flow, and a broken copy fails each rule it adds for it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import orjson

from adapter.core.clock import FixedClock
from adapter.sandbox.conformance import check
from tests.network.peers import context, signed
from tests.orders.shop import Shop, cart, confirm_message, demo_item, init_message, shop

_FLOW: Final = "Slotted_Delivery_Flow"
_SLOTS: Final = {"minutes": 60, "hours": "0900-2000", "offered": 4}
# The test clock stands at 2026-11-23 10:00:00.123 UTC (15:30 IST); Kangra tea ships in two
# days, so the first slots are the last four hours of the 25th in India.
_RANGES: Final = [
    (f"2026-11-25T{h:02d}:30:00.000Z", f"2026-11-25T{h + 1:02d}:30:00.000Z")
    for h in (10, 11, 12, 13)
]


async def _slotted(s: Shop) -> tuple[dict[str, Any], dict[str, Any], str, dict[str, str]]:
    """The Kangra store delivering in hourly slots (set through the seller API) and a buyer
    in Dharamshala: (seller entry, item, domain, the seller's key)."""
    s.core_version = "1.2.5"
    entry, item = demo_item("Kangra", 0)
    code = entry["seller"]["code"]
    await s.reshape(code, location={"fulfillment_types": ("Delivery", "Self-Pickup")})
    key = await s.seller_key(code)
    put = await s.net.client.put("/seller/v1/delivery-slots", json=_SLOTS, headers=key)
    assert put.status_code == 200, put.text
    s.city = f"std:{entry['location']['std_code']}"
    return entry, item, item["domain"], key


def _range(fulfillment: dict[str, Any]) -> tuple[str, str]:
    window = fulfillment["end"]["time"]["range"]
    return window["start"], window["end"]


async def test_the_buyer_chooses_an_offered_slot_which_the_order_keeps_to_delivery(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item, domain, key = await _slotted(s)
        answer = await s.call("select", cart(entry, item, 1), domain=domain)
        steps: dict[str, Any] = {"select": s.sent[-1], "on_select_slotted_delivery": answer}
        offered = answer["message"]["order"]
        slots = [f for f in offered["fulfillments"] if f["type"] == "Delivery"]
        assert [f["id"] for f in slots] == ["S1", "S2", "S3", "S4"]
        assert [_range(f) for f in slots] == _RANGES
        # The TAT runs from the on_select (10:00:00.373 after the request) to the slot's end.
        assert [f["@ondc/org/TAT"] for f in slots] == [
            "P2DT1H29M", "P2DT2H29M", "P2DT3H29M", "P2DT4H29M",
        ]  # fmt: skip
        assert [f["id"] for f in offered["fulfillments"]][-1] == "2", "the pick-up too"
        (line,) = offered["items"]
        assert line["fulfillment_id"] == "S1"
        assert line["fulfillment_ids"] == ["S1", "S2", "S3", "S4", "2"]
        charged = {
            b["@ondc/org/item_id"]
            for b in offered["quote"]["breakup"]
            if b["@ondc/org/title_type"] != "item"
        }
        assert charged == {"S1"}, "charges name the quoted slot only"

        init = init_message(answer)
        init["order"]["items"][0]["fulfillment_id"] = "S2"
        init["order"]["fulfillments"][0] |= {"id": "S2", "type": "Delivery"}
        answer = await s.call("init", init, domain=domain)
        steps["init_slotted_delivery"], steps["on_init_slotted_delivery"] = s.sent[-1], answer
        assert "error" not in answer, answer
        order = answer["message"]["order"]
        (chosen,) = order["fulfillments"]
        assert chosen["id"] == "S2"
        assert _range(chosen) == _RANGES[1]
        assert chosen["@ondc/org/TAT"] == slots[1]["@ondc/org/TAT"]
        assert chosen["end"]["location"]["address"]["area_code"], "the buyer's address too"
        assert {b["@ondc/org/item_id"] for b in order["quote"]["breakup"]} >= {"S2"}
        assert order["quote"]["price"] == offered["quote"]["price"]

        answer = await s.call("confirm", confirm_message(answer, "ODOPSLOT1"), domain=domain)
        steps["confirm"], steps["on_confirm"] = s.sent[-1], answer
        (delivery,) = answer["message"]["order"]["fulfillments"]
        assert delivery["id"] == "S2"
        assert _range(delivery) == _RANGES[1]
        # The goods leave the store by the slot's start.
        assert delivery["start"]["time"]["range"]["end"] == _RANGES[1][0]
        routing = {t["code"]: t["list"][0]["value"] for t in delivery["tags"]}["routing"]
        assert routing == "P2P", "slots are deliveries within the store's city"
        (steps["on_status_accepted"],) = await s.timers()
        legs = ("pack", "agent_assigned", "ship", "deliver")
        moved = await s.seller_moves(key, "ODOPSLOT1", legs)
        for name, callback in zip(
            ("packed", "agent_assigned", "picked", "order_delivered"), moved, strict=True
        ):
            steps[f"on_status_{name}"] = callback
        for callback in moved:
            (delivery,) = callback["message"]["order"]["fulfillments"]
            assert _range(delivery) == _RANGES[1], callback["context"]["action"]
        state = moved[-1]["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["code"]
        assert state == "Order-delivered"

        shown = await s.net.client.get("/seller/v1/orders/ODOPSLOT1", headers=key)
        assert shown.status_code == 200, shown.text
        assert shown.json()["delivery_slot"] == {
            "id": "S2", "start": _RANGES[1][0], "end": _RANGES[1][1],
        }  # fmt: skip
        row = await s.runtime.orders.by_transaction(s.transaction_id)
        assert row is not None
        assert row.ship_by == datetime(2026, 11, 25, 11, 30, tzinfo=UTC)

        assert check(_FLOW, steps) == []
        for step, rule, breaks in _BROKEN:
            broken = copy.deepcopy(steps)
            breaks(broken[step])
            assert rule in {v.rule for v in check(_FLOW, broken)}, rule


async def test_an_init_naming_no_offered_slot_or_one_that_has_begun_is_refused(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item, domain, _key = await _slotted(s)
        on_select = await s.call("select", cart(entry, item, 1), domain=domain)
        for named in (None, "S7"):
            init = init_message(on_select)
            init["order"]["fulfillments"][0].pop("id", None)
            if named:
                init["order"]["fulfillments"][0]["id"] = named
            refused = await s.call("init", init, domain=domain)
            assert refused["error"]["code"] == "30000", refused
            assert "message.order.fulfillments[0].id" in refused["error"]["message"]
            assert "S1, S2, S3, S4" in refused["error"]["message"]
        clock.advance(2 * 86_400 + 45 * 60)  # 16:15 IST on the 25th: S1 began at 16:00
        init = init_message(on_select)
        init["order"]["fulfillments"][0]["id"] = "S1"
        refused = await s.call("init", init, domain=domain)
        assert refused["error"]["code"] == "40003", refused
        assert "'S1'" in refused["error"]["message"]


async def test_a_confirm_naming_another_slot_than_on_inits_is_refused(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item, domain, _key = await _slotted(s)
        on_select = await s.call("select", cart(entry, item, 1), domain=domain)
        init = init_message(on_select)
        init["order"]["fulfillments"][0]["id"] = "S1"
        on_init = await s.call("init", init, domain=domain)
        assert on_init["message"]["order"]["fulfillments"][0]["id"] == "S1"
        confirm = confirm_message(on_init, "ODOPSLOT2")
        confirm["order"]["fulfillments"][0]["id"] = "S3"
        refused = await s.call("confirm", confirm, domain=domain)
        assert refused["error"]["code"] == "30000", refused
        assert "not the delivery slot on_init kept (S1)" in refused["error"]["message"]
        assert await s.runtime.orders.with_order_id("ODOPSLOT2", seller_code="odopkangra") == []


async def test_buyers_outside_the_city_and_1_2_0_carts_get_the_ordinary_delivery(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item, domain, _key = await _slotted(s)
        s.city = "std:0177"  # Shimla: the courier's intercity delivery, no slots
        on_select = await s.call("select", cart(entry, item, 1), domain=domain)
        offered = on_select["message"]["order"]["fulfillments"]
        assert [(f["id"], f["type"]) for f in offered] == [("1", "Delivery"), ("2", "Self-Pickup")]
        assert all("end" not in f for f in offered)
        s.new_transaction()
        s.city, s.core_version = f"std:{entry['location']['std_code']}", "1.2.0"
        on_select = await s.call("select", cart(entry, item, 1), domain=domain)
        assert [f["id"] for f in on_select["message"]["order"]["fulfillments"]] == ["1"]


async def test_the_seller_sets_shows_and_stops_its_delivery_slots(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, _item = demo_item("Kangra", 0)
        key = await s.seller_key(entry["seller"]["code"])
        client = s.net.client
        assert (await client.get("/seller/v1/delivery-slots", headers=key)).json() == {
            "store": entry["location"]["code"], "minutes": 0, "next": [],
        }  # fmt: skip
        put = await client.put(
            "/seller/v1/delivery-slots",
            json={"minutes": 120, "hours": "1000-1800", "offered": 2},
            headers=key,
        )
        assert put.status_code == 200, put.text
        shown = (await client.get("/seller/v1/delivery-slots", headers=key)).json()
        assert shown | {"next": None} == {
            "store": entry["location"]["code"], "minutes": 120, "hours": "1000-1800",
            "offered": 2, "orders_per_slot": 0, "timezone": "Asia/Kolkata", "next": None,
        }  # fmt: skip
        # 15:30 IST: 14:00-16:00 has begun; 16:00-18:00 today, then 10:00-12:00 tomorrow.
        assert shown["next"] == [
            {"start": "2026-11-23T10:30:00.000Z", "end": "2026-11-23T12:30:00.000Z", "orders": 0},
            {"start": "2026-11-24T04:30:00.000Z", "end": "2026-11-24T06:30:00.000Z", "orders": 0},
        ]
        found = await s.runtime.orders.seller(entry["seller"]["code"])
        assert found is not None
        assert found[1].slot_minutes == 120, "kept with the store"
        for body, field in (
            ({"minutes": 60, "hours": "9-20"}, "hours"),
            ({"minutes": 600, "hours": "0900-1000"}, "minutes"),
            ({"minutes": 60, "hours": "2000-0900"}, "hours"),
            ({"minutes": 60, "hours": "0900-2000", "offered": 0}, "offered"),
            ({"minutes": 60, "hours": "0900-2000", "days": 3}, "days"),
            ({"minutes": 60, "hours": "0900-2000", "orders_per_slot": -1}, "orders_per_slot"),
        ):
            refused = await client.put("/seller/v1/delivery-slots", json=body, headers=key)
            assert refused.status_code == 422, (body, refused.text)
            assert field in refused.text, (body, refused.text)
        stopped = await client.delete("/seller/v1/delivery-slots", headers=key)
        assert stopped.status_code == 200
        assert stopped.json()["minutes"] == 0
        assert (await client.get("/seller/v1/delivery-slots")).status_code == 401


async def _selected(s: Shop, entry: dict[str, Any], item: dict[str, Any]) -> Any:
    """A new transaction's on_select."""
    s.new_transaction()
    return await s.call("select", cart(entry, item, 1), domain=item["domain"])


async def _init(s: Shop, on_select: dict[str, Any], slot: str) -> Any:
    """The init choosing ``slot`` after ``on_select`` (in the current transaction)."""
    init = init_message(on_select)
    init["order"]["items"][0]["fulfillment_id"] = slot
    init["order"]["fulfillments"][0]["id"] = slot
    return await s.call("init", init, domain=on_select["context"]["domain"])


async def test_a_full_slot_is_offered_no_more_and_refused_at_init_and_confirm(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item, domain, key = await _slotted(s)
        limit = {**_SLOTS, "orders_per_slot": 1}
        put = await s.net.client.put("/seller/v1/delivery-slots", json=limit, headers=key)
        assert put.status_code == 200, put.text
        first = await _init(s, await _selected(s, entry, item), "S1")
        first_tx = s.transaction_id
        waiting = await _selected(s, entry, item)  # chooses S1 after the first order
        waiting_tx = s.transaction_id
        late = await _init(s, await _selected(s, entry, item), "S1")  # confirms after it
        late_tx = s.transaction_id
        s.transaction_id = first_tx
        done = await s.call("confirm", confirm_message(first, "ODOPSLOTA"), domain=domain)
        assert "error" not in done, done

        s.transaction_id = waiting_tx
        refused = await _init(s, waiting, "S1")
        assert refused["error"]["code"] == "40003", refused
        assert "is full (1 orders)" in refused["error"]["message"]
        s.transaction_id = late_tx
        refused = await s.call("confirm", confirm_message(late, "ODOPSLOTB"), domain=domain)
        assert refused["error"]["code"] == "40003", refused
        assert await s.runtime.orders.with_order_id("ODOPSLOTB", seller_code="odopkangra") == []

        # S1 has its one order: a new cart is offered the next four from 17:00 IST.
        on_select = await _selected(s, entry, item)
        slots = [f for f in on_select["message"]["order"]["fulfillments"] if "end" in f]
        assert [f["id"] for f in slots] == ["S1", "S2", "S3", "S4"]
        assert [_range(f) for f in slots][:3] == _RANGES[1:]
        assert "error" not in await _init(s, on_select, "S1"), "the new S1 has room"

        # The seller cancels the order: its slot has room again.
        await s.timers()  # accepted
        cancelled = await s.net.client.post(
            "/seller/v1/orders/ODOPSLOTA/cancel", json={"reason": "002"}, headers=key
        )
        assert cancelled.status_code == 200, cancelled.text
        await s.unsolicited()
        on_select = await _selected(s, entry, item)
        first_slot = on_select["message"]["order"]["fulfillments"][0]
        assert (first_slot["id"], _range(first_slot)) == ("S1", _RANGES[0])
        on_init = await _init(s, on_select, "S1")
        done = await s.call("confirm", confirm_message(on_init, "ODOPSLOTC"), domain=domain)
        assert "error" not in done, done

        clock.advance(2 * 86_400)  # 15:30 IST on the 25th: its four last slots are next
        shown = (await s.net.client.get("/seller/v1/delivery-slots", headers=key)).json()
        # ODOPSLOTC in the 16:00 slot; the cancelled ODOPSLOTA holds no place.
        assert [(n["start"], n["orders"]) for n in shown["next"]] == [
            (start, 1 if start == _RANGES[0][0] else 0) for start, _ in _RANGES
        ]


async def test_confirms_racing_for_a_slots_last_places_take_only_its_places(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    """Six buyers confirm the same slot, which takes two orders, before any is answered:
    the dispatcher answers them together, two get the order and four 40003, and the goods
    of only two leave the stock."""
    async with shop(tmp_path, clock, database_url) as s:
        entry, item, domain, key = await _slotted(s)
        limit = {**_SLOTS, "orders_per_slot": 2}
        put = await s.net.client.put("/seller/v1/delivery-slots", json=limit, headers=key)
        assert put.status_code == 200, put.text
        code = entry["seller"]["code"]
        stock = await s.stock(code, item["sku"])
        inits = []
        for _ in range(6):
            on_init = await _init(s, await _selected(s, entry, item), "S1")
            assert "error" not in on_init, on_init
            inits.append((s.transaction_id, on_init))

        before = len(s.net.received)
        for n, (transaction_id, on_init) in enumerate(inits):
            body = {
                "context": context(
                    "confirm",
                    clock,
                    domain=domain,
                    transaction_id=transaction_id,
                    core_version=s.core_version,
                    city=s.city,
                ),
                "message": confirm_message(on_init, f"ODOPRUSH{n}"),
            }
            stamp = body["context"]["timestamp"]
            body["message"]["order"] |= {"created_at": stamp, "updated_at": stamp}
            raw = orjson.dumps(body)
            acked = await s.net.post("confirm", raw, signed(raw, clock, s.signer))
            assert acked.json()["message"]["ack"]["status"] == "ACK", acked.text
        await s.net.dispatch()
        answers = [
            orjson.loads(r.content)
            for r in s.net.received[before:]
            if r.url.path.endswith("/on_confirm")
        ]
        outcomes = sorted(a.get("error", {}).get("code", "order") for a in answers)
        assert outcomes == ["40003"] * 4 + ["order"] * 2, answers
        assert await s.stock(code, item["sku"]) == stock - 2
        start = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)  # S1, _RANGES[0]
        assert await s.runtime.orders.slot_bookings(code, [start]) == {start: 2}


def _moved_slot(body: dict[str, Any]) -> None:
    body["message"]["order"]["fulfillments"][0]["end"]["time"]["range"]["end"] = (
        "2026-11-25T14:30:00.000Z"
    )


def _started_slot(body: dict[str, Any]) -> None:
    slot = body["message"]["order"]["fulfillments"][0]
    slot["end"]["time"]["range"]["start"] = "2026-11-23T09:00:00.000Z"


_BROKEN: Final[tuple[tuple[str, str, Callable[[dict[str, Any]], None]], ...]] = (
    ("on_select_slotted_delivery", "slot_open", _started_slot),
    ("on_select_slotted_delivery", "slot_tat",
     lambda b: b["message"]["order"]["fulfillments"][1].update({"@ondc/org/TAT": "P2D"})),
    ("on_init_slotted_delivery", "slot_offered",
     lambda b: b["message"]["order"]["fulfillments"][0].update({"id": "S9"})),
    ("on_init_slotted_delivery", "slot_kept", _moved_slot),
    ("on_confirm", "slot_kept", _moved_slot),
    ("on_status_picked", "slot_kept", _moved_slot),
)  # fmt: skip
"""(step, rule, how a copy of its body breaks the rule)."""
