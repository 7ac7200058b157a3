"""The demo's retail 1.2.5 part: Pramaan's flows for the GI goods of each domain, played
over real HTTP, written as flow folders and judged by the conformance gate, with the
timing figures Pramaan holds a seller to."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

import httpx

from adapter.registry.self_test import Check
from adapter.sandbox.buyer import SandboxBuyer
from adapter.sandbox.conformance import check
from adapter.sandbox.flows import FlowPlayer, seller_player
from adapter.sandbox.flows_125 import OWN_GOODS, PLAYED, Pramaan125, timing_of, write_steps
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
    own_goods: Mapping[str, tuple[dict[str, Any], dict[str, Any]]] | None = None,
) -> list[Check]:
    """For each (seller entry, item), the 1.2.5 flows of the item's domain, their folders
    written under ``logs_dir/<domain>/<flow id>`` and checked, and written again for ONDC's
    log-validation-utility under ``validator_dir/<domain>/flow<its id>``; then one check
    with the worst stamp and arrival delays of on_select, on_init and on_confirm against
    Pramaan's limits.
    The buyer is in the seller's city (P2P), then once more in Shimla for an intercity
    (P2H2P) delivery. A flow of :data:`~adapter.sandbox.flows_125.OWN_GOODS` is played
    last, with its goods from ``own_goods`` (flow id -> seller entry and item)."""
    checks: list[Check] = []
    admin = {"Authorization": f"Bearer {admin_key}"}
    timing = _Timing()
    async with httpx.AsyncClient(base_url=adapter_url, timeout=10.0) as http:

        async def player_of(code: str) -> FlowPlayer:
            return await seller_player(
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

        for entry, item in products:
            # The goods travel to the buyer's own city, Shimla: an intercity (P2H2P)
            # delivery through the courier's hubs, for Pramaan's layout only. The buyer
            # then rates the seller and the item (/rating): the catalogue the flows below
            # search shows the averages (ONDC retail 1.2.5 catalogue ``rating``).
            far = Pramaan125(await player_of(entry["seller"]["code"]))
            await far.player.seller_stock(item["sku"], int(item["available"]))
            delivered = await _play(
                far, "Delivery_Flow", entry, item, logs_dir, checks, timing, folder=_P2H2P
            )
            if delivered is not None:
                checks.append(await _rate(far.player, entry, item, delivered))
            player = await player_of(entry["seller"]["code"])
            # The 1.2.0 flows leave the item short (flow 3 sells out its stock).
            await player.seller_stock(item["sku"], int(item["available"]))
            # As certification logs are made: the buyer in the seller's own city (the
            # log-validation-utility holds the search's city to the store's PIN code and
            # every order message to the search's city), so these orders travel P2P.
            player.buyer_near(entry)
            pramaan = Pramaan125(player)
            discovery: dict[str, Any] = {}
            for flow_id in PLAYED[item["domain"]]:
                if flow_id in OWN_GOODS:
                    continue
                steps = await _play(pramaan, flow_id, entry, item, logs_dir, checks, timing)
                if steps is None:
                    continue
                if flow_id == "Discovery_Flow_full_catalog":
                    discovery = steps
                await asyncio.to_thread(
                    write_validator_flow, validator_dir, item["domain"], flow_id, steps, discovery
                )
        for flow_id, (entry, item) in (own_goods or {}).items():
            # After every other flow: the goods change for this one (the Chamba rumal takes
            # a name to embroider), which no other flow's catalogue shows.
            player = await player_of(entry["seller"]["code"])
            await player.seller_stock(item["sku"], int(item["available"]))
            player.buyer_near(entry)
            await _play(Pramaan125(player), flow_id, entry, item, logs_dir, checks, timing)
    worst_stamp, worst_arrival, timed = timing.worst_stamp, timing.worst_arrival, timing.callbacks
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


_P2H2P: Final = "Delivery_Flow_P2H2P"
"""The folder of the intercity delivery (Pramaan's ``Delivery_Flow``, buyer in Shimla)."""


@dataclass
class _Timing:
    """The worst timing of the timed callbacks seen so far."""

    callbacks: int = 0
    worst_stamp: timedelta = timedelta(0)
    worst_arrival: timedelta = timedelta(0)


async def _play(
    pramaan: Pramaan125,
    flow_id: str,
    entry: dict[str, Any],
    item: dict[str, Any],
    logs_dir: Path,
    checks: list[Check],
    timing: _Timing,
    *,
    folder: str | None = None,
) -> dict[str, Any] | None:
    """Play one flow, write it under ``logs_dir/<domain>/<folder or flow id>``, check it
    (one :class:`Check` appended) and count its timing; its steps, or ``None`` if it could
    not be played."""
    domain = item["domain"].removeprefix("ONDC:")
    name = f"1.2.5 {folder or flow_id} {domain} ({item['name']})"
    try:
        steps = await pramaan.play(flow_id, entry, item)
    except (RuntimeError, TimeoutError, httpx.HTTPError, KeyError) as exc:
        checks.append(Check(name, False, f"{type(exc).__name__}: {exc}"))
        return None
    where = logs_dir / domain / (folder or flow_id)
    await asyncio.to_thread(write_steps, where, steps)
    problems = check(flow_id, steps)
    figures = timing_of(steps, _arrivals(pramaan.player.buyer))
    timing.callbacks += figures.callbacks
    timing.worst_stamp = max(timing.worst_stamp, figures.worst_stamp)
    timing.worst_arrival = max(timing.worst_arrival, figures.worst_arrival)
    detail = (
        f"{len(steps)} messages, Pramaan's flow rules and the 1.2.5 field rules pass; "
        f"logs in {where}"
        if not problems
        else "; ".join(f"{p.rule} {p.key}: {p.message}" for p in problems[:3])
    )
    checks.append(Check(name, not problems, detail))
    return steps


_RATINGS: Final = (("Provider", "5"), ("Item", "4"))
"""What the sandbox buyer thinks of a delivered order: the seller 5, the item 4."""


async def _rate(
    player: FlowPlayer, entry: dict[str, Any], item: dict[str, Any], steps: dict[str, Any]
) -> Check:
    """The buyer rates the seller and the item of a delivered order (/rating); a check of
    whether the seller app acknowledged it."""
    domain = item["domain"].removeprefix("ONDC:")
    name = f"1.2.5 rating {domain} ({item['name']})"
    ids = {"Provider": entry["seller"]["code"], "Item": item["sku"]}
    ratings = [
        {"rating_category": category, "id": ids[category], "value": value}
        for category, value in _RATINGS
    ]
    transaction_id = steps["select"]["context"]["transaction_id"]
    try:
        _, answer = await player.call(
            "rating", {"ratings": ratings}, transaction_id=transaction_id, domain=item["domain"]
        )
    except (RuntimeError, TimeoutError, httpx.HTTPError) as exc:
        return Check(name, False, f"{type(exc).__name__}: {exc}")
    acked = bool(answer.get("message", {}).get("rating_ack"))
    return Check(name, acked, "seller 5, item 4: on_rating rating_ack " + str(acked).lower())


def _arrivals(buyer: SandboxBuyer) -> dict[str, datetime]:
    return {
        f"{r.payload.get('context', {}).get('action')} "
        f"{r.payload.get('context', {}).get('message_id')}": r.at
        for r in buyer.received
        if r.at is not None
    }


def _ms(span: timedelta) -> str:
    return f"{span.total_seconds() * 1000:.0f} ms"
