"""CPU per signed callback POST through each HTTP client, against the same local sink.

    .venv/bin/python bench/outbound [--posts 3000] [--concurrency 8] [--rounds 3]
                                    [--body-bytes 600,60000] [--loop uvloop|asyncio]

Each client signs a body (the adapter's signer), POSTs it and reads the answer streaming
and capped, as a callback does; ``--concurrency`` at a time (the adapter's per-buyer-app
limit is 8), to one sink (``bench/edge/sink.py``, its own process, answering ACK at once).
Every client runs in a fresh process of its own for each round, rounds interleaved, and
the process's user + system CPU is divided by the POSTs made (after a warm-up of a tenth
as many). Clients:

- ``aiohttp``: the adapter's :class:`adapter.outbound.client.AiohttpCallbacks`;
- ``httpx``: the adapter's :class:`adapter.outbound.client.HttpxCallbacks` on an httpx
  client set up as the adapter's (``adapter.app.HTTP_LIMITS``);
- ``httpcore``: httpx's own connection pool used directly (no httpx request and response
  models), streamed and capped the same way; not in the adapter, measured to see what
  httpx's layer costs.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "edge"))

import sink  # noqa: E402

import signing  # noqa: E402

VECTORS = orjson.loads((ROOT / "tests" / "fixtures" / "signing-vectors.json").read_bytes())
SELLER = VECTORS["keys"]["k1"]
CLIENTS = ("aiohttp", "httpx", "httpcore")
MAX_ANSWER = 64 * 1024


def on_search_body(size: int) -> bytes:
    """An on_search of about ``size`` bytes, with Hindi text and a rupee sign."""
    items = []
    body = b""
    while len(body) < size:
        n = len(items)
        items.append({"id": f"I{n}", "descriptor": {"name": f"कुल्लू शॉल {n}"},
                      "price": {"currency": "INR", "value": f"{1200 + n}.00"}})  # fmt: skip
        body = orjson.dumps({
            "context": {"domain": "ONDC:RET12", "action": "on_search", "core_version": "1.2.0",
                        "bap_id": "buyer.bench.example", "bpp_id": "seller.bench.example",
                        "transaction_id": "0f1e2d3c", "message_id": "bench-message",
                        "timestamp": "2026-12-06T10:00:00.000Z", "ttl": "PT30S"},
            "message": {"catalog": {"bpp/descriptor": {"name": "ODOP ₹"},
                                    "bpp/providers": [{"id": "P1", "items": items}]}},
        })  # fmt: skip
    return body


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _poster(kind: str) -> tuple[Callable[[str, bytes, dict[str, str]], Awaitable[int]],
                                       Callable[[], Awaitable[None]]]:  # fmt: skip
    """(post, close) for client ``kind``: post returns the answer's status."""
    if kind == "aiohttp":
        from adapter.outbound.client import AiohttpCallbacks

        client = AiohttpCallbacks(allow_private=True)

        async def post_aiohttp(url: str, body: bytes, headers: dict[str, str]) -> int:
            answer = await client.post(url, body, headers, max_bytes=MAX_ANSWER,
                                       deadline_seconds=10.0)  # fmt: skip
            return answer.status_code

        return post_aiohttp, client.aclose
    if kind == "httpx":
        import httpx

        from adapter.app import HTTP_LIMITS
        from adapter.outbound.client import HttpxCallbacks

        http = httpx.AsyncClient(timeout=httpx.Timeout(10.0), limits=HTTP_LIMITS)
        callbacks = HttpxCallbacks(http)

        async def post_httpx(url: str, body: bytes, headers: dict[str, str]) -> int:
            answer = await callbacks.post(url, body, headers, max_bytes=MAX_ANSWER,
                                          deadline_seconds=10.0)  # fmt: skip
            return answer.status_code

        return post_httpx, http.aclose
    import httpcore

    from adapter.outbound.answer import ACCEPT_ENCODING, read_capped

    pool = httpcore.AsyncConnectionPool(max_connections=200, max_keepalive_connections=50)

    async def post_httpcore(url: str, body: bytes, headers: dict[str, str]) -> int:
        sent = [(k.encode(), v.encode()) for k, v in headers.items()]
        sent.append((b"Accept-Encoding", ACCEPT_ENCODING.encode()))
        async with asyncio.timeout(10.0), pool.stream("POST", url, headers=sent,
                                                      content=body) as response:  # fmt: skip
            coding = dict(response.headers).get(b"Content-Encoding", b"identity").decode()
            await read_capped(response.aiter_stream(), coding, MAX_ANSWER)
            return int(response.status)

    return post_httpcore, pool.aclose


