"""Signed /search ACK throughput and latency, next to a bare-stack baseline in the same run.

    .venv/bin/python bench/edge [--duration 8] [--concurrency 32] [--backends sqlite,postgres]

For each store (SQLite; PostgreSQL with Redis) the adapter runs as ``ondc-seller serve``
(one uvicorn worker) and the baseline (``baseline.py``: verify, parse, ACK) under the same
uvicorn settings. A load generator in its own process signs fresh bodies. Printed:
closed-loop ACK throughput of both and their ratio (goal >= 0.7); p50/p99 ACK latency at
half the adapter's throughput, open loop (goal p99 < 20 ms); request-in to callback-out
p50 at the callback sink (goal < 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx
import orjson
import psycopg

import load
import signing
from adapter.core.clock import SystemClock
from adapter.sandbox.registry import SandboxRegistry
from adapter.sandbox.servers import LoopbackServer

ROOT = Path(__file__).resolve().parents[2]
VECTORS = orjson.loads((ROOT.parent / "shared" / "signing-vectors.json").read_bytes())
SELLER = VECTORS["keys"]["k1"]
ACK = b'{"message":{"ack":{"status":"ACK"}}}'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


class Sink:
    """The buyer's callback endpoint: records when each on_search arrives."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.port = free_port()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = await reader.readexactly(length)
                message_id = orjson.loads(body)["context"]["message_id"]
                self.arrived.setdefault(message_id, time.monotonic())
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(ACK), ACK))  # fmt: skip
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)


def start_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


async def wait_ready(url: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


async def load_run(pool: ProcessPoolExecutor, url: str, bap_uri: str, concurrency: int,
                   duration: float, rate: float | None) -> load.Result:  # fmt: skip
    count = int((rate or 6000) * duration * 1.2) + 100
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        pool, load.run, url, bap_uri, concurrency, duration, rate, count
    )


