"""The adapter in process with the ODOP demo catalogue, and a buyer app that walks the
order flow: posts signed requests, runs the dispatcher, reads the callbacks it got."""

from __future__ import annotations

import dataclasses
import functools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

from adapter.catalog.importer import import_catalogue
from adapter.core.clock import FixedClock
from adapter.core.orders import Change, OrderRow
from adapter.outbound.order_desk import OrderTimers
from adapter.runtime import Runtime
from adapter.sandbox.flows import cart, confirm_message, init_message
from adapter.storage.orders import OrderStore
from signing import Signer
from tests.fixtures import REPO_ROOT
from tests.network.peers import (
    BUYER,
    BUYER_ID,
    BUYER_URI,
    OTHER_BUYER,
    OTHER_BUYER_ID,
    OTHER_BUYER_URI,
    Edge,
    context,
    edge,
    signed,
)

DEMO = orjson.loads((REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes())
ADMIN = {"Authorization": "Bearer admin-key-for-tests-0123456789"}


def demo_item(district: str, index: int = 0) -> tuple[dict[str, Any], dict[str, Any]]:
    """A demo seller entry and one of its items."""
    entry = next(s for s in DEMO["sellers"] if s["seller"]["district"] == district)
    return entry, entry["items"][index]


@dataclass
class Shop:
    """A buyer app's view of the adapter: one transaction at a time."""

    net: Edge
    clock: FixedClock
    transaction_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    sent: list[dict[str, Any]] = field(default_factory=list)
    bap_id: str = BUYER_ID
    bap_uri: str = BUYER_URI
    signer: Signer = BUYER
    core_version: str = "1.2.0"
    city: str = "std:0177"

    def other_buyer_app(self) -> Shop:
        """Another buyer app on the same adapter (its own identity, key and host), starting
        in this one's transaction: what it can do to a transaction it did not open."""
        return Shop(
            self.net,
            self.clock,
            transaction_id=self.transaction_id,
            bap_id=OTHER_BUYER_ID,
            bap_uri=OTHER_BUYER_URI,
            signer=OTHER_BUYER,
        )

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.net.app.state.runtime
        return runtime

    def new_transaction(self) -> None:
        """Start another buyer journey."""
        self.transaction_id = str(uuid.uuid4())

    async def call(
        self, action: str, message: dict[str, Any], *, domain: str, **overrides: Any
    ) -> dict[str, Any]:
        """Send one signed request, check its ACK, deliver its callback; the callback.
        ``overrides`` change context fields (``core_version="1.0.0"`` for IGM 1.0.0)."""
        body = {
            "context": context(
                action,
                self.clock,
                domain=domain,
                transaction_id=self.transaction_id,
                bap_id=self.bap_id,
                bap_uri=self.bap_uri,
                **{"core_version": self.core_version, "city": self.city, **overrides},
            ),
            "message": message,
        }
        if action == "confirm":
            # A buyer app dates the order by its confirm (the validator checks this).
            stamp = body["context"]["timestamp"]
            body["message"]["order"] |= {"created_at": stamp, "updated_at": stamp}
        raw = orjson.dumps(body)
        self.sent.append(body)
        response = await self.net.post(action, raw, signed(raw, self.clock, self.signer))
        self.clock.advance(0.25)  # the answer comes a little after the request
        assert response.status_code == 200, response.text
        assert response.json()["message"]["ack"]["status"] == "ACK"
        before = len(self.net.received)
        await self.net.dispatch()
        self.clock.advance(0.25)  # and the buyer app's next step a little after the answer
        callbacks = [orjson.loads(r.content) for r in self.net.received[before:]]
        answers = [c for c in callbacks if c["context"]["action"] == f"on_{action}"]
        assert len(answers) == 1, callbacks
        # The answer goes to the buyer app that asked, whoever opened the transaction.
        (sent_to,) = [
            str(r.url) for r in self.net.received[before:] if r.url.path.endswith(f"/on_{action}")
        ]
        assert sent_to.startswith(self.bap_uri), sent_to
        answer: dict[str, Any] = answers[0]
        assert answer["context"]["message_id"] == body["context"]["message_id"]
        assert answer["context"]["transaction_id"] == self.transaction_id
        return answer

    async def unsolicited(self) -> list[dict[str, Any]]:
        """Deliver what is queued without a request; the callbacks that went out."""
        before = len(self.net.received)
        await self.net.dispatch()
        return [orjson.loads(r.content) for r in self.net.received[before:]]

    async def timers(self) -> list[dict[str, Any]]:
        """One round of the order timers (automatic accepts, late cancels); the callbacks
        that went out because of it."""
        await OrderTimers(self.runtime.orders, self.runtime.desk, self.clock).run_once()
        return await self.unsolicited()

    async def reshape(
        self,
        code: str,
        *,
        seller: Mapping[str, Any] | None = None,
        location: Mapping[str, Any] | None = None,
    ) -> None:
        """Change fields of a seller's record or of its location, keeping its items (no
        push: as if it had always been so)."""
        found = await self.runtime.orders.seller(code)
        assert found is not None, code
        goods = [record for record, _ in await self.runtime.catalogue.items_of(code)]
        await self.runtime.catalogue.upsert(
            dataclasses.replace(found[0], **(seller or {})),
            dataclasses.replace(found[1], **(location or {})),
            goods,
            now=self.clock.now(),
        )

    async def seller_moves(
        self, key: Mapping[str, str], order_id: str, actions: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        """The seller's ``actions`` on an order, a minute apart (``ship`` with an invoice),
        each checked to succeed; the callback each sent."""
        sent = []
        for action in actions:
            self.clock.advance(60)
            body = {"invoice_url": f"https://odop.example/invoices/{order_id}.pdf"}
            moved = await self.net.client.post(
                f"/seller/v1/orders/{order_id}/{action}",
                json=body if action == "ship" else None,
                headers=dict(key),
            )
            assert moved.status_code == 200, (action, moved.text)
            (callback,) = await self.unsolicited()
            sent.append(callback)
        return sent

    async def seller_key(self, code: str) -> dict[str, str]:
        """A new API key of seller ``code``, as an Authorization header."""
        key = await self.net.client.post(f"/admin/v1/sellers/{code}/keys", json={}, headers=ADMIN)
        assert key.status_code == 201, key.text
        return {"Authorization": f"Bearer {key.json()['api_key']}"}

    async def stock(self, code: str, sku: str) -> int:
        """The item's true available count."""
        for item, _ in await self.runtime.catalogue.items_of(code):
            if item.sku == sku:
                return item.available
        raise LookupError(sku)


@asynccontextmanager
async def shop(
    tmp_path: Path, clock: FixedClock, database_url: str, **overrides: Any
) -> AsyncIterator[Shop]:
    """The adapter with the demo catalogue loaded (settings ``overrides`` applied), and a
    buyer app."""
    async with edge(tmp_path, clock, database_url=database_url, **overrides) as net:
        runtime: Runtime = net.app.state.runtime
        raw = orjson.dumps(DEMO)
        report = await import_catalogue(raw, runtime.catalogue, now=clock.now())
        assert not report.problems
        yield Shop(net, clock)


__all__ = [
    "BUYER_ID",
    "FirstMove",
    "Shop",
    "Write",
    "cart",
    "confirm_message",
    "demo_item",
    "init_message",
    "moved_first",
    "noted",
    "same_write",
    "shop",
]


Write = Callable[..., Awaitable[OrderRow]]
# What another writer does to an order just before a request's own write of it: given the
# order as the request read it, the store's real write, and the request's write's
# arguments.
FirstMove = Callable[[OrderRow, Write, dict[str, Any]], Awaitable[object]]


def moved_first(
    monkeypatch: pytest.MonkeyPatch, event: str, first: FirstMove, *, times: int = 1
) -> list[str]:
    """``OrderStore.transition`` patched so that ``first`` moves the order just before each
    of the first ``times`` writes of ``event`` (between its build's read and its write);
    the order ids it met, as they are met."""
    real = OrderStore.transition
    met: list[str] = []

    async def racing(self: OrderStore, order: OrderRow, **kwargs: Any) -> OrderRow:
        if kwargs["event"] == event and len(met) < times:
            met.append(order.order_id or "")
            await first(order, functools.partial(real, self), kwargs)
        return await real(self, order, **kwargs)

    monkeypatch.setattr(OrderStore, "transition", racing)
    return met


async def same_write(order: OrderRow, write: Write, kwargs: dict[str, Any]) -> None:
    """The same request's other build, first to the row."""
    await write(order, **kwargs)


def noted(clock: FixedClock) -> FirstMove:
    """A change a moment later that keeps the order's states (a seller's note)."""

    async def note(order: OrderRow, write: Write, _: dict[str, Any]) -> None:
        clock.advance(1)
        change = Change(order.state or "", order.fulfillment_state or "", order.document)
        await write(order, actor="seller", event="noted", change=change, now=clock.now())

    return note
