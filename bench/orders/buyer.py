"""The bench's buyer app: signed requests round-robin over the adapter processes, and the
callbacks the sink forwards, matched to the requests by message id (unsolicited on_status
by transaction id).

Requests go over a small pool of keep-alive HTTP/1.1 connections per process (plain
asyncio streams: the load generator must not cost more CPU than it has to on a machine it
shares with the processes it measures).
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import orjson

from adapter.sandbox.buyer import SandboxBuyer

ACK = b'"ACK"'
SHIMLA_END = {"location": {"gps": "31.104800,77.173400", "address": {"area_code": "171001"}}}
BUYER_END = {
    "location": {
        "gps": "31.104800,77.173400",
        "address": {"name": "Asha Verma", "building": "12 Mall Road", "locality": "The Mall",
                    "city": "Shimla", "state": "Himachal Pradesh", "country": "IND",
                    "area_code": "171001"},
    },
    "contact": {"phone": "9876543210", "email": "asha@example.in"},
}  # fmt: skip
BILLING = {"name": "Asha Verma", "address": BUYER_END["location"]["address"],  # type: ignore[index]
           "phone": "9876543210", "email": "asha@example.in"}  # fmt: skip


class Refused(Exception):
    """The adapter did not ACK a request (HTTP status and body)."""


class NoCallback(Exception):
    """An ACKed request whose callback did not arrive in time."""


@dataclass
class Callback:
    """One callback as the sink saw it."""

    at: float
    signed: bool
    action: str
    message_id: str
    transaction_id: str
    error: str | None
    state: str | None
    items: list[int]
    payload: dict[str, Any] | None = None


class Port:
    """Keep-alive connections to one adapter process.

    uvicorn closes a connection idle for 5 s; one idle for longer than ``STALE`` seconds is
    not reused, and a reused one the server closed before answering is replaced once (the
    request never reached the application)."""

    STALE = 3.0

    def __init__(self, port: int, connections: int) -> None:
        self.port = port
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self._slots = asyncio.Semaphore(connections)

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bool]:
        while self._idle:
            reader, writer, since = self._idle.pop()
            if time.monotonic() - since < self.STALE:
                return reader, writer, True
            writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        return reader, writer, False

    async def post(self, path: str, body: bytes, authorization: str) -> tuple[int, bytes]:
        """POST ``body``; the status and the answer's body."""
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                f"Content-Type: application/json\r\nAuthorization: {authorization}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()  # fmt: skip
        async with self._slots:
            while True:
                reader, writer, reused = await self._connection()
                try:
                    writer.write(head + body)
                    await writer.drain()
                    response = await reader.readuntil(b"\r\n\r\n")
                    break
                except (OSError, asyncio.IncompleteReadError) as exc:
                    writer.close()
                    closed_idle = isinstance(exc, OSError) or not exc.partial
                    if not (reused and closed_idle):
                        raise
            try:
                length = 0
                for line in response.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                answer = await reader.readexactly(length)
            except (OSError, asyncio.IncompleteReadError):
                writer.close()
                raise
            self._idle.append((reader, writer, time.monotonic()))
            return int(response.split(b" ", 2)[1]), answer

    def close(self) -> None:
        """Close the idle connections."""
        for _, writer, _ in self._idle:
            writer.close()
        self._idle.clear()