async def _measure(kind: str, url: str, body: bytes, concurrency: int,
                   posts: int) -> tuple[float, float]:  # fmt: skip
    signer = signing.Signer("seller.bench.example", "seller-k1",
                            signing.PrivateKey.from_base64(SELLER["private_key_b64"]))  # fmt: skip
    post, close = await _poster(kind)
    slots = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with slots:
            created = int(time.time())
            header = signer.sign(body, created=created, expires=created + 300)
            status = await post(url, body, {"Content-Type": "application/json",
                                            "Authorization": header})  # fmt: skip
            if status != 200:
                raise SystemExit(f"{kind}: the sink answered {status}")

    try:
        await asyncio.gather(*(one() for _ in range(max(1, posts // 10))))  # warm-up
        cpu, began = _cpu(), time.monotonic()
        await asyncio.gather(*(one() for _ in range(posts)))
        return (_cpu() - cpu) * 1000 / posts, posts / (time.monotonic() - began)
    finally:
        await close()


def run(kind: str, url: str, body: bytes, concurrency: int, posts: int,
        loop: str) -> tuple[float, float]:  # fmt: skip
    """Entry point of a worker process: (CPU ms per POST, POSTs per second)."""
    work = _measure(kind, url, body, concurrency, posts)
    if loop == "uvloop":
        import uvloop

        return uvloop.run(work)
    return asyncio.run(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--body-bytes", default="600,60000")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop",
                        help="event loop (uvicorn runs the adapter on uvloop when installed)")  # fmt: skip
    args = parser.parse_args()
    port = _free_port()
    control, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=sink.serve, args=(port, child), daemon=True)
    server.start()
    if control.recv() != "ready":
        raise SystemExit("sink did not start")
    url = f"http://127.0.0.1:{port}/on_search"
    load = os.getloadavg()
    print(f"bench/outbound: {args.posts} signed POSTs per client and round, {args.concurrency} "
          f"at a time, {args.rounds} rounds, {args.loop}; {os.cpu_count()} cores, load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")  # fmt: skip
    try:
        for size in (int(part) for part in args.body_bytes.split(",")):
            body = on_search_body(size)
            figures: dict[str, list[tuple[float, float]]] = {kind: [] for kind in CLIENTS}
            for _ in range(args.rounds):
                for kind in CLIENTS:
                    with ProcessPoolExecutor(max_workers=1) as pool:
                        figures[kind].append(pool.submit(
                            run, kind, url, body, args.concurrency, args.posts, args.loop
                        ).result())  # fmt: skip
            medians = {kind: statistics.median(cpu for cpu, _ in runs)
                       for kind, runs in figures.items()}  # fmt: skip
            fastest = min(medians.values())
            print(f"\n{len(body):,}-byte body: CPU per signed POST (median of {args.rounds}; "
                  "each round's figure), POSTs/s, ratio to the cheapest")  # fmt: skip
            for kind in sorted(CLIENTS, key=medians.__getitem__):
                runs = figures[kind]
                each = ", ".join(f"{cpu:.3f}" for cpu, _ in runs)
                rate = statistics.median(rate for _, rate in runs)
                print(f"  {kind:9} {medians[kind]:.3f} ms ({each})  {rate:7,.0f} POST/s  "
                      f"x{medians[kind] / fastest:.2f}")  # fmt: skip
    finally:
        control.send("stop")
        server.join(timeout=10)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    main()
