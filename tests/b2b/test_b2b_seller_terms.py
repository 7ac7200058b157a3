"""A seller's B2B category codes, minimum order value and the buyer app's finder fee (and
the seller app's ceiling on it), at the edge: entered through the seller API and settings,
sent in on_search, on_select and on_init."""

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


async def test_a_minimum_order_value_for_a_domain_is_entered_and_applied_to_its_rfqs(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, ONDC_DOMAINS=DOMAINS) as net:
        key = await _seller(net)
        terms = {"payment_types": ["PRE-FULFILLMENT"], "min_order_value": "10000",
                 "min_order_values": {"ONDC:RET10": "50000"}}  # fmt: skip
        put = await net.client.put("/seller/v1/b2b/terms", json=terms, headers=key)
        assert put.status_code == 200, put.text
        assert put.json()["min_order_values"] == {"ONDC:RET10": "50000.00"}
        shown = await net.client.get("/seller/v1/b2b/terms", headers=key)
        assert shown.json()["min_order_values"] == {"ONDC:RET10": "50000.00"}
        # 60 tins at Rs 400 with 5 % GST: Rs 25,200, above the seller's Rs 10,000 but
        # below its Rs 50,000 for grocery (the chulli oil's domain, RET10); 150 at Rs 350
        # (the slab from 100 up): Rs 55,125.
        small = await _quote(net, clock, _rfq(clock, 60, transaction_id="T-DOM"))
        assert small["error"]["code"] == "30023"
        assert "INR 50000.00 in ONDC:RET10" in small["error"]["message"]
        enough = await _quote(net, clock, _rfq(clock, 150, transaction_id="T-DOM"))
        assert "error" not in enough, enough
        for wrong, field in (({"ONDC:RET99": "100"}, "ONDC:RET99"),
                             ({"ONDC:RET12": "0"}, "ONDC:RET12")):  # fmt: skip
            refused = await net.client.put(
                "/seller/v1/b2b/terms", json={**terms, "min_order_values": wrong}, headers=key
            )
            assert refused.status_code == 422, refused.text
            assert "min_order_values" in str(refused.json()["detail"])
            assert field in str(refused.json()["detail"])


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


def _search_with_amount(clock: FixedClock, amount: str) -> bytes:
    search = orjson.loads(_search_with_fee(clock, amount))
    search["message"]["intent"]["tags"][0]["list"][0]["value"] = "amount"
    return orjson.dumps(search)


async def test_a_finder_fee_above_the_seller_apps_ceiling_is_refused_50005_naming_both(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, ONDC_DOMAINS=DOMAINS,
                    ONDC_B2B_MAX_FINDER_FEE_PERCENT="5") as net:  # fmt: skip
        await _seller(net)
        await _quote_like(net, clock, "search", _search_with_fee(clock, "7.5"))
        dear = await _quote(net, clock, _rfq(clock, 120, transaction_id=TXN))
        assert dear["error"]["code"] == "50005"
        message = dear["error"]["message"]
        assert "finder fee of 7.5 percent" in message
        assert "ceiling of 5 percent" in message
        assert "quote" in dear["message"]["order"]  # the quotation it would otherwise make
        assert await net.app.state.runtime.orders.by_transaction(TXN) is None
        # The buyer app searches again naming 5 percent: quoted, and /init carries it.
        await _quote_like(net, clock, "search", _search_with_fee(clock, "5"))
        quoted = await _quote(net, clock, _rfq(clock, 120, transaction_id=TXN))
        assert "error" not in quoted, quoted
        init = await _step(net, clock, "init", _order(quoted["message"]["order"]))
        assert (
            init["message"]["order"]["payments"][0]["@ondc/org/buyer_app_finder_fee_amount"] == "5"
        )
        # A search after the quotation naming more again: the /init is refused too.
        await _quote_like(net, clock, "search", _search_with_fee(clock, "12"))
        late = await _step(net, clock, "init", _order(quoted["message"]["order"]))
        assert late["error"]["code"] == "50005"
        assert "finder fee of 12 percent" in late["error"]["message"]


