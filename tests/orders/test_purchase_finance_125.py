"""Purchase finance by the buyer app (retail 1.2.5, Purchase_Finance_Flow): the init's
bap_terms finance cost is checked, kept, echoed in on_init, shown to the seller, held at
confirm, and leaves the seller's settlement as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from adapter.core.clock import FixedClock
from adapter.core.retail125.purchase_finance import finance_refusal
from adapter.sandbox.flows import confirm_message, init_message
from tests.orders.shop import Shop, cart, demo_item, shop

_FINANCE: Final = {
    "code": "bap_terms",
    "list": [
        {"code": "finance_cost_type", "value": "percent"},
        {"code": "finance_cost_value", "value": "5.00"},
    ],
}


def _with(entries: dict[str, str]) -> list[dict[str, Any]]:
    return [{"code": "bap_terms", "list": [{"code": k, "value": v} for k, v in entries.items()]}]


def test_finance_terms_that_are_not_a_cost_are_refused_naming_the_field() -> None:
    assert finance_refusal([_FINANCE]) is None
    assert finance_refusal(None) is None
    assert finance_refusal(_with({"accept_bpp_terms": "Y"})) is None
    wrong_type = finance_refusal(_with({"finance_cost_type": "emi", "finance_cost_value": "5"}))
    assert wrong_type is not None
    assert "finance_cost_type" in wrong_type
    not_number = finance_refusal(_with({"finance_cost_type": "amount", "finance_cost_value": "x"}))
    assert not_number is not None
    assert "finance_cost_value" in not_number
    too_much = finance_refusal(_with({"finance_cost_type": "percent", "finance_cost_value": "101"}))
    assert too_much is not None
    assert "more than the order" in too_much
    negative = finance_refusal(_with({"finance_cost_type": "amount", "finance_cost_value": "-1"}))
    assert negative is not None


async def _financed_init(s: Shop, tags: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    entry, item = demo_item("Kangra", 1)
    on_select = await s.call("select", cart(entry, item, 1), domain=item["domain"])
    init = init_message(on_select)
    init["order"]["tags"] = tags
    return await s.call("init", init, domain=item["domain"]), item["domain"]


async def test_the_buyer_apps_finance_is_kept_echoed_and_leaves_the_settlement_alone(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        plain, domain = await _financed_init(s, [])
        on_confirm_plain = await s.call(
            "confirm", confirm_message(plain, "ODOPPLAIN1"), domain=domain
        )
        assert "error" not in on_confirm_plain
        s.new_transaction()
        on_init, _ = await _financed_init(s, [_FINANCE])
        tags = on_init["message"]["order"]["tags"]
        assert [t["code"] for t in tags] == ["bpp_terms", "bap_terms"]
        assert tags[1] == _FINANCE
        assert on_init["message"]["order"]["quote"] == plain["message"]["order"]["quote"]

        changed = confirm_message(on_init, "ODOPFIN1")
        changed["order"]["tags"] = [t for t in changed["order"]["tags"] if t["code"] != "bap_terms"]
        changed["order"]["tags"] += _with({"finance_cost_type": "percent",
                                           "finance_cost_value": "9"})  # fmt: skip
        refused = await s.call("confirm", changed, domain=domain)
        assert refused["error"]["code"] == "30000"
        assert "finance_cost_value" in refused["error"]["message"]

        confirm = confirm_message(on_init, "ODOPFIN1")
        on_confirm = await s.call("confirm", confirm, domain=domain)
        assert "error" not in on_confirm, on_confirm
        echoed = [t for t in on_confirm["message"]["order"]["tags"] if t["code"] == "bap_terms"]
        assert echoed
        assert echoed[0]["list"][:2] == _FINANCE["list"]

        entry, _ = demo_item("Kangra", 1)
        key = await s.seller_key(entry["seller"]["code"])
        financed = (await s.net.client.get("/seller/v1/orders/ODOPFIN1", headers=key)).json()
        plain_seen = (await s.net.client.get("/seller/v1/orders/ODOPPLAIN1", headers=key)).json()
        assert financed["purchase_finance"] == {"type": "percent", "value": "5.00"}
        assert plain_seen["purchase_finance"] is None
        unchanged = {k: v for k, v in financed["settlement"].items() if k != "order_id"}
        assert unchanged == {k: v for k, v in plain_seen["settlement"].items() if k != "order_id"}


async def test_an_init_with_bad_finance_terms_is_refused(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        refused, _ = await _financed_init(
            s, _with({"finance_cost_type": "emi", "finance_cost_value": "5"})
        )
        assert refused["error"]["code"] == "30000"
        assert "message.order.tags[bap_terms].finance_cost_type" in refused["error"]["message"]
