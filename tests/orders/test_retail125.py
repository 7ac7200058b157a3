"""Orders served in retail 1.2.5: on_confirm names the delivery's routing and the seller's
GI credentials, every later callback keeps them and names 1.2.5, and the seller API moves a
P2H2P order through the hub legs and a P2P order through its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from adapter.core.clock import FixedClock
from tests.fixtures import REPO_ROOT
from tests.network.peers import context, signed
from tests.orders.shop import Shop, cart, confirm_message, demo_item, init_message, shop


async def _order(s: Shop, district: str, index: int, order_id: str) -> dict[str, Any]:
    entry, item = demo_item(district, index)
    domain = item["domain"]
    on_select = await s.call("select", cart(entry, item, 1), domain=domain)
    on_init = await s.call("init", init_message(on_select), domain=domain)
    on_confirm = await s.call("confirm", confirm_message(on_init, order_id), domain=domain)
    await s.timers()  # accepted at once
    return on_confirm


def _routing(order: dict[str, Any]) -> str | None:
    for tag in order["fulfillments"][0].get("tags", []):
        if tag["code"] == "routing":
            return str(tag["list"][0]["value"])
    return None


async def _move(s: Shop, key: dict[str, str], order_id: str, action: str, **body: Any) -> Any:
    s.clock.advance(60)
    return await s.net.client.post(f"/seller/v1/orders/{order_id}/{action}", json=body, headers=key)


async def test_intercity_gi_painting_ships_p2h2p_with_its_gi_credential_to_delivered(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        on_confirm = await _order(s, "Kangra", 1, "ODOP-125-1")  # Kangra painting to Shimla
        assert on_confirm["context"]["core_version"] == "1.2.5"
        order = on_confirm["message"]["order"]
        assert _routing(order) == "P2H2P"
        creds = order["provider"]["creds"]
        assert creds == [
            {"id": "GI-KANGRA-PAINTINGS", "descriptor": {"code": "Kangra Paintings", "type": "GI"}}
        ]
        entry, _ = demo_item("Kangra")
        key = await s.seller_key(entry["seller"]["code"])

        # A P2P leg is refused for a P2H2P order, naming what is allowed.
        response = await _move(s, key, "ODOP-125-1", "pack")
        assert response.status_code == 200, response.text
        await s.unsolicited()
        refused = await _move(s, key, "ODOP-125-1", "at_pickup")
        assert refused.status_code == 409
        assert refused.json()["detail"].startswith("state: cannot at pickup")
        assert "agent_assigned" in refused.json()["detail"]

        steps = [
            ("agent_assigned", {}, "Agent-assigned"),
            ("ship", {"invoice_url": "https://odop.example/invoice/125-1.pdf"}, "Order-picked-up"),
            ("in_transit", {}, "In-transit"),
            ("at_destination_hub", {}, "At-destination-hub"),
            ("out_for_delivery", {}, "Out-for-delivery"),
            ("deliver", {}, "Order-delivered"),
        ]
        for action, body, fulfillment in steps:
            response = await _move(s, key, "ODOP-125-1", action, **body)
            assert response.status_code == 200, (action, response.text)
            (sent,) = await s.unsolicited()
            assert sent["context"]["action"] == "on_status"
            assert sent["context"]["core_version"] == "1.2.5"
            shown = sent["message"]["order"]
            assert shown["fulfillments"][0]["state"]["descriptor"]["code"] == fulfillment
            assert _routing(shown) == "P2H2P", action
            assert shown["provider"]["creds"] == creds


async def test_same_city_delivery_is_p2p_and_takes_no_hub_leg(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        on_confirm = await _order(s, "Shimla", 0, "ODOP-125-2")  # Shimla to Shimla
        order = on_confirm["message"]["order"]
        assert _routing(order) == "P2P"
        assert "creds" not in order["provider"]  # no GI on this item
        entry, _ = demo_item("Shimla")
        key = await s.seller_key(entry["seller"]["code"])
        for action in ("pack", "agent_assigned", "at_pickup"):
            response = await _move(s, key, "ODOP-125-2", action)
            assert response.status_code == 200, (action, response.text)
        response = await _move(
            s, key, "ODOP-125-2", "ship", invoice_url="https://odop.example/i/2.pdf"
        )
        assert response.status_code == 200, response.text
        # A hyperlocal courier has no hub and is not "out for delivery": it is at the door.
        for leg in ("in_transit", "out_for_delivery"):
            refused = await _move(s, key, "ODOP-125-2", leg)
            assert refused.status_code == 409, refused.text
            assert "at_delivery" in refused.json()["detail"]
        for action in ("at_delivery", "deliver"):
            response = await _move(s, key, "ODOP-125-2", action)
            assert response.status_code == 200, (action, response.text)
        sent = await s.unsolicited()
        states = [c["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["code"]
                  for c in sent]  # fmt: skip
        assert states[-4:] == ["At-pickup", "Order-picked-up", "At-delivery", "Order-delivered"]
        assert {c["context"]["core_version"] for c in sent} == {"1.2.5"}


async def test_seller_cancel_echoes_the_credentials_of_on_confirm_unchanged(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        on_confirm = await _order(s, "Kullu", 0, "ODOP-125-3")  # Kullu shawl
        confirmed = on_confirm["message"]["order"]
        assert confirmed["provider"]["creds"][0]["descriptor"] == {
            "code": "Kullu Shawl",
            "type": "GI",
        }
        entry, _ = demo_item("Kullu")
        key = await s.seller_key(entry["seller"]["code"])
        response = await _move(s, key, "ODOP-125-3", "cancel", reason="002")
        assert response.status_code == 200, response.text
        (on_cancel,) = await s.unsolicited()
        assert on_cancel["context"]["action"] == "on_cancel"
        assert on_cancel["context"]["core_version"] == "1.2.5"
        cancelled = on_cancel["message"]["order"]
        assert cancelled["provider"] == confirmed["provider"]
        # on_cancel names no routing (Pramaan's examples; the validator's schema refuses it)
        assert _routing(cancelled) is None
        assert [t["code"] for t in cancelled["fulfillments"][0]["tags"]] == [
            "cancel_request", "precancel_state"]  # fmt: skip


async def test_a_1_2_0_order_keeps_the_1_2_0_states_and_callbacks(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        on_confirm = await _order(s, "Kangra", 1, "ODOP-120-1")
        order = on_confirm["message"]["order"]
        assert _routing(order) is None
        assert "creds" not in order["provider"]
        entry, _ = demo_item("Kangra")
        key = await s.seller_key(entry["seller"]["code"])
        assert (await _move(s, key, "ODOP-120-1", "pack")).status_code == 200
        refused = await _move(s, key, "ODOP-120-1", "agent_assigned")
        assert refused.status_code == 409, refused.text
        (sent,) = await s.unsolicited()
        assert sent["context"]["core_version"] == "1.2.0"


async def test_1_2_5_on_search_carries_the_marketplace_terms_and_ttl_pt30s(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        for version in ("1.2.0", "1.2.5"):
            body = orjson.dumps(
                {
                    "context": context("search", clock, core_version=version, ttl="PT1M"),
                    "message": {"intent": {"item": {"descriptor": {"name": "painting"}}}},
                }
            )
            response = await s.net.post("search", body, signed(body, clock))
            assert response.status_code == 200, response.text
            (on_search,) = await s.unsolicited()
            assert on_search["context"]["core_version"] == version
            # 1.2.5 callbacks say PT30S whatever the request's ttl; 1.2.0 ones repeat it.
            assert on_search["context"]["ttl"] == ("PT30S" if version == "1.2.5" else "PT1M")
            tags = on_search["message"]["catalog"]["bpp/descriptor"]["tags"]
            terms = {e["code"]: e["value"] for e in tags[0]["list"]}
            if version == "1.2.5":
                assert terms == {"np_type": "MSN", "collect_payment": "N"}
            else:
                assert terms == {"np_type": "MSN"}


async def test_a_deployment_of_1_2_0_only_nacks_a_1_2_5_select_naming_core_version(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url, ONDC_CORE_VERSIONS="1.2.0") as s:
        entry, item = demo_item("Kangra")
        body = orjson.dumps(
            {
                "context": context("select", clock, core_version="1.2.5", domain=item["domain"]),
                "message": cart(entry, item, 1),
            }
        )
        response = await s.net.post("select", body, signed(body, clock))
        nack = response.json()
        assert nack["message"]["ack"]["status"] == "NACK"
        assert nack["error"]["path"] == "context.core_version"
        assert "1.2.5" in nack["error"]["message"]
        assert not await s.unsolicited()


async def test_on_confirm_keeps_on_init_gst_number_and_refuses_a_confirm_changing_it(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url, ONDC_GSTIN="02AAAAH1234C1Z5") as s:
        s.core_version = "1.2.5"
        entry, item = demo_item("Chamba")
        domain = item["domain"]
        on_select = await s.call("select", cart(entry, item, 1), domain=domain)
        on_init = await s.call("init", init_message(on_select), domain=domain)
        init_terms = on_init["message"]["order"]["tags"][0]
        assert init_terms["code"] == "bpp_terms"
        gst = {e["code"]: e["value"] for e in init_terms["list"]}["tax_number"]
        assert gst == "02AAAAH1234C1Z5"

        changed = orjson.loads(orjson.dumps(confirm_message(on_init, "ODOP-125-4")))
        for tag in changed["order"]["tags"]:
            if tag["code"] == "bpp_terms":
                tag["list"] = [
                    {**e, "value": "07BBBBB1234C1Z5"} if e["code"] == "tax_number" else e
                    for e in tag["list"]
                ]
        refused = await s.call("confirm", changed, domain=domain)
        assert refused["error"]["code"] == "30000"
        assert "tax_number" in refused["error"]["message"]
        assert "message" not in refused

        on_confirm = await s.call("confirm", confirm_message(on_init, "ODOP-125-4"), domain=domain)
        assert "error" not in on_confirm, on_confirm["error"]
        tags = on_confirm["message"]["order"]["tags"]
        assert [t["code"] for t in tags] == ["bpp_terms", "bap_terms"]
        terms = {e["code"]: e["value"] for e in tags[0]["list"]}
        assert terms["tax_number"] == gst
        # on_init's terms, unchanged: the validator refuses any code on_init did not send
        assert tags[0] == next(t for t in on_init["message"]["order"]["tags"]
                               if t["code"] == "bpp_terms")  # fmt: skip
        assert on_confirm["message"]["order"]["provider"]["creds"][0]["descriptor"] == {
            "code": "Chamba Rumal",
            "type": "GI",
        }


def _bare_confirm(on_select: dict[str, Any], order_id: str) -> dict[str, Any]:
    """A confirm of the selected cart that skips init (its terms made up by the buyer)."""
    order = {
        **init_message(on_select)["order"],
        "id": order_id,
        "quote": on_select["message"]["order"]["quote"],
        "payment": {"type": "ON-ORDER", "collected_by": "BAP", "status": "PAID"},
    }
    return {"order": order}


async def _nack(s: Shop, action: str, message: dict[str, Any], **context_fields: Any) -> Any:
    """Send a 1.2.5 request in the shop's transaction; its synchronous answer (JSON)."""
    body = orjson.dumps(
        {
            "context": context(
                action,
                s.clock,
                domain=context_fields.pop("domain", "ONDC:RET16"),
                transaction_id=s.transaction_id,
                core_version="1.2.5",
                **context_fields,
            ),
            "message": message,
        }
    )
    response = await s.net.post(action, body, signed(body, s.clock))
    return response.json()