async def test_a_finder_fee_in_rupees_is_held_to_the_ceiling_as_a_share_of_the_quotation(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS=DOMAINS,
                    ONDC_B2B_MAX_FINDER_FEE_PERCENT="5") as net:  # fmt: skip
        await _seller(net)
        # 120 tins at Rs 350 with 5 % GST: Rs 44,100; Rs 3,000 is 6.8 %, Rs 2,000 is 4.54 %.
        await _quote_like(net, clock, "search", _search_with_amount(clock, "3000"))
        dear = await _quote(net, clock, _rfq(clock, 120, transaction_id=TXN))
        assert dear["error"]["code"] == "50005"
        assert "finder fee of INR 3000 (6.81 percent)" in dear["error"]["message"]
        await _quote_like(net, clock, "search", _search_with_amount(clock, "2000"))
        fair = await _quote(net, clock, _rfq(clock, 120, transaction_id=TXN))
        assert "error" not in fair, fair


async def test_without_a_ceiling_any_finder_fee_the_search_names_is_carried(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS=DOMAINS) as net:
        assert await _fee_in_init(net, clock, _search_with_fee(clock, "40")) == ("percent", "40")


def _rfq_abroad(clock: FixedClock, transaction_id: str) -> bytes:
    """An RFQ for delivery in Singapore (the contract's exports example)."""
    rfq = orjson.loads(_rfq(clock, 120, transaction_id=transaction_id))
    stop = rfq["message"]["order"]["fulfillments"][0]["stops"][0]
    stop["location"] = {"gps": "1.38119772,103.74437074", "area_code": "680230",
                        "country": {"code": "SGP"}}  # fmt: skip
    return orjson.dumps(rfq)


async def test_only_a_seller_with_an_export_licence_quotes_abroad_and_shows_it_in_its_catalogue(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, ONDC_DOMAINS=DOMAINS) as net:
        key = await _seller(net)
        without = await _quote(net, clock, _rfq_abroad(clock, "T-EXP-1"))
        assert without["error"]["code"] == "30009"
        assert "to SGP is not serviceable" in without["error"]["message"]
        assert "no export licence" in without["error"]["message"]
        terms = {"payment_types": ["PRE-FULFILLMENT"], "export_licence": "IEC-0512345678",
                 "export_licence_url": "https://dgft.example/verify/IEC-0512345678"}  # fmt: skip
        put = await net.client.put("/seller/v1/b2b/terms", json=terms, headers=key)
        assert put.status_code == 200, put.text
        assert put.json()["export_licence"] == "IEC-0512345678"
        found = await _quote_like(net, clock, "search", _search_with_fee(clock, "2"))
        [provider] = found["message"]["catalog"]["providers"]
        assert provider["creds"] == [{
            "id": "IEC-0512345678", "type": "License",
            "desc": "Export License No. IEC-0512345678",
            "url": "https://dgft.example/verify/IEC-0512345678",
        }]  # fmt: skip
        quoted = await _quote(net, clock, _rfq_abroad(clock, "T-EXP-2"))
        assert "error" not in quoted, quoted
        wrongs = (({"export_licence": "!"}, "export_licence"),
                  ({"export_licence_url": "not a url"}, "export_licence_url"))  # fmt: skip
        for wrong, field in wrongs:
            refused = await net.client.put("/seller/v1/b2b/terms", json={**terms, **wrong},
                                           headers=key)  # fmt: skip
            assert refused.status_code == 422, refused.text
            assert field in str(refused.json()["detail"])
        # Without a licence again: no creds in the catalogue.
        plain = await net.client.put("/seller/v1/b2b/terms", headers=key,
                                     json={"payment_types": ["PRE-FULFILLMENT"]})  # fmt: skip
        assert plain.json()["export_licence"] is None
        again = await _quote_like(net, clock, "search", _search_with_fee(clock, "2"))
        assert "creds" not in again["message"]["catalog"]["providers"][0]
