"""Answered searches: signed /search ACKed and its signed on_search delivered within the
ttl, next to a bare-stack baseline in the same run.

    .venv/bin/python bench/edge [--duration 8] [--rounds 3] [--concurrency 32]
                                [--backends sqlite,postgres] [--callback-rate 50]
                                [--overload-seconds 60] [--overload-concurrency 64]
                                [--drain-limit 180] [--split-dispatcher | --dispatcher-later]
                                [--dispatcher-nice 10]

For each store (SQLite; PostgreSQL with Redis) the adapter runs as ``ondc-seller serve``
(one uvicorn worker) and the baseline (``baseline.py``: verify, parse, ACK) under the same
uvicorn settings. A load generator in its own process signs fresh bodies; the buyer's
callback sink (``sink.py``) runs in another, answering ACK at once. After each phase the
bench waits for its callbacks and counts, of the requests ACKed, those whose on_search
reached the sink within the ttl (30 s from the request's timestamp): answered searches per
second (from the phase's first request to its last callback in time), the ACKed but
unanswered (goal 0 in every phase), the NACKs shed with Retry-After, and the CPU of every
adapter process per answered search. Phases:

1. closed loop in ``--rounds`` interleaved rounds, baseline then adapter: ACK throughput
   and its ratio to the baseline, and answered searches per second;
2. open loop at half the adapter's ACK throughput: p50/p99 ACK latency (goal p99 < 20 ms);
3. open loop at a modest fixed rate (``--callback-rate``), once the outbox is empty:
   request-in to callback-out p50/p99 at the sink (goal p50 < 50 ms, p99 < 200 ms);
4. overload: twice the answered capacity of phase 1 asked for ``--overload-seconds``
   (0 skips it) over ``--overload-concurrency`` connections, each waiting for its answer.

Last, the bare full path of the same run: the baseline's verify-parse-ACK plus a bare
signed POST of the same on_search bytes with the fastest client (aiohttp,
``bare_callback.py``), as CPU per answered search and as answered searches per second in
one process (``1 / (1 / baseline ACK/s + bare POST CPU)``), with the adapter's ratios.

Topologies: by default one process does everything. ``--split-dispatcher`` runs the edge
as ``serve --no-dispatcher`` and the callbacks in a second process,
``nice -n 10 serve --dispatcher-only``, both on the same cores. ``--dispatcher-later``
runs the edge alone through phases 1 and 2 and starts the dispatcher process after them,
as a deployment with its dispatchers on other machines would see its edge.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


import bare_callback
import instructions
import load
import stage
from adapter.settings import Settings
from harness import (
    BENCH_REDIS,
    ROOT,
    OutboxProbe,
    SinkProcess,
    cpu_seconds,
    cpu_times,
    drop_postgres,
    io_counts,
    empty_redis,
    free_port,
    fresh_postgres,
    machine_load,
    ms,
    other_cores,
    percentile,
    start_process,
    stop_process,
    wait_ready,
)

SELLER = stage.SELLER


async def load_run(pool: ProcessPoolExecutor, url: str, bap_uri: str, concurrency: int,
                   duration: float, rate: float | None) -> load.Result:  # fmt: skip
    count = int((rate or 6000) * duration * 1.2) + 100
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        pool, load.run, url, bap_uri, concurrency, duration, rate, count
    )


# As many callbacks at a time as the adapter sends to one buyer app, by default.
DISPATCHER_CONCURRENCY: int = Settings.model_fields["callbacks_per_peer"].default


async def bare_callbacks(pool: ProcessPoolExecutor, body: bytes,
                         count: int = 3000) -> tuple[float, str]:  # fmt: skip
    """The bare stack's cost of a callback: ``body`` signed and POSTed by the fastest
    client bench/outbound measured (aiohttp), to a sink of its own, in the load
    generator's process. (CPU ms per POST, a line to print.)"""
    bare_sink = SinkProcess()
    bare_sink.start()
    try:
        cpu_ms, rate = await asyncio.get_running_loop().run_in_executor(
            pool, bare_callback.run, f"http://127.0.0.1:{bare_sink.port}/on_search", body,
            SELLER["private_key_b64"], DISPATCHER_CONCURRENCY, count,
        )  # fmt: skip
    finally:
        bare_sink.stop()
    return cpu_ms, (f"bare callback (sign + aiohttp POST of the same {len(body):,}-byte "
                    f"on_search, {DISPATCHER_CONCURRENCY} at a time): {cpu_ms:.2f} ms CPU per "
                    f"POST, {rate:,.0f} POST/s")  # fmt: skip