async def test_1_2_5_requests_out_of_their_transactions_order_are_nacked_with_the_reason(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        entry, item = demo_item("Kangra", 1)
        domain = item["domain"]
        # Nothing yet: a status has no order to ask about.
        answer = await _nack(s, "status", {"order_id": "ODOP-X"}, domain=domain)
        assert answer["message"]["ack"]["status"] == "NACK"
        assert answer["error"]["code"] == "30018"
        on_select = await s.call("select", cart(entry, item, 1), domain=domain)
        # A confirm straight after select: no init and on_init before it.
        answer = await _nack(s, "confirm", _bare_confirm(on_select, "ODOP-125-9"), domain=domain)
        assert answer["error"]["code"] == "30019"
        assert "/init and its /on_init" in answer["error"]["message"]
        # An init reusing the select's message id.
        select_id = s.sent[-1]["context"]["message_id"]
        answer = await _nack(
            s, "init", init_message(on_select), domain=domain, message_id=select_id
        )
        assert answer["error"]["code"] == "30000"
        assert answer["error"]["path"] == "context.message_id"
        assert "/select" in answer["error"]["message"]
        # In order, everything is taken; after the confirm a new cart is refused.
        on_init = await s.call("init", init_message(on_select), domain=domain)
        on_confirm = await s.call("confirm", confirm_message(on_init, "ODOP-125-9"), domain=domain)
        assert "error" not in on_confirm
        answer = await _nack(s, "select", cart(entry, item, 1), domain=domain)
        assert answer["error"]["code"] == "30000"
        assert "already an order" in answer["error"]["message"]
        status = await s.call("status", {"order_id": "ODOP-125-9"}, domain=domain)
        assert status["message"]["order"]["id"] == "ODOP-125-9"


async def test_1_2_0_keeps_answering_a_confirm_without_init_in_its_callback(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Kangra", 1)
        on_select = await s.call("select", cart(entry, item, 1), domain=item["domain"])
        on_confirm = await s.call(
            "confirm", _bare_confirm(on_select, "ODOP-120-9"), domain=item["domain"]
        )
        assert on_confirm["error"]["code"] == "30019"


async def test_a_1_2_5_search_with_bap_terms_and_bap_features_is_answered(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    fixture = REPO_ROOT / "tests/fixtures/retail-1.2.5/RET10-1.2.5/Discovery_Flow_full_catalog"
    intent = orjson.loads((fixture / "01_search.json").read_bytes())["message"]["intent"]
    assert {tag["code"] for tag in intent["tags"]} == {"bap_terms", "bap_features"}
    async with shop(tmp_path, clock, database_url) as s:
        body = orjson.dumps(
            {
                "context": context(
                    "search", clock, core_version="1.2.5", domain="ONDC:RET10", city="std:01892"
                ),
                "message": {"intent": intent},
            }
        )
        response = await s.net.post("search", body, signed(body, clock))
        assert response.json()["message"]["ack"]["status"] == "ACK", response.text
        (on_search,) = await s.unsolicited()
        assert on_search["context"]["action"] == "on_search"
        providers = on_search["message"]["catalog"]["bpp/providers"]
        assert providers, "the Kangra seller serves RET10 in its own city"


async def test_a_return_to_origin_after_a_part_cancel_keeps_the_cancelled_line(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    """The seller cannot supply one of two shawls, the other fails at the door: the RTO's
    on_cancel still shows the part-cancelled piece (its lines add up to the two ordered,
    as ONDC's validator counts them against on_select) and names no routing."""
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        entry, item = demo_item("Kullu", 0)
        domain = item["domain"]
        on_select = await s.call("select", cart(entry, item, 2), domain=domain)
        on_init = await s.call("init", init_message(on_select), domain=domain)
        await s.call("confirm", confirm_message(on_init, "ODOP-125-7"), domain=domain)
        await s.timers()
        await s.unsolicited()
        key = await s.seller_key(entry["seller"]["code"])
        cut = {"items": [{"sku": item["sku"], "quantity": 1}], "reason": "002"}
        assert (await _move(s, key, "ODOP-125-7", "part_cancel", **cut)).status_code == 200
        (part,) = await s.unsolicited()
        cancel_id = next(
            f["id"] for f in part["message"]["order"]["fulfillments"] if f["type"] == "Cancel"
        )
        for action in ("pack", "ship", "in_transit", "at_destination_hub", "out_for_delivery"):
            body = (
                {"tracking_url": "https://track.example/7",
                 "invoice_url": "https://odop.example/invoices/7.pdf"}
                if action == "ship" else {}
            )  # fmt: skip
            moved = await _move(s, key, "ODOP-125-7", action, **body)
            assert moved.status_code == 200, (action, moved.text)
            await s.unsolicited()
        assert (await _move(s, key, "ODOP-125-7", "rto", reason="013")).status_code == 200
        (on_cancel,) = await s.unsolicited()
        order = on_cancel["message"]["order"]
        lines = {(i["fulfillment_id"], i["quantity"]["count"]) for i in order["items"]}
        assert (cancel_id, 1) in lines
        assert sum(count for _, count in lines) == 2
        assert all(
            t["code"] != "routing" for f in order["fulfillments"] for t in f.get("tags") or []
        )
        # The goods come back: that update shows the delivery as on_cancel did (no routing).
        assert (await _move(s, key, "ODOP-125-7", "rto_delivered")).status_code == 200
        (back,) = await s.unsolicited()
        delivered = back["message"]["order"]
        assert delivered["fulfillments"][0] == order["fulfillments"][0]
