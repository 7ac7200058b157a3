"""A buyer app and a registry as respx peers, for edge tests of the real app in process."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import respx
from fastapi import FastAPI

import schemas
import signing
from adapter.app import create_app
from adapter.coordination import SharedState
from adapter.core.clock import FixedClock
from adapter.settings import Settings, load_settings
from tests.fixtures import migrated_sqlite, settings_values, signing_vectors
from tests.network.loopback import running

KEYS = signing_vectors()["keys"]
BUYER_ID = "buyer.example"
BUYER_UKID = "buyer-key-1"
BUYER_URI = "https://buyer.example/ondc"
GATEWAY_ID = "gateway.example"
REGISTRY = "http://registry.test"
BUYER_KEY = signing.PrivateKey.from_base64(KEYS["k2"]["private_key_b64"])
GATEWAY_KEY = signing.PrivateKey.from_base64(KEYS["doc"]["private_key_b64"])
BUYER = signing.Signer(BUYER_ID, BUYER_UKID, BUYER_KEY)
# A second buyer app on the network, with its own identity, key and callback host.
OTHER_BUYER_ID = "other-buyer.example"
OTHER_BUYER_UKID = "other-buyer-key-1"
OTHER_BUYER_URI = "https://other-buyer.example/ondc"
OTHER_BUYER_KEY = signing.PrivateKey.from_base64(KEYS["doc"]["private_key_b64"])
OTHER_BUYER = signing.Signer(OTHER_BUYER_ID, OTHER_BUYER_UKID, OTHER_BUYER_KEY)
GATEWAY = signing.Signer(GATEWAY_ID, "gw-1", GATEWAY_KEY)


def registry_records() -> list[dict[str, Any]]:
    """The registry's entries for the two buyer apps and the gateway."""
    return [
        {"subscriber_id": BUYER_ID, "ukId": BUYER_UKID, "status": "SUBSCRIBED",
         "subscriber_url": BUYER_URI,
         "signing_public_key": BUYER_KEY.public_key.to_base64(),
         "valid_until": "2030-01-01T00:00:00.000Z"},
        {"subscriber_id": OTHER_BUYER_ID, "ukId": OTHER_BUYER_UKID, "status": "SUBSCRIBED",
         "subscriber_url": OTHER_BUYER_URI,
         "signing_public_key": OTHER_BUYER_KEY.public_key.to_base64(),
         "valid_until": "2030-01-01T00:00:00.000Z"},
        {"subscriber_id": GATEWAY_ID, "ukId": "gw-1", "status": "SUBSCRIBED",
         "subscriber_url": "https://gateway.example/ondc",
         "signing_public_key": GATEWAY_KEY.public_key.to_base64(),
         "valid_until": "2030-01-01T00:00:00.000Z"},
    ]  # fmt: skip


def lookup(request: httpx.Request) -> httpx.Response:
    """The registry's ``/v2.0/lookup``, answering from :func:`registry_records`."""
    wanted = orjson.loads(request.content)
    found = [
        r for r in registry_records()
        if r["subscriber_id"] == wanted.get("subscriber_id") and r["ukId"] == wanted.get("ukId")
    ]  # fmt: skip
    return httpx.Response(200, json=found)


def context(action: str, clock: FixedClock, **overrides: Any) -> dict[str, Any]:
    """A valid request context from the buyer to us."""
    values: dict[str, Any] = {
        "domain": "ONDC:RET16",
        "country": "IND",
        "city": "std:0177",
        "action": action,
        "core_version": "1.2.0",
        "bap_id": BUYER_ID,
        "bap_uri": BUYER_URI,
        "bpp_id": "seller.odop.example",
        "bpp_uri": "http://seller.odop.example/ondc",
        "transaction_id": str(uuid.uuid4()),
        "message_id": str(uuid.uuid4()),
        "timestamp": schemas.format_timestamp(clock.now()),
        "ttl": "PT30S",
    }
    if action == "search":
        del values["bpp_id"], values["bpp_uri"]
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def search_body(clock: FixedClock, **overrides: Any) -> bytes:
    """A signed-ready ``/search`` body with Hindi text in it."""
    return orjson.dumps(
        {
            "context": context("search", clock, **overrides),
            "message": {
                "intent": {
                    "item": {"descriptor": {"name": "शॉल"}},
                    "fulfillment": {"type": "Delivery"},
                }
            },
        }
    )


def signed(body: bytes, clock: FixedClock, signer: signing.Signer = BUYER) -> dict[str, str]:
    """Headers with the buyer's signature over exactly ``body``."""
    now = clock.timestamp()
    return {
        "Content-Type": "application/json",
        "Authorization": signer.sign(body, created=now, expires=now + 30),
    }


@dataclass
class Edge:
    """The app, its peers and a client posting to it."""

    app: FastAPI
    settings: Settings
    router: respx.Router
    client: httpx.AsyncClient
    received: list[httpx.Request] = field(default_factory=list)

    async def post(self, action: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        """POST ``body`` to ``/ondc/{action}``."""
        return await self.client.post(f"/ondc/{action}", content=body, headers=headers)

    async def dispatch(self) -> int:
        """Run this process's dispatcher once; the number of jobs handled."""
        handled: int = await self.app.state.dispatcher.run_once()
        return handled


@asynccontextmanager
async def edge(
    tmp_path: Path,
    clock: FixedClock,
    *,
    state: SharedState | None = None,
    database_url: str | None = None,
    dispatch: bool = False,
    **overrides: Any,
) -> AsyncIterator[Edge]:
    """The adapter in process with a respx buyer app and registry (dispatcher manual, or
    running in the background as in production with ``dispatch``)."""
    router = respx.Router(assert_all_called=False)
    router.post(f"{REGISTRY}/v2.0/lookup").mock(side_effect=lookup)
    received: list[httpx.Request] = []

    def buyer(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(200, json={"message": {"ack": {"status": "ACK"}}})

    router.route(host="buyer.example").mock(side_effect=buyer)
    router.route(host="other-buyer.example").mock(side_effect=buyer)
    if database_url is None:
        # A copy of a database migrated once (the lifespan's upgrade finds it at head); a
        # second edge on the same folder, as after a restart, reopens the file it left.
        database = tmp_path / "edge.db"
        database_url = f"sqlite:///{database}" if database.exists() else migrated_sqlite(database)
    settings = load_settings(env_file=None, **settings_values(database_url, **overrides))
    app = create_app(
        settings,
        transport=httpx.MockTransport(router.async_handler),
        clock=clock,
        state=state,
        dispatch=dispatch,
    )
    async with (
        running(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://seller.odop.example"
        ) as client,
    ):
        yield Edge(app=app, settings=settings, router=router, client=client, received=received)