class Answered:
    """What the buyer app got for one phase: every ACKed search answered within its ttl?"""

    def __init__(self, run: load.Result, arrived: dict[str, float]) -> None:
        self.acked = len(run.acked)
        in_time = [arrived[m] for m, stamped in run.acked.items()
                   if m in arrived and arrived[m] - stamped <= load.TTL_SECONDS]  # fmt: skip
        self.answered = len(in_time)
        self.unanswered = self.acked - self.answered
        self.shed = run.retry_after
        # Closed loop: the share of the phase's connection time spent waiting to retry.
        connection_time = run.elapsed * run.connections
        self.waiting = run.waited / connection_time if connection_time else 0.0
        began = min(run.sent_at.values(), default=0.0)
        # From the phase's first request to its last callback in time (or its end).
        self.seconds = max([run.elapsed, *(t - began for t in in_time)])
        self.rate = self.answered / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        return (f"{self.answered:,} answered in ttl of {self.acked:,} ACKed "
                f"({self.rate:,.0f}/s over {self.seconds:.1f} s), unanswered "
                f"{self.unanswered}, shed {self.shed:,}"
                + (f" (connections waiting to retry {self.waiting:.0%} of the time)"
                   if self.waiting else ""))  # fmt: skip


async def answered(callbacks: SinkProcess, run: load.Result, outbox: OutboxProbe,
                   drain_limit: float) -> Answered:  # fmt: skip
    """Wait for the phase's callbacks (the outbox drained, or every ttl passed), then
    count what arrived in time."""
    last = max(run.acked.values(), default=0.0) + load.TTL_SECONDS
    limit = min(drain_limit, max(1.0, last - time.monotonic() + 1.0))
    await outbox.drain(limit)
    await asyncio.sleep(0.3)  # the last settled callbacks are already at the sink
    arrived = await callbacks.ask("collect")
    assert isinstance(arrived, dict)
    return Answered(run, arrived)


