"""Generated hostile input over every route of a real ``ondc-seller serve`` process, on
SQLite and on PostgreSQL + Redis: no 5xx anywhere, no traceback in an answer or the
server's log, memory bounded, and every ACKed request's callback queued.

Every route the app exposes (read from the app, ``tests/fuzz/routes.py``) is asked first as
a client that knows it would (credentials, plain values), then with Hypothesis-made
requests: path values past every integer type, invalid UTF-8 and NUL escapes; JSON almost
right (real ONDC examples and seller records with values replaced by hostile ones) and not
JSON at all; headers garbled, repeated, non-ASCII, long; bodies compressed or in a charset
they do not declare, sent whole or chunked; then bodies at and one byte past each route's
limit.

The run is short by default (a few tens of seconds per store). ``ONDC_FUZZ_EXAMPLES`` sets
the number of generated requests per route (default 5); a long run, for example
``ONDC_FUZZ_EXAMPLES=300``, explores far more and reports every route that failed.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select

from adapter.app import create_app
from adapter.core.clock import SystemClock
from adapter.network.body_limit import BodyLimits
from adapter.network.inbound import INBOUND_ACTIONS
from adapter.settings import Settings, load_settings
from adapter.storage import tables
from adapter.storage.database import sync_url
from tests.e2e.network import Network, network
from tests.e2e.processes import run_cli
from tests.fixtures import FUZZ_EXAMPLES, FUZZ_ROUTES, REDIS_URL, REPO_ROOT, settings_values
from tests.fuzz.inputs import Encoded
from tests.fuzz.routes import FuzzRoute, app_routes, auth_of
from tests.fuzz.target import (
    SELLER,
    Credentials,
    Sent,
    Target,
    expects_callback,
    finish,
    fuzz_request,
    seed_request,
)

pytestmark = pytest.mark.e2e

EXAMPLES: Final = FUZZ_EXAMPLES
ONLY: Final = FUZZ_ROUTES
MEGABYTE: Final = 1024 * 1024
# The served process's peak resident memory may not pass this, whatever it was sent.
PEAK_RSS_LIMIT: Final = 400 * MEGABYTE
ADMIN_KEY: Final = settings_values("sqlite://")["ONDC_ADMIN_API_KEY"]
# The fuzz reaches each route's own code: rate limits and the sign-in throttle would
# answer most requests with 429 before it (they have tests of their own).
UNTHROTTLED: Final = {
    "ONDC_UNVERIFIED_RATE_PER_SECOND": "10000",
    "ONDC_RATE_LIMIT_PER_SECOND": "10000",
    "ONDC_DASHBOARD_LOGIN_FAILURES": "1000",
}


def _settings(database_url: str) -> Settings:
    return load_settings(env_file=None, **settings_values(database_url))


def served_routes() -> list[FuzzRoute]:
    """The routes of the app as ``serve`` builds it (``ONDC_FUZZ_ROUTES``: only those whose
    ``METHOD /path`` holds that text, to run a long fuzz of a few)."""
    routes = app_routes(create_app(_settings("sqlite://")))
    return [r for r in routes if ONLY in r.label]


def _limits(settings: Settings) -> BodyLimits:
    return BodyLimits.for_actions(
        settings.base_path,
        INBOUND_ACTIONS,
        search=settings.max_search_bytes,
        action=settings.max_action_bytes,
        api=settings.max_body_bytes,
    )


def _rss(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field}")


async def _target(net: Network) -> Target:
    """Sign in everywhere the fuzz needs to: a seller with the demo catalogue, its API key
    and webhook secret, a dashboard session."""
    catalogue = REPO_ROOT / "config" / "demo" / "odop-catalogue.json"
    imported = await asyncio.to_thread(
        run_cli, "catalog", "import", str(catalogue), env=net.adapter.env
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    origin = f"http://127.0.0.1:{net.adapter.port}"
    operator = {"Authorization": f"Bearer {ADMIN_KEY}"}
    code = SELLER["seller"]["code"]
    key = await net.http.post(f"{origin}/admin/v1/sellers/{code}/keys", headers=operator)
    secret = await net.http.post(
        f"{origin}/admin/v1/sellers/{code}/webhook-secret", headers=operator
    )
    login = await net.http.post(f"{origin}/dashboard/login", data={"token": ADMIN_KEY})
    assert (key.status_code, secret.status_code, login.status_code) == (201, 201, 303)
    assert net.adapter.process is not None
    return Target(
        origin=origin,
        pid=net.adapter.process.pid,
        log=net.adapter.log,
        buyer=net.buyer,
        buyer_url=net.buyer_server.url,
        credentials=Credentials(
            admin_key=ADMIN_KEY,
            seller_code=code,
            seller_key=key.json()["api_key"],
            webhook_secret=secret.json()["secret"],
            session=login.cookies["ondc_dashboard"],
        ),
    )


def _fuzz_route(target: Target, route: FuzzRoute, examples: int) -> None:
    target.send(route, seed_request(target, route))

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.generate, Phase.shrink),
        report_multiple_bugs=False,
    )
    @given(st.data())
    def one(data: st.DataObject) -> None:
        target.send(route, data.draw(fuzz_request(target, route)))

    one()


def _padded(sent: Sent, size: int) -> bytes:
    """``sent``'s body grown to ``size`` bytes without changing what it means: JSON gets
    trailing spaces, a form a field nobody reads."""
    body = sent.body
    if body.startswith((b"{", b"[")):
        return body + b" " * (size - len(body))
    filler = b"&pad="
    return body + filler + b"a" * (size - len(body) - len(filler)) if body else b"a" * size


def _at_and_past_the_limit(target: Target, route: FuzzRoute, limits: BodyLimits) -> None:
    at = seed_request(target, route)
    limit = limits.route(urlsplit(at.url).path).limit
    body = _padded(at, limit)
    assert len(body) == limit
    resigned = _resign(target, route, at, body)
    answer = target.send(route, resigned)
    assert answer is not None
    assert answer.status_code != 413, f"{route.label}: {limit} bytes refused"
    at_limit = answer.status_code
    if route.path.endswith("/search"):
        assert answer.json() == {"message": {"ack": {"status": "ACK"}}}, answer.text
    for chunked in (False, True):
        over = _resign(target, route, at, _padded(at, limit + 1), chunked=chunked, callback=False)
        answer = target.send(route, over, refused=True)
        if answer is None:
            assert _alive(target)
            continue
        # Declared, it is refused before a byte is read; chunked, when the route reads it
        # (a route that never reads its body answers as it did at the limit).
        unread = chunked and answer.status_code == at_limit
        assert answer.status_code == 413 or unread, (
            f"{route.label}: {limit + 1} bytes ({chunked=}) {answer.status_code} "
            f"{answer.text[:300]}"
            f"\n{over.describe()}"
        )


def _resign(
    target: Target,
    route: FuzzRoute,
    sent: Sent,
    body: bytes,
    *,
    chunked: bool = False,
    callback: bool = True,
) -> Sent:
    headers = [(n, v) for n, v in sent.headers if n not in (b"authorization",)]
    if auth_of(route) == "beckn":
        now = SystemClock().timestamp()
        headers.append(
            (
                b"authorization",
                target.buyer.signer.sign(body, created=now, expires=now + 30).encode(),
            )
        )
    else:
        headers += [(n, v) for n, v in sent.headers if n == b"authorization"]
    if auth_of(route) == "stock_webhook":
        # The signature covers the body: a padded one is a new push, signed again.
        return finish(
            target, route, sent.url, Encoded(body, "application/json"), "valid", [], chunked=chunked
        )
    action = sent.action if callback else None
    return Sent(sent.method, sent.url, headers, body, chunked=chunked, action=action)


def _acked_work_is_queued(target: Target, database_url: str) -> tuple[int, int]:
    """Every ACKed request is recorded with its callback job; (ACKs, jobs) counted."""
    engine = create_engine(sync_url(database_url))
    expected = {
        (action, message_id)
        for action, message_id, body in target.acked
        if expects_callback(action, body)
    }
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(tables.messages.c.action, tables.messages.c.message_id, tables.outbox.c.id)
                .select_from(
                    tables.messages.outerjoin(
                        tables.outbox, tables.outbox.c.inbound_id == tables.messages.c.id
                    )
                )
                .where(tables.messages.c.direction == "in")
            ).all()
    finally:
        engine.dispose()
    queued = {(action, message_id) for action, message_id, job in rows if job is not None}
    lost = expected - queued
    assert not lost, f"{len(lost)} ACKed requests without a callback job: {sorted(lost)[:10]}"
    return len(target.acked), len(expected)


def _run(target: Target, routes: list[FuzzRoute], limits: BodyLimits) -> list[str]:
    """The whole fuzz, in this (non-event-loop) thread; the failures, one per route."""
    failures: list[str] = []
    for route in routes:
        try:
            _fuzz_route(target, route, EXAMPLES)
        except AssertionError as exc:
            failures.append(f"{route.label}: {str(exc)[:3000]}")
        assert _alive(target), f"the server died fuzzing {route.label}"
    for route in routes:
        try:
            _at_and_past_the_limit(target, route, limits)
        except AssertionError as exc:
            failures.append(f"{route.label} at its limit: {str(exc)[:3000]}")
    return failures


def _alive(target: Target) -> bool:
    return (
        Path(f"/proc/{target.pid}").exists()
        and "zombie" not in Path(f"/proc/{target.pid}/status").read_text()
    )


async def _fuzz_served(tmp_path: Path, database_url: str, **overrides: str) -> None:
    routes = served_routes()
    limits = _limits(_settings(database_url))
    async with network(tmp_path, DATABASE_URL=database_url, **UNTHROTTLED, **overrides) as net:
        target = await _target(net)
        started = time.monotonic()
        rss_before = _rss(target.pid, "VmRSS")
        failures = await asyncio.to_thread(_run, target, routes, limits)
        elapsed = time.monotonic() - started
        peak = _rss(target.pid, "VmHWM")
        log = net.adapter.log.read_text("utf-8", "replace")
        acks, jobs = _acked_work_is_queued(target, database_url)
        print(  # the figures a long run is for  # noqa: T201
            f"\nfuzz: {sum(target.hits.values())} requests over {len(routes)} routes in "
            f"{elapsed:.1f} s; {acks} ACKs, {jobs} callbacks queued; statuses "
            f"{dict(sorted(target.statuses.items()))}; RSS {rss_before / MEGABYTE:.0f} MB "
            f"before, peak {peak / MEGABYTE:.0f} MB"
        )
    assert not failures, "\n\n".join(failures)
    missed = [r.label for r in routes if target.hits[r.label] == 0]
    assert not missed, f"routes never requested: {missed}"
    unopened = [r.label for r in routes if target.passed_auth[r.label] == 0]
    assert not unopened, f"routes whose every request was refused its credentials: {unopened}"
    assert peak < PEAK_RSS_LIMIT, f"peak RSS {peak / MEGABYTE:.0f} MB"
    assert "Traceback" not in log, log[log.index("Traceback") - 2000 :][:6000]


async def test_every_route_holds_against_generated_input_on_sqlite(tmp_path: Path) -> None:
    await _fuzz_served(tmp_path, f"sqlite:///{tmp_path}/adapter.db")


@pytest.mark.postgres
@pytest.mark.redis
async def test_every_route_holds_against_generated_input_on_postgresql_and_redis(
    tmp_path: Path, fresh_postgres_url: str
) -> None:
    from adapter.storage import upgrade

    await asyncio.to_thread(upgrade, fresh_postgres_url)
    await _fuzz_served(
        tmp_path,
        fresh_postgres_url,
        REDIS_URL=REDIS_URL,
        ONDC_REDIS_KEY_PREFIX=f"fuzz-{secrets.token_hex(4)}:",
    )
