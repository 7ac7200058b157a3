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
- ``minimum-order-kala-zeera`` (RET10): a store's RFQ below the seller's minimum order
  value, refused with 30023 naming it, then one for enough in the same transaction,
  quoted;
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
from adapter.sandbox.b2b_demo_data import (
    DEMO_LETTERS,
    EXPECTED_STAGES,
    EXPORTER,
    FINDER_FEE,
    FSSAI,
    MEET,
    OIL_BUYER,
    PRICE_LISTS,
    SELLER_TERMS,
    SOURCE,
    SPICE_BUYER,
    STOCK,
    TEA_BLENDER,
)  # fmt: skip
from adapter.sandbox.b2b_journey import (
    B2BBuyer,
    Journey,
    Party,
    advance_paid,
    provider_of,
    purchase_order,
    rfq_order,
    search,
    write_journey,
)  # fmt: skip
from adapter.sandbox.b2b_rules import check_b2b
from adapter.sandbox.buyer import SandboxBuyer

__all__ = ["DEMO_LETTERS", "play_b2b"]


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
    for code in SELLER_TERMS:
        entry = next(e for e in entries if e["seller"]["code"] == code)
        record = {"seller": {**entry["seller"], "fssai": FSSAI[code]},
                  "location": entry["location"]}  # fmt: skip
        (await http.put(f"/admin/v1/sellers/{code}", json=record, headers=admin)
         ).raise_for_status()  # fmt: skip
        made = await http.post(f"/admin/v1/sellers/{code}/keys", json={}, headers=admin)
        made.raise_for_status()
        headers = {"Authorization": f"Bearer {made.json()['api_key']}"}
        sellers[code] = _Seller(http, headers)
        (await http.put("/seller/v1/b2b/terms", json=SELLER_TERMS[code], headers=headers)
         ).raise_for_status()  # fmt: skip
        stock = [{"sku": sku, "available": count} for (seller, sku) in PRICE_LISTS
                 if seller == code for count in (STOCK[sku],)]  # fmt: skip
        (await http.patch("/seller/v1/stock", json={"items": stock}, headers=headers)
         ).raise_for_status()  # fmt: skip
        for (seller, sku), price_list in PRICE_LISTS.items():
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
            "signed_on": signed_on.isoformat(), "meet": MEET, "figures_source": SOURCE,
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
    found = await search(journey, "Kinnauri Shawl", "PRE-FULFILLMENT", finder_fee=FINDER_FEE)
    provider, location = provider_of(found, "odopkinnaur")
    wants = {"item_req": "pure wool, natural dyes, 100 x 200 cm",
             "packaging_req": "each shawl in a cotton bag, 10 to a carton"}  # fmt: skip
    ddp = rfq_order(
        journey,
        provider,
        location,
        "odopkinnaur02",
        40,
        "PRE-FULFILLMENT",
        **wants,
        delivery_terms={"INCOTERMS": "DDP", "NAMED_PLACE_OF_DELIVERY": "New Delhi"},
        collected_by="BAP",
    )
    refused = await journey.ask("select", ddp, ttl="P2D", label="_DDP")
    if (refused.get("error") or {}).get("code") != "50005":
        raise RuntimeError(f"the DDP RFQ was not refused with 50005: {refused.get('error')}")
    dap = rfq_order(
        journey,
        provider,
        location,
        "odopkinnaur02",
        40,
        "PRE-FULFILLMENT",
        **wants,
        delivery_terms={"INCOTERMS": "DAP", "NAMED_PLACE_OF_DELIVERY": "New Delhi"},
        collected_by="BAP",
    )
    quoted = await journey.ask("select", dap, ttl="P2D", label="_DAP")
    if "error" in quoted:
        raise RuntimeError(f"the DAP RFQ was refused: {quoted['error']}")
    order = quoted["message"]["order"]
    po = journey.po_number("HLE")
    confirmed = await purchase_order(journey, dap, order, po)
    if confirmed["message"]["order"].get("state") != "Accepted":
        raise RuntimeError(f"the PO was not accepted: {confirmed.get('error')}")
    await journey.told(seller.stage(po, "Packed"), label="_PROFORMA_INVOICE")
    # The exporter pays the proforma in advance through its buyer app, which reports it.
    await advance_paid(journey, po, confirmed["message"]["order"])
    await journey.told(
        seller.stage(po, "Order-picked-up", proof=f"{po}-pickup"), label="_Order-picked-up"
    )
    await journey.told(seller.stage(po, "Out-for-delivery"), label="_Out-for-delivery")
    first = {
        "items": [{"sku": "odopkinnaur02", "count": 15}],
        "proof_images": [f"https://odop.himachal.example/pod/{po}-1.jpg"],
    }
    await journey.told(seller.deliver(po, first), label="_delivery-1")
    rest = {"proof_images": [f"https://odop.himachal.example/pod/{po}-2.jpg"]}
    await journey.told(seller.deliver(po, rest), label="_delivery-2")
    return journey


