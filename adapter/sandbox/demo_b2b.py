"""The demo's B2B 2.0.2 part: letters of intent like those signed at a buyer-seller meet
(marked as demo data) turned into trade by a B2B buyer app over real signed HTTP.

Journeys (one transaction each, written under ``logs/b2b/<domain>/<name>`` in the layout of
ONDC's B2B log verifier and judged by the conformance gate's B2B rules):

- ``rfq-export-shawls`` (RET12): an export house's RFQ for Kinnauri shawls asks delivered
  duty paid (DDP) and is refused with 50005 naming why; it selects again, delivered at place
  (DAP), in the same transaction, and is quoted its letter's price; PO (init with the
  seller's terms, confirm accepting them), proforma invoice, pick-up with the tax invoice,
  two split deliveries, payment on delivery;
- ``credit-kangra-tea`` (RET10): a tea blender's letter on credit (POST-FULFILLMENT): PO,
  proforma, delivery with the tax invoice, then the payment the seller records;
- ``po-rejected-chulli-oil`` (RET10): a PO that does not accept the seller's terms,
  rejected with 30019 and the reason;
- ``buyer-cancel-kala-zeera`` (RET10): a PO the buyer cancels before dispatch.

A fifth letter's buyer never sends an RFQ: the LOI desk's sweep flags it "on paper".
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

import httpx

from adapter.registry.self_test import Check
from adapter.sandbox.b2b_journey import B2BBuyer, Journey, Party, write_journey
from adapter.sandbox.b2b_rules import check_b2b
from adapter.sandbox.buyer import SandboxBuyer

__all__ = ["DEMO_LETTERS", "play_b2b"]

# The finder fee the demo's buyer app asks in its searches: the marketplace's own (a B2B
# on_init offers ONDC_BUYER_FINDER_FEE_PERCENT whatever a search named: docs/b2b.md).
_FINDER_FEE: Final = "3"
_MEET: Final = "HIM MSME Fest 2026, Shimla (demo letters, not the meet's)"
_SOURCE: Final = "demo data made up for the sandbox; no real buyer or figure"

EXPORTER: Final = Party(
    name="Himalayan Looms Export House (demo)", gstin="07AAGCH4821K1Z6",
    address="Plot 14, Okhla Industrial Area Phase II, New Delhi 110020", city="New Delhi",
    state="Delhi", std_code="011", pincode="110020", gps="28.529500,77.271800",
    phone="9811000001", email="buying@himalayan-looms.example",
)  # fmt: skip
TEA_BLENDER: Final = Party(
    name="Hooghly Tea Blenders (demo)", gstin="19AAFCH7315M1Z2",
    address="7 Brabourne Road, Kolkata 700001", city="Kolkata", state="West Bengal",
    std_code="033", pincode="700001", gps="22.572600,88.363900",
    phone="9830000002", email="orders@hooghly-tea.example",
)  # fmt: skip
OIL_BUYER: Final = Party(
    name="Konkan Organic Stores (demo)", gstin="27AAECK2468P1Z8",
    address="12 Mint Road, Fort, Mumbai 400001", city="Mumbai", state="Maharashtra",
    std_code="022", pincode="400001", gps="18.938800,72.835400",
    phone="9820000003", email="purchase@konkan-organic.example",
)  # fmt: skip
SPICE_BUYER: Final = Party(
    name="Mall Road Spice House (demo)", gstin="02AAHFM1357Q1Z4",
    address="The Mall, Shimla 171001", city="Shimla", state="Himachal Pradesh",
    std_code="0177", pincode="171001", gps="31.104800,77.173400",
    phone="9816000004", email="stores@mallroad-spice.example",
)  # fmt: skip
RUMAL_BUYER_GSTIN: Final = "07AAKCD9753R1Z1"


@dataclass(frozen=True, slots=True)
class DemoLetter:
    """A demo letter of intent: who signed for what, at which agreed price."""

    reference: str
    buyer: str
    gstin: str
    district: str
    product: str
    seller: str
    sku: str
    quantity: int
    unit_price: str
    payment_type: str
    terms: str


DEMO_LETTERS: Final = (
    DemoLetter("HIM-MSME-2026-DEMO-01", EXPORTER.name, EXPORTER.gstin, "Kinnaur",
               "Kinnauri Shawl", "odopkinnaur", "odopkinnaur02", 40, "18000.00",
               "ON-FULFILLMENT", "40 pure-wool Kinnauri shawls for export, paid on delivery"),
    DemoLetter("HIM-MSME-2026-DEMO-02", TEA_BLENDER.name, TEA_BLENDER.gstin, "Kangra",
               "Kangra Tea", "odopkangra", "odopkangra01", 500, "165.00",
               "POST-FULFILLMENT", "500 packs of orthodox Kangra tea on 30 days' credit"),
    DemoLetter("HIM-MSME-2026-DEMO-03", OIL_BUYER.name, OIL_BUYER.gstin, "Kinnaur",
               "Chulli oil (wild apricot kernel)", "odopkinnaur", "odopkinnaur01", 300,
               "380.00", "ON-FULFILLMENT", "300 bottles of cold-pressed chulli oil"),
    DemoLetter("HIM-MSME-2026-DEMO-04", SPICE_BUYER.name, SPICE_BUYER.gstin, "Kinnaur",
               "Kala Zeera (black cumin)", "odopkinnaur", "odopkinnaur03", 100, "190.00",
               "ON-FULFILLMENT", "100 packs of Kinnauri kala zeera"),
    DemoLetter("HIM-MSME-2026-DEMO-05", "Delhi Heritage Crafts (demo)", RUMAL_BUYER_GSTIN,
               "Chamba", "Chamba Rumal", "odopchamba", "odopchamba01", 20, "21000.00",
               "PRE-FULFILLMENT", "20 embroidered Chamba rumals; no RFQ sent since"),
)  # fmt: skip
"""Five letters like the meet's; the fifth's buyer never sends an RFQ."""

# The sellers' B2B price lists (before GST) and terms, as they would enter them.
_PRICE_LISTS: Final = {
    ("odopkinnaur", "odopkinnaur02"): {
        "slabs": [{"min_quantity": 1, "max_quantity": 19, "unit_price": "19500"},
                  {"min_quantity": 20, "unit_price": "18500"}],
        "min_order_quantity": 10, "time_to_ship": "P7D", "tax_rate": "5", "origin": "IND",
    },
    ("odopkinnaur", "odopkinnaur01"): {
        "slabs": [{"min_quantity": 1, "unit_price": "400"}],
        "min_order_quantity": 50, "time_to_ship": "P3D", "tax_rate": "5", "origin": "IND",
    },
    ("odopkinnaur", "odopkinnaur03"): {
        "slabs": [{"min_quantity": 1, "unit_price": "200"}],
        "min_order_quantity": 20, "time_to_ship": "P2D", "tax_rate": "5", "origin": "IND",
    },
    ("odopkangra", "odopkangra01"): {
        "slabs": [{"min_quantity": 1, "max_quantity": 99, "unit_price": "190"},
                  {"min_quantity": 100, "unit_price": "170"}],
        "min_order_quantity": 50, "time_to_ship": "P2D", "tax_rate": "5", "origin": "IND",
    },
}  # fmt: skip
_TERMS: Final = {
    "odopkinnaur": {"payment_types": ["ON-FULFILLMENT", "PRE-FULFILLMENT"]},
    "odopkangra": {"payment_types": ["POST-FULFILLMENT", "ON-FULFILLMENT"]},
}
_FSSAI: Final = {"odopkinnaur": "10026011000101", "odopkangra": "10026011000102"}  # demo
_STOCK: Final = {"odopkinnaur02": 60, "odopkinnaur01": 400, "odopkinnaur03": 150,
                 "odopkangra01": 800}  # fmt: skip


def _tags(code: str, **values: str) -> dict[str, Any]:
    return {
        "descriptor": {"code": code},
        "list": [{"descriptor": {"code": k}, "value": v} for k, v in values.items()],
    }


def _end(party: Party) -> dict[str, Any]:
    return {
        "type": "end",
        "location": {
            "gps": party.gps, "address": party.address, "area_code": party.pincode,
            "city": {"name": party.city}, "state": {"name": party.state},
            "country": {"code": "IND"},
        },
        "contact": {"phone": party.phone, "email": party.email},
    }  # fmt: skip


def _buyer_id(party: Party) -> dict[str, Any]:
    return _tags("buyer_id", buyer_id_code="gst", buyer_id_no=party.gstin)


def _billing(party: Party) -> dict[str, Any]:
    return {
        "name": party.name, "address": party.address, "state": {"name": party.state},
        "city": {"name": party.city}, "tax_id": party.gstin, "email": party.email,
        "phone": party.phone,
    }  # fmt: skip


async def _search(journey: Journey, words: str, payment: str) -> dict[str, Any]:
    party = journey.party
    intent = {
        "item": {"descriptor": {"name": words}},
        "fulfillment": {"type": "Delivery", "stops": [
            {"type": "end", "location": {"gps": party.gps, "area_code": party.pincode}}]},
        "payment": {"type": payment},
        "tags": [_tags("bap_terms", finder_fee_type="percent", finder_fee_amount=_FINDER_FEE),
                 _buyer_id(party)],
    }  # fmt: skip
    return await journey.ask("search", {"intent": intent})


def _rfq(
    journey: Journey, provider: str, location: str, sku: str, count: int, payment: str,
    *, item_req: str, packaging_req: str, delivery_terms: dict[str, str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    fulfilment: dict[str, Any] = {"id": "1", "type": "Delivery", "stops": [_end(journey.party)]}
    if delivery_terms:
        fulfilment["tags"] = [_tags("DELIVERY_TERMS", **delivery_terms)]
    return {
        "order": {
            "provider": {"id": provider, "locations": [{"id": location}], "ttl": "P2D"},
            "items": [{
                "id": sku, "location_ids": [location], "fulfillment_ids": ["1"],
                "quantity": {"selected": {"count": count}},
                "tags": [_tags("BUYER_TERMS", ITEM_REQ=item_req, PACKAGING_REQ=packaging_req)],
            }],
            "fulfillments": [fulfilment],
            "payments": [{"type": payment}],
            "tags": [_buyer_id(journey.party)],
        }
    }  # fmt: skip


def _po_lines(quoted: dict[str, Any], party: Party, rfq: dict[str, Any]) -> dict[str, Any]:
    """The /init order: the quoted lines, the buyer's billing and delivery."""
    asked = rfq["order"]
    return {
        "provider": {"id": quoted["provider"]["id"],
                     "locations": quoted["provider"].get("locations", [])},
        "items": [{k: item[k] for k in ("id", "location_ids", "fulfillment_ids", "quantity",
                                        "tags") if k in item} for item in quoted["items"]],
        "billing": _billing(party),
        "fulfillments": asked["fulfillments"],
        "payments": [{"type": quoted["payments"][0]["type"],
                      "collected_by": quoted["payments"][0].get("collected_by", "BPP")}],
        "tags": [_buyer_id(party)],
    }  # fmt: skip


