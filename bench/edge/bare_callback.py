"""The bare stack's callback for bench/edge, run in its own process: sign a body and POST
it with the fastest client bench/outbound measured (aiohttp, without the adapter's
answer reading: the bare minimum), as many at a time as the adapter's dispatcher sends
to one buyer app (no claim, no build, no audit, no settlement). What a callback costs
before any of the adapter's own work."""

from __future__ import annotations

import asyncio
import resource
import time

import aiohttp

import signing


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _measure(url: str, body: bytes, signer: signing.Signer, concurrency: int,
                   count: int) -> tuple[float, float]:  # fmt: skip
    slots = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as http:

        async def one() -> None:
            async with slots:
                created = int(time.time())
                header = signer.sign(body, created=created, expires=created + 300)
                async with http.post(url, data=body, headers={
                        "Content-Type": "application/json", "Authorization": header}) as answer:  # fmt: skip
                    answer.raise_for_status()
                    await answer.read()

        await asyncio.gather(*(one() for _ in range(max(1, count // 10))))  # warm-up
        cpu, began = _cpu_seconds(), time.monotonic()
        await asyncio.gather(*(one() for _ in range(count)))
        return (_cpu_seconds() - cpu) * 1000 / count, count / (time.monotonic() - began)


def run(url: str, body: bytes, private_key_b64: str, concurrency: int,
        count: int) -> tuple[float, float]:  # fmt: skip
    """Entry point for a worker process: (CPU ms per POST, POSTs per second) over ``count``
    POSTs, after a warm-up of a tenth as many on the same client."""
    signer = signing.Signer("seller.bench.example", "seller-k1",
                            signing.PrivateKey.from_base64(private_key_b64))  # fmt: skip
    return asyncio.run(_measure(url, body, signer, concurrency, count))
