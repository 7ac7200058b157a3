"""A B2B 2.0.2 transaction as the sandbox buyer app plays it: signed requests, verified
callbacks, the seller's steps through its API, every payload kept in order for the flow's
log folder (the layout of ONDC's B2B log verifier: one folder per transaction,
``NN_<action>[_<what>].json``)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import httpx
import orjson

import schemas
from adapter.sandbox.buyer import Received, SandboxBuyer

__all__ = [
    "B2BBuyer", "Journey", "Party", "advance_paid", "billing", "buyer_id", "end_stop", "po_lines",
    "provider_of",
    "purchase_order", "rfq_order", "search", "tag_group", "write_journey",
]  # fmt: skip

_CALLBACK_SECONDS: Final = 30.0


@dataclass(frozen=True, slots=True)
class Party:
    """A business buyer: its name, GSTIN and where its goods are delivered."""

    name: str
    gstin: str
    address: str
    city: str
    state: str
    std_code: str
    pincode: str
    gps: str
    phone: str
    email: str


@dataclass(frozen=True, slots=True)
class B2BBuyer:
    """The sandbox buyer app speaking B2B 2.0.2 to one seller app over real HTTP."""

    buyer: SandboxBuyer
    buyer_url: str
    http: httpx.AsyncClient  # its base URL is the adapter's
    seller_id: str
    seller_uri: str

    def journey(self, domain: str, party: Party) -> Journey:
        """A fresh transaction of ``party`` in ``domain``."""
        return Journey(self, domain, party, str(uuid.uuid4()))


@dataclass
class Journey:
    """One B2B transaction: its payloads as sent and received, in order."""

    app: B2BBuyer
    domain: str
    party: Party
    transaction_id: str
    steps: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def po_number(self, buyer: str) -> str:
        """The buyer's purchase order number in this transaction (unique per run)."""
        return f"PO-{buyer}-{self.transaction_id[:8].upper()}"

    def context(self, action: str, *, ttl: str = "PT30S") -> dict[str, Any]:
        """A request context of this transaction (B2B: ``location``, ``version``)."""
        values: dict[str, Any] = {
            "domain": self.domain,
            "location": {
                "city": {"code": f"std:{self.party.std_code}"},
                "country": {"code": "IND"},
            },
            "action": action,
            "version": "2.0.2",
            "bap_id": self.app.buyer.subscriber_id,
            "bap_uri": self.app.buyer_url,
            "transaction_id": self.transaction_id,
            "message_id": str(uuid.uuid4()),
            "timestamp": schemas.format_timestamp(self.app.buyer.clock.now()),
            "ttl": ttl,
        }
        if action != "search":
            values.update(bpp_id=self.app.seller_id, bpp_uri=self.app.seller_uri)
        return values

    async def ask(
        self, action: str, message: dict[str, Any], *, ttl: str = "PT30S", label: str = "",
        meanwhile: Callable[[], Awaitable[None]] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Send a signed request; return its verified callback (both are kept). The
        ``meanwhile`` step (the seller deciding a held RFQ) runs once the request is ACKed,
        before the callback is awaited."""
        payload = {"context": self.context(action, ttl=ttl), "message": message}
        answer = await self.app.buyer.send(self.app.http, f"/ondc/{action}", payload)
        if answer.status_code != 200:
            raise RuntimeError(f"/{action} answered {answer.status_code}: {answer.text[:300]}")
        self.steps.append((f"{action}{label}", payload))
        if meanwhile is not None:
            await meanwhile()
        [callback] = await self.app.buyer.wait_for(
            payload["context"]["message_id"], seconds=_CALLBACK_SECONDS
        )
        self.steps.append((f"on_{action}{label}", callback.payload))
        return callback.payload

    async def told(
        self, step: Callable[[], Any], *, action: str = "on_status", label: str = ""
    ) -> dict[str, Any]:
        """Run a seller's ``step`` (an API call) and return the unsolicited callback it
        causes in this transaction."""

        def ours(r: Received) -> bool:
            context = r.payload.get("context") or {}
            return (
                context.get("transaction_id") == self.transaction_id
                and context.get("action") == action
            )

        before = sum(1 for r in self.app.buyer.received if r.problem is None and ours(r))
        response: httpx.Response = await step()
        if not response.is_success:
            raise RuntimeError(
                f"seller step answered {response.status_code}: {response.text[:300]}"
            )
        arrived = await self.app.buyer.wait_until(ours, count=before + 1, seconds=_CALLBACK_SECONDS)
        callback = arrived[before].payload
        self.steps.append((f"{action}{label}", callback))
        return callback


def write_journey(folder: Path, steps: list[tuple[str, dict[str, Any]]]) -> None:
    """Write a transaction's payloads as ``NN_<step>.json`` into a fresh ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()
    for number, (name, payload) in enumerate(steps, start=1):
        (folder / f"{number:02d}_{name}.json").write_bytes(
            orjson.dumps(payload, option=orjson.OPT_INDENT_2)
        )


def tag_group(code: str, **values: str) -> dict[str, Any]:
    return {
        "descriptor": {"code": code},
        "list": [{"descriptor": {"code": k}, "value": v} for k, v in values.items()],
    }


def end_stop(party: Party) -> dict[str, Any]:
    return {
        "type": "end",
        "location": {
            "gps": party.gps, "address": party.address, "area_code": party.pincode,
            "city": {"name": party.city}, "state": {"name": party.state},
            "country": {"code": "IND"},
        },
        "contact": {"phone": party.phone, "email": party.email},
    }  # fmt: skip


def buyer_id(party: Party) -> dict[str, Any]:
    return tag_group("buyer_id", buyer_id_code="gst", buyer_id_no=party.gstin)


def billing(party: Party) -> dict[str, Any]:
    return {
        "name": party.name, "address": party.address, "state": {"name": party.state},
        "city": {"name": party.city}, "tax_id": party.gstin, "email": party.email,
        "phone": party.phone,
    }  # fmt: skip


async def search(journey: Journey, words: str, payment: str, *, finder_fee: str) -> dict[str, Any]:
    """A B2B /search from the journey's buyer, naming the buyer app's finder fee; its
    on_search."""
    party = journey.party
    intent = {
        "item": {"descriptor": {"name": words}},
        "fulfillment": {"type": "Delivery", "stops": [
            {"type": "end", "location": {"gps": party.gps, "area_code": party.pincode}}]},
        "payment": {"type": payment},
        "tags": [tag_group("bap_terms", finder_fee_type="percent", finder_fee_amount=finder_fee),
                 buyer_id(party)],
    }  # fmt: skip
    return await journey.ask("search", {"intent": intent})


def rfq_order(
    journey: Journey, provider: str, location: str, sku: str, count: int, payment: str,
    *, item_req: str, packaging_req: str, delivery_terms: dict[str, str] | None = None,
    collected_by: str | None = None, window: str = "P2D", pickup: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """An RFQ of one line; ``window`` is the provider's ``ttl``, which the ``/select``'s
    context ttl must equal (ONDC's B2B verifier: "context/ttl should match provider ttl").
    With ``pickup`` (the catalogue's id of the seller's self-pickup) the buyer collects the
    goods: a ``Self-Pickup`` fulfilment with no stops, as the contract's
    ``select_domestic_SelfPickup``."""
    fulfilment: dict[str, Any] = {"id": "1", "type": "Delivery", "stops": [end_stop(journey.party)]}
    if pickup is not None:
        fulfilment = {"id": pickup, "type": "Self-Pickup"}
    if delivery_terms:
        fulfilment["tags"] = [tag_group("DELIVERY_TERMS", **delivery_terms)]
    return {
        "order": {
            "provider": {"id": provider, "locations": [{"id": location}], "ttl": window},
            "items": [{
                "id": sku, "location_ids": [location], "fulfillment_ids": [fulfilment["id"]],
                "quantity": {"selected": {"count": count}},
                "tags": [tag_group("BUYER_TERMS", ITEM_REQ=item_req, PACKAGING_REQ=packaging_req)],
            }],
            "fulfillments": [fulfilment],
            "payments": [{"type": payment,
                          **({"collected_by": collected_by} if collected_by else {})}],
            "tags": [buyer_id(journey.party)],
        }
    }  # fmt: skip


def po_lines(quoted: dict[str, Any], party: Party, rfq: dict[str, Any]) -> dict[str, Any]:
    """The /init order: the quoted lines, the buyer's billing and delivery."""
    asked = rfq["order"]
    return {
        "provider": {"id": quoted["provider"]["id"],
                     "locations": quoted["provider"].get("locations", [])},
        "items": [{k: item[k] for k in ("id", "location_ids", "fulfillment_ids", "quantity",
                                        "tags") if k in item} for item in quoted["items"]],
        "billing": billing(party),
        "fulfillments": asked["fulfillments"],
        "payments": [{"type": quoted["payments"][0]["type"],
                      "collected_by": quoted["payments"][0].get("collected_by", "BPP")}],
        "tags": [buyer_id(party)],
    }  # fmt: skip


async def purchase_order(
    journey: Journey, rfq: dict[str, Any], quoted: dict[str, Any], po_id: str,
    *, accept: str = "Y",
) -> dict[str, Any]:  # fmt: skip
    """/init then /confirm of the quotation; the on_confirm."""
    party = journey.party
    init = po_lines(quoted, party, rfq)
    on_init = await journey.ask("init", {"order": init})
    if "error" in on_init:
        raise RuntimeError(f"on_init refused: {on_init['error']}")
    offered = on_init["message"]["order"]
    now = on_init["context"]["timestamp"]
    po = {
        **init, "id": po_id, "state": "Created",
        "quote": offered["quote"],
        "payments": [{**offered["payments"][0], "status": "NOT-PAID"}],
        "tags": [buyer_id(party),
                 *[t for t in offered.get("tags", []) if t["descriptor"]["code"] == "bpp_terms"],
                 tag_group("bap_terms", accept_bpp_terms=accept)],
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    if offered.get("cancellation_terms"):
        po["cancellation_terms"] = offered["cancellation_terms"]
    return await journey.ask("confirm", {"order": po})


def fulfilment_of(on_search: dict[str, Any], seller: str, kind: str) -> str:
    """The id ``seller``'s catalogue gives the fulfilment ``kind`` (``Self-Pickup``)."""
    for provider in on_search["message"]["catalog"].get("providers", []):
        if provider["id"] == seller:
            for fulfilment in provider.get("fulfillments") or []:
                if fulfilment.get("type") == kind:
                    return str(fulfilment["id"])
    raise RuntimeError(f"{seller} offers no {kind} in the on_search catalogue")


def pickup_stop(on_search: dict[str, Any], seller: str, party: Party) -> dict[str, Any]:
    """Where the buyer collects (``seller``'s location as its catalogue gives it) and who
    collects: the ``start`` stop of a self-pickup's init, as the contract's
    ``init_domestic_self_pickup``."""
    for provider in on_search["message"]["catalog"].get("providers", []):
        if provider["id"] == seller:
            where = provider["locations"][0]
            return {
                "type": "start",
                "location": {
                    "gps": where["gps"], "address": where["address"],
                    "city": {"name": where["city"]["name"]}, "country": where["country"],
                    "area_code": where["area_code"], "state": {"name": where["state"]["name"]},
                },
                "contact": {"phone": party.phone, "email": party.email},
            }  # fmt: skip
    raise RuntimeError(f"{seller} is not in the on_search catalogue")


def provider_of(on_search: dict[str, Any], seller: str) -> tuple[str, str]:
    for provider in on_search["message"]["catalog"].get("providers", []):
        if provider["id"] == seller:
            return provider["id"], provider["locations"][0]["id"]
    raise RuntimeError(f"{seller} is not in the on_search catalogue")


async def advance_paid(journey: Journey, po_id: str, order: dict[str, Any]) -> dict[str, Any]:
    """The buyer app reports the advance it collected for ``order`` (PRE-FULFILLMENT,
    ``collected_by`` BAP): ``/update`` with the payment ``PAID``, its amount and transaction
    id, answered by ``/on_update`` (ONDC B2B 2.0.2, the contract's ``update_prepaid``)."""
    payment = order["payments"][0]
    paid = {
        "update_target": "payments",
        "order": {
            "id": po_id, "state": order["state"], "provider": order["provider"],
            "items": [{"id": item["id"], "quantity": item["quantity"]} for item in order["items"]],
            "payments": [{
                **{k: v for k, v in payment.items() if k not in ("status", "params")},
                "uri": f"{journey.app.buyer_url.rstrip('/')}/pay/{po_id}", "tl_method": "http/get",
                "status": "PAID",
                "params": {"currency": "INR", "amount": order["quote"]["price"]["value"],
                           "transaction_id": f"ADV-{po_id}"},
            }],
        },
    }  # fmt: skip
    answered = await journey.ask("update", paid, label="_PAID")
    if "error" in answered or answered["message"]["order"]["payments"][0]["status"] != "PAID":
        raise RuntimeError(f"the advance was not recorded: {answered.get('error')}")
    return answered
