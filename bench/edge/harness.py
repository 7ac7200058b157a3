"""The processes and probes bench/edge runs: the callback sink, the outbox's own view,
process start and stop (pinned to cores on request), CPU times and the machine's load."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import secrets
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx
import psycopg
import redis

import sink

ROOT = Path(__file__).resolve().parents[2]


def _port_range() -> range | None:
    """``ONDC_BENCH_PORTS=FIRST-LAST``: the ports the bench's servers may listen on (a
    machine shared with other work may reserve ranges); unset, any free port."""
    spec = os.environ.get("ONDC_BENCH_PORTS", "")
    if not spec:
        return None
    first, _, last = spec.partition("-")
    return range(int(first), int(last or first) + 1)


_next_port = 0


def free_port() -> int:
    """A port free now, from ``ONDC_BENCH_PORTS`` when set: each call in a process gives
    the next free one of the range, so two servers about to start never get the same."""
    global _next_port
    ports = _port_range()
    if ports is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])
    for _ in ports:
        port = ports[_next_port % len(ports)]
        _next_port += 1
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in ONDC_BENCH_PORTS={ports.start}-{ports.stop - 1}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


class SinkProcess:
    """``sink.serve`` in a child process, asked over a pipe."""

    def __init__(self, cores: set[int] | None = None) -> None:
        self.port = free_port()
        self._cores = cores
        self._pipe, child = multiprocessing.Pipe()
        self._process = multiprocessing.Process(target=sink.serve, args=(self.port, child),
                                                daemon=True)  # fmt: skip

    def start(self) -> None:
        self._process.start()
        if self._cores and self._process.pid is not None:
            os.sched_setaffinity(self._process.pid, self._cores)
        if self._pipe.recv() != "ready":
            raise SystemExit("callback sink did not start")

    async def ask(self, command: str) -> object:
        def exchange() -> object:
            self._pipe.send(command)
            return self._pipe.recv()

        return await asyncio.to_thread(exchange)

    def stop(self) -> None:
        self._pipe.send("stop")
        self._process.join(timeout=10)


class OutboxProbe:
    """Reads the adapter's outbox straight from its database (the bench's own view)."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url

    def _query(self, sql: str) -> list[tuple[object, ...]]:
        if self._url.startswith("sqlite:///"):
            with sqlite3.connect(self._url.removeprefix("sqlite:///"), timeout=30) as db:
                return list(db.execute(sql).fetchall())
        with psycopg.connect(self._url) as db:
            return list(db.execute(sql).fetchall())

    async def pending(self) -> int:
        rows = await asyncio.to_thread(
            self._query, "SELECT count(*) FROM outbox WHERE status = 'pending'"
        )
        return int(rows[0][0])  # type: ignore[call-overload]

    async def last_on_search(self) -> bytes | None:
        """The bytes of the last ``on_search`` sent, from the audit log."""
        rows = await asyncio.to_thread(
            self._query,
            "SELECT body FROM messages WHERE direction = 'out' AND action = 'on_search'"
            " ORDER BY id DESC LIMIT 1",
        )
        return bytes(rows[0][0]) if rows else None  # type: ignore[call-overload]

    async def summary(self) -> str:
        jobs = await asyncio.to_thread(
            self._query, "SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status"
        )
        tries = await asyncio.to_thread(
            self._query,
            "SELECT outcome, count(*) FROM delivery_attempts GROUP BY outcome ORDER BY outcome",
        )
        errors = await asyncio.to_thread(
            self._query,
            "SELECT substr(error, 1, 40), count(*) FROM delivery_attempts WHERE outcome <> 'ACK'"
            " GROUP BY 1 ORDER BY 2 DESC LIMIT 3",
        )
        text = (f"jobs {', '.join(f'{s} {n}' for s, n in jobs)}; "
                f"attempts {', '.join(f'{o} {n}' for o, n in tries)}")  # fmt: skip
        if errors:
            text += "; errors: " + ", ".join(f"{e!r} x{n}" for e, n in errors)
        return text

    def autovacuum_off(self) -> bool:
        """Whether the PostgreSQL server runs without autovacuum (some CI images): then
        nothing vacuums or analyses the bench's database unless the bench does."""
        if self._url.startswith("sqlite:///"):
            return False
        return self._query("SHOW autovacuum") == [("off",)]

    async def vacuum(self) -> float:
        """``VACUUM (ANALYZE)`` the adapter's database, as autovacuum would between phases;
        the seconds it took."""
        began = time.monotonic()

        def run() -> None:
            with psycopg.connect(self._url, autocommit=True) as db:
                db.execute("VACUUM (ANALYZE)")

        await asyncio.to_thread(run)
        return time.monotonic() - began

    def server_cpu(self) -> dict[int, float]:
        """CPU seconds (user + system) used so far by each PostgreSQL backend connected to
        the adapter's database, by process id (Linux /proc; empty for SQLite, or when the
        server runs elsewhere). The adapter's connections are kept for the run, so the
        difference between two readings over the backends in both is their work."""
        if self._url.startswith("sqlite:///"):
            return {}
        database = self._url.rsplit("/", 1)[1]
        rows = self._query(
            "SELECT pid FROM pg_stat_activity WHERE datname = "
            f"'{database}' AND pid <> pg_backend_pid()"
        )
        ticks = os.sysconf("SC_CLK_TCK")
        used = {}
        for (pid,) in rows:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used[int(pid)] = (int(fields[11]) + int(fields[12])) / ticks  # type: ignore[call-overload]
        return used

    async def drain(self, limit: float) -> str:
        """Wait until no job is pending (or ``limit`` seconds); say how long it took."""
        began = time.monotonic()
        backlog = await self.pending()
        left = backlog
        while left and time.monotonic() - began < limit:
            await asyncio.sleep(0.2)
            left = await self.pending()
        took = time.monotonic() - began
        if left:
            return f"NOT drained: {left} of {backlog} pending after {took:.1f} s"
        return f"drained {backlog} pending in {took:.1f} s"


