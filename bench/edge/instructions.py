"""Instructions per answered search, counted by valgrind's callgrind: a figure the other
engineers' work on a shared machine cannot move, beside bench/edge's wall-clock ones.

Each process runs under callgrind with collection on only inside the work of answering
(``counted.py``: the HTTP protocols' reads, the tasks that work creates, the dispatcher's
rounds, the functions it hands to threads), so the periodic background work and the
seconds a slow run takes are not in the figure.

- The adapter (one process, ``serve``): instrumentation is switched on after start-up and
  a warm-up (``callgrind_control -i on``), ``count`` searches are sent and their callbacks
  awaited at the sink, then the counts are dumped: request handling (read, verify, parse,
  admit, group commit, ACK) and the dispatcher's rounds (claim, build, sign, POST, read
  the answer, settle) for ``count`` answered searches, and what each stage of it cost
  (``counted.PARTS``). An idle window follows; its count is printed, not subtracted
  (about nothing: the periodic work is not counted, idle polls look before claiming).
- The baseline (uvicorn, verify-parse-ACK) the same way.
- The bare signed aiohttp POST of the same on_search bytes, 8 at a time, counted the same
  way in a process of its own (``counted_run.py bare``).

Under valgrind a process runs some fifty times slower, so the adapter's rounds are smaller
than at full speed: the figure is the work of one answered search at a modest rate.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

import counted
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

_VALGRIND = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
             f"--toggle-collect={counted.TOGGLE}"]  # fmt: skip
_RUN = str(ROOT / "bench" / "edge" / "counted_run.py")
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


async def _warm_readers(pid: int, work: Path) -> str:
    """Have the adapter ``pid`` open every SQLite reader and their connections, each used
    (``counted.warm_readers``), and wait until it has; what it opened. A reader is opened
    once in a process's life: opened inside the count, it put its schema read and its
    statements' preparation (0.08 M per answered search) into the build stage."""
    done = counted.warmed_file(work / "counted", pid)
    done.unlink(missing_ok=True)
    os.kill(pid, counted.WARM_SIGNAL)
    began = time.monotonic()
    while not done.exists():
        if time.monotonic() - began > 600:
            raise SystemExit(f"the adapter (pid {pid}) did not warm its readers")
        await asyncio.sleep(0.2)
    return done.read_text()


def _last_dump(out: Path) -> Path:
    return sorted(out.parent.glob(out.name + "*"), key=lambda p: p.stat().st_mtime)[-1]


def _counted(out: Path) -> int:
    """The instructions of the last dump callgrind wrote to ``out``.* (each dump holds the
    count since the one before). ``totals`` is the sum of every function's own count;
    callgrind's ``summary`` is not used: with collection toggled it can wrap around."""
    dump = _last_dump(out)
    for line in reversed(dump.read_text().splitlines()):
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise SystemExit(f"no instruction count in {dump}")


_PART = re.compile(r"^\s*([\d,]+) .*\bondc_bench_part_(\d+) ")


def _annotated(dump: Path) -> str:
    """callgrind_annotate's inclusive counts of every function in ``dump``."""
    return subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(dump)],
                          capture_output=True, text=True, check=False).stdout  # fmt: skip


def _stages(annotated: str) -> dict[int, int]:
    """Each stage's inclusive count (counted.PARTS), from :func:`_annotated`."""
    stages: dict[int, int] = {}
    for line in annotated.splitlines():
        match = _PART.match(line)
        if match:
            index = int(match.group(2))
            stages[index] = stages.get(index, 0) + int(match.group(1).replace(",", ""))
    return stages


# What a process does once in its life, and so should never be inside the count: a SQLite
# connection opened (its schema read on first use follows), a thread started.
_ONCE = re.compile(r"^\s*([\d,]+) .*:(sqlite3_open_v2|pthread_create@@\S*) ")