async def bench_backend(name: str, database_url: str, redis_url: str | None, args: argparse.Namespace,
                        pool: ProcessPoolExecutor, baseline: subprocess.Popen[bytes], baseline_url: str,
                        work: Path, topology: str) -> dict[str, float]:  # fmt: skip
    """One store in one topology through every phase; its figures, for the summary."""
    figures: dict[str, float] = {}
    callbacks = SinkProcess(other_cores(args.cpus))
    callbacks.start()
    port = free_port()
    registry_server = await stage.registry(callbacks.port)
    env = stage.adapter_env(port, registry_server.url, database_url, redis_url)
    serve = [sys.executable, "-m", "adapter.cli", "serve"]
    split = topology == "split" or args.dispatcher_later
    niced = ["nice", "-n", str(args.dispatcher_nice)] if args.dispatcher_nice else []
    dispatcher_args = [*niced, *serve, "--port", str(free_port()), "--dispatcher-only"]
    processes = []
    if split:
        processes.append(start_process([*serve, "--port", str(port), "--no-dispatcher"],
                                       env, work / f"adapter-{name}-{topology}.log", args.cpus))  # fmt: skip
        await wait_ready(f"http://127.0.0.1:{port}/healthz")  # migrated; now the second one
        if not args.dispatcher_later:
            processes.append(start_process(dispatcher_args, env,
                                           work / f"dispatcher-{name}.log", args.cpus))  # fmt: skip
    else:
        processes.append(start_process([*serve, "--port", str(port)], env,
                                       work / f"adapter-{name}-{topology}.log", args.cpus))  # fmt: skip
    outbox = OutboxProbe(database_url)
    try:
        await wait_ready(f"http://127.0.0.1:{port}/healthz")
        bap_uri = f"http://127.0.0.1:{callbacks.port}"
        adapter_url = f"http://127.0.0.1:{port}/ondc/search"
        described = (
            "edge alone (its dispatcher starts after the ACK phases)" if args.dispatcher_later
            else f"dispatcher in its own process (nice {args.dispatcher_nice})" if split
            else "one process"
        )  # fmt: skip
        pinned = f"pinned to cores {args.cpus}" if args.cpus else "not pinned"
        print(f"\n[{name}] store: {database_url.split('://')[0]}, shared state: "
              f"{'redis' if redis_url else 'in-process'}, {described}, {pinned}; "
              f"{machine_load()}")  # fmt: skip
        await load_run(pool, adapter_url, bap_uri, 4, 1.0, None)  # warm: key cache, pools
        if not args.dispatcher_later:
            print(f"  warm-up: {await outbox.drain(args.drain_limit)}")
        # A server without autovacuum (CI images turn it off) never vacuums nor analyses
        # the bench's database: each claim then reads every dead version of the jobs
        # before it, and the rounds slow down as the outbox grows, which no deployment
        # with autovacuum on sees. The bench then vacuums after each phase's drain.
        vacuuming = outbox.autovacuum_off() and not args.no_vacuum
        if outbox.autovacuum_off():
            print("  PostgreSQL's autovacuum is off on this server: "
                  + ("the bench runs VACUUM (ANALYZE) after the warm-up and each round"
                     if vacuuming else "not vacuumed (--no-vacuum)"))  # fmt: skip
        if vacuuming:
            await outbox.vacuum()

        # Closed loop in interleaved rounds (baseline, adapter, ...), the outbox drained
        # after each: on a shared machine the rounds' ratios say more than one long run.
        ratios: list[float] = []
        rounds_run: list[load.Result] = []
        rates: list[tuple[float, float]] = []
        acked = 0
        # The first process's user and system CPU while the load runs (not while draining).
        edge_user = edge_system = 0.0
        base_cpu_ms: list[tuple[float, float]] = []  # per ACK, user and system
        answered_rounds: list[Answered] = []
        answered_cpu: list[float] = []  # every adapter process, seconds per answered search
        cpu = [cpu_seconds(process) for process in processes]
        for round_number in range(1, args.rounds + 1):
            user, system = cpu_times(baseline)
            base = await load_run(
                pool, baseline_url, bap_uri, args.concurrency, args.duration, None
            )
            base_acks = max(1, base.statuses.get(200, 0))
            after_user, after_system = cpu_times(baseline)
            base_cpu_ms.append(((after_user - user) * 1000 / base_acks,
                                (after_system - system) * 1000 / base_acks))  # fmt: skip
            user, system = cpu_times(processes[0])
            all_cpu = cpu_seconds(*processes)
            io_before = io_counts(*processes)
            server = outbox.server_cpu()
            ours = await load_run(pool, adapter_url, bap_uri, args.concurrency, args.duration, None)
            after_user, after_system = cpu_times(processes[0])
            edge_user += after_user - user
            edge_system += after_system - system
            base_rate = base.statuses.get(200, 0) / base.elapsed
            our_rate = ours.statuses.get(200, 0) / ours.elapsed
            acked += ours.statuses.get(200, 0)
            rounds_run.append(ours)
            ratios.append(our_rate / base_rate)
            rates.append((base_rate, our_rate))
            drained = ""
            if not args.dispatcher_later:
                got = await answered(callbacks, ours, outbox, args.drain_limit)
                answered_rounds.append(got)
                answered_cpu.append((cpu_seconds(*processes) - all_cpu) / max(1, got.answered))
                calls, written = (
                    b - a for a, b in zip(io_before, io_counts(*processes), strict=True)
                )
                drained = (f"\n    {got}; CPU per answered search {answered_cpu[-1] * 1000:.2f} ms,"
                           f" writes {written / 1024 / max(1, got.answered):.1f} kB in "
                           f"{calls / max(1, got.answered):.1f} calls")  # fmt: skip
                server_after = outbox.server_cpu()
                if server:
                    used = sum(
                        server_after[pid] - server[pid] for pid in server if pid in server_after
                    )
                    drained += (
                        f" (PostgreSQL's backends {used * 1000 / max(1, got.answered):.2f} ms)"
                    )
                if vacuuming:
                    drained += f"; vacuumed in {await outbox.vacuum():.1f} s"
            print(f"  round {round_number}: baseline {base_rate:7,.0f} ACK/s, adapter "
                  f"{our_rate:7,.0f} ACK/s, ratio {our_rate / base_rate:.2f} ({machine_load()}){drained}")  # fmt: skip
        middle = sorted(range(len(ratios)), key=ratios.__getitem__)[len(ratios) // 2]
        base_rate, our_rate = rates[middle]
        base_user = statistics.median(user for user, _ in base_cpu_ms)
        base_system = statistics.median(system for _, system in base_cpu_ms)
        base_cpu = (
            f"{base_user + base_system:.2f} ms (user {base_user:.2f} + system {base_system:.2f})"
        )
        print(f"  baseline ACK/s      {base_rate:9,.0f}   (verify + parse + ACK), "
              f"CPU per ACK {base_cpu}")  # fmt: skip
        print(f"  adapter  ACK/s      {our_rate:9,.0f}   median ratio {ratios[middle]:.2f} of "
              f"{len(ratios)} rounds (goal >= 0.70)")  # fmt: skip

        half = our_rate / 2
        # The same schedule against the baseline first (nothing of the adapter's running):
        # what this machine alone adds to a p99.
        bare = await load_run(pool, baseline_url, bap_uri, args.concurrency, args.duration, half)
        user, system = cpu_times(processes[0])
        open_loop = await load_run(
            pool, adapter_url, bap_uri, args.concurrency, args.duration, half
        )
        after_user, after_system = cpu_times(processes[0])
        edge_user += after_user - user
        edge_system += after_system - system
        acked += open_loop.statuses.get(200, 0)
        print(f"  at {half:,.0f} req/s open loop: ACK p50 {ms(percentile(open_loop.latencies, .5))},"
              f" p99 {ms(percentile(open_loop.latencies, .99))} (goal p99 < 20 ms); baseline at"
              f" the same rate: p50 {ms(percentile(bare.latencies, .5))},"
              f" p99 {ms(percentile(bare.latencies, .99))} ({machine_load()})")  # fmt: skip
        figures["half_load_p99_ms"] = percentile(open_loop.latencies, 0.99) * 1000
        figures["baseline_half_load_p99_ms"] = percentile(bare.latencies, 0.99) * 1000
        if not args.dispatcher_later:
            half_answered = await answered(callbacks, open_loop, outbox, args.drain_limit)
            answered_rounds.append(half_answered)
            print(f"    {half_answered}")
        user_ms, system_ms = (edge_user * 1000 / max(1, acked), edge_system * 1000 / max(1, acked))
        what = "edge process" if split else "adapter process (edge and callbacks)"
        print(f"  {what} CPU per ACK while loaded: {user_ms + system_ms:.2f} ms "
              f"(user {user_ms:.2f} + system {system_ms:.2f}; baseline {base_cpu})")  # fmt: skip
        if args.dispatcher_later:
            processes.append(start_process(dispatcher_args, env,
                                           work / f"dispatcher-{name}.log", args.cpus))  # fmt: skip
            cpu.append(cpu_seconds(processes[-1]))
            print("  dispatcher started")
        print(f"  ACK phases' callbacks: {await outbox.drain(args.drain_limit)}")
        used = [(cpu_seconds(p) - c) / max(1, acked) for p, c in zip(processes, cpu, strict=True)]
        our_cpu = sum(used)
        parts = (
            f" = edge {used[0] * 1000:.2f} + dispatcher {used[1] * 1000:.2f}"
            if len(used) > 1
            else ""
        )
        if not args.dispatcher_later:  # there most callbacks outlive their ttl, unsent
            print(f"  adapter CPU per request, ACK and callback: {our_cpu * 1000:.2f} ms{parts}")

        paced = await load_run(pool, adapter_url, bap_uri, 8, args.duration, args.callback_rate)
        print(f"  at {args.callback_rate:,.0f} req/s open loop: ACK p50 "
              f"{ms(percentile(paced.latencies, .5))}, p99 {ms(percentile(paced.latencies, .99))}")  # fmt: skip
        print(f"  callback phase: {await outbox.drain(args.drain_limit)}")
        await asyncio.sleep(0.5)  # the last settled callbacks are already at the sink
        arrived = await callbacks.ask("collect")
        assert isinstance(arrived, dict)
        to_callback = [arrived[m] - t for m, t in paced.sent_at.items() if m in arrived]
        print(f"  request -> callback p50 {ms(percentile(to_callback, .5))}, "
              f"p99 {ms(percentile(to_callback, .99))} over {len(to_callback)} of "
              f"{len(paced.sent_at)} (goal p50 < 50 ms, p99 < 200 ms; {machine_load()})")  # fmt: skip
        figures["callback_p50_ms"] = percentile(to_callback, 0.5) * 1000
        figures["callback_p99_ms"] = percentile(to_callback, 0.99) * 1000
        runs = (*rounds_run, open_loop, paced)
        if not args.dispatcher_later:
            answered_rounds.append(Answered(paced, arrived))
            print(f"    {answered_rounds[-1]}")
        capacity = statistics.median(a.rate for a in answered_rounds[: args.rounds]) \
            if answered_rounds else 0.0  # fmt: skip
        if args.overload_seconds > 0 and capacity > 0:
            # Closed loop at twice what the closed-loop rounds answered: each connection
            # waits for its answer, the schedule asks for twice the capacity.
            offered = 2 * capacity
            all_cpu = cpu_seconds(*processes)
            overload = await load_run(pool, adapter_url, bap_uri, args.overload_concurrency,
                                      args.overload_seconds, offered)  # fmt: skip
            got = await answered(callbacks, overload, outbox, args.drain_limit)
            answered_rounds.append(got)
            cpu_each = (cpu_seconds(*processes) - all_cpu) / max(1, got.answered)
            sent_rate = sum(overload.statuses.values()) / overload.elapsed
            print(f"  overload, {args.overload_seconds:.0f} s at 2 x {capacity:,.0f} = "
                  f"{offered:,.0f} req/s asked ({sent_rate:,.0f}/s sent, "
                  f"{args.overload_concurrency} connections):\n    {got}; CPU per answered "
                  f"search {cpu_each * 1000:.2f} ms; ACK p99 "
                  f"{ms(percentile(overload.latencies, .99))} ({machine_load()})")  # fmt: skip
            figures["overload_shed"] = got.shed
            runs = (*runs, overload)
        non_ack = sum(v for run in runs for k, v in run.statuses.items() if k != 200)
        print(f"  non-ACK answers: {non_ack}; callbacks seen at the sink: {len(arrived)}")
        if answered_rounds:
            print(f"  ACKed but unanswered, by phase: "
                  f"{', '.join(str(a.unanswered) for a in answered_rounds)} "
                  f"(total {sum(a.unanswered for a in answered_rounds)}; goal 0)")  # fmt: skip
            figures["unanswered"] = sum(a.unanswered for a in answered_rounds)
        print(f"  outbox: {await outbox.summary()}")
        sent = await outbox.last_on_search()
        if sent is not None:
            post_cpu, line = await bare_callbacks(pool, sent)
            print(f"  {line}")
            bare_cpu = base_user + base_system + post_cpu  # ms per answered search
            # The bare full path in one process: each ACK takes the baseline's time
            # (its closed-loop rate), each callback the bare POST's CPU.
            bare_rate = 1 / (1 / base_rate + post_cpu / 1000)
            print(f"  bare full path: {bare_cpu:.2f} ms CPU per answered search "
                  f"(verify-parse-ACK {base_user + base_system:.2f} + bare POST "
                  f"{post_cpu:.2f}); {bare_rate:,.0f} answered/s in one process")  # fmt: skip
            if answered_cpu:
                ours_cpu = statistics.median(answered_cpu) * 1000
                print(f"  adapter: {capacity:,.0f} answered searches/s (median of the closed-loop "
                      f"rounds), ratio {capacity / bare_rate:.2f} of the bare full path (goal "
                      f">= 0.70); CPU per answered search {ours_cpu:.2f} ms, bare/adapter "
                      f"{bare_cpu / ours_cpu:.2f}")  # fmt: skip
                figures.update(answered_per_s=capacity, bare_per_s=bare_rate,
                               ratio=capacity / bare_rate, cpu_ms=ours_cpu, bare_cpu_ms=bare_cpu)  # fmt: skip
    finally:
        for process in processes:
            stop_process(process)
        callbacks.stop()
        await registry_server.stop()
        if database_url.startswith("postgresql"):
            await asyncio.to_thread(drop_postgres, database_url)
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--callback-rate", type=float, default=50.0,
                        help="req/s of the request-to-callback phase")  # fmt: skip
    parser.add_argument("--drain-limit", type=float, default=180.0,
                        help="longest wait, in seconds, for the outbox to drain between phases")  # fmt: skip
    parser.add_argument("--split-dispatcher", action="store_true",
                        help="run the dispatcher in a second process (serve --dispatcher-only)")  # fmt: skip
    parser.add_argument("--dispatcher-later", action="store_true",
                        help="run the edge alone through the ACK phases and start its dispatcher "
                             "process after them (as with dispatchers on other machines)")  # fmt: skip
    parser.add_argument("--overload-seconds", type=float, default=60.0,
                        help="length of the overload phase at twice the answered capacity "
                             "(0: none)")  # fmt: skip
    parser.add_argument("--overload-concurrency", type=int, default=64,
                        help="connections of the overload phase")  # fmt: skip
    parser.add_argument(
        "--no-vacuum",
        action="store_true",
        help="on a PostgreSQL server without autovacuum, do not vacuum the "
        "bench's database between phases either",
    )
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved closed-loop rounds of baseline and adapter")  # fmt: skip
    parser.add_argument("--dispatcher-nice", type=int, default=10,
                        help="with --split-dispatcher, the dispatcher's niceness (0: none)")  # fmt: skip
    parser.add_argument("--topologies", default="one,split",
                        help="one (a process does everything) and/or split (edge and dispatcher "
                             "processes; PostgreSQL + Redis only)")  # fmt: skip
    parser.add_argument("--cpus", default=None,
                        help="taskset core list for the adapter's and the baseline's processes, "
                             "such as 0 or 0,1; the load generator and the sink then run on the "
                             "other cores when there are any")  # fmt: skip
    parser.add_argument("--instructions", type=int, default=0,
                        help="also count instructions per answered search under valgrind's "
                             "callgrind over this many searches (0: not)")  # fmt: skip
    parser.add_argument("--instructions-only", action="store_true",
                        help="count instructions (--instructions) without the timed phases")  # fmt: skip
    args = parser.parse_args()
    topologies = ["split"] if args.split_dispatcher else args.topologies.split(",")
    work = Path(tempfile.mkdtemp(prefix="bench-edge-"))
    baseline_port = free_port()
    baseline = start_process(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "bench" / "edge"), "baseline:app",
         "--port", str(baseline_port), "--log-level", "warning", "--no-access-log"],
        dict(os.environ), work / "baseline.log", args.cpus)  # fmt: skip
    commit = _commit()
    print(f"bench/edge at {commit or 'unknown commit'}: {args.concurrency} connections, "
          f"{args.duration:.0f} s per phase, adapter "
          f"{'pinned to cores ' + args.cpus if args.cpus else 'not pinned'}, "
          f"{machine_load()}, logs in {work}")  # fmt: skip
    results: dict[tuple[str, str], dict[str, float]] = {}
    try:
        await wait_ready(f"http://127.0.0.1:{baseline_port}/healthz")
        baseline_url = f"http://127.0.0.1:{baseline_port}/ondc/search"
        pinned = other_cores(args.cpus)
        with ProcessPoolExecutor(max_workers=1, initializer=_pin, initargs=(pinned,)) as pool:
            for backend in [] if args.instructions_only else args.backends.split(","):
                for topology in topologies:
                    if backend == "sqlite" and topology == "split":
                        print("\n[sqlite] split topology: run on PostgreSQL + Redis only "
                              "(processes share admission through Redis)")  # fmt: skip
                        continue
                    name = "sqlite" if backend == "sqlite" else "postgres+redis"
                    results[(name, topology)] = await _one_backend(
                        backend, args, pool, baseline, baseline_url, work, topology
                    )
        if results:
            _summary(results)
        if args.instructions:
            print(f"\ninstructions (valgrind callgrind, {args.instructions} searches, load-"
                  f"independent; {machine_load()})")  # fmt: skip
            await instructions.report(args.instructions, args.backends.split(","), work)
    finally:
        stop_process(baseline)


