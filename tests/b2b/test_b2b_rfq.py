"""A B2B RFQ at the edge: signed /select (version 2.0.2) -> ACK -> /on_select quotation,
priced by the buyer's letter of intent or the seller's slabs, recorded on the LOI desk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

import schemas
import schemas.b2b
import signing
from adapter.core.clock import FixedClock
from tests.b2b.peers import b2b_body
from tests.network.peers import Edge, edge, signed
from tests.network.test_seller_api import ADMIN, _entry, _register

GSTIN = "02ABCDE1234F1Z5"
OIL = "odopkinnaur01"


def oil_letter(reference: str) -> dict[str, Any]:
    """A letter of intent (admin API body) for 120 bottles of Kinnaur's chulli oil at Rs 350
    from the buyer of ``GSTIN``: the letter the B2B tests' RFQs realise."""
    return {
        "reference": reference, "buyer_name": "Alpine Foods (demo)", "buyer_gstin": GSTIN,
        "district": "Kinnaur", "product": "Chulli oil (wild apricot kernel)",
        "value": "60000", "signed_on": "2026-11-15",
        "items": [{"seller_code": "odopkinnaur", "sku": OIL, "quantity": 120,
                   "unit_price": "350"}],
    }  # fmt: skip


async def _seller(net: Edge) -> dict[str, str]:
    _, key = await _register(net, "Kinnaur")
    item = dict(_entry("Kinnaur")["items"][0])
    # Retail rules keep the per-order maximum under 100; the B2B price list bounds bulk lines.
    item.update(available=1000, maximum=99)
    put = await net.client.put(f"/seller/v1/items/{OIL}", json=item, headers=key)
    assert put.status_code == 200, put.text
    slabs = {
        "slabs": [
            {"min_quantity": 1, "max_quantity": 99, "unit_price": "400"},
            {"min_quantity": 100, "unit_price": "350"},
        ],
        "min_order_quantity": 20,
        "time_to_ship": "P3D",
        "tax_rate": "5",
    }
    priced = await net.client.put(f"/seller/v1/b2b/items/{OIL}", json=slabs, headers=key)
    assert priced.status_code == 200, priced.text
    terms = {"payment_types": ["PRE-FULFILLMENT", "POST-FULFILLMENT"]}
    assert (await net.client.put("/seller/v1/b2b/terms", json=terms, headers=key)).is_success
    return key


def _rfq(clock: FixedClock, count: int, *, gstin: str = GSTIN, payment: str = "PRE-FULFILLMENT",
         transaction_id: str | None = None) -> bytes:  # fmt: skip
    order: dict[str, Any] = {
        "provider": {"id": "odopkinnaur", "locations": [{"id": "odopkinnaurhq"}], "ttl": "P2D"},
        "items": [
            {
                "id": OIL,
                "location_ids": ["odopkinnaurhq"],
                "fulfillment_ids": ["1"],
                "quantity": {"selected": {"count": count}},
                "tags": [
                    {
                        "descriptor": {"code": "BUYER_TERMS"},
                        "list": [
                            {"descriptor": {"code": "ITEM_REQ"}, "value": "cold pressed"},
                            {"descriptor": {"code": "PACKAGING_REQ"}, "value": "5 l tins"},
                        ],
                    }
                ],
            }
        ],
        "fulfillments": [
            {
                "id": "1",
                "type": "Delivery",
                "stops": [
                    {
                        "type": "end",
                        "location": {
                            "gps": "31.540300, 78.272200",
                            "area_code": "172107",
                            "country": {"code": "IND"},
                        },
                    }
                ],
            }
        ],
        "payments": [{"type": payment}],
        "tags": [
            {
                "descriptor": {"code": "buyer_id"},
                "list": [
                    {"descriptor": {"code": "buyer_id_code"}, "value": "gst"},
                    {"descriptor": {"code": "buyer_id_no"}, "value": gstin},
                ],
            }
        ],
    }
    extra = {"transaction_id": transaction_id} if transaction_id else {}
    return b2b_body("select", clock, {"order": order}, ttl="P2D", **extra)


