"""The adapter's surroundings in bench/edge: a sandbox registry holding the seller's and
the buyer's keys, and the adapter's environment."""

from __future__ import annotations

import os

import orjson

import load
import signing
from adapter.core.clock import SystemClock
from adapter.sandbox.registry import SandboxRegistry
from adapter.sandbox.servers import LoopbackServer
from harness import ROOT, free_port

VECTORS = orjson.loads((ROOT / "tests" / "fixtures" / "signing-vectors.json").read_bytes())
SELLER = VECTORS["keys"]["k1"]


async def registry(sink_port: int) -> LoopbackServer:
    """A started sandbox registry with the seller and the buyer (whose callbacks go to the
    sink on ``sink_port``); stop it when done."""
    records = SandboxRegistry(clock=SystemClock())
    server = LoopbackServer(records.app(), free_port())
    await server.start()
    buyer_key = signing.PrivateKey.from_base64(load.BUYER_KEY)
    records.add({"subscriber_id": "seller.bench.example", "ukId": "seller-k1", "status": "SUBSCRIBED",
                 "signing_public_key": SELLER["public_key_b64"],
                 "valid_until": "2035-01-01T00:00:00.000Z"})  # fmt: skip
    # The edge checks each request's bap_uri against the buyer's registered subscriber_url.
    records.add({"subscriber_id": "buyer.bench.example", "ukId": "bench-k2", "status": "SUBSCRIBED",
                 "subscriber_url": f"http://127.0.0.1:{sink_port}",
                 "signing_public_key": buyer_key.public_key.to_base64(),
                 "valid_until": "2035-01-01T00:00:00.000Z"})  # fmt: skip
    return server


def adapter_env(port: int, registry_url: str, database_url: str,
                redis_url: str | None) -> dict[str, str]:  # fmt: skip
    """The environment of ``ondc-seller serve`` on ``port`` for the bench."""
    env = {**os.environ,
           "ONDC_SUBSCRIBER_ID": "seller.bench.example", "ONDC_UNIQUE_KEY_ID": "seller-k1",
           "ONDC_SUBSCRIBER_URL": f"http://127.0.0.1:{port}/ondc",
           "ONDC_SIGNING_PRIVATE_KEY": SELLER["private_key_b64"],
           "ONDC_ENCRYPTION_PRIVATE_KEY": VECTORS["aux"]["on_subscribe_challenge"]["np_encryption_keys"]["private_raw_b64"],
           "ONDC_REGISTRY_URL": registry_url, "ONDC_ADMIN_API_KEY": "bench-admin-key-0123456789",
           "ONDC_RATE_LIMIT_PER_SECOND": "1000000", "DATABASE_URL": database_url,
           # The buyer app's callback sink is on loopback, over plain HTTP.
           "ONDC_OUTBOUND_ALLOW_HTTP": "true", "ONDC_OUTBOUND_ALLOW_PRIVATE": "true",
           "LOG_LEVEL": "WARNING"}  # fmt: skip
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env
