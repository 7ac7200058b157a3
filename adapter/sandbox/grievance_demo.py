"""``ondc-seller demo``'s grievance flows: for a delivered order of a RET12 and a RET16
product (the Kullu shawl, the Chamba rumal), IGM 2.0.0 (``FLOW_1``; ``FLOW_2``, the seller's
complaint against the buyer app; and a buyer's complaint escalated to our grievance officer
under the ``FLOW_2`` keys) and IGM 1.0.0, written as ``<logs>/<domain>/igm2-flow1``,
``igm2-flow2``, ``igm2-escalation`` and ``igm1`` and checked with the conformance gate's
grievance rules."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Final

import httpx

from adapter.registry.self_test import Check
from adapter.sandbox.buyer import SandboxBuyer
from adapter.sandbox.flowcheck import write_flow_logs
from adapter.sandbox.flows import FlowPlayer
from adapter.sandbox.grievances import GrievancePlayer
from adapter.sandbox.grievances_seller import seller_complaint_flow
from adapter.sandbox.grievances_v1 import igm1_flow
from adapter.sandbox.igm_rules import IGM_FLOW_KEYS, check_igm

__all__ = ["GRIEVANCE_PRODUCTS", "play_grievances"]

# The Kullu shawl (RET12) and the Chamba rumal (RET16).
GRIEVANCE_PRODUCTS: Final = (("Kullu", 0), ("Chamba", 0))
# Each flow: its folder, the conformance rules that judge it, and how it is played.
_Play = Callable[[GrievancePlayer, dict[str, Any], str, str], Awaitable[dict[str, Any]]]
_FLOWS: Final[tuple[tuple[str, str, _Play], ...]] = (
    ("igm2-flow1", "IGM2_FLOW_1", GrievancePlayer.igm2_flow_1),
    ("igm2-flow2", "IGM2_FLOW_2", seller_complaint_flow),
    # Pramaan's "rejection with escalation" (a buyer's complaint) under the FLOW_2 keys:
    # the validator judges it with no named flow (its FLOW_2 parties are Flow2's).
    ("igm2-escalation", "IGM2_ESCALATION", GrievancePlayer.igm2_escalation),
    ("igm1", "IGM1", igm1_flow),
)


async def play_grievances(
    buyer: SandboxBuyer,
    buyer_url: str,
    adapter_url: str,
    seller_uri: str,
    seller_id: str,
    admin_key: str,
    logs_dir: Path,
    sellers: list[dict[str, Any]],
) -> list[Check]:
    """Each grievance flow for each product; its logs written and checked."""
    checks: list[Check] = []
    admin = {"Authorization": f"Bearer {admin_key}"}
    async with httpx.AsyncClient(base_url=adapter_url, timeout=10.0) as http:
        for district, index in GRIEVANCE_PRODUCTS:
            entry = next(s for s in sellers if s["seller"]["district"] == district)
            item = entry["items"][index]
            code = entry["seller"]["code"]
            made = await http.post(f"/admin/v1/sellers/{code}/keys", json={}, headers=admin)
            key = {"Authorization": f"Bearer {made.json()['api_key']}"}
            orders = _orders(http, key)
            player = FlowPlayer(
                buyer=buyer,
                http=http,
                adapter_url=f"{adapter_url}/ondc",
                seller_uri=seller_uri,
                buyer_url=buyer_url,
                seller_id=seller_id,
                seller_act=orders,
                seller_stock=_no_stock,
            )
            player.buyer_near(entry)
            grievances = GrievancePlayer(
                buyer=buyer,
                http=http,
                adapter_url=f"{adapter_url}/ondc",
                seller_uri=seller_uri,
                buyer_url=buyer_url,
                seller_id=seller_id,
                seller_desk=_desk(http, key),
                city=f"std:{entry['location']['std_code']}",
                seller_complaints=_complaints(http, key),
            )
            domain = item["domain"]
            for folder, rules, play in _FLOWS:
                name = f"IGM {folder} {domain.removeprefix('ONDC:')} ({item['name']})"
                try:
                    order, tx = await _delivered(player, entry, item)
                    payloads = await play(grievances, order, tx, domain)
                except (RuntimeError, TimeoutError, httpx.HTTPError) as exc:
                    checks.append(Check(name, False, f"{type(exc).__name__}: {exc}"))
                    continue
                kept = {k: v for k, v in payloads.items() if k in IGM_FLOW_KEYS[rules]}
                target = logs_dir / domain.removeprefix("ONDC:") / folder
                await asyncio.to_thread(write_flow_logs, target, kept)
                problems = check_igm(rules, payloads)
                detail = (
                    f"{len(kept)} signed payloads, grievance rules pass; logs in {target}"
                    if not problems
                    else "; ".join(f"{p.rule} {p.key}: {p.path} {p.message}" for p in problems[:3])
                )
                checks.append(Check(name, not problems, detail))
    return checks


async def _delivered(
    player: FlowPlayer, entry: dict[str, Any], item: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """A new order of one piece, delivered; the order as the buyer app holds it."""
    logs: dict[str, Any] = {}
    tx = str(uuid.uuid4())
    order_id = await player.order(logs, entry, item, transaction_id=tx)
    await player.deliver(logs, order_id, tx)
    order: dict[str, Any] = logs["on_status_delivered"]["message"]["order"]
    return order, tx


def _orders(
    http: httpx.AsyncClient, key: dict[str, str]
) -> Callable[[str, str, dict[str, Any] | None], Awaitable[httpx.Response]]:
    async def act(order_id: str, action: str, body: dict[str, Any] | None) -> httpx.Response:
        return await http.post(f"/seller/v1/orders/{order_id}/{action}", json=body, headers=key)

    return act


def _desk(
    http: httpx.AsyncClient, key: dict[str, str]
) -> Callable[[str, str, dict[str, Any] | None], Awaitable[httpx.Response]]:
    async def act(issue_id: str, step: str, body: dict[str, Any] | None) -> httpx.Response:
        listed = (await http.get("/seller/v1/issues", headers=key)).json()
        pk = next(i["id"] for i in listed if i["issue_id"] == issue_id)
        return await http.post(f"/seller/v1/issues/{pk}/{step}", json=body, headers=key)

    return act


def _complaints(
    http: httpx.AsyncClient, key: dict[str, str]
) -> Callable[[str, dict[str, Any] | None], Awaitable[httpx.Response]]:
    async def act(suffix: str, body: dict[str, Any] | None) -> httpx.Response:
        return await http.post(f"/seller/v1/complaints{suffix}", json=body, headers=key)

    return act


async def _no_stock(sku: str, count: int) -> None:
    raise RuntimeError("the grievance flows do not change stock")
