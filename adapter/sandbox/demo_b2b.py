"""The demo's B2B 2.0.2 part: letters of intent like those signed at a buyer-seller meet
(marked as demo data) turned into trade by a B2B buyer app over real signed HTTP.

The sellers' B2B price lists, terms, RFQ rules and stock are entered and the letters
signed; then the journeys of ``adapter.sandbox.b2b_plays`` are played, one transaction
each, written under ``logs/b2b/<domain>/<name>`` in the layout of ONDC's B2B log verifier
and judged by the conformance gate's B2B rules. A fifth letter's buyer never sends an RFQ:
the LOI desk's sweep flags it "on paper".
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

import httpx

from adapter.registry.self_test import Check
from adapter.sandbox.b2b_demo_data import (
    DEMO_LETTERS,
    EXPECTED_STAGES,
    FSSAI,
    MEET,
    PRICE_LISTS,
    RFQ_RULES,
    SELLER_TERMS,
    SOURCE,
    STOCK,
)  # fmt: skip
from adapter.sandbox.b2b_journey import B2BBuyer, write_journey
from adapter.sandbox.b2b_plays import (
    SellerSteps,
    cancelled_zeera,
    countered_paste,
    credit_tea,
    export_shawls,
    minimum_order_zeera,
    pickup_tea,
    rejected_oil,
)  # fmt: skip
from adapter.sandbox.b2b_rules import check_b2b
from adapter.sandbox.buyer import SandboxBuyer

__all__ = ["DEMO_LETTERS", "play_b2b"]


async def _prepare(
    http: httpx.AsyncClient, admin: dict[str, str], entries: Sequence[Mapping[str, Any]]
) -> dict[str, SellerSteps]:
    """Each trading seller's FSSAI licence (food businesses trading B2B), key, B2B price
    lists, terms and bulk stock."""
    sellers: dict[str, SellerSteps] = {}
    for code in SELLER_TERMS:
        entry = next(e for e in entries if e["seller"]["code"] == code)
        record = {"seller": {**entry["seller"], "fssai": FSSAI[code]},
                  "location": entry["location"]}  # fmt: skip
        (await http.put(f"/admin/v1/sellers/{code}", json=record, headers=admin)
         ).raise_for_status()  # fmt: skip
        made = await http.post(f"/admin/v1/sellers/{code}/keys", json={}, headers=admin)
        made.raise_for_status()
        headers = {"Authorization": f"Bearer {made.json()['api_key']}"}
        sellers[code] = SellerSteps(http, headers)
        (await http.put("/seller/v1/b2b/terms", json=SELLER_TERMS[code], headers=headers)
         ).raise_for_status()  # fmt: skip
        rules = RFQ_RULES.get(code, {"review": "off"})
        (await http.put("/seller/v1/b2b/rfq-rules", json=rules, headers=headers)
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


JOURNEYS: Final = (
    ("RET12", "rfq-export-shawls", "odopkinnaur"),
    ("RET10", "credit-kangra-tea", "odopkangra"),
    ("RET10", "po-rejected-chulli-oil", None),
    ("RET10", "buyer-cancel-kala-zeera", None),
    ("RET10", "minimum-order-kala-zeera", None),
    ("RET10", "rfq-countered-ginger-garlic", "odopsirmaur"),
    ("RET10", "self-pickup-kangra-tea", "odopkangra"),
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
            "rfq-export-shawls": lambda: export_shawls(app, steps["odopkinnaur"]),
            "credit-kangra-tea": lambda: credit_tea(app, steps["odopkangra"]),
            "po-rejected-chulli-oil": lambda: rejected_oil(app),
            "buyer-cancel-kala-zeera": lambda: cancelled_zeera(app),
            "minimum-order-kala-zeera": lambda: minimum_order_zeera(app),
            "rfq-countered-ginger-garlic": lambda: countered_paste(app, steps["odopsirmaur"]),
            "self-pickup-kangra-tea": lambda: pickup_tea(app, steps["odopkangra"]),
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
