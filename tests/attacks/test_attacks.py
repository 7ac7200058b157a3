"""Issue 15's attacks tried again, as an attacker would, against real ``ondc-seller serve``
processes (SQLite; PostgreSQL + Redis where the store matters).

These are not the regression tests of the fixes: each attack is set up afresh, most with
a variation the fixes' own tests do not use (other routes, other encodings, other
timings), and each records its verdict and figures (``tests/attacks/report.py``) before
asserting that the control held. ``scripts/attack`` runs them and prints the table.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import secrets
import socket
import subprocess
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import create_engine, func, select

import signing
from adapter.core.clock import SystemClock
from adapter.sandbox.buyer import SandboxBuyer
from adapter.storage import tables
from adapter.storage.database import sync_url
from tests.attacks.report import verdict
from tests.e2e.network import Network, network
from tests.e2e.processes import CLI, free_port, run_cli
from tests.fixtures import REDIS_URL, REPO_ROOT, settings_values, subprocess_env

pytestmark = pytest.mark.e2e

ACK = {"message": {"ack": {"status": "ACK"}}}
MB = 1024 * 1024
ADMIN = {"Authorization": f"Bearer {settings_values('sqlite://')['ONDC_ADMIN_API_KEY']}"}
DEMO = REPO_ROOT / "config" / "demo" / "odop-catalogue.json"


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres+redis", marks=[pytest.mark.postgres, pytest.mark.redis]),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Settings for the adapter's store: its SQLite file, or PostgreSQL with Redis."""
    if request.param == "sqlite":
        yield {"DATABASE_URL": f"sqlite:///{tmp_path}/adapter.db"}
        return
    # Migrated already (the adapter's start finds it at head): the attacks are on the edge.
    url = request.getfixturevalue("migrated_postgres_url")
    yield {
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "ONDC_REDIS_KEY_PREFIX": f"attack-{secrets.token_hex(4)}:",
    }


def _name(store: dict[str, str]) -> str:
    return "PostgreSQL+Redis" if "REDIS_URL" in store else "SQLite"


