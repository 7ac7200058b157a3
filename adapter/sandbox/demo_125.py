"""The demo's retail 1.2.5 part: Pramaan's flows for the GI goods of each domain, played
over real HTTP, written as flow folders and judged by the conformance gate, with the
timing figures Pramaan holds a seller to."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from adapter.registry.self_test import Check
from adapter.sandbox.buyer import SandboxBuyer
from adapter.sandbox.conformance import check
from adapter.sandbox.flows import seller_player
from adapter.sandbox.flows_125 import PLAYED, Pramaan125, timing_of, write_steps
from adapter.sandbox.validator_layout_125 import write_validator_flow

__all__ = ["play_flows_125"]


async def play_flows_125(
    buyer: SandboxBuyer,
    buyer_url: str,
    adapter_url: str,
    seller_uri: str,
    seller_id: str,
    admin_key: str,
    products: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    logs_dir: Path,
    validator_dir: Path,
) -> list[Check]:
    """For each (seller entry, item), the 1.2.5 flows of the item's domain, their folders
    written under ``logs_dir/<domain>/<flow id>`` and checked, and written again for ONDC's
    log-validation-utility under ``validator_dir/<domain>/flow<its id>``; then one check with the worst
    stamp and arrival delays of on_select, on_init and on_confirm against Pramaan's limits.
    The buyer stays in Shimla, so goods from other districts travel P2H2P."""
    checks: list[Check] = []
    admin = {"Authorization": f"Bearer {admin_key}"}
    worst_stamp = worst_arrival = timedelta(0)
    timed = 0
    async with httpx.AsyncClient(base_url=adapter_url, timeout=10.0) as http:
        for entry, item in products:
            code = entry["seller"]["code"]
            player = await seller_player(
                http,
                buyer=buyer,
                adapter_url=adapter_url,
                seller_uri=seller_uri,
                buyer_url=buyer_url,
                seller_id=seller_id,
                seller_code=code,
                admin=admin,
                version="1.2.5",
            )
            # The 1.2.0 flows leave the item short (flow 3 sells out its stock).
            await player.seller_stock(item["sku"], int(item["available"]))
            pramaan = Pramaan125(player)
            domain = item["domain"].removeprefix("ONDC:")
            for flow_id in PLAYED[item["domain"]]:
                name = f"1.2.5 {flow_id} {domain} ({item['name']})"
                try:
                    steps = await pramaan.play(flow_id, entry, item)
                except (RuntimeError, TimeoutError, httpx.HTTPError, KeyError) as exc:
                    checks.append(Check(name, False, f"{type(exc).__name__}: {exc}"))
                    continue
                folder = logs_dir / domain / flow_id
                await asyncio.to_thread(write_steps, folder, steps)
                await asyncio.to_thread(
                    write_validator_flow, validator_dir, item["domain"], flow_id, steps
                )
                problems = check(flow_id, steps)
                figures = timing_of(steps, _arrivals(buyer))
                timed += figures.callbacks
                worst_stamp = max(worst_stamp, figures.worst_stamp)
                worst_arrival = max(worst_arrival, figures.worst_arrival)
                detail = (
                    f"{len(steps)} messages, Pramaan's flow rules and the 1.2.5 field rules "
                    f"pass; logs in {folder}"
                    if not problems
                    else "; ".join(f"{p.rule} {p.key}: {p.message}" for p in problems[:3])
                )
                checks.append(Check(name, not problems, detail))
    within = worst_stamp <= timedelta(seconds=5) and worst_arrival <= timedelta(seconds=30)
    checks.append(
        Check(
            "1.2.5 timing",
            within,
            f"{timed} on_select/on_init/on_confirm: worst stamp {_ms(worst_stamp)} after the "
            f"request (limit 5000 ms), worst arrival {_ms(worst_arrival)} after it (ttl "
            "PT30S)",
        )
    )
    return checks


def _arrivals(buyer: SandboxBuyer) -> dict[str, datetime]:
    return {
        f"{r.payload.get('context', {}).get('action')} "
        f"{r.payload.get('context', {}).get('message_id')}": r.at
        for r in buyer.received
        if r.at is not None
    }


def _ms(span: timedelta) -> str:
    return f"{span.total_seconds() * 1000:.0f} ms"
