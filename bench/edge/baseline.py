"""The bare-stack baseline for bench/edge: a FastAPI endpoint that only verifies the
signature on the raw bytes, parses the body once and returns ACK (no registry, no store,
no dedupe, no outbox). Served by uvicorn exactly like the adapter."""

from __future__ import annotations

import time

import orjson
from fastapi import FastAPI, Request
from starlette.responses import Response

import schemas
import signing

# The load generator signs with this key (the k2 vector key).
BUYER_PUBLIC = signing.PublicKey.from_base64("88WbpDw/V8cjiMyzv2O4gVw0SmEN9a+o52odtzOgEsU=")
ACK = orjson.dumps({"message": {"ack": {"status": "ACK"}}})

app = FastAPI()


@app.get("/healthz")
async def healthz() -> Response:
    """Ready."""
    return Response(b"{}", media_type="application/json")


@app.post("/ondc/search")
async def search(request: Request) -> Response:
    """Verify, parse, ACK."""
    body = await request.body()
    now = int(time.time())
    try:
        signing.verify(body, request.headers.get("authorization", ""), BUYER_PUBLIC, now=now)
        schemas.parse(schemas.SearchRequest, body)
    except (signing.SignatureError, ValueError):
        return Response(b'{"message":{"ack":{"status":"NACK"}}}', status_code=401)
    return Response(ACK, media_type="application/json")
