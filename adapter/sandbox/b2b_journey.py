"""A B2B 2.0.2 transaction as the sandbox buyer app plays it: signed requests, verified
callbacks, the seller's steps through its API, every payload kept in order for the flow's
log folder (the layout of ONDC's B2B log verifier: one folder per transaction,
``NN_<action>[_<what>].json``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import httpx
import orjson

import schemas
from adapter.sandbox.buyer import Received, SandboxBuyer

__all__ = ["B2BBuyer", "Journey", "Party", "write_journey"]

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
        self, action: str, message: dict[str, Any], *, ttl: str = "PT30S", label: str = ""
    ) -> dict[str, Any]:
        """Send a signed request; return its verified callback (both are kept)."""
        payload = {"context": self.context(action, ttl=ttl), "message": message}
        answer = await self.app.buyer.send(self.app.http, f"/ondc/{action}", payload)
        if answer.status_code != 200:
            raise RuntimeError(f"/{action} answered {answer.status_code}: {answer.text[:300]}")
        self.steps.append((f"{action}{label}", payload))
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