async def _purchase_order(
    journey: Journey, rfq: dict[str, Any], quoted: dict[str, Any], po_id: str,
    *, accept: str = "Y",
) -> dict[str, Any]:  # fmt: skip
    """/init then /confirm of the quotation; the on_confirm."""
    party = journey.party
    init = _po_lines(quoted, party, rfq)
    on_init = await journey.ask("init", {"order": init})
    if "error" in on_init:
        raise RuntimeError(f"on_init refused: {on_init['error']}")
    offered = on_init["message"]["order"]
    now = on_init["context"]["timestamp"]
    po = {
        **init, "id": po_id, "state": "Created",
        "quote": offered["quote"],
        "payments": [{**offered["payments"][0], "status": "NOT-PAID"}],
        "tags": [_buyer_id(party),
                 *[t for t in offered.get("tags", []) if t["descriptor"]["code"] == "bpp_terms"],
                 _tags("bap_terms", accept_bpp_terms=accept)],
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    if offered.get("cancellation_terms"):
        po["cancellation_terms"] = offered["cancellation_terms"]
    return await journey.ask("confirm", {"order": po})


def _provider_of(on_search: dict[str, Any], seller: str) -> tuple[str, str]:
    for provider in on_search["message"]["catalog"].get("providers", []):
        if provider["id"] == seller:
            return provider["id"], provider["locations"][0]["id"]
    raise RuntimeError(f"{seller} is not in the on_search catalogue")


class _Seller:
    """A seller's own API key and its B2B steps."""

    def __init__(self, http: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self._http = http
        self._headers = headers

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return lambda: self._http.post(path, json=body, headers=self._headers)

    def stage(self, order_id: str, stage: str, *, proof: str = "") -> Any:
        body: dict[str, Any] = {"stage": stage}
        if proof:
            body["proof_images"] = [f"https://odop.himachal.example/proof/{proof}.jpg"]
        return self.post(f"/seller/v1/b2b/orders/{order_id}/stage", body)

    def deliver(self, order_id: str, body: dict[str, Any]) -> Any:
        return self.post(f"/seller/v1/b2b/orders/{order_id}/deliveries", body)


async def _prepare(
    http: httpx.AsyncClient, admin: dict[str, str], entries: Sequence[Mapping[str, Any]]
) -> dict[str, _Seller]:
    """Each trading seller's FSSAI licence (food businesses trading B2B), key, B2B price
    lists, terms and bulk stock."""
    sellers: dict[str, _Seller] = {}
    for code in _TERMS:
        entry = next(e for e in entries if e["seller"]["code"] == code)
        record = {"seller": {**entry["seller"], "fssai": _FSSAI[code]},
                  "location": entry["location"]}  # fmt: skip
        (await http.put(f"/admin/v1/sellers/{code}", json=record, headers=admin)
         ).raise_for_status()  # fmt: skip
        made = await http.post(f"/admin/v1/sellers/{code}/keys", json={}, headers=admin)
        made.raise_for_status()
        headers = {"Authorization": f"Bearer {made.json()['api_key']}"}
        sellers[code] = _Seller(http, headers)
        (await http.put("/seller/v1/b2b/terms", json=_TERMS[code], headers=headers)
         ).raise_for_status()  # fmt: skip
        stock = [{"sku": sku, "available": count} for (seller, sku) in _PRICE_LISTS
                 if seller == code for count in (_STOCK[sku],)]  # fmt: skip
        (await http.patch("/seller/v1/stock", json={"items": stock}, headers=headers)
         ).raise_for_status()  # fmt: skip
        for (seller, sku), price_list in _PRICE_LISTS.items():
            if seller == code:
                put = await http.put(f"/seller/v1/b2b/items/{sku}", json=price_list,
                                     headers=headers)  # fmt: skip
                put.raise_for_status()
    return sellers


async def _sign_letters(
    http: httpx.AsyncClient, admin: dict[str, str], buyer_app: str, signed_on: date
) -> dict[str, int]:
    ids: dict[str, int] = {}
    for letter in DEMO_LETTERS:
        body = {
            "reference": letter.reference, "buyer_name": letter.buyer,
            "buyer_gstin": letter.gstin, "buyer_app_id": buyer_app,
            "district": letter.district, "product": letter.product,
            "value": str(letter.quantity * int(letter.unit_price.split(".")[0])),
            "payment_type": letter.payment_type, "terms": letter.terms,
            "signed_on": signed_on.isoformat(), "meet": _MEET, "figures_source": _SOURCE,
            "nodal_officer": "District Industries Centre (demo)", "demo": True,
            "items": [{"seller_code": letter.seller, "sku": letter.sku,
                       "quantity": letter.quantity, "unit_price": letter.unit_price}],
        }  # fmt: skip
        saved = await http.post("/admin/v1/loi/letters", json=body, headers=admin)
        if saved.status_code not in (200, 201):
            raise RuntimeError(f"letter {letter.reference}: {saved.status_code} {saved.text}")
        ids[letter.reference] = int(saved.json()["id"])
    return ids


async def _export_shawls(app: B2BBuyer, seller: _Seller) -> Journey:
    journey = app.journey("ONDC:RET12", EXPORTER)
    found = await _search(journey, "Kinnauri Shawl", "ON-FULFILLMENT")
    provider, location = _provider_of(found, "odopkinnaur")
    wants = {"item_req": "pure wool, natural dyes, 100 x 200 cm",
             "packaging_req": "each shawl in a cotton bag, 10 to a carton"}  # fmt: skip
    ddp = _rfq(
        journey,
        provider,
        location,
        "odopkinnaur02",
        40,
        "ON-FULFILLMENT",
        **wants,
        delivery_terms={"INCOTERMS": "DDP", "NAMED_PLACE_OF_DELIVERY": "New Delhi"},
    )
    refused = await journey.ask("select", ddp, ttl="P2D", label="_DDP")
    if (refused.get("error") or {}).get("code") != "50005":
        raise RuntimeError(f"the DDP RFQ was not refused with 50005: {refused.get('error')}")
    dap = _rfq(
        journey,
        provider,
        location,
        "odopkinnaur02",
        40,
        "ON-FULFILLMENT",
        **wants,
        delivery_terms={"INCOTERMS": "DAP", "NAMED_PLACE_OF_DELIVERY": "New Delhi"},
    )
    quoted = await journey.ask("select", dap, ttl="P2D", label="_DAP")
    if "error" in quoted:
        raise RuntimeError(f"the DAP RFQ was refused: {quoted['error']}")
    order = quoted["message"]["order"]
    confirmed = await _purchase_order(journey, dap, order, "PO-HLE-0001")
    if confirmed["message"]["order"].get("state") != "Accepted":
        raise RuntimeError(f"the PO was not accepted: {confirmed.get('error')}")
    po = "PO-HLE-0001"
    await journey.told(seller.stage(po, "Packed"), label="_PROFORMA_INVOICE")
    await journey.told(
        seller.stage(po, "Order-picked-up", proof=f"{po}-pickup"), label="_Order-picked-up"
    )
    await journey.told(seller.stage(po, "Out-for-delivery"), label="_Out-for-delivery")
    first = {
        "items": [{"sku": "odopkinnaur02", "count": 15}],
        "proof_images": ["https://odop.himachal.example/pod/PO-HLE-0001-1.jpg"],
    }
    await journey.told(seller.deliver(po, first), label="_delivery-1")
    rest = {"proof_images": ["https://odop.himachal.example/pod/PO-HLE-0001-2.jpg"]}
    done = await journey.told(seller.deliver(po, rest), label="_delivery-2")
    total = done["message"]["order"]["quote"]["price"]["value"]
    await journey.told(
        seller.post(f"/seller/v1/b2b/orders/{po}/payments",
                    {"amount": total, "reference": "UTR-HLE-0001"}),
        label="_PAID",
    )  # fmt: skip
    return journey


async def _credit_tea(app: B2BBuyer, seller: _Seller) -> Journey:
    journey = app.journey("ONDC:RET10", TEA_BLENDER)
    found = await _search(journey, "Kangra Tea", "POST-FULFILLMENT")
    provider, location = _provider_of(found, "odopkangra")
    rfq = _rfq(journey, provider, location, "odopkangra01", 500, "POST-FULFILLMENT",
               item_req="orthodox first flush, 250 g packs",
               packaging_req="packs in 5-ply cartons of 50")  # fmt: skip
    quoted = await journey.ask("select", rfq, ttl="P2D")
    if "error" in quoted:
        raise RuntimeError(f"the tea RFQ was refused: {quoted['error']}")
    po = "PO-HTB-0001"
    confirmed = await _purchase_order(journey, rfq, quoted["message"]["order"], po)
    if confirmed["message"]["order"].get("state") != "Accepted":
        raise RuntimeError(f"the PO was not accepted: {confirmed.get('error')}")
    await journey.told(seller.stage(po, "Packed"), label="_PROFORMA_INVOICE")
    await journey.told(
        seller.stage(po, "Order-picked-up", proof=f"{po}-pickup"), label="_Order-picked-up"
    )
    await journey.told(seller.stage(po, "Out-for-delivery"), label="_Out-for-delivery")
    done = await journey.told(
        seller.deliver(po, {"proof_images": ["https://odop.himachal.example/pod/HTB-1.jpg"]}),
        label="_Order-delivered",
    )
    # On credit: the buyer's NEFT reaches the seller after delivery, and the seller records it.
    total = done["message"]["order"]["quote"]["price"]["value"]
    paid = await journey.told(
        seller.post(f"/seller/v1/b2b/orders/{po}/payments",
                    {"amount": total, "reference": "NEFT-HTB-0001"}),
        label="_PAID",
    )  # fmt: skip
    if paid["message"]["order"]["payments"][0].get("status") != "PAID":
        raise RuntimeError("the credit payment was not recorded")
    return journey


async def _rejected_oil(app: B2BBuyer) -> Journey:
    journey = app.journey("ONDC:RET10", OIL_BUYER)
    found = await _search(journey, "Chulli oil", "ON-FULFILLMENT")
    provider, location = _provider_of(found, "odopkinnaur")
    rfq = _rfq(
        journey,
        provider,
        location,
        "odopkinnaur01",
        300,
        "ON-FULFILLMENT",
        item_req="cold pressed, 500 ml glass bottles",
        packaging_req="cartons of 24",
    )
    quoted = await journey.ask("select", rfq, ttl="P2D")
    if "error" in quoted:
        raise RuntimeError(f"the oil RFQ was refused: {quoted['error']}")
    # The buyer's PO does not accept the seller's liability and jurisdiction terms.
    refused = await _purchase_order(journey, rfq, quoted["message"]["order"], "PO-KOS-0001",
                                    accept="N")  # fmt: skip
    if (refused.get("error") or {}).get("code") != "30019":
        raise RuntimeError(f"the PO was not rejected with 30019: {refused.get('error')}")
    return journey


async def _cancelled_zeera(app: B2BBuyer) -> Journey:
    journey = app.journey("ONDC:RET10", SPICE_BUYER)
    found = await _search(journey, "Kala Zeera", "ON-FULFILLMENT")
    provider, location = _provider_of(found, "odopkinnaur")
    rfq = _rfq(
        journey,
        provider,
        location,
        "odopkinnaur03",
        100,
        "ON-FULFILLMENT",
        item_req="sun dried, cleaned",
        packaging_req="100 g pouches",
    )
    quoted = await journey.ask("select", rfq, ttl="P2D")
    if "error" in quoted:
        raise RuntimeError(f"the kala zeera RFQ was refused: {quoted['error']}")
    confirmed = await _purchase_order(journey, rfq, quoted["message"]["order"], "PO-MRS-0001")
    if confirmed["message"]["order"].get("state") != "Accepted":
        raise RuntimeError(f"the PO was not accepted: {confirmed.get('error')}")
    cancelled = await journey.ask(
        "cancel", {"order_id": "PO-MRS-0001", "cancellation_reason_id": "001"}
    )
    if cancelled["message"]["order"].get("state") != "Cancelled":
        raise RuntimeError(f"the cancellation was refused: {cancelled.get('error')}")
    return journey


JOURNEYS: Final = (
    ("RET12", "rfq-export-shawls", "odopkinnaur"),
    ("RET10", "credit-kangra-tea", "odopkangra"),
    ("RET10", "po-rejected-chulli-oil", None),
    ("RET10", "buyer-cancel-kala-zeera", None),
)
"""The demo's B2B folders: domain, name, the seller whose steps it takes (if any)."""


async def play_b2b(
    buyer: SandboxBuyer,
    buyer_url: str,
    adapter_url: str,
    seller_uri: str,
    seller_id: str,
    admin_key: str,
    logs_dir: Path,
    sellers: Sequence[Mapping[str, Any]],
    *,
    today: date,
    on_paper_days: int,
) -> list[Check]:
    """Sign the demo letters (at a meet ``on_paper_days`` + 1 days ago), play the B2B
    journeys, write and judge their folders, then read the LOI desk: each letter's stage
    and realised value, and the letter no RFQ followed flagged on paper."""
    admin = {"Authorization": f"Bearer {admin_key}"}
    checks: list[Check] = []
    async with httpx.AsyncClient(base_url=adapter_url, timeout=10.0) as http:
        try:
            steps = await _prepare(http, admin, sellers)
            letters = await _sign_letters(
                http, admin, buyer.subscriber_id, today - timedelta(days=on_paper_days + 1)
            )
        except (RuntimeError, httpx.HTTPError) as exc:
            return [Check("B2B set-up", False, f"{type(exc).__name__}: {exc}")]
        checks.append(Check("B2B letters", True, f"{len(letters)} demo letters of intent on the "
                            "LOI desk, sellers' B2B price lists and terms entered"))  # fmt: skip
        app = B2BBuyer(buyer, buyer_url, http, seller_id, seller_uri)
        plays = {
            "rfq-export-shawls": lambda: _export_shawls(app, steps["odopkinnaur"]),
            "credit-kangra-tea": lambda: _credit_tea(app, steps["odopkangra"]),
            "po-rejected-chulli-oil": lambda: _rejected_oil(app),
            "buyer-cancel-kala-zeera": lambda: _cancelled_zeera(app),
        }
        for domain, name, _seller in JOURNEYS:
            label = f"B2B {domain} {name}"
            try:
                journey = await plays[name]()
            except (RuntimeError, TimeoutError, httpx.HTTPError, KeyError) as exc:
                checks.append(Check(label, False, f"{type(exc).__name__}: {exc}"))
                continue
            folder = logs_dir / "b2b" / domain / name
            await asyncio.to_thread(write_journey, folder, journey.steps)
            problems = check_b2b(journey.steps)
            detail = (
                f"{len(journey.steps)} signed payloads, the B2B verifier's rules pass; "
                f"logs in {folder}"
                if not problems
                else "; ".join(f"{p.rule} {p.key}: {p.message}" for p in problems[:3])
            )
            checks.append(Check(label, not problems, detail))
        checks.append(await _desk(http, admin, letters))
    return checks


_EXPECTED: Final = {
    "HIM-MSME-2026-DEMO-01": ("paid", False),
    "HIM-MSME-2026-DEMO-02": ("paid", False),
    "HIM-MSME-2026-DEMO-03": ("quoted", False),  # its PO was rejected
    "HIM-MSME-2026-DEMO-04": ("signed", False),  # cancelled: counts for nothing, but moved
    "HIM-MSME-2026-DEMO-05": ("signed", True),  # no RFQ since the meet: on paper
}
"""Each demo letter's stage after the journeys, and whether the sweep flags it."""


async def _desk(http: httpx.AsyncClient, admin: dict[str, str], letters: dict[str, int]) -> Check:
    """The LOI desk after the journeys: every letter's stage as played, realised values,
    and the letter without an RFQ flagged on paper by the sweep."""
    (await http.post("/admin/v1/loi/sweep", headers=admin)).raise_for_status()
    shown: list[str] = []
    wrong: list[str] = []
    for reference, letter_id in letters.items():
        letter = (await http.get(f"/admin/v1/loi/letters/{letter_id}", headers=admin)).json()
        stage = letter.get("stage")
        flagged = bool(letter.get("on_paper"))
        expected, on_paper = _EXPECTED[reference]
        if (stage, flagged) != (expected, on_paper):
            wrong.append(f"{reference} {stage}, on paper {flagged} (expected {expected}, "
                         f"on paper {on_paper})")  # fmt: skip
        paid = int(letter.get("paid_paise") or 0) / 100
        shown.append(f"{reference[-2:]} {stage}{' ON PAPER' if flagged else ''}"
                      f"{f' Rs {paid:,.2f} paid' if paid else ''}")  # fmt: skip
    return Check("B2B LOI desk", not wrong, "; ".join(wrong or shown))
