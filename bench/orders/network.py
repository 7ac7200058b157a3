"""The bench's loopback network: a fresh PostgreSQL database, a private Redis server, the
sandbox registry (a thread with its own event loop), the buyer app's callback sink (its own
process) and N ``ondc-seller serve`` processes sharing the database and Redis, each on its
own port with no load balancer in front.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import psycopg

import signing
from adapter.core.clock import SystemClock
from adapter.sandbox.buyer import SandboxBuyer
from adapter.sandbox.registry import SandboxRegistry
from adapter.sandbox.servers import LoopbackServer
from buyer import Buyer, Callbacks, Port

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VECTORS = orjson.loads((ROOT / "tests" / "fixtures" / "signing-vectors.json").read_bytes())
SELLER_ID = "seller.bench.example"
ADMIN_KEY = "bench-admin-key-0123456789"
CATALOGUE = ROOT / "config" / "demo" / "odop-catalogue.json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RegistryThread:
    """The sandbox registry served from a thread with its own event loop."""

    def __init__(self, registry: SandboxRegistry) -> None:
        self.registry = registry
        self.port = free_port()
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _serve(self) -> None:
        server = LoopbackServer(self.registry.app(), self.port)
        await server.start()
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        self._ready.set()
        await self._stop.wait()
        await server.stop()

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(20):
            raise SystemExit("the sandbox registry did not start")

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


@dataclass
class Network:
    """What a bench round needs: the buyer, the adapters' ports, the store."""

    buyer: Buyer
    callbacks: Callbacks
    adapter_urls: list[str]
    database_url: str
    work: Path

    async def admin(self, method: str, path: str, body: object = None,
                    key: str = ADMIN_KEY) -> dict[str, object]:  # fmt: skip
        """Call the seller or admin API of the first process."""
        async with httpx.AsyncClient(base_url=self.adapter_urls[0], timeout=30.0) as http:
            response = await http.request(method, path, json=body,
                                          headers={"Authorization": f"Bearer {key}"})  # fmt: skip
        if response.status_code >= 300:
            raise SystemExit(f"FAIL: {method} {path}: {response.status_code} {response.text}")
        answer: dict[str, object] = response.json()
        return answer

    async def set_stock(self, seller: str, sku: str, count: int) -> None:
        """Set an item's true count through the seller API, with the seller's own key."""
        key = await self.admin("POST", f"/admin/v1/sellers/{seller}/keys", {})
        await self.admin("PATCH", "/seller/v1/stock", {"items": [{"sku": sku, "available": count}]},
                         key=str(key["api_key"]))  # fmt: skip


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