@dataclass(frozen=True, slots=True)
class _Rfq:
    """What a buyer asks for in an RFQ of one line."""

    domain: str
    party: Party
    words: str
    seller: str
    sku: str
    count: int
    payment: str
    item_req: str
    packaging_req: str


async def _quoted(app: B2BBuyer, ask: _Rfq) -> tuple[Journey, dict[str, Any], dict[str, Any]]:
    """Search, then an RFQ of one line, in a fresh transaction: the journey, the RFQ and
    the quotation (an RFQ refused is an error)."""
    journey = app.journey(ask.domain, ask.party)
    found = await search(journey, ask.words, ask.payment, finder_fee=FINDER_FEE)
    provider, location = provider_of(found, ask.seller)
    rfq = rfq_order(journey, provider, location, ask.sku, ask.count, ask.payment,
                    item_req=ask.item_req, packaging_req=ask.packaging_req)  # fmt: skip
    quoted = await journey.ask("select", rfq, ttl="P2D")
    if "error" in quoted:
        raise RuntimeError(f"the RFQ for {ask.words} was refused: {quoted['error']}")
    return journey, rfq, quoted["message"]["order"]


async def _minimum_order_zeera(app: B2BBuyer) -> Journey:
    """A first RFQ below the seller's minimum order value, refused with 30023 naming it,
    then one for enough in the same transaction, quoted. The buyer goes no further: ONDC's
    B2B verifier judges a transaction's ``on_init`` against its first quotation, the
    refused one (docs/b2b.md)."""
    ask = _Rfq("ONDC:RET10", OIL_BUYER, "Kala Zeera", "odopkinnaur", "odopkinnaur03", 100,
               "ON-FULFILLMENT", "sun dried, cleaned", "250 g pouches")  # fmt: skip
    journey = app.journey(ask.domain, ask.party)
    found = await search(journey, ask.words, ask.payment, finder_fee=FINDER_FEE)
    provider, location = provider_of(found, ask.seller)
    small = rfq_order(journey, provider, location, ask.sku, ask.count // 5, ask.payment,
                      item_req=ask.item_req, packaging_req=ask.packaging_req)  # fmt: skip
    refused = await journey.ask("select", small, ttl="P2D", label="_below_minimum")
    if (refused.get("error") or {}).get("code") != "30023":
        raise RuntimeError(f"the small RFQ was not refused with 30023: {refused.get('error')}")
    rfq = rfq_order(journey, provider, location, ask.sku, ask.count, ask.payment,
                    item_req=ask.item_req, packaging_req=ask.packaging_req)  # fmt: skip
    quoted = await journey.ask("select", rfq, ttl="P2D", label="_above_minimum")
    if "error" in quoted:
        raise RuntimeError(f"the RFQ for {ask.words} was refused: {quoted['error']}")
    return journey


async def _ordered(app: B2BBuyer, ask: _Rfq, buyer: str) -> tuple[Journey, str]:
    """A quoted RFQ turned into a purchase order the seller accepts: the journey, the PO."""
    journey, rfq, quotation = await _quoted(app, ask)
    po = journey.po_number(buyer)
    confirmed = await purchase_order(journey, rfq, quotation, po)
    if confirmed["message"]["order"].get("state") != "Accepted":
        raise RuntimeError(f"the PO was not accepted: {confirmed.get('error')}")
    return journey, po