def _once(annotated: str) -> dict[str, int]:
    """The instructions the count spent on :data:`_ONCE`'s work, by function."""
    spent: dict[str, int] = {}
    for line in annotated.splitlines():
        match = _ONCE.match(line)
        if match:
            name = match.group(2).split("@")[0]
            spent[name] = spent.get(name, 0) + int(match.group(1).replace(",", ""))
    return spent


def _env(base: dict[str, str], work: Path) -> dict[str, str]:
    return {**base, "BENCH_EDGE_COUNTED": str(work / "counted"),
            "PYTHONPATH": f"{ROOT / 'bench' / 'edge'}:{ROOT}"}  # fmt: skip


async def _arrivals(callbacks: SinkProcess, before: dict[str, object], expected: int,
                    limit: float) -> int:  # fmt: skip
    """Callbacks at the sink beyond ``before``, waiting until ``expected`` came (or
    ``limit`` seconds)."""
    began = time.monotonic()
    while True:
        arrived = await callbacks.ask("collect")
        assert isinstance(arrived, dict)
        got = len(arrived.keys() - before.keys())
        if got >= expected or time.monotonic() - began > limit:
            return got
        await asyncio.sleep(0.2)


async def _adapter(count: int, backend: str, work: Path) -> dict[str, object]:
    """Instructions of ``count`` searches and their callbacks, searches ACKed, callbacks
    delivered, the last on_search's bytes, and an idle window's instructions per second."""
    callbacks = SinkProcess()
    callbacks.start()
    port = free_port()
    registry = await stage.registry(callbacks.port)
    redis_url = None if backend == "sqlite" else BENCH_REDIS
    database_url = (f"sqlite:///{work}/instructions.db" if backend == "sqlite"
                    else fresh_postgres())  # fmt: skip
    if redis_url:
        empty_redis(redis_url)
    env = _env(stage.adapter_env(port, registry.url, database_url, redis_url), work)
    env["ONDC_OUTBOUND_DEADLINE_SECONDS"] = "120"
    # At valgrind's pace a POST takes some fifty times as long: with the usual 10 s lease
    # and 8 callbacks at a time per buyer app, the dispatcher renewed leases and handed
    # jobs back to wait for a slot (re-claimed later), work a full-speed run of so few
    # searches does not do.
    env["ONDC_JOB_LEASE_SECONDS"] = "300"
    env["ONDC_CALLBACKS_PER_PEER"] = "32"
    # Migrated at full speed first: under valgrind the migrations alone took over ten
    # minutes on a busy machine, and serving finds the schema current.
    await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "adapter.cli", "db", "upgrade"],
                            env=env, check=True, capture_output=True)  # fmt: skip
    out = work / f"callgrind-{backend}.out"
    args = [*_VALGRIND, f"--callgrind-out-file={out}", sys.executable, _RUN, "adapter",
            "serve", "--port", str(port)]  # fmt: skip
    process = start_process(args, env, work / f"callgrind-{backend}.log")
    outbox = OutboxProbe(database_url)
    bap_uri = f"http://127.0.0.1:{callbacks.port}"
    try:
        await wait_ready(f"http://127.0.0.1:{port}/healthz", _START_SECONDS)
        url = f"http://127.0.0.1:{port}/ondc/search"
        await _send(url, bap_uri, 20)  # warm: key cache, pools, first queries
        await outbox.drain(300)
        await _arrivals(callbacks, {}, 20, 120)
        warm = await callbacks.ask("collect")  # the sink keeps every arrival: not counted
        assert isinstance(warm, dict)
        warmed = await _warm_readers(process.pid, work)
        _control(process.pid, "-i", "on")
        acked = await _send(url, bap_uri, count)
        await outbox.drain(600)
        delivered = await _arrivals(callbacks, warm, acked, 600)
        _control(process.pid, "-d")
        _control(process.pid, "-i", "off")
        busy = _counted(out)
        annotated = _annotated(_last_dump(out))
        # No requests: what is still counted is the dispatcher's idle rounds (one a second).
        idle_seconds = 5.0
        _control(process.pid, "-i", "on")
        await asyncio.sleep(idle_seconds)
        _control(process.pid, "-d")
        _control(process.pid, "-i", "off")
        idle = _counted(out)
        outcome = await outbox.summary()
        return {"instructions": busy, "outbox": outcome, "acked": acked, "delivered": delivered,
                "body": await outbox.last_on_search(), "idle_per_s": idle / idle_seconds,
                "stages": _stages(annotated), "warmed": warmed,
                "once": _once(annotated)}  # fmt: skip
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
    args = [*_VALGRIND, f"--callgrind-out-file={out}", sys.executable, _RUN, "baseline",
            "--app-dir", str(ROOT / "bench" / "edge"), "baseline:app", "--port", str(port),
            "--log-level", "warning", "--no-access-log"]  # fmt: skip
    process = start_process(args, _env(dict(os.environ), work), work / "callgrind-baseline.log")
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
    """Instructions of ``count`` bare signed POSTs of ``body`` (aiohttp), counted the same
    way as the adapter's."""
    (work / "bare_body.json").write_bytes(body)
    out = work / "callgrind-bare.out"
    subprocess.run(
        [*_VALGRIND, f"--callgrind-out-file={out}", sys.executable, _RUN, "bare",
         str(work / "bare_body.json"), f"http://127.0.0.1:{sink_port}/on_search",
         stage.SELLER["private_key_b64"], str(count)],
        check=True, capture_output=True, cwd=ROOT / "bench" / "edge",
        env=_env(dict(os.environ), work),
    )  # fmt: skip
    return _counted(out)


