"""The suite's fixtures (``tests/fixtures/``, provenance in its README) and real servers."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT / "tests" / "fixtures"


def _saved_postgres_url() -> str:
    """The URL scripts/services saved (a role of its own on a server that needs one)."""
    saved = REPO_ROOT / ".cache" / "test-postgres.env"
    if saved.is_file():
        for line in saved.read_text("utf-8").splitlines():
            name, _, value = line.partition("=")
            if name == "ONDC_TEST_POSTGRES_URL" and value:
                return value
    return "postgresql://postgres@127.0.0.1:5432/test"


# The real servers the suite talks to; scripts/test starts them when they are not running.
POSTGRES_ADMIN_URL = os.environ.get("ONDC_TEST_POSTGRES_URL") or _saved_postgres_url()
REDIS_URL = os.environ.get("ONDC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Where the browser test also saves its pictures of the dashboard (a folder in the
# repository, such as docs/screenshots), when set.
DASHBOARD_SCREENSHOTS = os.environ.get("ONDC_DASHBOARD_SCREENSHOTS", "")
# The route fuzzer's generated requests per route (a long run: 300), and the routes it
# fuzzes (those whose "METHOD /path" holds this text; all when empty).
FUZZ_EXAMPLES = int(os.environ.get("ONDC_FUZZ_EXAMPLES", "5"))
FUZZ_ROUTES = os.environ.get("ONDC_FUZZ_ROUTES", "")
# Where the attacks of tests/attacks write their verdicts (scripts/attack sets it).
ATTACK_REPORT = os.environ.get("ONDC_ATTACK_REPORT", "")


@cache
def signing_vectors() -> dict[str, Any]:
    """The ONDC SDK-made signature vectors (``tests/fixtures/signing-vectors.json``)."""
    data: dict[str, Any] = json.loads((FIXTURES / "signing-vectors.json").read_text("utf-8"))
    return data


@cache
def odop_districts() -> list[dict[str, Any]]:
    """The 12 Himachal districts and their ODOP products (``tests/fixtures/odop-himachal.json``)."""
    data: list[dict[str, Any]] = json.loads((FIXTURES / "odop-himachal.json").read_text("utf-8"))
    return data


async def connect_redis() -> Redis:
    """A client of the real Redis server; fails the test (never skips) when unreachable."""
    client = Redis.from_url(REDIS_URL, socket_timeout=2.0)
    try:
        await client.ping()
    except (OSError, RedisError) as exc:
        await client.aclose()
        pytest.fail(f"Redis is required and not reachable at {REDIS_URL}: {exc}")
    return client


@cache
def _migrated_sqlite() -> Path:
    """A SQLite file migrated to head, made once per process (per worker under xdist)."""
    from adapter.storage import upgrade

    folder = Path(tempfile.mkdtemp(prefix="ondc-migrated-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "store.db"
    upgrade(f"sqlite:///{path}")
    return path


def migrated_sqlite(target: Path) -> str:
    """The URL of a new SQLite database at ``target``, holding what a fresh upgrade to head
    leaves: a copy (SQLite's backup) of one migrated once per process. Running every
    migration's DDL takes a second or more per database on a loaded machine; tests of the
    migrations themselves migrate files of their own."""
    with sqlite3.connect(_migrated_sqlite()) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return f"sqlite:///{target}"


SELLER_KEY = "k1"


def settings_values(database_url: str, **overrides: Any) -> dict[str, Any]:
    """Adapter settings for tests: the k1 vector key is ours, a fresh X25519 key."""
    keys = signing_vectors()["keys"]
    challenge = signing_vectors()["aux"]["on_subscribe_challenge"]
    values: dict[str, Any] = {
        "ONDC_SUBSCRIBER_ID": "seller.odop.example",
        "ONDC_SUBSCRIBER_URL": "http://seller.odop.example/ondc",
        "ONDC_UNIQUE_KEY_ID": "uk-seller-1",
        "ONDC_SIGNING_PRIVATE_KEY": keys[SELLER_KEY]["private_key_b64"],
        "ONDC_ENCRYPTION_PRIVATE_KEY": challenge["np_encryption_keys"]["private_pkcs8_der_b64"],
        "ONDC_REGISTRY_URL": "http://registry.test",
        "ONDC_REGISTRY_ENCRYPTION_PUBLIC_KEY": challenge["registry_encryption_keys"][
            "public_spki_der_b64"
        ],
        "ONDC_ADMIN_API_KEY": "admin-key-for-tests-0123456789",
        "DATABASE_URL": database_url,
        "ONDC_GSTIN": "02AAAAH1234C1Z5",
        "ONDC_SETTLEMENT_BANK_ACCOUNT": "123456789012",
        "ONDC_SETTLEMENT_IFSC": "HPSC0000001",
        "ONDC_SETTLEMENT_BENEFICIARY": "Himachal ODOP Marketplace",
        "ONDC_SETTLEMENT_BANK_NAME": "Himachal Pradesh State Co-operative Bank",
        "ONDC_SETTLEMENT_BRANCH": "The Mall, Shimla",
        # The tests' peers are on loopback, over plain HTTP.
        "ONDC_OUTBOUND_ALLOW_HTTP": "true",
        "ONDC_OUTBOUND_ALLOW_PRIVATE": "true",
    }
    values.update(overrides)
    return values


def subprocess_env(settings: dict[str, Any]) -> dict[str, str]:
    """This process's environment without adapter settings, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ONDC_", "DATABASE_URL"))}
    env.update({k: str(v) for k, v in settings.items()})
    return env


def explained(
    database_url: str, statements: list[tuple[str, Any]], *, no_seqscan: bool = False
) -> str:
    """The plans of ``statements`` (SQL and parameters, as captured from a run) on the
    database at ``database_url``, as one text; with ``no_seqscan``, PostgreSQL is told to
    avoid sequential scans (on empty tables, to show which index it can use at all)."""
    from sqlalchemy import create_engine

    from adapter.storage import sync_url

    postgres = database_url.startswith("postgresql")
    engine = create_engine(sync_url(database_url))
    plans = []
    with engine.connect() as connection:
        if postgres and no_seqscan:
            connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements:
            explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            rows = connection.exec_driver_sql(explain + statement, parameters).all()
            plans.append("\n".join(" ".join(str(v) for v in row) for row in rows))
    engine.dispose()
    return "\n".join(plans)