def cpu_times(*processes: subprocess.Popen[bytes]) -> tuple[float, float]:
    """User and system CPU seconds used so far by ``processes`` (Linux /proc): less noisy
    than throughput on a machine shared with other work. System time is mostly the kernel's
    share of the sockets (HTTP, and the store's and Redis's round trips)."""
    user = system = 0
    for process in processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        user += int(fields[11])
        system += int(fields[12])
    tick = os.sysconf("SC_CLK_TCK")
    return user / tick, system / tick


def io_counts(*processes: subprocess.Popen[bytes]) -> tuple[int, int]:
    """Write calls and bytes written so far by ``processes``, to files and sockets alike
    (Linux /proc's ``syscw`` and ``wchar``): what the store's pages cost in the kernel
    (each WAL frame is two calls, a checkpoint's copy of a page one more) counted the same
    however busy the machine is."""
    calls = written = 0
    for process in processes:
        fields = dict(
            line.split(": ", 1) for line in Path(f"/proc/{process.pid}/io").read_text().splitlines()
        )
        calls += int(fields["syscw"])
        written += int(fields["wchar"])
    return calls, written


def cpu_seconds(*processes: subprocess.Popen[bytes]) -> float:
    """User + system CPU seconds used so far by ``processes``."""
    return sum(cpu_times(*processes))


def start_process(args: list[str], env: dict[str, str], log: Path,
                  cpus: str | None = None) -> subprocess.Popen[bytes]:  # fmt: skip
    """``args`` in a child process, its output in ``log``; on the cores ``cpus`` (taskset's
    list, such as ``0`` or ``0,1``) when given."""
    pinned = ["taskset", "-c", cpus, *args] if cpus else args
    with log.open("wb") as out:
        return subprocess.Popen(pinned, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and SIGKILL if it is still there 30 s later (a process under valgrind on a
    busy machine can take longer to finish)."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def other_cores(cpus: str | None) -> set[int] | None:
    """The cores not in ``cpus`` (for the load generator and the sink, so they do not share
    the adapter's), or ``None`` when ``cpus`` is all of them or not given."""
    if not cpus:
        return None
    ours = {int(cpu) for part in cpus.split(",") for cpu in _cores(part)}
    rest = set(os.sched_getaffinity(0)) - ours
    return rest or None


def _cores(part: str) -> range:
    low, _, high = part.partition("-")
    return range(int(low), int(high or low) + 1)


def machine_load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes, as ``uptime`` prints them,
    and the cores: every figure says how busy the machine was when it was taken."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}/{fifteen:.1f} on {os.cpu_count()} cores"


async def wait_ready(url: str, seconds: float = 180.0) -> None:
    """Wait for ``url`` to answer 200: a process starting on a busy machine (migrations,
    imports) can take a minute."""
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            try:
                if (await http.get(url, timeout=10)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


POSTGRES_ADMIN = os.environ.get(
    "ONDC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


BENCH_REDIS = os.environ.get("ONDC_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def empty_redis(url: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def fresh_postgres() -> str:
    name = f"ondc_bench_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{POSTGRES_ADMIN.rsplit('/', 1)[0]}/{name}"


def drop_postgres(url: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"