async def report(count: int, backends: list[str], work: Path) -> None:
    """Print, as each is counted: instructions per answered search for each store, per
    baseline ACK, per bare POST of the same on_search bytes, and the ratios to the bare
    full path."""
    counted.build(work / "counted")
    adapters = {}
    body = None
    for backend in backends:
        got = await _adapter(count, backend, work)
        delivered = int(got["delivered"])  # type: ignore[call-overload]
        adapters[backend] = int(got["instructions"]) / max(1, delivered)  # type: ignore[call-overload]
        body = body or got["body"]
        print(f"  {backend}: {adapters[backend] / 1e6:.3f} M instructions per answered search "
              f"({delivered} answered of {got['acked']} ACKed of {count}; an idle window "
              f"afterwards counted {float(got['idle_per_s']) / 1e6:.3f} M per second)",  # type: ignore[arg-type]
              flush=True)  # fmt: skip
        print(f"    (outbox: {got['outbox']}; warmed before the count: {got['warmed']})")
        once = got["once"]
        assert isinstance(once, dict)
        if once:
            # A fresh connection or thread inside the count: its one-time cost is in a stage.
            print(
                "    NOT warm, opened inside the count (whole count, its own instructions): "
                + ", ".join(f"{name} {spent:,}" for name, spent in once.items())
            )
        stages = got["stages"]
        assert isinstance(stages, dict)
        for index, (name, *_) in enumerate(counted.PARTS):
            if index in stages:
                print(f"    {name:44} {stages[index] / max(1, delivered) / 1e6:7.3f} M")
    base = await _baseline(count, work) / count
    print(f"  baseline verify-parse-ACK: {base / 1e6:.3f} M instructions per ACK", flush=True)
    if not isinstance(body, bytes):
        print("  no on_search was sent: no bare POST to count")
        return
    sink = SinkProcess()
    sink.start()
    try:
        post = await asyncio.to_thread(_bare_posts, body, max(50, count), work, sink.port) / max(
            50, count
        )
    finally:
        sink.stop()
    bare = base + post
    print(f"  bare full path: {bare / 1e6:.3f} M instructions = verify-parse-ACK "
          f"{base / 1e6:.3f} M + signed aiohttp POST of the same {len(body):,}-byte on_search "
          f"{post / 1e6:.3f} M")  # fmt: skip
    for backend, each in adapters.items():
        print(f"  {backend}: adapter {each / 1e6:.3f} M, bare {bare / 1e6:.3f} M, "
              f"bare/adapter {bare / each:.2f}, adapter/bare {each / bare:.2f}", flush=True)  # fmt: skip
