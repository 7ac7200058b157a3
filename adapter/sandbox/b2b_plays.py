"""The demo's B2B journeys, each one transaction played by the sandbox B2B buyer app over
real signed HTTP, with the sellers' steps through their own API keys
(``adapter.sandbox.demo_b2b`` sets the stage, writes the folders and reads the LOI desk):

- ``export_shawls`` (RET12): an export house's RFQ for Kinnauri shawls asks delivered
  duty paid (DDP) and is refused with 50005 naming why; it selects again, delivered at place
  (DAP), in the same transaction, and is quoted its letter's price; PO (init with the
  seller's terms, confirm accepting them), proforma invoice, the advance its buyer app
  collected reported by ``update``, pick-up with the tax invoice, two split deliveries;
- ``credit_tea`` (RET10): a tea blender's letter on credit (POST-FULFILLMENT): PO,
  proforma, delivery with the tax invoice, then the payment the seller records;
- ``minimum_order_zeera`` (RET10): a store's RFQ below the seller's minimum order value,
  refused with 30023 naming it, then one for enough in the same transaction, quoted;
- ``rejected_oil`` (RET10): a PO that does not accept the seller's terms, rejected with
  30019 and the reason;
- ``cancelled_zeera`` (RET10): a PO the buyer cancels before dispatch;
- ``pickup_tea`` (RET10): a Dharamshala hotel collects its Kangra tea at the seller's
  store (``Self-Pickup``, quoted with no delivery charge): PO, the proforma as the goods are
  packed and ready, handed over with proof and the tax invoice (the order ``Completed``),
  then paid at the counter, which the seller records;
- ``countered_paste`` (RET10): a flight kitchen's RFQ with its own packing terms, held for
  the seller (its RFQ rules), who counters it by hand; the waiting ``on_select`` carries
  the counter-offer, which the buyer turns into a PO.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Final

import httpx

from adapter.sandbox.b2b_demo_data import (
    CATERER,
    COUNTER_PRICE,
    EXPORTER,
    FINDER_FEE,
    HOTELIER,
    OIL_BUYER,
    SPICE_BUYER,
    TEA_BLENDER,
)  # fmt: skip
from adapter.sandbox.b2b_journey import (
    B2BBuyer,
    Journey,
    Party,
    advance_paid,
    fulfilment_of,
    pickup_stop,
    provider_of,
    purchase_order,
    rfq_order,
    search,
)  # fmt: skip

__all__ = [
    "Rfq", "SellerSteps", "cancelled_zeera", "countered_paste", "credit_tea", "export_shawls",
    "minimum_order_zeera", "pickup_tea", "rejected_oil",
]  # fmt: skip

_HELD_SECONDS: Final = 30.0
"""How long the seller looks for the held RFQ: the dispatcher holds it on its first try."""


class SellerSteps:
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

    async def held_rfq(self, transaction_id: str) -> int:
        """The id of this transaction's RFQ awaiting the seller's decision, as its seller
        finds it in ``GET /seller/v1/b2b/rfqs?state=pending``."""
        loop = asyncio.get_running_loop()
        until = loop.time() + _HELD_SECONDS
        while loop.time() < until:
            listed = await self._http.get("/seller/v1/b2b/rfqs", params={"state": "pending"},
                                          headers=self._headers)  # fmt: skip
            listed.raise_for_status()
            for held in listed.json():
                if held["transaction_id"] == transaction_id:
                    return int(held["id"])
            await asyncio.sleep(0.2)
        raise RuntimeError(f"no RFQ of {transaction_id} was held for its seller")


async def export_shawls(app: B2BBuyer, seller: SellerSteps) -> Journey:
    journey = app.journey("ONDC:RET12", EXPORTER)
    found = await search(journey, "Kinnauri Shawl", "PRE-FULFILLMENT", finder_fee=FINDER_FEE)
    provider, location = provider_of(found, "odopkinnaur")
    wants = {"item_req": "pure wool, natural dyes, 100 x 200 cm",
             "packaging_req": "each shawl in a cotton bag, 10 to a carton"}  # fmt: skip

    def rfq(incoterm: str) -> dict[str, Any]:
        return rfq_order(journey, provider, location, "odopkinnaur02", 40, "PRE-FULFILLMENT",
                         **wants, collected_by="BAP",
                         delivery_terms={"INCOTERMS": incoterm,
                                         "NAMED_PLACE_OF_DELIVERY": "New Delhi"})  # fmt: skip

    refused = await journey.ask("select", rfq("DDP"), ttl="P2D", label="_DDP")
    if (refused.get("error") or {}).get("code") != "50005":
        raise RuntimeError(f"the DDP RFQ was not refused with 50005: {refused.get('error')}")
    dap = rfq("DAP")
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
class Rfq:
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


async def _quoted(app: B2BBuyer, ask: Rfq) -> tuple[Journey, dict[str, Any], dict[str, Any]]:
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


async def minimum_order_zeera(app: B2BBuyer) -> Journey:
    """A first RFQ below the seller's minimum order value, refused with 30023 naming it,
    then one for enough in the same transaction, quoted. The buyer goes no further: ONDC's
    B2B verifier judges a transaction's ``on_init`` against its first quotation, the
    refused one (docs/b2b.md)."""
    ask = Rfq("ONDC:RET10", OIL_BUYER, "Kala Zeera", "odopkinnaur", "odopkinnaur03", 100,
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


async def _ordered(app: B2BBuyer, ask: Rfq, buyer: str) -> tuple[Journey, str]:
    """A quoted RFQ turned into a purchase order the seller accepts: the journey, the PO."""
    journey, rfq, quotation = await _quoted(app, ask)
    po = journey.po_number(buyer)
    confirmed = await purchase_order(journey, rfq, quotation, po)
    if confirmed["message"]["order"].get("state") != "Accepted":
        raise RuntimeError(f"the PO was not accepted: {confirmed.get('error')}")
    return journey, po


async def credit_tea(app: B2BBuyer, seller: SellerSteps) -> Journey:
    ask = Rfq("ONDC:RET10", TEA_BLENDER, "Kangra Tea", "odopkangra", "odopkangra01", 500,
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


async def pickup_tea(app: B2BBuyer, seller: SellerSteps) -> Journey:
    """ONDC B2B 2.0.2's ``B2B_Self_Pickup`` flow: the buyer collects at the seller's store."""
    journey = app.journey("ONDC:RET10", HOTELIER)
    found = await search(journey, "Kangra Tea", "ON-FULFILLMENT", finder_fee=FINDER_FEE)
    provider, location = provider_of(found, "odopkangra")
    rfq = rfq_order(journey, provider, location, "odopkangra01", 100, "ON-FULFILLMENT",
                    item_req="orthodox green tea, 100 g tins", packaging_req="cartons of 20",
                    pickup=fulfilment_of(found, "odopkangra", "Self-Pickup"))  # fmt: skip
    quoted = await journey.ask("select", rfq, ttl="P2D")
    if "error" in quoted:
        raise RuntimeError(f"the self-pickup RFQ was refused: {quoted['error']}")
    # The PO names where and who collects (the contract's init has the pick-up's stop).
    [asked] = rfq["order"]["fulfillments"]
    stop = pickup_stop(found, "odopkangra", HOTELIER)
    placed = {"order": {**rfq["order"], "fulfillments": [{**asked, "stops": [stop]}]}}
    po = journey.po_number("DHH")
    confirmed = await purchase_order(journey, placed, quoted["message"]["order"], po)
    if confirmed["message"]["order"].get("state") != "Accepted":
        raise RuntimeError(f"the PO was not accepted: {confirmed.get('error')}")
    await journey.told(seller.stage(po, "Packed"), label="_PROFORMA_INVOICE")
    handed = await journey.told(
        seller.stage(po, "Order-picked-up", proof=f"{po}-pickup"), label="_Order-picked-up"
    )
    if handed["message"]["order"].get("state") != "Completed":
        raise RuntimeError("the self-pickup handed over did not complete the order")
    total = handed["message"]["order"]["quote"]["price"]["value"]
    await journey.told(
        seller.post(f"/seller/v1/b2b/orders/{po}/payments",
                    {"amount": total, "reference": f"UPI-{po}"}),
        label="_PAID",
    )  # fmt: skip
    return journey


async def rejected_oil(app: B2BBuyer) -> Journey:
    ask = Rfq("ONDC:RET10", OIL_BUYER, "Chulli oil", "odopkinnaur", "odopkinnaur01", 300,
               "ON-FULFILLMENT", "cold pressed, 500 ml glass bottles", "cartons of 24")  # fmt: skip
    journey, rfq, quotation = await _quoted(app, ask)
    # The buyer's PO does not accept the seller's liability and jurisdiction terms.
    po = journey.po_number("KOS")
    refused = await purchase_order(journey, rfq, quotation, po, accept="N")
    if (refused.get("error") or {}).get("code") != "30019":
        raise RuntimeError(f"the PO was not rejected with 30019: {refused.get('error')}")
    return journey


async def cancelled_zeera(app: B2BBuyer) -> Journey:
    ask = Rfq("ONDC:RET10", SPICE_BUYER, "Kala Zeera", "odopkinnaur", "odopkinnaur03", 100,
               "ON-FULFILLMENT", "sun dried, cleaned", "100 g pouches")  # fmt: skip
    journey, po = await _ordered(app, ask, "MRS")
    cancelled = await journey.ask("cancel", {"order_id": po, "cancellation_reason_id": "001"})
    if cancelled["message"]["order"].get("state") != "Cancelled":
        raise RuntimeError(f"the cancellation was refused: {cancelled.get('error')}")
    return journey


async def countered_paste(app: B2BBuyer, seller: SellerSteps) -> Journey:
    """The seller's rules hold an RFQ with the buyer's own terms for its decision; it
    counters with its own price, carried by the RFQ's ``on_select``; PO accepted."""
    ask = Rfq("ONDC:RET10", CATERER, "Ginger-garlic paste", "odopsirmaur", "odopsirmaur01",
              600, "ON-FULFILLMENT", "no added preservatives, 500 g jars",
              "jars in catering cartons of 24")  # fmt: skip
    journey = app.journey(ask.domain, ask.party)
    found = await search(journey, ask.words, ask.payment, finder_fee=FINDER_FEE)
    provider, location = provider_of(found, ask.seller)
    # A window of 15 minutes (the provider's ttl and the /select's): the seller's 10-minute
    # decision window fits in it.
    rfq = rfq_order(journey, provider, location, ask.sku, ask.count, ask.payment,
                    item_req=ask.item_req, packaging_req=ask.packaging_req,
                    window="PT15M")  # fmt: skip

    async def counter() -> None:
        held = await seller.held_rfq(journey.transaction_id)
        body = {"items": [{"sku": ask.sku, "unit_price": COUNTER_PRICE}], "quote_ttl": "P7D"}
        answer = await seller.post(f"/seller/v1/b2b/rfqs/{held}/counter", body)()
        if not answer.is_success:
            raise RuntimeError(f"the counter-offer answered {answer.status_code}: {answer.text}")

    quoted = await journey.ask("select", rfq, ttl="PT15M", meanwhile=counter)
    if "error" in quoted:
        raise RuntimeError(f"the held RFQ was refused: {quoted['error']}")
    order = quoted["message"]["order"]
    line = next(b for b in order["quote"]["breakup"] if b["@ondc/org/title_type"] == "item")
    if line["item"]["price"]["value"] != COUNTER_PRICE:
        raise RuntimeError(f"the on_select did not carry the counter-offer: {line}")
    confirmed = await purchase_order(journey, rfq, order, journey.po_number("DFK"))
    if confirmed["message"]["order"].get("state") != "Accepted":
        raise RuntimeError(f"the PO was not accepted: {confirmed.get('error')}")
    return journey