async def _quote(net: Edge, clock: FixedClock, body: bytes) -> dict[str, Any]:
    response = await net.post("select", body, signed(body, clock))
    assert response.status_code == 200, response.text
    before = len(net.received)
    assert await net.dispatch() == 1
    callback = net.received[before]
    assert str(callback.url) == "https://buyer.example/ondc/on_select"
    signing.verify(
        callback.content,
        callback.headers["Authorization"],
        net.settings.signing_key.public_key,
        now=clock.timestamp(),
    )
    parsed = schemas.parse(schemas.b2b.B2BOnSelectCallback, callback.content)
    assert parsed.context.version == "2.0.2"
    assert parsed.context.city_code == "std:0177"
    sent: dict[str, Any] = orjson.loads(callback.content)
    return sent


def _lines(quote: dict[str, Any]) -> dict[str, str]:
    return {line["@ondc/org/title_type"]: line["price"]["value"] for line in quote["breakup"]}


async def test_rfq_is_quoted_at_the_slab_price_with_tax_and_the_buyers_window(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        await _seller(net)
        sent = await _quote(net, clock, _rfq(clock, 120))
        assert "error" not in sent
        order = sent["message"]["order"]
        quote = order["quote"]
        assert quote["ttl"] == "P2D"
        lines = _lines(quote)
        assert lines["item"] == "42000.00"  # 120 x Rs 350 (the slab from 100 up)
        assert lines["tax"] == "2100.00"  # 5 % GST
        total = sum(float(line["price"]["value"]) for line in quote["breakup"])
        assert float(quote["price"]["value"]) == total
        assert order["payments"] == [{"type": "PRE-FULFILLMENT", "collected_by": "BPP"}]
        assert order["items"][0]["tags"][0]["descriptor"]["code"] == "BUYER_TERMS"


async def test_rfq_of_a_letters_buyer_gets_the_letters_price_and_moves_the_letter(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        await _seller(net)
        letter = {
            "reference": "HIM-2026-007", "buyer_name": "Alpine Foods (demo)",
            "buyer_gstin": GSTIN, "buyer_app_id": "buyer.example", "district": "Kinnaur",
            "product": "Chulli oil (wild apricot kernel)", "value": "300000",
            "payment_type": "POST-FULFILLMENT", "signed_on": "2026-11-15",
            "items": [{"seller_code": "odopkinnaur", "sku": OIL, "quantity": 1000,
                       "unit_price": "300"}],
        }  # fmt: skip
        created = await net.client.post("/admin/v1/loi/letters", json=letter, headers=ADMIN)
        assert created.status_code == 201, created.text
        sent = await _quote(net, clock, _rfq(clock, 120))
        order = sent["message"]["order"]
        assert _lines(order["quote"])["item"] == "36000.00"  # 120 x Rs 300, as agreed
        assert order["payments"][0]["type"] == "POST-FULFILLMENT"  # the letter's credit terms
        shown = (
            await net.client.get(f"/admin/v1/loi/letters/{created.json()['id']}", headers=ADMIN)
        ).json()
        assert shown["stage"] == "quoted"
        assert shown["quoted_paise"] == round(float(order["quote"]["price"]["value"]) * 100)
        # Another buyer of the same product and district: the list price, the letter unmoved.
        other = await _quote(net, clock, _rfq(clock, 120, gstin="02ZZZZZ9999Z1Z5"))
        assert _lines(other["message"]["order"]["quote"])["item"] == "42000.00"
        again = (
            await net.client.get(f"/admin/v1/loi/letters/{created.json()['id']}", headers=ADMIN)
        ).json()
        assert again["transactions"] == 1


async def test_rfq_below_the_minimum_order_quantity_or_payment_not_offered_is_refused(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        await _seller(net)
        small = await _quote(net, clock, _rfq(clock, 10))
        assert small["error"]["code"] == "40012"
        assert "minimum order quantity is 20" in small["error"]["message"]
        cash = await _quote(net, clock, _rfq(clock, 50, payment="ON-FULFILLMENT"))
        assert cash["error"]["code"] == "40004"
        too_many = await _quote(net, clock, _rfq(clock, 5000))
        assert too_many["error"]["code"] == "40002"
        assert _lines(too_many["message"]["order"]["quote"])["item"] == "350000.00"


def _with_incoterm(body: bytes, incoterm: str) -> bytes:
    payload = orjson.loads(body)
    payload["message"]["order"]["fulfillments"][0]["tags"] = [
        {"descriptor": {"code": "DELIVERY_TERMS"},
         "list": [{"descriptor": {"code": "INCOTERMS"}, "value": incoterm},
                  {"descriptor": {"code": "NAMED_PLACE_OF_DELIVERY"}, "value": "Shimla"}]}
    ]  # fmt: skip
    return orjson.dumps(payload)


async def test_rfq_asking_delivered_duty_paid_is_refused_50005_with_its_quote_then_reselected(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        await _seller(net)
        ddp = await _quote(net, clock, _with_incoterm(_rfq(clock, 120, transaction_id="T-DDP"),
                                                      "DDP"))  # fmt: skip
        assert ddp["error"]["code"] == "50005"
        assert "DDP" in ddp["error"]["message"]
        assert "DAP" in ddp["error"]["message"]
        # The contract's rejected RFQ still carries the quotation the seller would make.
        assert set(ddp["message"]["order"]) >= {"provider", "items", "quote", "payments",
                                                 "fulfillments"}  # fmt: skip
        # ... but nothing the buyer can take to /init.
        assert await net.app.state.runtime.orders.by_transaction("T-DDP") is None
        odd = await _quote(net, clock, _with_incoterm(_rfq(clock, 120, transaction_id="T-DDP"),
                                                      "XYZ"))  # fmt: skip
        assert odd["error"]["code"] == "50005"
        dap = await _quote(net, clock, _with_incoterm(_rfq(clock, 120, transaction_id="T-DDP"),
                                                      "DAP"))  # fmt: skip
        assert "error" not in dap, dap
        draft = await net.app.state.runtime.orders.by_transaction("T-DDP")
        assert draft is not None
        assert draft.stage == "selected"
        terms = dap["message"]["order"]["fulfillments"][0]["tags"][0]
        assert terms["list"][0]["value"] == "DAP"


async def test_b2b_search_answers_the_catalogue_the_b2b_way_with_slabs_and_terms(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        await _seller(net)
        body = b2b_body(
            "search", clock, {"intent": {"item": {"descriptor": {"name": "chulli"}}}},
            bpp_id=None, bpp_uri=None,
        )  # fmt: skip
        assert (await net.post("search", body, signed(body, clock))).status_code == 200
        assert await net.dispatch() == 1
        [callback] = net.received
        assert str(callback.url) == "https://buyer.example/ondc/on_search"
        parsed = schemas.parse(schemas.b2b.B2BOnSearchCallback, callback.content)
        assert parsed.message is not None
        catalog = parsed.message.catalog
        assert catalog is not None
        assert [p.type for p in catalog.payments or []] == ["PRE-FULFILLMENT", "POST-FULFILLMENT"]
        [provider] = catalog.providers or []
        terms = schemas.b2b.b2b_tag_group(provider.tags, "seller_terms")
        assert terms is not None
        assert terms.value_of("gst_credit_invoice") == "Y"
        [item] = provider.items or []
        assert item.id == OIL
        assert item.quantity is not None
        assert item.quantity.minimum is not None
        assert item.quantity.minimum.count == 20
        slabs = [group for group in item.tags or [] if group.code == "price_slab"]
        assert [(s.value_of("min_pack_size"), s.value_of("max_pack_size"),
                 s.value_of("unit_sale_price")) for s in slabs] == [
            ("1", "99", "400.00"), ("100", "", "350.00"),
        ]  # fmt: skip
        g2 = schemas.b2b.b2b_tag_group(item.tags, "g2")
        assert g2 is not None
        assert (g2.value_of("time_to_ship"), g2.value_of("tax_rate")) == ("P3D", "5")
        raw = orjson.loads(callback.content)
        assert "bpp/providers" not in raw["message"]["catalog"]
        tags = {
            t["descriptor"]["code"]: t for t in raw["message"]["catalog"]["providers"][0]["tags"]
        }
        # B2B names each provider tag group once (retail's timing groups stay out), the
        # seller by its PAN (no GSTIN here), and grocery's category by its B2B code.
        assert set(tags) == {"serviceability", "seller_terms", "seller_id"}
        assert {e["descriptor"]["code"]: e["value"] for e in tags["seller_id"]["list"]} == {
            "seller_id_code": "pan",
            "seller_id_no": "AAAAH1004C",
        }
        category = {e["descriptor"]["code"]: e["value"] for e in tags["serviceability"]["list"]}
        assert category["category"].startswith("RET10-")
        assert raw["message"]["catalog"]["providers"][0]["items"][0]["category_ids"] == [
            category["category"]
        ]