@dataclass
class Callbacks:
    """Callbacks fed by the sink process, and the requests waiting for them."""

    by_message: dict[str, asyncio.Future[Callback]] = field(default_factory=dict)
    accepted: dict[str, asyncio.Future[Callback]] = field(default_factory=dict)
    received: list[Callback] = field(default_factory=list)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def _future(
        self, table: dict[str, asyncio.Future[Callback]], key: str
    ) -> asyncio.Future[Callback]:
        if key not in table:
            table[key] = asyncio.get_running_loop().create_future()
        return table[key]

    def answer_to(self, message_id: str) -> asyncio.Future[Callback]:
        """Resolves with the callback carrying ``message_id``."""
        return self._future(self.by_message, message_id)

    def acceptance_of(self, transaction_id: str) -> asyncio.Future[Callback]:
        """Resolves with the unsolicited on_status saying the order was Accepted."""
        return self._future(self.accepted, transaction_id)

    async def feed(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Read the sink's lines until it goes away."""
        self.connected.set()
        try:
            await self._read(reader)
        finally:
            writer.close()
            self.closed.set()

    async def _read(self, reader: asyncio.StreamReader) -> None:
        async for line in reader:
            callback = Callback(**orjson.loads(line))
            self.received.append(callback)
            if callback.action == "on_status" and callback.state == "Accepted":
                future = self._future(self.accepted, callback.transaction_id)
            elif callback.action == "on_status":
                continue
            else:
                future = self._future(self.by_message, callback.message_id)
            if not future.done():
                future.set_result(callback)


@dataclass
class Buyer:
    """Signs as the sandbox buyer app and walks the order flow against the adapters."""

    identity: SandboxBuyer
    ports: list[Port]
    callbacks: Callbacks
    bap_uri: str
    bpp_id: str
    bpp_uri: str
    timeout: float = 60.0
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    _turn: itertools.count[int] = field(default_factory=itertools.count)

    async def call(self, action: str, message: dict[str, Any], *, transaction_id: str,
                   domain: str) -> tuple[Callback, float]:  # fmt: skip
        """Sign and send one request to the next process in turn; its callback and the
        instant the request was sent. Raises :class:`Refused` or :class:`NoCallback`."""
        overrides: dict[str, Any] = {"transaction_id": transaction_id, "domain": domain}
        if action != "search":
            overrides |= {"bpp_id": self.bpp_id, "bpp_uri": self.bpp_uri}
        context = self.identity.context(action, bap_uri=self.bap_uri, **overrides)
        body = orjson.dumps({"context": context, "message": message})
        now = int(time.time())
        authorization = self.identity.signer.sign(body, created=now, expires=now + 30)
        answer = self.callbacks.answer_to(context["message_id"])
        port = self.ports[next(self._turn) % len(self.ports)]
        sent = time.monotonic()
        status, reply = await port.post(f"/ondc/{action}", body, authorization)
        if status != 200 or ACK not in reply:
            answer.cancel()
            raise Refused(f"{action}: HTTP {status} {reply[:300]!r}")
        try:
            callback = await asyncio.wait_for(answer, self.timeout)
        except TimeoutError:
            raise NoCallback(f"no on_{action} for {context['message_id']}") from None
        self.timings[action].append(callback.at - sent)
        return callback, sent


def new_transaction() -> str:
    """A fresh transaction id."""
    return str(uuid.uuid4())


def cart(seller: str, location: str, sku: str, count: int) -> dict[str, Any]:
    """A /select message for ``count`` of ``sku``, delivered in Shimla."""
    return {
        "order": {
            "provider": {"id": seller, "locations": [{"id": location}]},
            "items": [{"id": sku, "quantity": {"count": count}, "location_id": location}],
            "fulfillments": [{"end": SHIMLA_END}],
        }
    }


def init_message(on_select: dict[str, Any], *, asked: int | None = None) -> dict[str, Any]:
    """The /init after an on_select: the quoted cart (or ``asked`` pieces of each item, as
    a buyer app that ignores an on_select error would send), billing, delivery address."""
    order = on_select["message"]["order"]
    quoted = {
        line["@ondc/org/item_id"]: line["@ondc/org/item_quantity"]["count"]
        for line in order["quote"]["breakup"]
        if line["@ondc/org/title_type"] == "item"
    }
    return {
        "order": {
            "provider": order["provider"],
            "items": [
                {
                    "id": i["id"],
                    "fulfillment_id": i["fulfillment_id"],
                    "quantity": {"count": asked if asked is not None else quoted[i["id"]]},
                }
                for i in order["items"]
            ],
            "billing": BILLING,
            "fulfillments": [{"id": "1", "type": "Delivery", "end": BUYER_END}],
        }
    }


def confirm_message(on_init: dict[str, Any], order_id: str) -> dict[str, Any]:
    """The /confirm after an on_init: the same order, paid, with its id."""
    order = dict(on_init["message"]["order"])
    amount = order["quote"]["price"]["value"]
    payment = dict(order["payment"]) | {
        "status": "PAID",
        "params": {"amount": amount, "currency": "INR", "transaction_id": f"pay-{order_id}"},
    }
    return {"order": order | {"id": order_id, "state": "Created", "payment": payment}}


def search_message(words: str) -> dict[str, Any]:
    """A /search by item name, delivered."""
    return {
        "intent": {"item": {"descriptor": {"name": words}}, "fulfillment": {"type": "Delivery"}}
    }
