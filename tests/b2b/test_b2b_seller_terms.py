"""A seller's B2B category codes, minimum order value and the buyer app's finder fee, at
the edge: entered through the seller API, sent in on_search, on_select and on_init."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from adapter.core.clock import FixedClock
from tests.b2b.peers import b2b_body
from tests.b2b.test_b2b_purchase_order import TXN, _order, _quote_like, _step
from tests.b2b.test_b2b_rfq import OIL, _quote, _rfq, _seller
from tests.network.peers import Edge, edge, signed

DOMAINS = "ONDC:RET10,ONDC:RET12"
SLABS = {"slabs": [{"min_quantity": 1, "unit_price": "400"}], "tax_rate": "5"}


async def _put_code(net: Edge, key: dict[str, str], code: str) -> Any:
    body = {**SLABS, "category_code": code}
    return await net.client.put(f"/seller/v1/b2b/items/{OIL}", json=body, headers=key)


async def test_category_code_outside_the_items_domain_or_the_lists_is_refused_naming_the_field(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS=DOMAINS) as net:
        key = await _seller(net)
        # The oil is a grocery (RET10) item: a fashion code is not its domain's.
        other = await _put_code(net, key, "RET12-1029")
        assert other.status_code == 422, other.text
        detail = other.json()["detail"]
        assert detail.startswith("category_code: RET12-1029 is a code of ONDC:RET12"), detail
        unknown = await _put_code(net, key, "RET10-1999")
        assert unknown.status_code == 422
        assert "category_code" in str(unknown.json()["detail"])
        malformed = await _put_code(net, key, "Oil & Ghee")
        assert malformed.status_code == 422
        assert "category_code" in str(malformed.json()["detail"])
        fine = await _put_code(net, key, "ret10-1042")
        assert fine.status_code == 200, fine.text
        assert fine.json()["category_code"] == "RET10-1042"
        listed = (await net.client.get("/seller/v1/b2b/items", headers=key)).json()
        assert [p["category_code"] for p in listed] == ["RET10-1042"]


async def test_search_names_the_items_and_serviceability_category_by_the_sellers_code(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS=DOMAINS) as net:
        key = await _seller(net)
        # Oils (RET10-1042) rather than the code retail's "Oil & Ghee" maps to by default.
        assert (await _put_code(net, key, "RET10-1043")).status_code == 200
        body = b2b_body("search", clock, {"intent": {"item": {"descriptor": {"name": "chulli"}}}},
                        bpp_id=None, bpp_uri=None)  # fmt: skip
        assert (await net.post("search", body, signed(body, clock))).status_code == 200
        assert await net.dispatch() == 1
        provider = orjson.loads(net.received[-1].content)["message"]["catalog"]["providers"][0]
        assert provider["items"][0]["category_ids"] == ["RET10-1043"]
        [serviceability] = [t for t in provider["tags"]
                            if t["descriptor"]["code"] == "serviceability"]  # fmt: skip
        values = {e["descriptor"]["code"]: e["value"] for e in serviceability["list"]}
        assert values["category"] == "RET10-1043"


async def test_rfq_below_the_minimum_order_value_is_refused_30023_naming_it_then_quoted(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS=DOMAINS) as net:
        key = await _seller(net)
        terms = {"payment_types": ["PRE-FULFILLMENT"], "min_order_value": "20000"}
        put = await net.client.put("/seller/v1/b2b/terms", json=terms, headers=key)
        assert put.status_code == 200, put.text
        assert put.json()["min_order_value"] == "20000.00"
        # 30 tins at Rs 400 with 5 % GST: Rs 12,600 and the seller's charges, below 20,000.
        small = await _quote(net, clock, _rfq(clock, 30, transaction_id="T-MOV"))
        assert small["error"]["code"] == "30023"
        assert "20000.00" in small["error"]["message"]
        assert "quote" in small["message"]["order"]
        assert await net.app.state.runtime.orders.by_transaction("T-MOV") is None
        enough = await _quote(net, clock, _rfq(clock, 60, transaction_id="T-MOV"))
        assert "error" not in enough, enough
        draft = await net.app.state.runtime.orders.by_transaction("T-MOV")
        assert draft is not None
        assert draft.stage == "selected"
        # A zero or negative minimum is not a minimum: refused naming the field.
        zero = await net.client.put(
            "/seller/v1/b2b/terms", json={**terms, "min_order_value": "0"}, headers=key
        )
        assert zero.status_code == 422
        assert "min_order_value" in str(zero.json()["detail"])


def _search_with_fee(clock: FixedClock, fee: str) -> bytes:
    terms = {"descriptor": {"code": "bap_terms"},
             "list": [{"descriptor": {"code": "finder_fee_type"}, "value": "percent"},
                      {"descriptor": {"code": "finder_fee_amount"}, "value": fee}]}  # fmt: skip
    intent = {"item": {"descriptor": {"name": "chulli"}}, "tags": [terms]}
    return b2b_body("search", clock, {"intent": intent}, transaction_id=TXN, bpp_id=None,
                    bpp_uri=None)  # fmt: skip


async def _fee_in_init(net: Edge, clock: FixedClock, search: bytes | None) -> tuple[str, str]:
    await _seller(net)
    if search is not None:
        await _quote_like(net, clock, "search", search)
    quoted = (await _quote(net, clock, _rfq(clock, 120, transaction_id=TXN)))["message"]["order"]
    init = await _step(net, clock, "init", _order(quoted))
    payment = init["message"]["order"]["payments"][0]
    return (
        payment["@ondc/org/buyer_app_finder_fee_type"],
        payment["@ondc/org/buyer_app_finder_fee_amount"],
    )


async def test_on_init_carries_the_finder_fee_the_buyer_apps_search_named(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS=DOMAINS) as net:
        assert await _fee_in_init(net, clock, _search_with_fee(clock, "2.5")) == ("percent", "2.5")


async def test_on_init_offers_the_marketplaces_finder_fee_when_the_search_named_none_or_nonsense(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS=DOMAINS) as net:
        assert await _fee_in_init(net, clock, _search_with_fee(clock, "250")) == ("percent", "3")
    (tmp_path / "again").mkdir()
    async with edge(tmp_path / "again", clock, ONDC_DOMAINS=DOMAINS) as net:
        assert await _fee_in_init(net, clock, None) == ("percent", "3")
