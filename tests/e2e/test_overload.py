"""Overload, end to end: a real ``ondc-seller serve`` process offered several times what
its buyer app lets it deliver. Every request it ACKs gets its callback within its ttl;
everything else is refused at once with NACK 31001, HTTP 503 and Retry-After."""

from __future__ import annotations

import asyncio
import secrets
import signal
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import schemas
import signing
from adapter.core.clock import SystemClock
from adapter.sandbox.registry import SandboxRegistry
from adapter.sandbox.servers import LoopbackServer
from tests.e2e.network import KEYS, AdapterProcess
from tests.e2e.processes import free_port, spawn_cli
from tests.fixtures import REDIS_URL, settings_values, subprocess_env

pytestmark = pytest.mark.e2e

BUYER_ID = "buyer.overload.example"
ACK = b'{"message":{"ack":{"status":"ACK"}}}'
TTL_SECONDS = 8
# The buyer app takes this long to answer each callback, and the adapter sends it two at
# a time: about 20 callbacks a second, whatever the machine.
ANSWER_SECONDS = 0.1
PER_PEER = 2
OFFERED_PER_SECOND = 100
LOAD_SECONDS = 4.0
# The load phase's limit: the schedule, then the last request's answer (the client's
# timeout is 10 s).
BOUND_SECONDS = LOAD_SECONDS + 30
CLOCK = SystemClock()


class SlowBuyer:
    """The buyer app's callback endpoint: answers ACK after ``ANSWER_SECONDS``, noting when
    each callback arrived (wall clock, as the requests' timestamps are)."""

    def __init__(self) -> None:
        self.arrived: dict[str, tuple[str, float]] = {}

    async def callback(self, request: Request) -> Response:
        body = await request.body()
        now = CLOCK.now().timestamp()
        context = orjson.loads(body).get("context", {})
        self.arrived.setdefault(context.get("message_id", ""), (context.get("action", ""), now))
        await asyncio.sleep(ANSWER_SECONDS)
        return Response(ACK, media_type="application/json")

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{action}", self.callback, methods=["POST"])])


@asynccontextmanager
async def overload_network(
    tmp_path: Path, split: bool, **stores: str
) -> AsyncIterator[tuple[AdapterProcess, str, SlowBuyer]]:
    """The adapter as one process, or (``split``) an edge process and a dispatcher
    process sharing the store and Redis; a slow buyer app; the sandbox registry."""
    registry = SandboxRegistry(clock=SystemClock())
    registry_server = LoopbackServer(registry.app(), free_port())
    buyer = SlowBuyer()
    buyer_server = LoopbackServer(buyer.app(), free_port())
    port = free_port()
    values = settings_values(
        f"sqlite:///{tmp_path}/adapter.db",
        ONDC_SUBSCRIBER_URL=f"http://127.0.0.1:{port}/ondc",
        ONDC_REGISTRY_URL=registry_server.url,
        ONDC_CALLBACKS_PER_PEER=str(PER_PEER),
        # Below what the buyer app lets through: the first requests are admitted on it.
        ONDC_ADMISSION_MIN_RATE="5",
        ONDC_RATE_LIMIT_PER_SECOND="100000",
        **stores,
    )
    registry.add(
        {
            "subscriber_id": BUYER_ID,
            "ukId": "buyer-k2",
            "subscriber_url": buyer_server.url,
            "type": "BAP",
            "signing_public_key": KEYS["k2"]["public_key_b64"],
            "status": "SUBSCRIBED",
            "valid_until": "2035-01-01T00:00:00.000Z",
        }
    )
    # The adapter's registry lookups are signed: the registry knows it too.
    seller = signing.PrivateKey.from_base64(values["ONDC_SIGNING_PRIVATE_KEY"])
    registry.add(
        {
            "subscriber_id": values["ONDC_SUBSCRIBER_ID"],
            "ukId": values["ONDC_UNIQUE_KEY_ID"],
            "subscriber_url": f"http://127.0.0.1:{port}/ondc",
            "type": "BPP",
            "signing_public_key": seller.public_key.to_base64(),
            "status": "SUBSCRIBED",
            "valid_until": "2035-01-01T00:00:00.000Z",
        }
    )
    env = subprocess_env(values)
    adapter = AdapterProcess(env, port, tmp_path, ("--no-dispatcher",) if split else ())
    await registry_server.start()
    await buyer_server.start()
    dispatcher = None
    try:
        await adapter.start()
        if split:
            log = tmp_path / "dispatcher.log"
            dispatcher = spawn_cli("serve", "--dispatcher-only", env=env, cwd=tmp_path, log=log)
            # Admission counts on dispatchers delivering: the load starts once one runs.
            for _ in range(300):
                if "dispatcher-only process started" in log.read_text():
                    break
                assert dispatcher.poll() is None, log.read_text()[-2000:]
                await asyncio.sleep(0.1)
        yield adapter, buyer_server.url, buyer
    finally:
        if dispatcher is not None:
            dispatcher.send_signal(signal.SIGTERM)
            dispatcher.wait(timeout=20)
        adapter.stop()
        await buyer_server.stop()
        await registry_server.stop()