def _rss_mb(net: Network, field: str = "VmHWM") -> float:
    assert net.adapter.process is not None
    for line in Path(f"/proc/{net.adapter.process.pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(field)


def _audit(store: dict[str, str]) -> tuple[int, int]:
    """(rows, bytes of bodies) in the audit log."""
    engine = create_engine(sync_url(store["DATABASE_URL"]))
    try:
        with engine.connect() as connection:
            rows, size = connection.execute(
                select(
                    func.count(), func.coalesce(func.sum(func.length(tables.messages.c.body)), 0)
                )
            ).one()
    finally:
        engine.dispose()
    return int(rows), int(size)


def _buyer(net: Network, name: str, url: str) -> SandboxBuyer:
    buyer = SandboxBuyer(
        subscriber_id=f"{name}.loopback.example",
        unique_key_id=f"{name}-k",
        key=signing.PrivateKey.generate(),
        registry_url=net.buyer.registry_url,
        clock=SystemClock(),
    )
    net.registry.add(buyer.registry_record(url))
    return buyer


def _chunked_flood(
    port: int, method: str, path: str, total: int, headers: bytes = b""
) -> tuple[bytes, int, float]:
    """Send ``total`` bytes of chunked body until the server answers; (answer, sent, s)."""
    block = b"a" * MB
    piece = b"%x\r\n%s\r\n" % (len(block), block)
    sent, started = 0, time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(
            b"%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n%s\r\n"
            % (method.encode(), path.encode(), headers)
        )
        connection.settimeout(0.2)
        answer = b""
        while sent < total and time.monotonic() - started < 20:
            try:
                answer = connection.recv(65536)
                if answer:
                    break
            except TimeoutError:
                pass
            try:
                connection.sendall(piece)
            except OSError:
                break
            sent += len(piece)
        connection.settimeout(5.0)
        with contextlib.suppress(OSError):
            answer = answer or connection.recv(65536)
    return answer, sent, time.monotonic() - started


def _send_and_read(port: int, head: bytes, body: bytes) -> bytes:
    """Send a request, its body until the server answers; the answer as far as it came."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(head)
        connection.settimeout(0.2)
        for start in range(0, len(body), MB):
            try:
                if answer := connection.recv(65536):
                    return answer + _rest(connection)
            except TimeoutError:
                pass
            try:
                connection.sendall(body[start : start + MB])
            except OSError:
                break
        return _rest(connection)


def _rest(connection: socket.socket) -> bytes:
    connection.settimeout(5.0)
    answer = b""
    try:
        while chunk := connection.recv(65536):
            answer += chunk
    except OSError:
        pass
    return answer


async def test_c2_huge_bodies_on_routes_without_credentials(tmp_path: Path) -> None:
    routes = [
        ("PUT", "/admin/v1/sellers/odopkullu"),
        ("PATCH", "/seller/v1/stock"),
        ("POST", "/ondc/select"),
        ("POST", "/dashboard/logout"),
        ("POST", "/no/such/route"),
        ("GET", "/metrics"),
    ]
    async with network(tmp_path) as net:
        before = _rss_mb(net, "VmRSS")
        results = []
        for method, path in routes:
            answer, sent, took = await asyncio.to_thread(
                _chunked_flood, net.adapter.port, method, path, 200 * MB
            )
            results.append((path, answer[:12], sent // MB, round(took, 2)))
        peak = _rss_mb(net)
    # Refused at the limit (413), or answered without the body being read at all.
    answered = all(a[:10] == b"HTTP/1.1 4" or a[:10] == b"HTTP/1.1 2" for _, a, _, _ in results)
    small = all(s < 64 for _, _, s, _ in results)
    held = verdict(
        "C2",
        answered and small and peak - before < 64,
        "200 MB chunked to 6 routes: answers "
        f"{[a.decode(errors='replace') for _, a, _, _ in results]}, "
        f"MB sent before the answer {[s for _, _, s, _ in results]}, RSS {before:.0f} -> peak "
        f"{peak:.0f} MB",
    )
    assert held, results


async def test_h1_unsigned_requests_leave_only_bounded_summaries(
    tmp_path: Path, store: dict[str, str]
) -> None:
    async with network(tmp_path, **store) as net:
        rows_before, bytes_before = _audit(store)
        body = b'{"context":{"action":"select"},"message":{"x":"' + b"a" * 60_000 + b'"}}'
        started = time.monotonic()
        answers = [
            await net.http.post(
                f"{net.adapter.url}/select",
                content=body,
                headers={"Content-Type": "application/json"},
            )
            for _ in range(50)
        ]
        took = time.monotonic() - started
        rows, size = _audit(store)
    statuses = sorted({a.status_code for a in answers})
    grown = size - bytes_before
    held = verdict(
        f"H1 ({_name(store)})",
        grown <= 50 * 600 and set(statuses) <= {401, 429},
        f"50 unsigned 60 kB selects in {took:.1f} s: HTTP {statuses}; audit "
        f"+{rows - rows_before} rows, "
        f"+{grown} body bytes (sent {50 * len(body) // 1024} kB)",
    )
    assert held


async def test_c1_a_registered_app_cannot_aim_callbacks_elsewhere(
    tmp_path: Path, store: dict[str, str]
) -> None:
    async with network(tmp_path, **store) as net:
        mallory = _buyer(net, "mallory", "http://127.0.0.1:9/mallory")
        codes = []
        for target in (
            net.buyer_server.url,
            f"{net.buyer_server.url}/x?",
            "http://127.0.0.1:1/admin",
        ):
            search = {
                "context": mallory.context("search", bap_uri=target),
                "message": {"intent": {"item": {"descriptor": {"name": "shawl"}}}},
            }
            answer = await mallory.send(net.http, f"{net.adapter.url}/search", search)
            error = answer.json().get("error", {})
            codes.append(
                (answer.status_code, error.get("type"), error.get("code"), error.get("path"))
            )
        await asyncio.sleep(2.0)
        reached = [
            r
            for r in net.buyer.received
            if r.payload["context"].get("bap_id") == "mallory.loopback.example"
        ]
    held = verdict(
        f"C1 bap_uri ({_name(store)})",
        all(c == (400, "CONTEXT-ERROR", "30000", "context.bap_uri") for c in codes) and not reached,
        f"3 searches signed by a registered app naming another's URL: {codes}; callbacks at the "
        f"victim: {len(reached)}",
    )
    assert held


@asynccontextmanager
async def _deflate_bomb_peer(inflated: int) -> AsyncIterator[tuple[str, list[str]]]:
    """A buyer app answering every callback with a chunked deflate (zlib) bomb."""
    squeeze = zlib.compressobj(9)
    bomb = b"".join(squeeze.compress(bytes(MB)) for _ in range(inflated // MB)) + squeeze.flush()
    paths: list[str] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            paths.append(head.split(b" ")[1].decode())
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                ),
                0,
            )
            await reader.readexactly(length)
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            for i in range(0, len(bomb), 65536):
                part = bomb[i : i + 65536]
                writer.write(b"%x\r\n%s\r\n" % (len(part), part))
                await writer.drain()
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", paths
    finally:
        server.close()
        await server.wait_closed()


async def test_c1_deflate_bombs_in_chunked_callback_answers(tmp_path: Path) -> None:
    async with network(tmp_path) as net, _deflate_bomb_peer(1 << 30) as (url, paths):
        before = _rss_mb(net)
        bomber = _buyer(net, "bomber", url)
        for _ in range(4):
            search = {
                "context": bomber.context("search", bap_uri=url),
                "message": {"intent": {"item": {"descriptor": {"name": "shawl"}}}},
            }
            assert (await bomber.send(net.http, f"{net.adapter.url}/search", search)).json() == ACK
        for _ in range(100):
            if len(paths) >= 4:
                break
            await asyncio.sleep(0.2)
        honest = net.search()
        assert (await net.send("search", honest)).json() == ACK
        await net.buyer.wait_for(honest["context"]["message_id"], seconds=20.0)  # type: ignore[index]
        await asyncio.sleep(2.0)
        peak = _rss_mb(net)
    held = verdict(
        "C1 bombs",
        len(paths) >= 4 and peak < 400,
        f"4 callbacks answered with 1 GB deflate bombs, chunked ({len(paths)} sent): "
        f"RSS peak {before:.0f} -> {peak:.0f} MB; an honest callback still delivered",
    )
    assert held


async def test_h3_hanging_buyer_apps_do_not_delay_an_honest_one(tmp_path: Path) -> None:
    hanging: set[asyncio.Task[None]] = set()

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        hanging.add(task)
        try:
            await asyncio.sleep(3600)  # the connection is accepted and never answered
        except asyncio.CancelledError:
            writer.transport.abort()

    server = await asyncio.start_server(hang, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        async with network(tmp_path) as net:
            for n in range(3):
                slow = _buyer(net, f"hang{n}", url)
                for _ in range(10):
                    search = {
                        "context": slow.context("search", bap_uri=url),
                        "message": {"intent": {"item": {"descriptor": {"name": "shawl"}}}},
                    }
                    assert (
                        await slow.send(net.http, f"{net.adapter.url}/search", search)
                    ).json() == ACK
            await asyncio.sleep(1.0)
            honest = [net.search() for _ in range(10)]
            sent = time.monotonic()
            for search in honest:
                assert (await net.send("search", search)).json() == ACK
            for search in honest:
                await net.buyer.wait_for(search["context"]["message_id"], seconds=15.0)  # type: ignore[index]
            took = time.monotonic() - sent
    finally:
        server.close()
        for task in hanging:
            task.cancel()
        await asyncio.gather(*hanging, return_exceptions=True)
        await server.wait_closed()
    held = verdict(
        "H3",
        took < 5.0,
        "30 callbacks to 3 buyer apps that never answer, then 10 honest: all 10 delivered in "
        f"{took:.1f} s",
    )
    assert held


async def test_h4_sigkill_right_after_the_acks_loses_nothing(
    tmp_path: Path, store: dict[str, str]
) -> None:
    async with network(tmp_path, ONDC_CALLBACKS_PER_PEER="32", **store) as net:
        searches = [net.search() for _ in range(25)]
        acked = time.monotonic()
        answers = await asyncio.gather(*(net.send("search", s) for s in searches))
        assert all(a.json() == ACK for a in answers)
        net.adapter.kill()  # at once: some callbacks claimed, some in flight, some queued
        await net.adapter.start()
        missing = 0
        for search in searches:
            left = 30.0 - (time.monotonic() - acked)
            try:
                await net.buyer.wait_for(search["context"]["message_id"], seconds=max(left, 0.1))  # type: ignore[index]
            except TimeoutError:
                missing += 1
        took = time.monotonic() - acked
    held = verdict(
        f"H4 ({_name(store)})",
        missing == 0,
        f"25 ACKed searches, SIGKILL right after the ACKs, restart: {25 - missing}/25 callbacks "
        "within "
        f"the 30 s ttl (last at {took:.1f} s)",
    )
    assert held


@pytest.mark.postgres
@pytest.mark.redis
async def test_h5_nul_in_every_kind_of_field_on_postgresql(
    tmp_path: Path, fresh_postgres_url: str
) -> None:
    store = {
        "DATABASE_URL": fresh_postgres_url,
        "REDIS_URL": REDIS_URL,
        "ONDC_REDIS_KEY_PREFIX": f"attack-{secrets.token_hex(4)}:",
    }
    async with network(tmp_path, **store) as net:
        hostile: list[dict[str, Any]] = []
        for where in ("transaction_id", "message_id", "bap_id", "city", "name", "key"):
            search = net.search()
            if where == "name":
                search["message"] = {"intent": {"item": {"descriptor": {"name": "sh\x00awl"}}}}
            elif where == "key":
                search["message"] = {"intent": {"tags": [{"code\x00": "x"}]}}
            else:
                search["context"][where] += "\x00"  # type: ignore[index]
            hostile.append(search)
        honest = [net.search() for _ in range(60)]
        mixed = [x for pair in zip(honest[:6], hostile, strict=True) for x in pair] + honest[6:]
        answers = await asyncio.gather(*(net.send("search", s) for s in mixed))
        statuses = [a.status_code for s, a in zip(mixed, answers, strict=True) if s in hostile]
        honest_acks = sum(
            1 for s, a in zip(mixed, answers, strict=True) if s in honest and a.json() == ACK
        )
        answered = 0
        deadline = time.monotonic() + 30.0  # the requests' ttl
        for search in honest:
            try:
                await net.buyer.wait_for(
                    search["context"]["message_id"],  # type: ignore[index]
                    seconds=max(deadline - time.monotonic(), 0.1),
                )
                answered += 1
            except TimeoutError:
                pass
    held = verdict(
        "H5",
        honest_acks == 60 and answered == 60 and all(400 <= s < 500 for s in statuses),
        "6 NUL searches (ids, bap_id, city, text, key) among 60 honest at once: hostile HTTP "
        f"{statuses}; "
        f"honest ACKed {honest_acks}/60, answered {answered}/60",
    )
    assert held


async def test_m4_a_signed_12_mb_search_is_refused_before_it_costs(tmp_path: Path) -> None:
    async with network(tmp_path) as net:
        big = net.search()
        big["message"] = {
            "intent": {
                "tags": [{"code": "x", "list": [{"code": "k", "value": "v" * 100}] * 100_000}]
            }
        }
        body = orjson.dumps(big)
        now = SystemClock().timestamp()
        header = net.buyer.signer.sign(body, created=now, expires=now + 30)
        head = (
            b"POST /ondc/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Authorization: %s\r\nContent-Length: %d\r\n\r\n" % (header.encode(), len(body))
        )
        started = time.monotonic()
        answer = await asyncio.to_thread(_send_and_read, net.adapter.port, head, body)
        took = time.monotonic() - started
        status_line, _, rest = answer.partition(b"\r\n")
        error = orjson.loads(rest.split(b"\r\n\r\n", 1)[1]).get("error", {}) if rest else {}
        # Honest requests meanwhile: their ACKs are as fast as before.
        quick = []
        for _ in range(5):
            t = time.monotonic()
            assert (await net.send("search", net.search())).json() == ACK
            quick.append(time.monotonic() - t)
    held = verdict(
        "M4",
        status_line.startswith(b"HTTP/1.1 413") and error.get("code") == "30000",
        f"signed search of {len(body) / MB:.1f} MB: {status_line.decode()} NACK "
        f"{error.get('code')} in "
        f"{took:.2f} s; next honest ACKs {max(quick) * 1000:.0f} ms at most",
    )
    assert held


async def test_m5_a_captured_stock_push_cannot_be_replayed(tmp_path: Path) -> None:
    async with network(tmp_path) as net:
        imported = await asyncio.to_thread(
            run_cli, "catalog", "import", str(DEMO), env=net.adapter.env
        )
        assert imported.returncode == 0, imported.stdout
        origin = f"http://127.0.0.1:{net.adapter.port}"
        code = "odopkullu"
        secret = (
            await net.http.post(f"{origin}/admin/v1/sellers/{code}/webhook-secret", headers=ADMIN)
        ).json()["secret"]
        sku = orjson.loads(DEMO.read_bytes())
        sku = next(s for s in sku["sellers"] if s["seller"]["code"] == code)["items"][0]["sku"]
        body = orjson.dumps({"items": [{"sku": sku, "available": 50}]})
        stamp, delivery = SystemClock().timestamp(), str(uuid.uuid4())
        signature = (
            "sha256="
            + hmac.new(
                secret.encode(), f"{stamp}.{delivery}.".encode() + body, hashlib.sha256
            ).hexdigest()
        )

        async def push(stamp: int, delivery: str, signature: str) -> int:
            headers = {
                "X-ODOP-Timestamp": str(stamp),
                "X-ODOP-Delivery": delivery,
                "X-ODOP-Signature": signature,
                "Content-Type": "application/json",
            }
            return (
                await net.http.post(
                    f"{origin}/seller/v1/webhooks/stock/{code}", content=body, headers=headers
                )
            ).status_code

        first = await push(stamp, delivery, signature)
        replayed = await push(stamp, delivery, signature)
        new_id = await push(stamp, str(uuid.uuid4()), signature)
        later = await push(stamp + 3600, delivery, signature)
        old = stamp - 3600
        stale_sig = (
            "sha256="
            + hmac.new(
                secret.encode(), f"{old}.{delivery}x.".encode() + body, hashlib.sha256
            ).hexdigest()
        )
        stale = await push(old, delivery + "x", stale_sig)
    held = verdict(
        "M5",
        (first, replayed, new_id, later, stale) == (200, 409, 401, 401, 401),
        f"signed push {first}; same push again {replayed}; new delivery id {new_id}; "
        f"timestamp moved {later}; validly signed but an hour old {stale}",
    )
    assert held


async def test_low_non_ascii_signature_headers_never_fail_the_server(tmp_path: Path) -> None:
    values = [
        b'Signature keyId="\xe0\xa4\xb6|k|ed25519"',
        "²".encode("latin-1"),
        b"\xff" * 300,
        b"Bearer \xc3\xa9",
    ]
    statuses: set[int] = set()
    async with network(tmp_path) as net:
        for action in ("search", "select", "confirm", "issue"):
            for value in values:
                for name in ("Authorization", "X-Gateway-Authorization"):
                    answer = await net.http.post(
                        f"{net.adapter.url}/{action}",
                        content=orjson.dumps(net.search()),
                        headers=[(name.encode(), value), (b"Content-Type", b"application/json")],
                    )
                    statuses.add(answer.status_code)
        origin = f"http://127.0.0.1:{net.adapter.port}"
        for value in values:
            answer = await net.http.post(
                f"{origin}/seller/v1/webhooks/stock/odopkullu",
                content=b"{}",
                headers=[
                    (b"X-ODOP-Timestamp", value),
                    (b"X-ODOP-Delivery", value),
                    (b"X-ODOP-Signature", value),
                ],
            )
            statuses.add(answer.status_code)
            for path in ("/seller/v1/items", "/admin/v1/outbox", "/dashboard/api/tables"):
                statuses.add(
                    (
                        await net.http.get(f"{origin}{path}", headers=[(b"Authorization", value)])
                    ).status_code
                )
    held = verdict(
        "Low: non-ASCII headers",
        max(statuses) < 500,
        f"{len(values)} non-ASCII values in signature, webhook and bearer headers on 8 routes: "
        f"HTTP {sorted(statuses)}",
    )
    assert held


async def test_low_sessions_keys_metrics_and_lifetimes(tmp_path: Path) -> None:
    async with network(tmp_path) as net:
        origin = f"http://127.0.0.1:{net.adapter.port}"
        key = ADMIN["Authorization"].split()[1]
        login = await net.http.post(f"{origin}/dashboard/login", data={"token": key})
        cookie = login.cookies.get("ondc_dashboard", "")
        cookie_header = login.headers.get("set-cookie", "")
        net.http.cookies.clear()  # sent by hand below, as a stolen cookie would be
        session = {"Cookie": f"ondc_dashboard={cookie}"}
        page = await net.http.get(f"{origin}/dashboard", headers=session)
        csrf = page.text.split('name="csrf" value="', 1)[-1].split('"', 1)[0]
        out = await net.http.post(
            f"{origin}/dashboard/logout", data={"csrf": csrf}, headers=session
        )
        after = await net.http.get(f"{origin}/dashboard/api/tables", headers=session)
        throttled = [
            (
                await net.http.post(f"{origin}/dashboard/login", data={"token": f"guess-{n}"})
            ).status_code
            for n in range(7)
        ]
        metrics_remote = await net.http.get(
            f"{origin}/metrics", headers={"X-Forwarded-For": "203.0.113.9"}
        )
        ten_years = net.search()
        body = orjson.dumps(ten_years)
        now = SystemClock().timestamp()
        long_sig = await net.http.post(
            f"{net.adapter.url}/search",
            content=body,
            headers={
                "Authorization": net.buyer.signer.sign(body, created=now, expires=now + 315_360_000)
            },
        )
        long_ttl = net.search()
        long_ttl["context"]["ttl"] = "P3650D"  # type: ignore[index]
        ttl_answer = await net.send("search", long_ttl)
    figures = {
        "cookie holds the key": key in cookie or key in cookie_header,
        "cookie flags": [
            f for f in ("HttpOnly", "SameSite=strict") if f.lower() in cookie_header.lower()
        ],
        "sign-out": out.status_code,
        "old cookie after sign-out": after.status_code,
        "7 wrong sign-ins": throttled,
        "/metrics from a forwarded remote address": metrics_remote.status_code,
        "10-year signature": long_sig.status_code,
        "ttl P3650D": (ttl_answer.status_code, ttl_answer.json().get("error", {}).get("path")),
    }
    held = verdict(
        "Low: sessions, /metrics, lifetimes",
        not figures["cookie holds the key"]
        and len(figures["cookie flags"]) == 2  # type: ignore[arg-type]
        and after.status_code == 401
        and throttled[-1] == 429
        and metrics_remote.status_code == 401
        and long_sig.status_code == 401
        and ttl_answer.status_code == 400,
        str(figures),
    )
    assert held, figures


def test_low_the_placeholder_admin_key_and_argv_keys_are_refused(tmp_path: Path) -> None:
    placeholder = "replace-with-a-long-random-secret"
    env = subprocess_env(
        settings_values(f"sqlite:///{tmp_path}/a.db", ONDC_ADMIN_API_KEY=placeholder)
    )
    port = free_port()
    started = subprocess.run(
        [*CLI, "serve", "--port", str(port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    key_b64 = settings_values("sqlite://")["ONDC_SIGNING_PRIVATE_KEY"]
    argv = run_cli(
        "signature",
        "sign",
        "--private-key",
        key_b64,
        "--subscriber-id",
        "x",
        "--unique-key-id",
        "k",
        env=subprocess_env({}),
    )
    held = verdict(
        "Low: placeholder key, key on argv",
        started.returncode == 2
        and "ONDC_ADMIN_API_KEY" in started.stdout + started.stderr
        and argv.returncode == 2
        and key_b64 not in argv.stdout + argv.stderr,
        f"serve with example.env's admin key: exit {started.returncode}; "
        f"signature sign --private-key: exit {argv.returncode}",
    )
    assert held, (started.stdout, started.stderr, argv.stdout, argv.stderr)


def test_low_settings_repr_hides_the_database_password() -> None:
    from adapter.settings import load_settings

    settings = load_settings(
        env_file=None, **settings_values("postgresql://ondc:s3cr3t-pw@db.internal/ondc")
    )
    shown = repr(settings) + str(settings)
    held = verdict(
        "Low: repr(Settings)",
        "s3cr3t-pw" not in shown,
        f"password in repr/str: {'s3cr3t-pw' in shown}",
    )
    assert held


def test_low_a_csv_cell_over_128_kb_is_a_row_error(tmp_path: Path) -> None:
    from adapter.catalog.spreadsheet import COLUMNS

    sheet = tmp_path / "big-cell.csv"
    row = ["x"] * len(COLUMNS)
    row[COLUMNS.index("name")] = "x" * 200_000
    sheet.write_text(",".join(COLUMNS) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    env = subprocess_env(settings_values(f"sqlite:///{tmp_path}/a.db"))
    result = run_cli("catalog", "validate", str(sheet), env=env)
    output = result.stdout + result.stderr
    held = verdict(
        "Low: CSV cell over 128 kB",
        result.returncode == 1 and "Traceback" not in output,
        f"catalog validate of a 200 kB cell: exit {result.returncode}, traceback: "
        f"{'Traceback' in output}",
    )
    assert held, output


async def _nothing(*_: Any) -> Any:
    raise AssertionError("the seller does nothing in this attack")


async def test_h2_h6_m3_another_app_a_second_select_and_a_reused_order_id(tmp_path: Path) -> None:
    from adapter.sandbox.flows import FlowPlayer, cart, confirm_message, init_message

    async with network(tmp_path) as net:
        imported = await asyncio.to_thread(
            run_cli, "catalog", "import", str(DEMO), env=net.adapter.env
        )
        assert imported.returncode == 0, imported.stdout
        origin = f"http://127.0.0.1:{net.adapter.port}"
        from adapter.sandbox.servers import LoopbackServer

        eve = SandboxBuyer(
            subscriber_id="eve.loopback.example",
            unique_key_id="eve-k",
            key=signing.PrivateKey.generate(),
            registry_url=net.buyer.registry_url,
            clock=SystemClock(),
        )
        eve_server = LoopbackServer(eve.app(), free_port())
        net.registry.add(eve.registry_record(eve_server.url))
        await eve_server.start()
        try:
            seller_id = settings_values("sqlite://")["ONDC_SUBSCRIBER_ID"]

            def player(buyer: SandboxBuyer, url: str) -> FlowPlayer:
                return FlowPlayer(
                    buyer=buyer,
                    http=net.http,
                    adapter_url=net.adapter.url,
                    seller_uri=net.adapter.url,
                    buyer_url=url,
                    seller_id=seller_id,
                    seller_act=_nothing,
                    seller_stock=_nothing,
                )

            alice, mallory = player(net.buyer, net.buyer_server.url), player(eve, eve_server.url)
            entry = next(
                s
                for s in orjson.loads(DEMO.read_bytes())["sellers"]
                if s["seller"]["district"] == "Chamba"
            )
            item, domain, code = (
                entry["items"][0],
                entry["items"][0]["domain"],
                entry["seller"]["code"],
            )
            key = (
                await net.http.post(f"{origin}/admin/v1/sellers/{code}/keys", headers=ADMIN)
            ).json()["api_key"]
            seller = {"Authorization": f"Bearer {key}"}

            async def stock() -> int:
                items = (await net.http.get(f"{origin}/seller/v1/items", headers=seller)).json()
                return int(next(i for i in items if i["sku"] == item["sku"])["available"])

            start = await stock()
            tx = str(uuid.uuid4())
            _, on_select = await alice.call(
                "select", cart(entry, item, 2), transaction_id=tx, domain=domain
            )
            _, on_init = await alice.call(
                "init", init_message(on_select), transaction_id=tx, domain=domain
            )
            _, on_confirm = await alice.call(
                "confirm", confirm_message(on_init, "ORD-1"), transaction_id=tx, domain=domain
            )
            assert "error" not in on_confirm, on_confirm
            after_confirm = await stock()
            # Mallory knows the transaction and order id: track, update, rating, status.
            leaks = []
            for action, message in (
                ("track", {"order_id": "ORD-1"}),
                ("status", {"order_id": "ORD-1"}),
                ("update", {"update_target": "item", "order": {"id": "ORD-1", "items": []}}),
                (
                    "rating",
                    {"ratings": [{"rating_category": "Order", "id": "ORD-1", "value": "1"}]},
                ),
            ):
                _, answer = await mallory.call(action, message, transaction_id=tx, domain=domain)
                raw = orjson.dumps(answer)
                leaks.append(
                    (
                        action,
                        answer.get("error", {}).get("code"),
                        b"ORD-1" in raw and b"quote" in raw,
                    )
                )
            # H6: a second select on the confirmed transaction from its owner.
            _, again = await alice.call(
                "select", cart(entry, item, 5), transaction_id=tx, domain=domain
            )
            # M3: mallory confirms its own order with the same order id at the same seller.
            tx2 = str(uuid.uuid4())
            _, m_select = await mallory.call(
                "select", cart(entry, item, 1), transaction_id=tx2, domain=domain
            )
            _, m_init = await mallory.call(
                "init", init_message(m_select), transaction_id=tx2, domain=domain
            )
            _, m_confirm = await mallory.call(
                "confirm", confirm_message(m_init, "ORD-1"), transaction_id=tx2, domain=domain
            )
            ambiguous = await net.http.get(f"{origin}/seller/v1/orders/ORD-1", headers=seller)
            picked = await net.http.get(
                f"{origin}/seller/v1/orders/ORD-1",
                params={"buyer_app": net.buyer.subscriber_id},
                headers=seller,
            )
            _, cancelled = await alice.call(
                "cancel",
                {"order_id": "ORD-1", "cancellation_reason_id": "003"},
                transaction_id=tx,
                domain=domain,
            )
            await asyncio.sleep(1.0)
            after_cancel = await stock()
        finally:
            await eve_server.stop()
    figures = {
        "stock start/after confirm/after cancel": (start, after_confirm, after_cancel),
        "another app's actions (action, error, leaked order)": leaks,
        "second select after confirm": again.get("error", {}).get("code"),
        "same order id by two apps: seller GET": ambiguous.status_code,
        "with ?buyer_app=": picked.status_code,
        "other app's own confirm": "error" not in m_confirm,
        "cancel": cancelled.get("error", {}).get("code"),
    }
    h2 = all(code is not None and not leaked for _, code, leaked in leaks)
    h6 = again.get("error", {}).get("code") == "30000" and after_cancel == start - 1
    m3 = ambiguous.status_code == 409 and picked.status_code == 200
    verdict(
        "H2 (status/track/update/rating)",
        h2,
        str(figures["another app's actions (action, error, leaked order)"]),
    )
    verdict(
        "H6",
        h6,
        f"stock {figures['stock start/after confirm/after cancel']} (mallory's 1 still held); "
        f"second select: {figures['second select after confirm']}",
    )
    verdict(
        "M3",
        m3,
        f"seller GET of an order id two apps used: {ambiguous.status_code}; with ?buyer_app=: "
        f"{picked.status_code}",
    )
    assert h2, figures
    assert h6, figures
    assert m3, figures


async def test_m1_callbacks_to_internal_addresses_in_disguise_are_parked(tmp_path: Path) -> None:
    # The deployment's defaults: https only, public addresses only.
    disguises = [
        "https://127.1:9",  # short form of 127.0.0.1
        "https://2130706433:9",  # 127.0.0.1 as one number
        "https://0x7f000001:9",  # in hexadecimal
        "https://0177.0.0.1:9",  # in octal
        "https://[::ffff:127.0.0.1]:9",  # IPv4-mapped IPv6
        "https://169.254.169.254",  # cloud metadata
        "https://localhost:9",
        "https://10.0.0.1:9",
    ]
    async with network(
        tmp_path, ONDC_OUTBOUND_ALLOW_HTTP="false", ONDC_OUTBOUND_ALLOW_PRIVATE="false"
    ) as net:
        origin = f"http://127.0.0.1:{net.adapter.port}"
        acks = []
        for n, url in enumerate(disguises):
            sneaky = _buyer(net, f"sneaky{n}", url)
            search = {
                "context": sneaky.context("search", bap_uri=url),
                "message": {"intent": {"item": {"descriptor": {"name": "shawl"}}}},
            }
            acks.append(
                (await sneaky.send(net.http, f"{net.adapter.url}/search", search)).status_code
            )
        parked: list[dict[str, Any]] = []
        for _ in range(50):
            parked = (
                await net.http.get(
                    f"{origin}/admin/v1/outbox", params={"status": "failed"}, headers=ADMIN
                )
            ).json()
            if len(parked) >= len(disguises):
                break
            await asyncio.sleep(0.2)
        attempts = 0
        for job in parked:
            attempts += len(
                (
                    await net.http.get(
                        f"{origin}/admin/v1/outbox/{job['id']}/attempts", headers=ADMIN
                    )
                ).json()
            )
        reasons = sorted({(job["last_error"] or "")[:60] for job in parked})
    held = verdict(
        "M1",
        len(parked) == len(disguises)
        and all(
            "public" in r or "private" in r or "loopback" in r or "resolve" in r for r in reasons
        ),
        f"{len(disguises)} registered buyer apps at disguised internal addresses (127.1, "
        "2130706433, 0x7f000001, "
        "0177.0.0.1, ::ffff:127.0.0.1, 169.254.169.254, localhost, 10.0.0.1): ACK HTTP "
        f"{sorted(set(acks))}; "
        f"callbacks parked {len(parked)}/{len(disguises)}, delivery attempts recorded "
        f"{attempts}; reasons {reasons}",
    )
    assert held, reasons


async def test_m2_a_sellers_item_named_like_a_formula_through_the_seller_api(
    tmp_path: Path,
) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    from adapter.sandbox.flows import FlowPlayer, cart, confirm_message, init_message

    payloads = [
        "-2+3+cmd|' /C calc'!A0",  # DDE through a leading minus
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        '=IMPORTXML("http://203.0.113.9/x","//a")',
    ]
    async with network(tmp_path) as net:
        imported = await asyncio.to_thread(
            run_cli, "catalog", "import", str(DEMO), env=net.adapter.env
        )
        assert imported.returncode == 0, imported.stdout
        origin = f"http://127.0.0.1:{net.adapter.port}"
        entry = next(
            s
            for s in orjson.loads(DEMO.read_bytes())["sellers"]
            if s["seller"]["district"] == "Kullu"
        )
        code = entry["seller"]["code"]
        key = (await net.http.post(f"{origin}/admin/v1/sellers/{code}/keys", headers=ADMIN)).json()[
            "api_key"
        ]
        # The seller names the item, its GI tag and its ODOP district (all seller text).
        item = {
            **entry["items"][0],
            "name": payloads[0],
            "gi_tag": payloads[1],
            "odop_district": payloads[2],
        }
        put = await net.http.put(
            f"{origin}/seller/v1/items/{item['sku']}",
            json=item,
            headers={"Authorization": f"Bearer {key}"},
        )
        assert put.status_code == 200, put.text
        player = FlowPlayer(
            buyer=net.buyer,
            http=net.http,
            adapter_url=net.adapter.url,
            seller_uri=net.adapter.url,
            buyer_url=net.buyer_server.url,
            seller_id=settings_values("sqlite://")["ONDC_SUBSCRIBER_ID"],
            seller_act=_nothing,
            seller_stock=_nothing,
        )
        tx, domain = str(uuid.uuid4()), item["domain"]
        _, on_select = await player.call(
            "select", cart(entry, item, 1), transaction_id=tx, domain=domain
        )
        _, on_init = await player.call(
            "init", init_message(on_select), transaction_id=tx, domain=domain
        )
        _, on_confirm = await player.call(
            "confirm", confirm_message(on_init, "M2-1"), transaction_id=tx, domain=domain
        )
        assert "error" not in on_confirm, on_confirm
        live_csv: list[str] = []
        live_xlsx: list[str] = []
        shown = 0
        for table_id in ("by_product", "by_gi", "by_district"):
            raw = await net.http.get(f"{origin}/dashboard/export/{table_id}.csv", headers=ADMIN)
            cells = [
                c for row in csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))) for c in row
            ]
            shown += sum(1 for c in cells if any(p.strip() in c for p in payloads[:3]))
            live_csv += [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
            xlsx = await net.http.get(f"{origin}/dashboard/export/{table_id}.xlsx", headers=ADMIN)
            sheet = load_workbook(io.BytesIO(xlsx.content)).active
            assert sheet is not None
            live_xlsx += [
                str(c.value) for row in sheet.iter_rows() for c in row if c.data_type == "f"
            ]
    held = verdict(
        "M2",
        shown > 0 and not live_csv and not live_xlsx,
        f"item named {payloads[0]!r} put through the seller API and ordered: CSV cells shown "
        f"{shown}, cells a spreadsheet would run: CSV {live_csv}, XLSX formulas {live_xlsx}",
    )
    assert held


async def test_low_a_steady_sender_is_never_limited_and_a_burst_is(tmp_path: Path) -> None:
    # A low limit, so that the burst outruns it even where a loaded machine verifies fewer
    # than 20 signed requests a second (at load 18 a burst of 100 under a limit of 20 was
    # never limited: the server could not check them faster than the limit).
    async with network(tmp_path, ONDC_RATE_LIMIT_PER_SECOND="5") as net:
        steady: list[int] = []
        for _ in range(20):  # at most 4 a second for 5 s or more, under the rate
            # Paced from the previous answer, never catching up: on a loaded machine a slow
            # answer followed by a catch-up run would be a burst, not a steady sender.
            steady.append((await net.send("search", net.search())).status_code)
            await asyncio.sleep(1 / 4)
        started = time.monotonic()
        burst = await asyncio.gather(*(net.send("search", net.search()) for _ in range(60)))
        burst_seconds = time.monotonic() - started
    limited = sum(1 for a in burst if a.status_code == 429)
    held = verdict(
        "Low: rate limit window",
        steady.count(429) == 0 and limited > 0,
        f"limit 5/s: 20 searches at a steady 4/s: {steady.count(429)} refused; "
        f"60 at once (answered in {burst_seconds:.1f} s): {limited} refused (429)",
    )
    assert held


async def test_low_hindi_search_with_invisible_characters_finds_the_shawls(tmp_path: Path) -> None:
    async with network(tmp_path) as net:
        imported = await asyncio.to_thread(
            run_cli, "catalog", "import", str(DEMO), env=net.adapter.env
        )
        assert imported.returncode == 0, imported.stdout
        found = {}
        for label, word in (
            ("plain", "शॉल"),
            ("ZWJ", "श\u200dॉल"),
            ("ZWNJ", "शॉ\u200cल"),
            ("soft hyphen", "शॉ\u00adल"),
        ):
            search = net.search()
            search["context"]["domain"] = "ONDC:RET12"  # type: ignore[index]  # shawls
            search["message"] = {"intent": {"item": {"descriptor": {"name": word}}}}
            assert (await net.send("search", search)).json() == ACK
            [callback] = await net.buyer.wait_for(search["context"]["message_id"])  # type: ignore[index]
            catalog = callback.payload["message"]["catalog"]
            found[label] = sum(len(p.get("items", [])) for p in catalog.get("bpp/providers", []))
    held = verdict(
        "Low: Hindi search with joiners",
        found["plain"] > 0 and len(set(found.values())) == 1,
        f"items found for शॉल: {found}",
    )
    assert held
