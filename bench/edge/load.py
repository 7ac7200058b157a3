"""A small HTTP/1.1 load generator for bench/edge, run in its own process.

Each connection keeps alive and sends freshly signed ``/search`` bodies with unique message
ids. Closed loop (as fast as answers come; a refusal with Retry-After is followed by that
wait, as a buyer app would) for throughput; open loop (a fixed schedule, latency measured
from the scheduled instant, so a slow server cannot hide queueing) for latency and
overload.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import orjson

import signing

BUYER_KEY = (
    "/TQgqjw5wATDQzen370IXl5zm2g6XLcaJ7cFcf9V4+LzxZukPD9XxyOIzLO/Y7iBXDRKYQ31r6jnah23M6ASxQ=="
)


# Every search's ttl: its callback must arrive within this many seconds of its timestamp.
TTL_SECONDS = 30


@dataclass
class Result:
    """What one load run saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    sent_at: dict[str, float] = field(default_factory=dict)
    # The ACKed requests: message id -> when its body was stamped (time.monotonic); its
    # callback is answered in time if it reaches the sink within TTL_SECONDS of that.
    acked: dict[str, float] = field(default_factory=dict)
    # Refusals with a Retry-After header (admission control's NACKs).
    retry_after: int = 0
    # Closed loop: the seconds connections spent waiting out a Retry-After, in all.
    waited: float = 0.0
    connections: int = 0
    elapsed: float = 0.0


def bodies(count: int, bap_uri: str, ttl: int = TTL_SECONDS) -> list[tuple[str, bytes, str]]:
    """``count`` signed search bodies: (message_id, body, Authorization)."""
    return [_signed(bap_uri, ttl) for _ in range(count)]


_SIGNER = signing.Signer(
    "buyer.bench.example", "bench-k2", signing.PrivateKey.from_base64(BUYER_KEY)
)


# When each body handed out was stamped (time.monotonic), until it is answered.
stamped: dict[str, float] = {}


def _signed(bap_uri: str, ttl: int = TTL_SECONDS) -> tuple[str, bytes, str]:
    """One signed search body stamped now: (message_id, body, Authorization); when its
    timestamp was, on the monotonic clock, is kept in ``stamped``."""
    wall, mono = time.time(), time.monotonic()
    now = int(wall)
    message_id = str(uuid.uuid4())
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".000Z"
    body = orjson.dumps({
        "context": {"domain": "ONDC:RET16", "country": "IND", "city": "std:0177",
                    "action": "search", "core_version": "1.2.0",
                    "bap_id": "buyer.bench.example", "bap_uri": bap_uri,
                    "transaction_id": str(uuid.uuid4()), "message_id": message_id,
                    "timestamp": stamp, "ttl": f"PT{ttl}S"},
        "message": {"intent": {"item": {"descriptor": {"name": "शॉल"}},
                               "fulfillment": {"type": "Delivery"}}},
    })  # fmt: skip
    stamped[message_id] = mono - (wall - now)  # the timestamp is cut to the second
    return message_id, body, _SIGNER.sign(body, created=now - 1, expires=now + 600)


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    host: str, path: str, body: bytes,
                    auth: str) -> tuple[int, float]:  # fmt: skip
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Authorization: {auth}\r\nContent-Length: {len(body)}\r\n\r\n").encode()  # fmt: skip
    writer.write(head + body)
    await writer.drain()
    response = await reader.readuntil(b"\r\n\r\n")
    status = int(response.split(b" ", 2)[1])
    length = 0
    retry_after = 0.0
    for line in response.split(b"\r\n"):
        lower = line.lower()
        if lower.startswith(b"content-length:"):
            length = int(line.split(b":")[1])
        elif lower.startswith(b"retry-after:"):
            retry_after = float(line.split(b":")[1])
    await reader.readexactly(length)
    return status, retry_after


async def _run(url: str, requests: Iterator[tuple[str, bytes, str]], concurrency: int,
               duration: float, rate: float | None) -> Result:  # fmt: skip
    host_port, path = url.removeprefix("http://").split("/", 1)
    host, port = host_port.split(":")
    result = Result()
    queue = requests
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
            status, retry_after = await _exchange(reader, writer, host_port, "/" + path, body,
                                                  auth)  # fmt: skip
            result.latencies.append(time.monotonic() - origin)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status == 200:
                result.acked[message_id] = stamped[message_id]
            stamped.pop(message_id, None)
            if retry_after:
                result.retry_after += 1
                if not rate:
                    # Closed loop: a buyer app told to come back later does so, not at once,
                    # on a new connection: the server may close one idle that long (uvicorn
                    # after 5 s, the adapter's shortest Retry-After), and a write racing that
                    # close reads nothing back (an HTTP client would reconnect too).
                    pause = max(0.0, min(retry_after, deadline - time.monotonic()))
                    result.waited += pause
                    await asyncio.sleep(pause)
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
        writer.close()

    result.connections = concurrency
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    result.elapsed = time.monotonic() - start
    return result


def run(url: str, bap_uri: str, concurrency: int, duration: float, rate: float | None,
        count: int) -> Result:  # fmt: skip
    """Entry point for a worker process. Up to ``count`` bodies are signed ahead; past
    that (long phases, whose bodies' timestamps would be older than their ttl) each is
    signed as it is sent."""
    stamped.clear()
    ahead = bodies(min(count, 20_000), bap_uri)

    def requests() -> Iterator[tuple[str, bytes, str]]:
        for request in ahead:
            if time.monotonic() - stamped[request[0]] > TTL_SECONDS / 3:
                break  # stamped too long ago: sign afresh from here on
            yield request
        while True:
            yield _signed(bap_uri)

    return asyncio.run(_run(url, requests(), concurrency, duration, rate))
