"""Runs a bench/edge process with its work counted by callgrind (bench/edge/counted.py):

    counted_run.py adapter ARGS...   ``ondc-seller ARGS...``, dispatcher rounds counted
    counted_run.py baseline ARGS...  ``uvicorn ARGS...`` (the verify-parse-ACK baseline)
    counted_run.py bare BODY URL KEY N
                                     N signed aiohttp POSTs of BODY to URL, 8 at a time,
                                     after a warm-up, instrumented only while they run

The folder holding the compiled trampoline is in ``BENCH_EDGE_COUNTED`` (counted.build).
"""

from __future__ import annotations

import asyncio
import os
import runpy
import sys
import time


def _bare(body_path: str, url: str, key_b64: str, count: int) -> None:
    import aiohttp
    import uvloop

    import counted
    import signing

    body = open(body_path, "rb").read()  # noqa: SIM115 - read once at start
    signer = signing.Signer("seller.bench.example", "seller-k1",
                            signing.PrivateKey.from_base64(key_b64))  # fmt: skip

    async def main() -> None:
        slots = asyncio.Semaphore(8)
        async with aiohttp.ClientSession() as http:

            async def one() -> None:
                async with slots:
                    created = int(time.time())
                    header = signer.sign(body, created=created, expires=created + 300)
                    async with http.post(url, data=body, headers={
                            "Content-Type": "application/json", "Authorization": header}) as answer:  # fmt: skip
                        answer.raise_for_status()
                        await answer.read()

            await asyncio.gather(*(one() for _ in range(max(8, count // 10))))
            counted.start()
            await asyncio.gather(*(counted.Counted(one()) for _ in range(count)))
            counted.stop()

    uvloop.run(main())


def main() -> None:
    sys.path.insert(0, os.environ["BENCH_EDGE_COUNTED"])
    import counted

    mode, args = sys.argv[1], sys.argv[2:]
    counted.install(dispatcher=mode == "adapter")
    if mode == "adapter":
        sys.argv = ["ondc-seller", *args]
        runpy.run_module("adapter.cli", run_name="__main__")
    elif mode == "baseline":
        sys.argv = ["uvicorn", *args]
        runpy.run_module("uvicorn", run_name="__main__")
    elif mode == "bare":
        _bare(args[0], args[1], args[2], int(args[3]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
