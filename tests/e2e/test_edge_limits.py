"""The edge against an attacker, on a real ``ondc-seller serve`` process: a gigabyte of
body sent without credentials costs the server no more than the route's limit."""

from __future__ import annotations

import asyncio
import select
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.network import network
from tests.e2e.processes import CLI, free_port, wait_healthy
from tests.fixtures import settings_values, subprocess_env

pytestmark = pytest.mark.e2e

ACK = {"message": {"ack": {"status": "ACK"}}}
GIGABYTE = 1024**3
MEGABYTE = 1024**2


@contextmanager
def serving(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """``ondc-seller serve`` on SQLite, its port and process."""
    port = free_port()
    env = subprocess_env(settings_values(f"sqlite:///{tmp_path}/edge.db"))
    with (tmp_path / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [*CLI, "serve", "--port", str(port)],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
        yield port, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def peak_rss(pid: int) -> int:
    """The process's largest resident set so far, in bytes (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def flood(port: int, head: bytes, *, chunked: bool, seconds: float) -> tuple[bytes, int, float]:
    """Send ``head`` then up to a gigabyte of body until the server answers (or stops
    reading, or ``seconds`` pass); the answer, the bytes sent and the time it took."""
    block = b"a" * MEGABYTE
    piece = b"%x\r\n%s\r\n" % (len(block), block) if chunked else block
    sent = 0
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(head)
        connection.setblocking(False)
        view = memoryview(b"")
        while sent < GIGABYTE and time.monotonic() - started < seconds:
            readable, writable, _ = select.select([connection], [connection], [], 0.5)
            if readable:
                break
            if not writable:
                continue
            if not view:
                view = memoryview(piece)
            try:
                written = connection.send(view)
            except (BrokenPipeError, ConnectionResetError):
                break
            view = view[written:]
            sent += written
        elapsed = time.monotonic() - started
        connection.setblocking(True)
        connection.settimeout(5.0)
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    return answer, sent, elapsed


@pytest.mark.parametrize(
    ("path", "chunked"),
    [
        ("/dashboard/login", False),
        ("/dashboard/login", True),
        ("/ondc/on_subscribe", True),
        ("/seller/v1/webhooks/stock/odop-kullu", True),
        ("/ondc/search", True),
    ],
)
def test_a_gigabyte_without_credentials_is_refused_at_the_routes_limit(
    tmp_path: Path, path: str, chunked: bool
) -> None:
    with serving(tmp_path) as (port, process):
        before = peak_rss(process.pid)
        length = b"Transfer-Encoding: chunked" if chunked else b"Content-Length: %d" % GIGABYTE
        head = (
            b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n%s\r\n\r\n"
        ) % (path.encode(), length)
        answer, sent, elapsed = flood(port, head, chunked=chunked, seconds=8.0)
        assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
        assert elapsed < 3.0
        assert sent < 64 * MEGABYTE  # socket buffers, not the body
        grown = peak_rss(process.pid) - before
        assert peak_rss(process.pid) < 400 * MEGABYTE
        assert grown < 32 * MEGABYTE


async def test_nul_from_one_buyer_app_never_fails_others_on_postgresql(
    tmp_path: Path, fresh_postgres_url: str
) -> None:
    # One buyer app's "\u0000" used to fail the batched writes of everyone sending at the
    # same moment (82 of 200 honest requests got 503 on PostgreSQL).
    async with network(tmp_path, DATABASE_URL=fresh_postgres_url) as net:
        honest = [net.search() for _ in range(120)]
        hostile = []
        for _ in range(12):
            search = net.search()
            search["context"]["message_id"] += "\x00"  # type: ignore[index]
            hostile.append(search)
        mixed = []
        for i, search in enumerate(honest):
            mixed.append(search)
            if i % 10 == 0:
                mixed.append(hostile[i // 10])
        answers = await asyncio.gather(*(net.send("search", s) for s in mixed))
        for search, answer in zip(mixed, answers, strict=True):
            if search in hostile:
                assert answer.status_code == 400, answer.text
                assert answer.json()["error"]["path"] == "context.message_id"
            else:
                assert (answer.status_code, answer.json()) == (200, ACK), answer.text
        last = honest[-1]["context"]["message_id"]  # type: ignore[index]
        await net.buyer.wait_for(last, seconds=30.0)