def _search(bap_uri: str) -> tuple[str, bytes, float]:
    """A fresh search body: its message id, bytes and deadline (wall clock)."""
    now = CLOCK.now()
    message_id = str(uuid.uuid4())
    body = orjson.dumps(
        {
            "context": {
                "domain": "ONDC:RET16", "country": "IND", "city": "std:0177",
                "action": "search", "core_version": "1.2.0",
                "bap_id": BUYER_ID, "bap_uri": bap_uri,
                "transaction_id": str(uuid.uuid4()), "message_id": message_id,
                "timestamp": schemas.format_timestamp(now), "ttl": f"PT{TTL_SECONDS}S",
            },
            "message": {"intent": {"item": {"descriptor": {"name": "शॉल"}}}},
        }
    )  # fmt: skip
    deadline = (now + timedelta(seconds=TTL_SECONDS)).timestamp()
    return message_id, body, deadline


@pytest.mark.parametrize(
    "topology",
    ["sqlite", pytest.param("postgres-redis-split", marks=[pytest.mark.postgres,
                                                           pytest.mark.redis])],
)  # fmt: skip
async def test_every_acked_search_is_answered_within_its_ttl_under_overload(
    tmp_path: Path, topology: str, request: pytest.FixtureRequest
) -> None:
    stores: dict[str, str] = {}
    if topology != "sqlite":
        stores = {
            "DATABASE_URL": request.getfixturevalue("fresh_postgres_url"),
            "REDIS_URL": REDIS_URL,
            "ONDC_REDIS_KEY_PREFIX": f"ondc-test-{secrets.token_hex(4)}:",
        }
    signer = signing.Signer(
        BUYER_ID, "buyer-k2", signing.PrivateKey.from_base64(KEYS["k2"]["private_key_b64"])
    )
    acked: dict[str, float] = {}
    shed: list[httpx.Response] = []
    other: list[str] = []
    async with overload_network(tmp_path, topology != "sqlite", **stores) as (
        adapter,
        bap_uri,
        buyer,
    ):
        url = f"{adapter.url}/search"
        limits = httpx.Limits(max_connections=32)
        async with httpx.AsyncClient(timeout=10.0, limits=limits) as http:

            async def one() -> None:
                message_id, body, deadline = _search(bap_uri)
                created = CLOCK.timestamp()
                headers = {
                    "Content-Type": "application/json",
                    "Authorization": signer.sign(body, created=created, expires=created + 60),
                }
                response = await http.post(url, content=body, headers=headers)
                if response.status_code == 200:
                    acked[message_id] = deadline
                elif response.status_code == 503:
                    shed.append(response)
                else:
                    other.append(f"{response.status_code} {response.text[:300]}")

            # Open loop at OFFERED_PER_SECOND for LOAD_SECONDS: five times what the buyer
            # app lets the adapter deliver. Bounded: every answer within the client's
            # timeout, the whole schedule within BOUND_SECONDS, whatever the machine.
            async with asyncio.timeout(BOUND_SECONDS):
                started = time.monotonic()
                sent: list[asyncio.Task[None]] = []
                for n in range(int(OFFERED_PER_SECOND * LOAD_SECONDS)):
                    due = started + n / OFFERED_PER_SECOND
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                    sent.append(asyncio.create_task(one()))
                await asyncio.gather(*sent)
        # Every ACKed request's deadline passes (at most TTL_SECONDS after the last request
        # was sent); then nothing more can count as answered.
        last_deadline = max(acked.values(), default=0.0)
        left = last_deadline - CLOCK.now().timestamp()
        await asyncio.sleep(min(TTL_SECONDS, max(0.0, left)) + 0.5)

    assert other == []
    assert acked, "nothing was admitted"
    unanswered = [m for m in acked if m not in buyer.arrived]
    late = [m for m, deadline in acked.items() if m in buyer.arrived
            and buyer.arrived[m][1] > deadline]  # fmt: skip
    assert (unanswered, late) == ([], [])
    assert shed, "the load did not overload the adapter"
    assert {buyer.arrived[m][0] for m in acked} == {"on_search"}
    for response in shed:
        error = response.json()["error"]
        assert response.json()["message"] == {"ack": {"status": "NACK"}}
        assert error["code"] == "31001"
        assert int(response.headers["Retry-After"]) >= 1
    # Shed requests got no callback: the adapter answered exactly what it ACKed.
    assert set(buyer.arrived) == set(acked)
