"""A buyer's text on an item in retail 1.2.5 (ONDC's Customization_Input_Text_Flow,
WORKBENCH and MANDATORY in RET16): a name embroidered on a Chamba rumal. The seller declares
the text and its limits through the seller API; select carries the words, on_select,
on_init and on_confirm echo them and quote the add-on; the seller sees them on the order
(seller API and webhook); a text outside the limits is refused naming the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from adapter.core.clock import FixedClock
from adapter.sandbox.conformance import check
from adapter.sandbox.flows import return_message
from catalog_sync.customisation import custom_group_id, customisation_id
from tests.orders.shop import Shop, cart, confirm_message, demo_item, init_message, shop

NAME: Final = "आशा ठाकुर"  # Devanagari on purpose: what a buyer may well want stitched
LIMITS: Final = {"label": "Name to embroider", "max_length": 12, "price": "150"}


async def _customisable(s: Shop) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """The Chamba rumal made customisable through the seller API: (entry, item, key)."""
    s.core_version = "1.2.5"
    entry, item = demo_item("Chamba", 0)
    key = await s.seller_key(entry["seller"]["code"])
    put = await s.net.client.put(
        f"/seller/v1/items/{item['sku']}", json={**item, "text_input": LIMITS}, headers=key
    )
    assert put.status_code == 200, put.text
    assert put.json()["held_back"] == [], "the customisation meets the item rules too"
    return entry, item, key


def _with_text(entry: dict[str, Any], item: dict[str, Any], text: str | None) -> dict[str, Any]:
    """A select of one rumal and, unless ``text`` is None, its customisation line."""
    ask = cart(entry, item, 1)
    if text is not None:
        line = {
            "id": customisation_id(item["sku"]),
            "quantity": {"count": 1},
            "descriptor": {
                "tags": [{"code": "customization", "list": [{"code": "input_text", "value": text}]}]
            },
            "tags": [
                {"code": "type", "list": [{"code": "type", "value": "customization"}]},
                {"code": "parent", "list": [{"code": "id", "value": custom_group_id(item["sku"])}]},
            ],
        }
        ask["order"]["items"].append(line)
    return ask


def _texts(order: dict[str, Any]) -> list[str]:
    return [
        line["descriptor"]["tags"][0]["list"][0]["value"]
        for line in order["items"]
        if any(t["code"] == "type" and t["list"][0]["value"] == "customization"
               for t in line.get("tags", []))
    ]  # fmt: skip


async def test_a_name_to_embroider_travels_from_select_to_the_sellers_order(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item, key = await _customisable(s)
        listed = (await s.net.client.get("/seller/v1/items", headers=key)).json()
        [mine] = [i for i in listed if i["sku"] == item["sku"]]
        assert mine["text_input"] == {
            "label": "Name to embroider", "max_length": 12, "characters": "letters",
            "price": "150.00", "required": True,
        }  # fmt: skip
        domain = item["domain"]
        on_select = await s.call("select", _with_text(entry, item, f"  {NAME} "), domain=domain)
        assert "error" not in on_select, on_select
        offered = on_select["message"]["order"]
        assert _texts(offered) == [NAME]
        [charge] = [b for b in offered["quote"]["breakup"] if b["@ondc/org/title_type"] == "misc"]
        assert (charge["price"]["value"], charge["@ondc/org/item_id"]) == ("150.00", "1")
        parts = sum(float(b["price"]["value"]) for b in offered["quote"]["breakup"])
        assert float(offered["quote"]["price"]["value"]) == parts

        init = init_message(on_select)
        assert "descriptor" not in init["order"]["items"][-1], "init does not repeat the words"
        on_init = await s.call("init", init, domain=domain)
        assert "error" not in on_init, on_init
        assert _texts(on_init["message"]["order"]) == [NAME]
        assert on_init["message"]["order"]["quote"] == {
            **offered["quote"],
            "breakup": on_init["message"]["order"]["quote"]["breakup"],
        }
        assert "_internal" not in on_init["message"]["order"]
        on_confirm = await s.call("confirm", confirm_message(on_init, "RUMAL1"), domain=domain)
        assert "error" not in on_confirm, on_confirm
        assert _texts(on_confirm["message"]["order"]) == [NAME]
        steps = {"select_input": s.sent[0], "on_select_input": on_select, "init": s.sent[1],
                 "on_init": on_init, "confirm": s.sent[2], "on_confirm": on_confirm}  # fmt: skip
        problems = check("Customization_Input_Text_Flow", steps)
        assert not problems, [(p.rule, p.key, p.message) for p in problems]

        [order] = (await s.net.client.get("/seller/v1/orders", headers=key)).json()
        assert order["items"] == [{"sku": item["sku"], "quantity": 1, "text": NAME}]
        assert order["total"] == offered["quote"]["price"]["value"]
        log = await s.runtime.notifications.log(entry["seller"]["code"])
        created = next(n for n in log if n["event"] == "order.created")
        assert _texts(created["payload"]["order"]) == [NAME], "the webhook carries the name"


async def test_an_over_long_or_missing_name_is_refused_naming_the_field(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item, _ = await _customisable(s)
        domain = item["domain"]
        long = await s.call("select", _with_text(entry, item, "Asha Thakur Sharma"), domain=domain)
        assert long["error"]["code"] == "30000"
        assert long["error"]["message"] == (
            "message.order.items[1].descriptor.tags.customization.input_text (Name to embroider"
            f" for {item['sku']}) is 18 characters long; at most 12 are allowed"
        )
        s.new_transaction()
        missing = await s.call("select", _with_text(entry, item, None), domain=domain)
        assert missing["error"]["code"] == "30000"
        assert "needs its customisation input_text" in missing["error"]["message"]
        s.new_transaction()
        digits = await s.call("select", _with_text(entry, item, "Asha 2026"), domain=domain)
        assert digits["error"]["code"] == "30000"
        assert digits["error"]["message"].endswith("has characters outside letters: '0' '2' '6'")


async def test_the_seller_api_refuses_bad_limits_naming_the_field(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Chamba", 0)
        key = await s.seller_key(entry["seller"]["code"])
        for limits, field in (
            ({**LIMITS, "max_length": 0}, "text_input.max_length: "),
            ({**LIMITS, "characters": "emoji"}, "text_input.characters: "),
            ({**LIMITS, "colour": "red"}, "text_input.colour: "),
        ):
            put = await s.net.client.put(
                f"/seller/v1/items/{item['sku']}", json={**item, "text_input": limits}, headers=key
            )
            assert put.status_code == 422, put.text
            assert put.json()["detail"].startswith(field), put.json()


async def test_a_text_for_an_item_that_takes_none_is_refused_as_not_found(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        entry, item = demo_item("Chamba", 0)  # as catalogued: no text input
        answer = await s.call("select", _with_text(entry, item, "Asha"), domain=item["domain"])
        assert answer["error"]["code"] == "30004"
        assert answer["error"]["message"].startswith("message.order.items[1].tags.parent.id ")


async def test_a_confirm_with_other_words_than_quoted_is_refused(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item, _ = await _customisable(s)
        domain = item["domain"]
        on_select = await s.call("select", _with_text(entry, item, "Asha"), domain=domain)
        on_init = await s.call("init", init_message(on_select), domain=domain)
        confirm = confirm_message(on_init, "RUMAL2")
        confirm["order"]["items"][-1]["descriptor"]["tags"][0]["list"][0]["value"] = "Meera"
        refused = await s.call("confirm", confirm, domain=domain)
        assert refused["error"]["code"] == "30000"
        assert refused["error"]["message"] == (
            "message.order.items[1].descriptor.tags.customization.input_text is not the text "
            "quoted in on_init ('Asha')"
        )


def _misc(order: dict[str, Any]) -> list[str]:
    return [
        line["price"]["value"]
        for line in order["quote"]["breakup"]
        if line["@ondc/org/title_type"] == "misc"
    ]


def _trail(fulfillment: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (entries["type"], entries["value"])
        for tag in fulfillment.get("tags", [])
        if tag["code"] == "quote_trail"
        for entries in [{e["code"]: e["value"] for e in tag["list"]}]
    ]


async def _two_named_rumals(s: Shop, order_id: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Two Chamba rumals with a name each way, confirmed: (the item, the seller's key)."""
    entry, item, key = await _customisable(s)
    ask = _with_text(entry, item, NAME)
    ask["order"]["items"][0]["quantity"]["count"] = 2
    on_select = await s.call("select", ask, domain=item["domain"])
    on_init = await s.call("init", init_message(on_select), domain=item["domain"])
    on_confirm = await s.call("confirm", confirm_message(on_init, order_id), domain=item["domain"])
    assert _misc(on_confirm["message"]["order"]) == ["300.00"], "the add-on for each piece"
    return item, key


