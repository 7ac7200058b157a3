"""The buyer's import licence (ONDC B2B 2.0.2 ``select_exports``/``init_exports``:
``fulfillments[0].customer.person.creds``): checked when named, kept with the order for its
seller, and not repeated in the callbacks (the contract's ``on_*`` examples carry none).
SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from adapter.core.clock import FixedClock
from tests.b2b.test_b2b_purchase_order import ACCEPT, TXN, _order, _step
from tests.b2b.test_b2b_rfq import _quote, _seller
from tests.b2b.test_b2b_seller_terms import _rfq_abroad
from tests.network.peers import edge

DOMAINS = {"ONDC_DOMAINS": "ONDC:RET10,ONDC:RET12"}
LICENCE = {
    "id": "ESG-12345678", "type": "License", "desc": "Import License No. ESG-12345678",
    "icon": "https://importer.example/images/licence.png",
    "url": "https://importer.example/verify?id=ESG-12345678",
}  # fmt: skip


def _with_creds(clock: FixedClock, creds: list[Any]) -> bytes:
    rfq = orjson.loads(_rfq_abroad(clock, TXN))
    rfq["message"]["order"]["fulfillments"][0]["customer"] = {"person": {"creds": creds}}
    return orjson.dumps(rfq)


async def test_an_importers_licence_is_kept_with_the_order_for_its_seller(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        key = await _seller(net)
        terms = {"payment_types": ["PRE-FULFILLMENT"], "export_licence": "IEC-0512345678",
                 "export_licence_url": "https://dgft.example/verify/IEC-0512345678"}  # fmt: skip
        assert (await net.client.put("/seller/v1/b2b/terms", json=terms, headers=key)).is_success
        quoted = await _quote(net, clock, _with_creds(clock, [LICENCE]))
        assert "error" not in quoted, quoted
        order = quoted["message"]["order"]
        assert "customer" not in order["fulfillments"][0]
        init = await _step(net, clock, "init", _order(order))
        assert "error" not in init, init
        po = _order(order, id="PO-IMP-1", quote=order["quote"], tags=ACCEPT)
        confirmed = await _step(net, clock, "confirm", po)
        assert confirmed["message"]["order"]["state"] == "Accepted", confirmed
        shown = await net.client.get("/seller/v1/b2b/orders/PO-IMP-1", headers=key)
        assert shown.status_code == 200, shown.text
        assert shown.json()["buyer_creds"] == [LICENCE]


async def test_an_incomplete_licence_is_refused_30000_naming_the_field(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        key = await _seller(net)
        terms = {"payment_types": ["PRE-FULFILLMENT"], "export_licence": "IEC-0512345678",
                 "export_licence_url": "https://dgft.example/verify/IEC-0512345678"}  # fmt: skip
        assert (await net.client.put("/seller/v1/b2b/terms", json=terms, headers=key)).is_success
        wrongs = (
            ([{**LICENCE, "url": "http://importer.example/verify"}], "person.creds[0].url"),
            ([LICENCE, {**LICENCE, "type": "Passport"}], "person.creds[1].type"),
            ([{k: v for k, v in LICENCE.items() if k != "desc"}], "person.creds[0].desc"),
            ([], "person.creds"),
        )
        for creds, field in wrongs:
            refused = await _quote(net, clock, _with_creds(clock, creds))
            assert refused["error"]["code"] == "30000", refused
            assert f"message.order.fulfillments[0].customer.{field}" in refused["error"]["message"]
        assert await net.app.state.runtime.orders.by_transaction(TXN) is None
