"""A buyer app's side of a grievance: it raises an issue about a delivered order and adds
to it, keeping the whole issue as the seller app last sent it (IGM 2.0.0), or raises,
escalates and closes one (IGM 1.0.0)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson

import schemas
from tests.network.peers import context, signed
from tests.orders.shop import Shop

CONSUMER = {
    "id": "CUST1",
    "type": "CONSUMER",
    "info": {
        "org": {"name": "buyer.example::ONDC:RET12"},
        "contact": {"phone": "9876543210", "email": "ritu@example.com"},
        "person": {"name": "Ritu Sharma"},
    },
}
INTERFACING = {
    "id": "NP1",
    "type": "INTERFACING_NP",
    "info": {
        "org": {"name": "buyer.example::ONDC:RET12"},
        "contact": {"phone": "9450394039", "email": "support@buyer.example"},
        "person": {"name": "Buyer app support"},
    },
}


@dataclass
class Complainant:
    """The buyer app raising one issue in a shop's transaction."""

    shop: Shop
    order_id: str
    item_id: str
    domain: str
    issue: dict[str, Any] = field(default_factory=dict)

    def _stamp(self) -> str:
        return schemas.format_timestamp(self.shop.clock.now())

    def open_v2(
        self, code: str = "ITM004", text: str = "शॉल फटी हुई आई / shawl arrived torn"
    ) -> None:
        stamp = self._stamp()
        action_id = str(uuid.uuid4())
        self.issue = {
            "id": str(uuid.uuid4()),
            "status": "OPEN",
            "level": "ISSUE",
            "created_at": stamp,
            "updated_at": stamp,
            "expected_response_time": {"duration": "PT2H"},
            "expected_resolution_time": {"duration": "P1D"},
            "refs": [
                {"ref_id": self.order_id, "ref_type": "ORDER"},
                {"ref_id": "P1", "ref_type": "PROVIDER"},
                {"ref_id": "F1", "ref_type": "FULFILLMENT"},
                {
                    "ref_id": self.item_id,
                    "ref_type": "ITEM",
                    "tags": [
                        {
                            "descriptor": {"code": "message.order.items"},
                            "list": [
                                {"descriptor": {"code": "quantity.selected.count"}, "value": "1"}
                            ],
                        }
                    ],
                },
            ],
            "actors": [CONSUMER, INTERFACING],
            "source_id": "CUST1",
            "complainant_id": "NP1",
            "descriptor": {
                "code": code,
                "short_desc": text,
                "long_desc": "The shawl has a hole near the border",
                "images": [{"url": "https://buyer.example/img/torn.jpg", "size_type": "xs"}],
            },
            "last_action_id": action_id,
            "actions": [
                {
                    "id": action_id,
                    "descriptor": {"code": "OPEN", "short_desc": "Complaint created"},
                    "updated_at": stamp,
                    "action_by": "NP1",
                    "actor_details": {"name": "Ritu Sharma"},
                }
            ],
        }

    def add_v2(self, code: str, *, ref_id: str | None = None, **changes: Any) -> None:
        """Append the buyer app's action ``code`` to the issue as last received."""
        stamp = self._stamp()
        action: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "descriptor": {"code": code, "short_desc": f"{code} by the buyer"},
            "updated_at": stamp,
            "action_by": "NP1",
            "actor_details": {"name": "Ritu Sharma"},
        }
        if ref_id is not None:
            action["ref_id"], action["ref_type"] = ref_id, "RESOLUTIONS"
        if code == "CLOSED":
            action["tags"] = [
                {
                    "descriptor": {"code": "rating"},
                    "list": [{"descriptor": {"code": "THUMBS-UP"}, "value": "yes"}],
                }
            ]
        self.issue = {
            **self.issue,
            **changes,
            "actions": [*self.issue["actions"], action],
            "last_action_id": action["id"],
            "updated_at": stamp,
        }

    async def send(
        self, action: str = "issue", message: dict[str, Any] | None = None, **context_changes: Any
    ) -> dict[str, Any]:
        """Send the issue (or ``message``); the seller app's answer, whose issue becomes
        the one the buyer app holds."""
        answer = await self.shop.call(
            action,
            message if message is not None else {"issue": self.issue},
            domain=self.domain,
            **context_changes,
        )
        issue = (answer.get("message") or {}).get("issue")
        if action == "issue" and issue and "actions" in issue:
            self.issue = issue
        return answer

    def take(self, callback: dict[str, Any]) -> None:
        """Hold the issue of an unsolicited ``on_issue``."""
        self.issue = callback["message"]["issue"]


async def post_raw(shop: Shop, action: str, body: dict[str, Any]) -> int:
    """POST a body as is (signed); its HTTP status."""
    raw = orjson.dumps(body)
    response = await shop.net.post(action, raw, signed(raw, shop.clock, shop.signer))
    return response.status_code


__all__ = ["CONSUMER", "INTERFACING", "Complainant", "context", "post_raw"]