def _commit() -> str:
    """The adapter's commit, for the figures' record."""
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                          capture_output=True, check=False).stdout.strip()  # fmt: skip


def _pin(cores: set[int] | None) -> None:
    """The load generator's process, on the cores the adapter does not use."""
    if cores:
        os.sched_setaffinity(0, cores)


async def _one_backend(backend: str, args: argparse.Namespace, pool: ProcessPoolExecutor,
                       baseline: subprocess.Popen[bytes], baseline_url: str, work: Path,
                       topology: str) -> dict[str, float]:  # fmt: skip
    if backend == "sqlite":
        database = work / f"bench-{topology}.db"
        return await bench_backend("sqlite", f"sqlite:///{database}", None, args, pool,
                                   baseline, baseline_url, work, topology)  # fmt: skip
    # The adapter's dedupe keys live for a day: a database of the bench's own, emptied
    # before and after, keeps them from piling up.
    empty_redis(BENCH_REDIS)
    try:
        return await bench_backend("postgres+redis", fresh_postgres(), BENCH_REDIS, args, pool,
                                   baseline, baseline_url, work, topology)  # fmt: skip
    finally:
        empty_redis(BENCH_REDIS)


def _summary(results: dict[tuple[str, str], dict[str, float]]) -> None:
    """Every goal's figure of the run, by store and topology, with its ratio or goal."""
    print("\nsummary (goals: unanswered 0; answered/s >= 0.70 x bare full path; half-load ACK "
          "p99 < 20 ms; request -> callback p50 < 50 ms, p99 < 200 ms)")  # fmt: skip
    print(f"  {'store':15} {'topology':8} {'answered/s':>10} {'x bare':>6} {'CPU ms':>6} "
          f"{'p99 ACK':>8} {'cb p50':>7} {'cb p99':>7} {'unanswered':>10}")  # fmt: skip
    for (store, topology), got in results.items():
        print(f"  {store:15} {topology:8} {got.get('answered_per_s', 0):10,.0f} "
              f"{got.get('ratio', 0):6.2f} {got.get('cpu_ms', 0):6.2f} "
              f"{got.get('half_load_p99_ms', 0):6.1f}ms {got.get('callback_p50_ms', 0):5.1f}ms "
              f"{got.get('callback_p99_ms', 0):5.1f}ms {got.get('unanswered', -1):10.0f}")  # fmt: skip
    one, split = results.get(("postgres+redis", "one")), results.get(("postgres+redis", "split"))
    if one and split and one.get("answered_per_s"):
        print(f"  split / one process on PostgreSQL + Redis: answered/s "
              f"{split.get('answered_per_s', 0) / one['answered_per_s']:.2f}, half-load p99 "
              f"{split.get('half_load_p99_ms', 0):.1f} vs {one.get('half_load_p99_ms', 0):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