def fresh_postgres() -> str:
    admin = os.environ.get("ONDC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    name = f"ondc_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{admin.rsplit('/', 1)[0]}/{name}"


async def bench_backend(name: str, database_url: str, redis_url: str | None, args: argparse.Namespace,
                        pool: ProcessPoolExecutor, baseline_url: str, work: Path) -> None:  # fmt: skip
    clock = SystemClock()
    registry = SandboxRegistry(clock=clock)
    registry_server = LoopbackServer(registry.app(), free_port())
    await registry_server.start()
    buyer_key = signing.PrivateKey.from_base64(load.BUYER_KEY)
    registry.add({"subscriber_id": "buyer.bench.example", "ukId": "bench-k2", "status": "SUBSCRIBED",
                  "signing_public_key": buyer_key.public_key.to_base64(),
                  "valid_until": "2035-01-01T00:00:00.000Z"})  # fmt: skip
    port = free_port()
    registry.add({"subscriber_id": "seller.bench.example", "ukId": "seller-k1", "status": "SUBSCRIBED",
                  "signing_public_key": SELLER["public_key_b64"],
                  "valid_until": "2035-01-01T00:00:00.000Z"})  # fmt: skip
    sink = Sink()
    await sink.start()
    env = {**os.environ,
           "ONDC_SUBSCRIBER_ID": "seller.bench.example", "ONDC_UNIQUE_KEY_ID": "seller-k1",
           "ONDC_SUBSCRIBER_URL": f"http://127.0.0.1:{port}/ondc",
           "ONDC_SIGNING_PRIVATE_KEY": SELLER["private_key_b64"],
           "ONDC_ENCRYPTION_PRIVATE_KEY": VECTORS["aux"]["on_subscribe_challenge"]["np_encryption_keys"]["private_raw_b64"],
           "ONDC_REGISTRY_URL": registry_server.url, "ONDC_ADMIN_API_KEY": "bench-admin-key-0123456789",
           "ONDC_RATE_LIMIT_PER_SECOND": "1000000", "DATABASE_URL": database_url,
           "LOG_LEVEL": "WARNING"}  # fmt: skip
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    adapter = start_process([sys.executable, "-m", "adapter.cli", "serve", "--port", str(port)],
                            env, work / f"adapter-{name}.log")  # fmt: skip
    try:
        await wait_ready(f"http://127.0.0.1:{port}/healthz")
        bap_uri = f"http://127.0.0.1:{sink.port}"
        adapter_url = f"http://127.0.0.1:{port}/ondc/search"
        await load_run(pool, adapter_url, bap_uri, 4, 1.0, None)  # warm: key cache, pools
        base = await load_run(pool, baseline_url, bap_uri, args.concurrency, args.duration, None)
        ours = await load_run(pool, adapter_url, bap_uri, args.concurrency, args.duration, None)
        base_rate = base.statuses.get(200, 0) / base.elapsed
        our_rate = ours.statuses.get(200, 0) / ours.elapsed
        await asyncio.sleep(3.0)  # let the outbox drain before the latency run
        half = our_rate / 2
        open_loop = await load_run(
            pool, adapter_url, bap_uri, args.concurrency, args.duration, half
        )
        await asyncio.sleep(3.0)
        to_callback = [
            sink.arrived[m] - t for m, t in open_loop.sent_at.items() if m in sink.arrived
        ]
        non_ack = sum(v for k, v in {**ours.statuses, **open_loop.statuses}.items() if k != 200)
        print(f"\n[{name}] store: {database_url.split('://')[0]}, shared state: "
              f"{'redis' if redis_url else 'in-process'}")  # fmt: skip
        print(f"  baseline ACK/s      {base_rate:9,.0f}   (verify + parse + ACK)")
        print(
            f"  adapter  ACK/s      {our_rate:9,.0f}   ratio {our_rate / base_rate:.2f} (goal >= 0.70)"
        )
        print(f"  at {half:,.0f} req/s open loop: ACK p50 {percentile(open_loop.latencies, .5)*1000:.1f} ms,"
              f" p99 {percentile(open_loop.latencies, .99)*1000:.1f} ms (goal p99 < 20 ms)")  # fmt: skip
        to_callback = to_callback or [float("nan")]
        print(f"  request -> callback p50 {statistics.median(to_callback)*1000:.1f} ms, "
              f"p99 {percentile(to_callback, .99)*1000:.1f} ms over {len(to_callback)} of "
              f"{len(open_loop.sent_at)} (goal p50 < 50 ms)")  # fmt: skip
        print(f"  non-ACK answers: {non_ack}")
    finally:
        adapter.terminate()
        adapter.wait(timeout=30)
        sink.server.close()
        await registry_server.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-edge-"))
    baseline_port = free_port()
    baseline = start_process(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "bench" / "edge"), "baseline:app",
         "--port", str(baseline_port), "--log-level", "warning", "--no-access-log"],
        dict(os.environ), work / "baseline.log")  # fmt: skip
    print(f"bench/edge: {args.concurrency} connections, {args.duration:.0f} s per phase, "
          f"{os.cpu_count()} cores, logs in {work}")  # fmt: skip
    try:
        await wait_ready(f"http://127.0.0.1:{baseline_port}/healthz")
        baseline_url = f"http://127.0.0.1:{baseline_port}/ondc/search"
        with ProcessPoolExecutor(max_workers=1) as pool:
            for backend in args.backends.split(","):
                if backend == "sqlite":
                    await bench_backend("sqlite", f"sqlite:///{work}/bench.db", None, args, pool,
                                        baseline_url, work)  # fmt: skip
                else:
                    await bench_backend("postgres+redis", fresh_postgres(),
                                        os.environ.get("ONDC_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
                                        args, pool, baseline_url, work)  # fmt: skip
    finally:
        baseline.terminate()
        baseline.wait(timeout=30)


if __name__ == "__main__":
    asyncio.run(main())
