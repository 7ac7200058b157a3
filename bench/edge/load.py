"""A small HTTP/1.1 load generator for bench/edge, run in its own process.

Each connection keeps alive and sends freshly signed ``/search`` bodies with unique message
ids. Closed loop (as fast as answers come) for throughput; open loop (a fixed schedule,
latency measured from the scheduled instant, so a slow server cannot hide queueing) for
latency.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field

import orjson

import signing

BUYER_KEY = (
    "/TQgqjw5wATDQzen370IXl5zm2g6XLcaJ7cFcf9V4+LzxZukPD9XxyOIzLO/Y7iBXDRKYQ31r6jnah23M6ASxQ=="
)


@dataclass
class Result:
    """What one load run saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    sent_at: dict[str, float] = field(default_factory=dict)
    elapsed: float = 0.0


def bodies(count: int, bap_uri: str) -> list[tuple[str, bytes, str]]:
    """``count`` signed search bodies: (message_id, body, Authorization)."""
    signer = signing.Signer(
        "buyer.bench.example", "bench-k2", signing.PrivateKey.from_base64(BUYER_KEY)
    )
    now = int(time.time())
    out = []
    for _ in range(count):
        message_id = str(uuid.uuid4())
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000Z"
        body = orjson.dumps({
            "context": {"domain": "ONDC:RET16", "country": "IND", "city": "std:0177",
                        "action": "search", "core_version": "1.2.0",
                        "bap_id": "buyer.bench.example", "bap_uri": bap_uri,
                        "transaction_id": str(uuid.uuid4()), "message_id": message_id,
                        "timestamp": stamp, "ttl": "PT30S"},
            "message": {"intent": {"item": {"descriptor": {"name": "शॉल"}},
                                   "fulfillment": {"type": "Delivery"}}},
        })  # fmt: skip
        out.append((message_id, body, signer.sign(body, created=now - 1, expires=now + 600)))
    return out


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    host: str, path: str, body: bytes, auth: str) -> int:  # fmt: skip
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Authorization: {auth}\r\nContent-Length: {len(body)}\r\n\r\n").encode()  # fmt: skip
    writer.write(head + body)
    await writer.drain()
    response = await reader.readuntil(b"\r\n\r\n")
    status = int(response.split(b" ", 2)[1])
    length = 0
    for line in response.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return status


async def _run(url: str, requests: list[tuple[str, bytes, str]], concurrency: int,
               duration: float, rate: float | None) -> Result:  # fmt: skip
    host_port, path = url.removeprefix("http://").split("/", 1)
    host, port = host_port.split(":")
    result = Result()
    queue = iter(requests)
    start = time.monotonic()
    deadline = start + duration

    async def worker(index: int) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        interval = concurrency / rate if rate else 0.0
        scheduled = start + index * (interval / concurrency if rate else 0.0)
        while True:
            if rate:
                scheduled += interval
                delay = scheduled - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            if time.monotonic() >= deadline:
                break
            try:
                message_id, body, auth = next(queue)
            except StopIteration:
                break
            began = time.monotonic()
            origin = scheduled if rate else began
            result.sent_at[message_id] = began
            status = await _exchange(reader, writer, host_port, "/" + path, body, auth)
            result.latencies.append(time.monotonic() - origin)
            result.statuses[status] = result.statuses.get(status, 0) + 1
        writer.close()

    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    result.elapsed = time.monotonic() - start
    return result


def run(url: str, bap_uri: str, concurrency: int, duration: float, rate: float | None,
        count: int) -> Result:  # fmt: skip
    """Entry point for a worker process."""
    requests = bodies(count, bap_uri)
    return asyncio.run(_run(url, requests, concurrency, duration, rate))