async def _credit_tea(app: B2BBuyer, seller: _Seller) -> Journey:
    ask = _Rfq("ONDC:RET10", TEA_BLENDER, "Kangra Tea", "odopkangra", "odopkangra01", 500,
               "POST-FULFILLMENT", "orthodox first flush, 250 g packs",
               "packs in 5-ply cartons of 50")  # fmt: skip
    journey, po = await _ordered(app, ask, "HTB")
    await journey.told(seller.stage(po, "Packed"), label="_PROFORMA_INVOICE")
    await journey.told(
        seller.stage(po, "Order-picked-up", proof=f"{po}-pickup"), label="_Order-picked-up"
    )
    await journey.told(seller.stage(po, "Out-for-delivery"), label="_Out-for-delivery")
    done = await journey.told(
        seller.deliver(po, {"proof_images": [f"https://odop.himachal.example/pod/{po}.jpg"]}),
        label="_Order-delivered",
    )
    # On credit: the buyer's NEFT reaches the seller after delivery, and the seller records it.
    total = done["message"]["order"]["quote"]["price"]["value"]
    paid = await journey.told(
        seller.post(f"/seller/v1/b2b/orders/{po}/payments",
                    {"amount": total, "reference": f"NEFT-{po}"}),
        label="_PAID",
    )  # fmt: skip
    if paid["message"]["order"]["payments"][0].get("status") != "PAID":
        raise RuntimeError("the credit payment was not recorded")
    return journey


async def _rejected_oil(app: B2BBuyer) -> Journey:
    ask = _Rfq("ONDC:RET10", OIL_BUYER, "Chulli oil", "odopkinnaur", "odopkinnaur01", 300,
               "ON-FULFILLMENT", "cold pressed, 500 ml glass bottles", "cartons of 24")  # fmt: skip
    journey, rfq, quotation = await _quoted(app, ask)
    # The buyer's PO does not accept the seller's liability and jurisdiction terms.
    po = journey.po_number("KOS")
    refused = await purchase_order(journey, rfq, quotation, po, accept="N")
    if (refused.get("error") or {}).get("code") != "30019":
        raise RuntimeError(f"the PO was not rejected with 30019: {refused.get('error')}")
    return journey


async def _cancelled_zeera(app: B2BBuyer) -> Journey:
    ask = _Rfq("ONDC:RET10", SPICE_BUYER, "Kala Zeera", "odopkinnaur", "odopkinnaur03", 100,
               "ON-FULFILLMENT", "sun dried, cleaned", "100 g pouches")  # fmt: skip
    journey, po = await _ordered(app, ask, "MRS")
    cancelled = await journey.ask("cancel", {"order_id": po, "cancellation_reason_id": "001"})
    if cancelled["message"]["order"].get("state") != "Cancelled":
        raise RuntimeError(f"the cancellation was refused: {cancelled.get('error')}")
    return journey


JOURNEYS: Final = (
    ("RET12", "rfq-export-shawls", "odopkinnaur"),
    ("RET10", "credit-kangra-tea", "odopkangra"),
    ("RET10", "po-rejected-chulli-oil", None),
    ("RET10", "buyer-cancel-kala-zeera", None),
    ("RET10", "minimum-order-kala-zeera", None),
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
            "minimum-order-kala-zeera": lambda: _minimum_order_zeera(app),
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
                f"{len(journey.steps)} signed payloads, the gate's B2B rules pass; logs in {folder}"
                if not problems
                else "; ".join(f"{p.rule} {p.key}: {p.message}" for p in problems[:3])
            )
            checks.append(Check(label, not problems, detail))
        checks.append(await _desk(http, admin, letters))
    return checks


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
        expected, on_paper = EXPECTED_STAGES[reference]
        if (stage, flagged) != (expected, on_paper):
            wrong.append(f"{reference} {stage}, on paper {flagged} (expected {expected}, "
                         f"on paper {on_paper})")  # fmt: skip
        paid = int(letter.get("paid_paise") or 0) / 100
        shown.append(f"{reference[-2:]} {stage}{' ON PAPER' if flagged else ''}"
                      f"{f' Rs {paid:,.2f} paid' if paid else ''}")  # fmt: skip
    return Check("B2B LOI desk", not wrong, "; ".join(wrong or shown))
