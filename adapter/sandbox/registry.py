"""A sandbox ONDC registry: lookups (v1 and signed v2.0) and the full onboarding flow.

``/subscribe`` does what the real registry does, in order: checks the payload, fetches the
subscriber's ``ondc-site-verification.html`` and checks its signature of the request id,
sends an encrypted ``/on_subscribe`` challenge and checks the answer, then lists the
subscriber. Subscriber ids are resolved to loopback origins through ``hosts`` (the
sandbox's stand-in for DNS).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Any

import httpx
import orjson
from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, Response

import signing
from adapter.core.clock import Clock

__all__ = ["SandboxRegistry"]

_META = re.compile(r"""<meta\s+name=["']ondc-site-verification["']\s+content=["']([^"']+)["']""")


def _nack(code: str, message: str, status: int = 400) -> JSONResponse:
    return JSONResponse(
        {"message": {"ack": {"status": "NACK"}}, "error": {"code": code, "message": message}},
        status_code=status,
    )


@dataclass
class SandboxRegistry:
    """An in-memory registry with its own X25519 key for onboarding challenges."""

    clock: Clock
    hosts: dict[str, str] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    encryption: signing.EncryptionKeyPair = field(
        default_factory=signing.EncryptionKeyPair.generate
    )
    transport: httpx.AsyncBaseTransport | None = None

    @property
    def encryption_public_key(self) -> str:
        """The registry's X25519 public key (DER, base64) for subscribers' settings."""
        return self.encryption.public_der_base64()

    def add(self, record: dict[str, Any]) -> None:
        """List a subscriber record (replacing one with the same subscriber and key id)."""
        self.records = [
            r
            for r in self.records
            if (r["subscriber_id"], r.get("ukId")) != (record["subscriber_id"], record.get("ukId"))
        ]
        self.records.append(record)

    def _matching(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        def matches(record: dict[str, Any]) -> bool:
            return all(
                record.get(name) == value
                for name, value in filters.items()
                if name in ("subscriber_id", "ukId", "domain", "type", "city", "country")
            )

        return [record for record in self.records if matches(record)]

    async def _verify_lookup_signature(self, request: Request, body: bytes) -> str | None:
        header = request.headers.get("authorization")
        if not header:
            return "The auth header not found"
        try:
            params = signing.parse_header(header)
        except signing.SignatureError as exc:
            return str(exc)
        for record in self._matching(
            {"subscriber_id": params.subscriber_id, "ukId": params.unique_key_id}
        ):
            key = signing.PublicKey.from_base64(record["signing_public_key"])
            try:
                signing.verify(body, params, key, now=self.clock.timestamp())
            except signing.SignatureError as exc:
                return str(exc)
            return None
        return f"unknown subscriber {params.subscriber_id}|{params.unique_key_id}"

    async def _onboard(self, payload: dict[str, Any]) -> str | None:
        message = payload["message"]
        entity = message["entity"]
        subscriber_id = entity["subscriber_id"]
        origin = self.hosts.get(subscriber_id)
        if origin is None:
            return f"cannot resolve {subscriber_id}"
        public_key = signing.PublicKey.from_base64(entity["key_pair"]["signing_public_key"])
        async with httpx.AsyncClient(transport=self.transport, timeout=5.0) as http:
            page = await http.get(f"{origin}/ondc-site-verification.html")
            found = _META.search(page.text)
            if page.status_code != 200 or found is None:
                return f"site verification page not found ({page.status_code})"
            signature = signing.decode_b64(found.group(1), what="site verification signature")
            if not public_key.verifies(message["request_id"].encode("utf-8"), signature):
                return "site verification signature does not match the request_id"
            answer = f"challenge-{secrets.token_hex(8)}"
            challenge = signing.encrypt_challenge(
                answer,
                own=self.encryption.private,
                subscriber=signing.load_encryption_public_key(
                    entity["key_pair"]["encryption_public_key"]
                ),
            )
            callback = entity.get("callback_url", "/").rstrip("/")
            reply = await http.post(
                f"{origin}{callback}/on_subscribe",
                json={"subscriber_id": subscriber_id, "challenge": challenge},
            )
            if reply.status_code != 200 or reply.json().get("answer") != answer:
                return f"on_subscribe challenge failed ({reply.status_code}: {reply.text[:200]})"
        for participant in message["network_participant"]:
            self.add(
                {
                    "subscriber_id": subscriber_id,
                    "ukId": entity["unique_key_id"],
                    "br_id": entity["unique_key_id"],
                    "subscriber_url": origin + participant["subscriber_url"].rstrip("/"),
                    "type": "BPP" if participant["type"] == "sellerApp" else "BAP",
                    "domain": participant["domain"],
                    "country": "IND",
                    "city": (participant.get("city_code") or ["*"])[0],
                    "signing_public_key": entity["key_pair"]["signing_public_key"],
                    "encr_public_key": entity["key_pair"]["encryption_public_key"],
                    "valid_from": entity["key_pair"]["valid_from"],
                    "valid_until": entity["key_pair"]["valid_until"],
                    "status": "SUBSCRIBED",
                }
            )
        return None

    def app(self) -> FastAPI:
        """The registry as an ASGI app."""
        api = FastAPI(title="Sandbox ONDC registry")

        @api.middleware("http")
        async def date_header(request: Request, call_next: Any) -> Response:
            # Registries send Date; the self-test compares clocks with it.
            response: Response = await call_next(request)
            response.headers["date"] = format_datetime(self.clock.now(), usegmt=True)
            return response

        @api.post("/lookup")
        async def lookup(request: Request) -> Response:
            filters = orjson.loads(await request.body())
            return JSONResponse(self._matching(filters))

        @api.post("/v2.0/lookup")
        async def lookup_v2(request: Request) -> Response:
            body = await request.body()
            problem = await self._verify_lookup_signature(request, body)
            if problem is not None:
                return _nack("1020", problem, status=401)
            return JSONResponse(self._matching(orjson.loads(body)))

        @api.post("/subscribe")
        async def subscribe(request: Request) -> Response:
            payload = orjson.loads(await request.body())
            problem = await self._onboard(payload)
            if problem is not None:
                return _nack("129", problem)
            return JSONResponse({"message": {"ack": {"status": "ACK"}}, "error": None})

        @api.head("/")
        @api.get("/")
        async def root() -> Response:
            return JSONResponse({"registry": "sandbox"})

        return api