async def test_a_part_cancelled_piece_takes_its_add_on_out_of_the_quote(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        item, key = await _two_named_rumals(s, "RUMAL2")
        cut = await s.net.client.post(
            "/seller/v1/orders/RUMAL2/part_cancel",
            json={"items": [{"sku": item["sku"], "quantity": 1}]},
            headers=key,
        )
        assert cut.status_code == 200, cut.text
        (update,) = await s.unsolicited()
        order = update["message"]["order"]
        assert _misc(order) == ["150.00"], "one piece's add-on stays"
        unit = order["quote"]["breakup"][0]["item"]["price"]["value"]
        [cancel] = [f for f in order["fulfillments"] if f["type"] == "Cancel"]
        assert _trail(cancel) == [("item", f"-{unit}"), ("misc", "-150.00")]
        parts = sum(float(line["price"]["value"]) for line in order["quote"]["breakup"])
        assert float(order["quote"]["price"]["value"]) == parts
        assert _texts(order) == [NAME], "the remaining rumal keeps its name"


async def test_a_returned_piece_is_refunded_with_its_add_on(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        item, key = await _two_named_rumals(s, "RUMAL3")
        await s.timers()
        legs = ("pack", "agent_assigned", "ship", "in_transit", "at_destination_hub",
                "out_for_delivery", "deliver")  # fmt: skip
        await s.seller_moves(key, "RUMAL3", legs)
        asked = await s.call(
            "update", return_message("RUMAL3", "R-1", item["sku"], 1), domain=item["domain"]
        )
        assert "error" not in asked, asked
        returns = "/seller/v1/orders/RUMAL3/returns/R-1"
        for step in ("approve", "pick"):
            moved = await s.net.client.post(f"{returns}/{step}", headers=key)
            assert moved.status_code == 200, moved.text
            (update,) = await s.unsolicited()
        order = update["message"]["order"]
        assert _misc(order) == ["150.00"]
        [back] = [f for f in order["fulfillments"] if f["id"] == "R-1"]
        assert ("misc", "-150.00") in _trail(back)
        parts = sum(float(line["price"]["value"]) for line in order["quote"]["breakup"])
        assert float(order["quote"]["price"]["value"]) == parts


async def test_goods_returned_to_origin_take_their_add_on_with_them(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        _, key = await _two_named_rumals(s, "RUMAL4")
        await s.timers()
        legs = ("pack", "agent_assigned", "ship", "in_transit", "at_destination_hub",
                "out_for_delivery")  # fmt: skip
        await s.seller_moves(key, "RUMAL4", legs)
        failed = await s.net.client.post(
            "/seller/v1/orders/RUMAL4/rto", json={"reason": "013"}, headers=key
        )
        assert failed.status_code == 200, failed.text
        (cancelled,) = await s.unsolicited()
        order = cancelled["message"]["order"]
        assert _misc(order) == ["0.00"]
        [rto] = [f for f in order["fulfillments"] if f["type"] == "RTO"]
        assert ("misc", "-300.00") in _trail(rto)
        parts = sum(float(line["price"]["value"]) for line in order["quote"]["breakup"])
        assert float(order["quote"]["price"]["value"]) == parts
