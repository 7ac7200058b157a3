"""Instructions per answered search, counted by valgrind's callgrind: a figure the other
engineers' work on a shared machine cannot move, beside bench/edge's wall-clock ones.

The adapter (one process, ``serve``) runs under callgrind with counting off while it
starts and warms up; counting is switched on (``callgrind_control -i on``) for exactly
``count`` searches, from the first request to the last callback at the sink, then dumped;
then for a window as long with no requests, whose count (the process's periodic work) is
subtracted.
The baseline (verify, parse, ACK) is counted the same way, and the bare signed POST by
difference: two runs of ``bare_callback`` of ``n`` and ``2n`` POSTs. Under valgrind a
process runs some fifty times slower, so the adapter's rounds are smaller than at full
speed: the figure is the work of one answered search at a modest rate.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

import load
import stage
from harness import (
    ROOT,
    BENCH_REDIS,
    OutboxProbe,
    SinkProcess,
    drop_postgres,
    empty_redis,
    free_port,
    fresh_postgres,
    start_process,
    stop_process,
    wait_ready,
)

_VALGRIND = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
_TTL_SECONDS = 3600
# Start-up under valgrind: imports and migrations at some fifty times their usual cost,
# more on a busy machine (over ten minutes at load average 20 on 2 cores).
_START_SECONDS = 3600


async def _send(url: str, bap_uri: str, count: int, concurrency: int = 4) -> int:
    """``count`` signed searches, ``concurrency`` at a time; how many were ACKed."""
    # A ttl and a callback deadline valgrind's pace cannot outrun: what is counted is the
    # work of answering, not a race against the clock.
    requests = load.bodies(count, bap_uri, ttl=_TTL_SECONDS)
    acked = 0
    slots = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=120) as http:

        async def one(body: bytes, auth: str) -> None:
            nonlocal acked
            async with slots:
                answer = await http.post(url, content=body, headers={
                    "Content-Type": "application/json", "Authorization": auth})  # fmt: skip
                acked += answer.status_code == 200

        await asyncio.gather(*(one(body, auth) for _, body, auth in requests))
    return acked


def _control(pid: int, *flags: str) -> None:
    subprocess.run(["callgrind_control", *flags, str(pid)], check=True, capture_output=True)


def _counted(out: Path) -> int:
    """The instructions of the dumps callgrind wrote to ``out``.* (counting was on only
    between the switch and the dump, so the last dump holds them)."""
    dumps = sorted(out.parent.glob(out.name + "*"), key=lambda p: p.stat().st_mtime)
    for line in reversed(dumps[-1].read_text().splitlines()):
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise SystemExit(f"no instruction count in {dumps[-1]}")


async def _adapter(count: int, backend: str, work: Path) -> tuple[int, int, int, bytes | None]:
    """(instructions, searches ACKed, callbacks delivered, the last on_search's bytes) of
    ``count`` searches."""
    callbacks = SinkProcess()
    callbacks.start()
    port = free_port()
    registry = await stage.registry(callbacks.port)
    redis_url = None if backend == "sqlite" else BENCH_REDIS
    database_url = (f"sqlite:///{work}/instructions.db" if backend == "sqlite"
                    else fresh_postgres())  # fmt: skip
    if redis_url:
        empty_redis(redis_url)
    env = stage.adapter_env(port, registry.url, database_url, redis_url)
    env["ONDC_OUTBOUND_DEADLINE_SECONDS"] = "120"
    out = work / f"callgrind-{backend}.out"
    args = [*_VALGRIND, f"--callgrind-out-file={out}", sys.executable, "-m", "adapter.cli",
            "serve", "--port", str(port)]  # fmt: skip
    process = start_process(args, env, work / f"callgrind-{backend}.log")
    outbox = OutboxProbe(database_url)
    bap_uri = f"http://127.0.0.1:{callbacks.port}"
    try:
        await wait_ready(f"http://127.0.0.1:{port}/healthz", _START_SECONDS)
        url = f"http://127.0.0.1:{port}/ondc/search"
        await _send(url, bap_uri, 20)  # warm: key cache, pools, first queries
        await outbox.drain(300)
        warm = await callbacks.ask("collect")  # the sink keeps every arrival: not counted
        assert isinstance(warm, dict)
        # The counted window, then an idle one as long: what the process does on its own
        # while time passes (admission snapshots, reconciliation, checkpoints) is
        # subtracted, so the figure is the searches' work alone.
        began = time.monotonic()
        _control(process.pid, "-i", "on")
        acked = await _send(url, bap_uri, count)
        await outbox.drain(600)
        await asyncio.sleep(1.0)
        arrived = await callbacks.ask("collect")
        _control(process.pid, "-d")
        _control(process.pid, "-i", "off")
        busy = _counted(out)
        window = time.monotonic() - began
        _control(process.pid, "-i", "on")
        await asyncio.sleep(window)
        _control(process.pid, "-d")
        _control(process.pid, "-i", "off")
        idle = _counted(out)
        assert isinstance(arrived, dict)
        delivered = len(arrived.keys() - warm.keys())
        return busy - idle, acked, delivered, await outbox.last_on_search()
    finally:
        stop_process(process)
        callbacks.stop()
        await registry.stop()
        if redis_url:
            empty_redis(redis_url)
        if database_url.startswith("postgresql"):
            await asyncio.to_thread(drop_postgres, database_url)


async def _baseline(count: int, work: Path) -> int:
    """The instructions of ``count`` verify-parse-ACKs of the baseline."""
    port = free_port()
    out = work / "callgrind-baseline.out"
    args = [*_VALGRIND, f"--callgrind-out-file={out}", sys.executable, "-m", "uvicorn",
            "--app-dir", str(ROOT / "bench" / "edge"), "baseline:app", "--port", str(port),
            "--log-level", "warning", "--no-access-log"]  # fmt: skip
    process = start_process(args, dict(os.environ), work / "callgrind-baseline.log")
    try:
        await wait_ready(f"http://127.0.0.1:{port}/healthz", _START_SECONDS)
        url = f"http://127.0.0.1:{port}/ondc/search"
        await _send(url, "http://127.0.0.1:9", 20)
        _control(process.pid, "-i", "on")
        await _send(url, "http://127.0.0.1:9", count)
        _control(process.pid, "-d")
        return _counted(out)
    finally:
        stop_process(process)


def _bare_posts(body: bytes, count: int, work: Path, sink_port: int) -> int:
    """Instructions of ``count`` bare signed POSTs of ``body`` (aiohttp), by difference."""
    script = work / "bare_posts.py"
    script.write_text(
        "import sys, bare_callback\n"
        "body = open(sys.argv[1], 'rb').read()\n"
        "bare_callback.run(sys.argv[2], body, sys.argv[3], 8, int(sys.argv[4]))\n"
    )
    (work / "bare_body.json").write_bytes(body)
    totals = []
    for n in (count, 2 * count):
        out = work / f"callgrind-bare-{n}.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
             str(script), str(work / "bare_body.json"), f"http://127.0.0.1:{sink_port}/on_search",
             stage.SELLER["private_key_b64"], str(n)],
            check=True, capture_output=True, cwd=ROOT / "bench" / "edge",
            env={"PYTHONPATH": f"{ROOT / 'bench' / 'edge'}:{ROOT}"},
        )  # fmt: skip
        totals.append(_counted(out))
    # Each run POSTs n plus a tenth of n to warm up: the difference is 1.1 n POSTs.
    return int((totals[1] - totals[0]) / (1.1 * count))


async def report(count: int, backends: list[str], work: Path) -> None:
    """Print, as each is counted: instructions per answered search for each store, per
    baseline ACK, per bare POST of the same on_search bytes, and the ratios to the bare
    full path."""
    adapters = {}
    body = None
    for backend in backends:
        total, acked, delivered, sent = await _adapter(count, backend, work)
        adapters[backend] = total / max(1, delivered)
        body = body or sent
        print(f"  {backend}: {adapters[backend] / 1e6:.2f} M instructions per answered search "
              f"({delivered} answered of {acked} ACKed of {count})", flush=True)  # fmt: skip
    base = await _baseline(count, work) / count
    print(f"  baseline verify-parse-ACK: {base / 1e6:.2f} M instructions per ACK", flush=True)
    if body is None:
        print("  no on_search was sent: no bare POST to count")
        return
    sink = SinkProcess()
    sink.start()
    try:
        post = await asyncio.to_thread(_bare_posts, body, max(50, count // 2), work, sink.port)
    finally:
        sink.stop()
    bare = base + post
    print(f"  bare full path: {bare / 1e6:.2f} M instructions = verify-parse-ACK "
          f"{base / 1e6:.2f} M + signed aiohttp POST of the same {len(body):,}-byte on_search "
          f"{post / 1e6:.2f} M")  # fmt: skip
    for backend, each in adapters.items():
        print(f"  {backend}: bare/adapter {bare / each:.2f}")