async def _healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            if process.poll() is not None:
                tail = (await asyncio.to_thread(log.read_text))[-2000:]
                raise SystemExit(f"FAIL: {url} exited: {tail}")
            with contextlib.suppress(httpx.TransportError):
                if (await http.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise SystemExit(f"FAIL: {url} did not come up")


@contextlib.asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """A new PostgreSQL database, dropped afterwards."""
    admin = os.environ.get("ONDC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    name = f"ondc_bench_orders_{secrets.token_hex(4)}"
    async with await psycopg.AsyncConnection.connect(admin, autocommit=True) as connection:
        await connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin.rsplit('/', 1)[0]}/{name}"
    finally:
        async with await psycopg.AsyncConnection.connect(admin, autocommit=True) as connection:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.asynccontextmanager
async def private_redis(work: Path) -> AsyncIterator[str]:
    """A Redis server of the bench's own (no persistence), or ONDC_BENCH_REDIS_URL."""
    if "ONDC_BENCH_REDIS_URL" in os.environ:
        yield os.environ["ONDC_BENCH_REDIS_URL"]
        return
    port = free_port()
    server = _spawn(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no"], dict(os.environ), work / "redis.log")  # fmt: skip
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            await asyncio.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(server)


@contextlib.asynccontextmanager
async def network(processes: int, work: Path, *, hold_seconds: int,
                  connections: int) -> AsyncIterator[Network]:  # fmt: skip
    """Everything up, the demo catalogue loaded; everything down afterwards."""
    clock = SystemClock()
    registry = SandboxRegistry(clock=clock)
    registry_thread = RegistryThread(registry)
    registry_thread.start()
    callbacks = Callbacks()
    feed = await asyncio.start_server(callbacks.feed, "127.0.0.1", 0, limit=2**24)
    feed_port = feed.sockets[0].getsockname()[1]
    sink_port = free_port()
    seller_key = VECTORS["keys"]["k1"]
    sink = _spawn([sys.executable, str(HERE / "sink.py"), str(sink_port), str(feed_port),
                   seller_key["public_key_b64"]], dict(os.environ), work / "sink.log")  # fmt: skip
    identity = SandboxBuyer(
        subscriber_id="buyer.bench.example",
        unique_key_id="bench-k2",
        key=signing.PrivateKey.from_base64(VECTORS["keys"]["k2"]["private_key_b64"]),
        registry_url=registry_thread.url,
        clock=clock,
    )
    sink_url = f"http://127.0.0.1:{sink_port}"
    registry.add(identity.registry_record(sink_url))
    ports = [free_port() for _ in range(processes)]
    subscriber_url = f"http://127.0.0.1:{ports[0]}/ondc"
    registry.add({"subscriber_id": SELLER_ID, "ukId": "seller-k1", "type": "BPP",
                  "subscriber_url": subscriber_url, "status": "SUBSCRIBED",
                  "signing_public_key": seller_key["public_key_b64"],
                  "valid_until": "2035-01-01T00:00:00.000Z"})  # fmt: skip
    adapters: list[subprocess.Popen[bytes]] = []
    try:
        await asyncio.wait_for(callbacks.connected.wait(), 30)
        async with fresh_database() as database_url, private_redis(work) as redis_url:
            aux = VECTORS["aux"]["on_subscribe_challenge"]
            env = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("ONDC_", "DATABASE_URL", "REDIS_URL"))
            }
            env |= {"ONDC_SUBSCRIBER_ID": SELLER_ID, "ONDC_UNIQUE_KEY_ID": "seller-k1",
                    "ONDC_SUBSCRIBER_URL": subscriber_url,
                    "ONDC_SIGNING_PRIVATE_KEY": seller_key["private_key_b64"],
                    "ONDC_ENCRYPTION_PRIVATE_KEY": aux["np_encryption_keys"]["private_raw_b64"],
                    "ONDC_REGISTRY_URL": registry_thread.url, "ONDC_ADMIN_API_KEY": ADMIN_KEY,
                    "ONDC_RATE_LIMIT_PER_SECOND": "1000000",
                    "ONDC_STOCK_HOLD_SECONDS": str(hold_seconds),
                    "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                    # A Redis server given to the bench may hold another run's keys.
                    "ONDC_REDIS_KEY_PREFIX": f"ondc-bench-{secrets.token_hex(4)}:",
                    # The buyer app's callback sink is on loopback, over plain HTTP.
                    "ONDC_OUTBOUND_ALLOW_HTTP": "true", "ONDC_OUTBOUND_ALLOW_PRIVATE": "true",
                    "LOG_LEVEL": "WARNING"}  # fmt: skip
            cli = [sys.executable, "-m", "adapter.cli"]
            loading = await asyncio.create_subprocess_exec(
                *cli, "catalog", "import", str(CATALOGUE), env=env, cwd=ROOT,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)  # fmt: skip
            output, _ = await asyncio.wait_for(loading.communicate(), 120)
            if loading.returncode != 0:
                raise SystemExit(f"FAIL: catalogue import: {output.decode()}")
            for port in ports:
                log = work / f"adapter-{port}.log"
                adapters.append(_spawn([*cli, "serve", "--port", str(port)], env, log))
            for port, process in zip(ports, adapters, strict=True):
                await _healthy(f"http://127.0.0.1:{port}/healthz", process,
                               work / f"adapter-{port}.log")  # fmt: skip
            pool = [Port(port, connections) for port in ports]
            buyer = Buyer(identity, pool, callbacks, sink_url, SELLER_ID, subscriber_url)
            try:
                yield Network(buyer, callbacks, [f"http://127.0.0.1:{p}" for p in ports],
                              database_url, work)  # fmt: skip
            finally:
                for port_pool in pool:
                    port_pool.close()
                for process in adapters:
                    _stop(process)
    finally:
        for process in adapters:
            _stop(process)
        _stop(sink)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(callbacks.closed.wait(), 5)
        feed.close()
        registry_thread.stop()
