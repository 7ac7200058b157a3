"""A sandbox buyer app: sends signed requests and verifies every callback it receives.

It behaves like a careful buyer app (ONDC buyer NP): each callback's signature is checked
on the exact bytes received, with the seller's key looked up in the registry; callbacks
that fail are answered with NACK 30016 and kept apart, so tests can see both.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import orjson
from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, Response

import schemas
import signing
from adapter.core.clock import Clock

__all__ = ["Received", "SandboxBuyer"]


@dataclass(frozen=True, slots=True)
class Received:
    """A callback as it arrived, with the outcome of its signature check."""

    action: str
    body: bytes
    payload: dict[str, Any]
    signer: str | None
    problem: str | None
    authorization: str = ""
    at: datetime | None = None  # when it arrived, by the buyer's clock


@dataclass
class SandboxBuyer:
    """A buyer app with its own identity, signing key and callback endpoint."""

    subscriber_id: str
    unique_key_id: str
    key: signing.PrivateKey
    registry_url: str
    clock: Clock
    received: list[Received] = field(default_factory=list)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def signer(self) -> signing.Signer:
        """Signs this buyer's requests."""
        return signing.Signer(self.subscriber_id, self.unique_key_id, self.key)

    def registry_record(self, subscriber_url: str) -> dict[str, Any]:
        """This buyer's entry for the registry."""
        return {
            "subscriber_id": self.subscriber_id,
            "ukId": self.unique_key_id,
            "subscriber_url": subscriber_url,
            "type": "BAP",
            "signing_public_key": self.key.public_key.to_base64(),
            "status": "SUBSCRIBED",
            "valid_from": "2024-01-01T00:00:00.000Z",
            "valid_until": "2035-01-01T00:00:00.000Z",
        }

    def context(self, action: str, *, bap_uri: str, **overrides: Any) -> dict[str, Any]:
        """A fresh request context (new transaction and message ids)."""
        values: dict[str, Any] = {
            "domain": "ONDC:RET16",
            "country": "IND",
            "city": "std:0177",
            "action": action,
            "core_version": "1.2.0",
            "bap_id": self.subscriber_id,
            "bap_uri": bap_uri,
            "transaction_id": str(uuid.uuid4()),
            "message_id": str(uuid.uuid4()),
            "timestamp": schemas.format_timestamp(self.clock.now()),
            "ttl": "PT30S",
        }
        values.update(overrides)
        return values

    async def send(
        self, http: httpx.AsyncClient, url: str, payload: dict[str, Any]
    ) -> httpx.Response:
        """Serialise once, sign those bytes, POST them."""
        body = orjson.dumps(payload)
        now = self.clock.timestamp()
        headers = {
            "Content-Type": "application/json",
            "Authorization": self.signer.sign(body, created=now, expires=now + 30),
        }
        return await http.post(url, content=body, headers=headers)

    async def wait_for(
        self, message_id: str, *, count: int = 1, seconds: float = 30.0
    ) -> list[Received]:
        """The verified callbacks answering ``message_id``, once ``count`` have arrived."""
        return await self.wait_until(
            lambda r: r.payload["context"].get("message_id") == message_id,
            count=count,
            seconds=seconds,
        )

    async def wait_until(
        self, wanted: Callable[[Received], bool], *, count: int = 1, seconds: float = 30.0
    ) -> list[Received]:
        """The verified callbacks ``wanted`` picks, once ``count`` of them have arrived."""

        def matching() -> list[Received]:
            return [r for r in self.received if r.problem is None and wanted(r)]

        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: len(matching()) >= count), seconds
            )
        return matching()

    async def _seller_key(
        self, http: httpx.AsyncClient, params: signing.SignatureParams
    ) -> signing.PublicKey:
        response = await http.post(
            f"{self.registry_url}/lookup",
            json={"subscriber_id": params.subscriber_id, "ukId": params.unique_key_id},
        )
        records = response.json()
        if not records:
            raise signing.InvalidSignature(f"{params.key_id} is not in the registry")
        return signing.PublicKey.from_base64(records[0]["signing_public_key"])

    def app(self) -> FastAPI:
        """The buyer's callback endpoint: ``POST /{on_action}``."""
        api = FastAPI(title="Sandbox buyer app")

        @api.post("/{action}")
        async def callback(action: str, request: Request) -> Response:
            body = await request.body()
            authorization = request.headers.get("authorization", "")
            problem: str | None = None
            signer: str | None = None
            try:
                params = signing.parse_header(authorization)
                async with httpx.AsyncClient(timeout=5.0) as http:
                    key = await self._seller_key(http, params)
                signing.verify(body, params, key, now=self.clock.timestamp())
                signer = params.subscriber_id
            except signing.SignatureError as exc:
                problem = str(exc)
            try:
                payload = orjson.loads(body)
            except orjson.JSONDecodeError:
                payload, problem = {"context": {}}, problem or "body is not JSON"
            async with self._arrived:
                self.received.append(
                    Received(
                        action, body, payload, signer, problem, authorization, self.clock.now()
                    )
                )
                self._arrived.notify_all()
            if problem is not None:
                return JSONResponse(
                    {"message": {"ack": {"status": "NACK"}},
                     "error": {"type": "CONTEXT-ERROR", "code": "30016", "message": problem}},
                    status_code=401,
                )  # fmt: skip
            return JSONResponse({"message": {"ack": {"status": "ACK"}}})

        return api
