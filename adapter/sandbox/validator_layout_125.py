"""Retail 1.2.5 flows in the layout of ONDC's log-validation-utility.

The demo writes each Pramaan flow as ``NN_<step>.json`` under the step names of Pramaan's
flow catalogue (``flows_125.write_steps``). ONDC's log-validation-utility judges 1.2.5 logs
differently: a request ``{"version": "1.2.5", "flow": <id>, "payload": {<key>: body}}``
whose flow ids are its own (``"2"`` delivery, ``"3"`` out of stock, ``"4"`` cancel, ``"5"``
part cancel then RTO, ``"8"`` a full-catalogue search, ...) and whose payload keys are
those of its ``ApiSequence`` table (``search_full_catalog_refresh``, ``on_status_delivered``,
``on_status_rto_delivered/disposed``, ...). Checked against the utility at commit c3d10fe
(``shared/validateRetailLogsV2.ts``); the same flow ids and keys hold at its newest commit.

:data:`VALIDATOR_FLOWS` maps a Pramaan flow to the utility's flow id, :data:`PAYLOAD_KEYS`
maps a step name to its payload key, and :func:`write_validator_flow` writes one flow as
``<root>/<DOM>/flow<id>/<key>.json``: the folder layout of the 1.2.0 logs, so one runner
(``scripts/validate-logs``) posts both. :data:`NOT_JUDGED` says which played flows the
utility has no matching flow for, and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from adapter.sandbox.flowcheck import write_flow_logs

__all__ = [
    "NOT_JUDGED",
    "PAYLOAD_KEYS",
    "VALIDATOR_FLOWS",
    "validator_payloads",
    "write_validator_flow",
]

VALIDATOR_FLOWS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "Discovery_Flow_full_catalog": ("8",),
        "Discovery_Flow_incremental_catalog": ("1",),
        "Delivery_Flow": ("2",),
        "Out_Of_Stock_Flow": ("3",),
        "Cancellation_Flow": ("4",),
        "Buyer_Cancellation_Flow": ("4",),
        "RTO_And_Part_Cancellation_Flow": ("5",),
        "Seller_Cancellation_Flow": ("5",),
        "Replacement_Flow": ("00B",),
        "Buyer_Instructions_And_Delivery_Update_Flow": ("011", "00F"),
        "Cash_On_Delivery_Flow": ("012",),
        "Cancel_Return_Request_Flow": ("00D",),
        "Slotted_Delivery_Flow": ("003",),
    }
)
"""Pramaan flow id -> the utility's 1.2.5 flow ids whose message sequence it plays (buyer
instructions and the address update are two flows there, one here)."""

NOT_JUDGED: Final[Mapping[str, str]] = MappingProxyType(
    {
        "Return_Flow": "the utility's return flow (6) is the liquidation variant "
        "(update_liquidated, no reverse pick-up); Pramaan's return is a reverse-QC pick-up, "
        "a sequence (update_reverse_qc ... on_update_delivered) the utility's 1.2.5 path "
        "lists in no flow",
        "Seller_Cred_Flow": "the utility's flow 017 wants a delivered order followed by an "
        "on_update and an on_cancel; Pramaan's Seller_Cred_Flow ends at on_confirm with the "
        "seller's credentials",
        "Self_Pickup_Flow": "the utility (c3d10fe) lists no self-pickup flow among its 1.2.5 "
        "flows (002 is not one of them)",
        "Customization_Input_Text_Flow": "no flow of the utility the demo writes for it "
        "(VALIDATOR_FLOWS) plays a select with a customisation input; the catalogue its RET16 "
        "flows 4 and 8 search keeps the rumal without one (the seller offers the name only "
        "while this flow plays)",
        "Multi_Option_Fulfillment_Flow": "the utility (c3d10fe) lists no multi-option flow "
        "among its 1.2.5 flows (003 is the slotted delivery, its options time slots); the "
        "options its every order is judged by (a pick-up's TAT above time_to_ship, charges "
        "only to a fulfilment an item names) are met in flows 4 and 8, whose on_select offers "
        "the Kangra store's pick-up too",
        "Buyer_Delivery_Flow": "the utility (c3d10fe) lists no buyer-delivery flow among its "
        "1.2.5 flows (its 00E is RET11's sale-invoice update by an ISN) and no rule for a "
        "Buyer-Delivery fulfilment, ready_to_ship, update_state or bnp_diff tags",
        "SNP_Collecting_Payment_Flow": "the utility (c3d10fe) names the flow (007, SNP "
        "collecting payment) and has on_init rules for it, but no 1.2.5 flow 007: posted as "
        '007 it answers "Logs were verified successfully" with nothing checked (a pass '
        "that proves nothing, left out)",
        "Purchase_Finance_Flow": "the utility (c3d10fe) names the flow (0099, purchase "
        "finance by BNP) and has init rules for it, but no 1.2.5 flow 0099: posted as 0099 "
        'it answers "Logs were verified successfully" with nothing checked',
    }
)
"""Played flows the utility has no matching 1.2.5 flow for, and why."""

PAYLOAD_KEYS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "search": "search_full_catalog_refresh",
        "on_search": "on_search_full_catalog_refresh",
        "search_inc": "search_inc_refresh",
        "on_search_inc": "on_search_inc_refresh",
        "confirm_seller_cred": "confirm",
        "on_confirm_seller_cred": "on_confirm",
        "on_status_accepted": "on_status_pending",
        "on_status_order_delivered": "on_status_delivered",
        "on_cancel_rto": "on_cancel",
        "update_partial_cancel_settlement": "update_settlement_part_cancel",
        "update_settlement_trail": "update_settlement_part_cancel",
        "on_status_rto_delivereddisposed": "on_status_rto_delivered",
        "update_buyer_instructions": "update_instructions",
        "on_update_buyer_instructions": "on_update_instructions",
        "update_delivery_address": "update_address",
        "on_update_delivery_address": "on_update_address",
        "update_reverse_qc_rep": "update_replacement",
        "on_update_return_picked_rep": "on_update_replacement",
        "on_status_pending_rep": "replacement_on_status_pending",
        "on_status_packed_rep": "replacement_on_status_packed",
        "on_status_picked_rep": "replacement_on_status_picked",
        "on_status_out_for_delivery_rep": "replacement_on_status_out_for_delivery",
        "on_status_order_delivered_rep": "replacement_on_status_delivered",
        "update_reverse_qc": "update_reverse_qc",
        "update_return": "update_reverse_qc",
        "on_update_interim_reverseQc": "on_update_interim_reverse_qc",
        "on_update_return_init": "on_update_interim_reverse_qc",
        "on_update_return_approved": "on_update_approval",
        "on_update_return_picked": "on_update_picked",
        "update_reverse_qc_settlement": "update_settlement_reverse_qc",
        "on_update_return_delivered": "on_update_delivered",
        "init_cod": "init",
        "on_init_cod": "on_init",
        "confirm_cod": "confirm",
        "on_confirm_cod": "on_confirm",
        "on_status_order_delivered_cod": "on_status_delivered",
        "cancel_return_request": "cancel",
        "on_cancel_return_request": "on_cancel",
        "on_select_slotted_delivery": "on_select",
        "init_slotted_delivery": "init",
        "on_init_slotted_delivery": "on_init",
    }
)
"""Pramaan step name -> the utility's payload key, where they differ. The utility's
``on_status_rto_delivered/disposed`` cannot be a file name: it is kept as
``on_status_rto_delivered.json`` (as for 1.2.0) and renamed by the runner."""


def validator_payloads(steps: Mapping[str, Any]) -> dict[str, Any]:
    """One played flow's messages under the utility's payload keys. The utility reads one
    message per key, the first: a later step whose key is taken keeps its own step name,
    or is left out when that is taken too."""
    payloads: dict[str, Any] = {}
    for step, body in steps.items():
        key = PAYLOAD_KEYS.get(step, step)
        if key in payloads:
            key = step
        payloads.setdefault(key, body)
    return payloads


def write_validator_flow(
    root: Path,
    domain: str,
    flow_id: str,
    steps: Mapping[str, Any],
    discovery: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Write a played Pramaan flow as ``root/<DOM>/flow<id>/<key>.json`` for each of the
    utility's 1.2.5 flows it plays; nothing for a flow the utility has no id for. Returns
    the files written.

    Pramaan's order flows begin at ``select``; the utility's begin with the full catalogue
    (it checks the order against the items, prices, store and finder fee found there), so
    ``discovery`` (the domain's played ``Discovery_Flow_full_catalog``: ``search`` and
    ``on_search``) goes first."""
    payloads = validator_payloads({**(discovery or {}), **steps})
    written: list[Path] = []
    for number in VALIDATOR_FLOWS.get(flow_id, ()):
        folder = root / domain.removeprefix("ONDC:") / f"flow{number}"
        written += write_flow_logs(folder, payloads)
    return written
