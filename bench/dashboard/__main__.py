"""Dashboard queries over one million orders in PostgreSQL.

    .venv/bin/python -m bench.dashboard [--orders 1000000] [--letters 10000] [--runs 7]
        [--database URL] [--server URL]

Makes a fresh database on the test server (or uses --database: a database this bench
filled before is migrated and measured again without filling it), fills it in SQL
with generate_series: ``orders`` (12 sellers, a year of confirmations, 8% cancelled, 2%
returned to origin), their ``order_facts`` lines, one search in the audit log per order,
one outbox job per order with its delivery attempt, and 10,000 letters of intent on the LOI
desk (--letters; signed at 24 buyer-seller meets over the year, every district, with their B2B
movements). Then times each dashboard view's queries for the default period (30 days) and
for a whole year, p50 and p99 over several runs (goal: under 300 ms), next to a
baseline measured in the same run: a bare ``SELECT count(*) FROM orders``; and the overview
(its figures and the letters by district), the hourly timeline of the last day, and the
whole page's tables as the page builds them; the same with only B2B orders; the LOI view over
10,000 letters of the LOI desk with their B2B movements; and the monthly summary PDF.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from adapter.dashboard.filters import View
from adapter.dashboard.loi_view import loi_tables
from adapter.dashboard.overview import OverviewData
from adapter.dashboard.sources import DeskLetters, total
from adapter.dashboard.summary_pdf import summary_pdf
from adapter.dashboard.views import Viewer, build
from adapter.storage import Database, upgrade
from adapter.storage.loi_desk import LoiDesk
from adapter.storage.loi_figures import LoiFigures
from adapter.storage.overview import Overview
from adapter.storage.reports import Reports, Scope
from adapter.storage.timeline import hourly

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

FILL = """
INSERT INTO sellers (code, record, updated_at)
SELECT 'odop-' || d, json_build_object('district', d, 'name', d || ' cooperative'), now()
FROM unnest(ARRAY['Bilaspur','Chamba','Hamirpur','Kangra','Kinnaur','Kullu','Lahaul and Spiti',
                  'Mandi','Shimla','Sirmaur','Solan','Una']) AS d;

INSERT INTO orders (transaction_id, bap_id, bap_uri, domain, city, seller_code, order_id,
                    stage, state, fulfillment_state, document, total, accept_by, ship_by,
                    created_at, confirmed_at, updated_at)
SELECT 'tx-' || g, 'buyer' || (g % 7) || '.example', 'https://buyer.example/ondc',
       'ONDC:RET12', 'std:0177', 'odop-' || (ARRAY['Bilaspur','Chamba','Hamirpur','Kangra',
       'Kinnaur','Kullu','Lahaul and Spiti','Mandi','Shimla','Sirmaur','Solan','Una'])[1 + g % 12],
       'O-' || g, 'confirmed',
       CASE WHEN g % 100 < 8 THEN 'Cancelled' WHEN g % 100 < 10 THEN 'Cancelled'
            WHEN g % 100 < 15 THEN 'In-progress' ELSE 'Completed' END,
       CASE WHEN g % 100 < 8 THEN 'Cancelled' WHEN g % 100 < 10 THEN 'RTO-Delivered'
            WHEN g % 100 < 15 THEN 'Packed' ELSE 'Order-delivered' END,
       '{"billing": {"name": "x"}}'::json, (500 + g % 4000)::text, NULL,
       t + interval '2 days', t, t, t + interval '3 days'
FROM (SELECT g, %(now)s::timestamptz - (g * (365.0 * 86400 / %(n)s)) * interval '1 second' AS t
      FROM generate_series(1, %(n)s) AS g) s;

INSERT INTO order_facts (order_pk, line_no, seller_code, district, product, gi_tag, sku, bap_id,
                         quantity, amount_paise, confirmed_at, day, state, fulfillment_state,
                         cancel_reason, cancelled_by, returned, order_updated_at, channel)
SELECT id, 0, seller_code, substr(seller_code, 6), 'Product of ' || substr(seller_code, 6),
       CASE WHEN id % 3 = 0 THEN 'Kullu Shawl' END, seller_code || '-01', bap_id, 1,
       total::bigint * 100, confirmed_at, (confirmed_at AT TIME ZONE 'Asia/Kolkata')::date,
       state, fulfillment_state,
       CASE WHEN state = 'Cancelled' THEN '00' || (2 + id % 3) END,
       CASE WHEN state = 'Cancelled' THEN 'seller' END, false, updated_at,
       CASE WHEN id % 20 = 0 THEN 'b2b' ELSE 'b2c' END
FROM orders;

-- What OrderFacts.refresh keeps beside the facts: their sums by day.
INSERT INTO order_days (day, seller_code, district, product, bap_id, channel, orders, cancelled,
                        value_paise, live_orders, live_value_paise, returned, rto, lines,
                        cancelled_lines, returned_lines, rto_lines)
SELECT day, seller_code, district, product, bap_id, channel,
       count(*) FILTER (WHERE line_no = 0), count(*) FILTER (WHERE line_no = 0 AND state = 'Cancelled'),
       sum(amount_paise), count(DISTINCT order_pk) FILTER (WHERE state IS DISTINCT FROM 'Cancelled'),
       coalesce(sum(amount_paise) FILTER (WHERE state IS DISTINCT FROM 'Cancelled'), 0),
       count(*) FILTER (WHERE line_no = 0 AND returned),
       count(*) FILTER (WHERE line_no = 0 AND fulfillment_state LIKE 'RTO%'), count(*),
       count(*) FILTER (WHERE state = 'Cancelled'), count(*) FILTER (WHERE returned),
       count(*) FILTER (WHERE fulfillment_state LIKE 'RTO%')
FROM order_facts GROUP BY day, seller_code, district, product, bap_id, channel;

-- What OrderFacts.refresh keeps beside them (adapter/storage/fact_days.py): GI products'
-- lines by day.
INSERT INTO gi_days (day, gi_tag, seller_code, district, product, channel, lines,
                     live_value_paise, cancelled_lines, returned_lines, rto_lines)
SELECT day, gi_tag, seller_code, district, product, channel, count(*),
       coalesce(sum(amount_paise) FILTER (WHERE state IS DISTINCT FROM 'Cancelled'), 0),
       count(*) FILTER (WHERE state = 'Cancelled'), count(*) FILTER (WHERE returned),
       count(*) FILTER (WHERE fulfillment_state LIKE 'RTO%')
FROM order_facts WHERE gi_tag IS NOT NULL
GROUP BY day, gi_tag, seller_code, district, product, channel;

-- And the cancellation reasons by day.
INSERT INTO reason_days (day, seller_code, district, product, gi_tag, channel, reason,
                         cancelled_by, orders, lines)
SELECT day, seller_code, district, product, coalesce(gi_tag, ''), channel,
       coalesce(cancel_reason, ''), coalesce(cancelled_by, ''),
       count(*) FILTER (WHERE line_no = 0), count(*)
FROM order_facts WHERE state = 'Cancelled'
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

-- The audit log's and the orders' day sums (audit_days, funnel_days) are kept by the
-- triggers of migration 0026 as these rows go in.
INSERT INTO messages (direction, action, peer_id, transaction_id, message_id, received_at,
                      headers, body, verification, http_status, duration_ms)
SELECT 'in', 'search', 'buyer.example', 'tx-' || g, 'm-' || g, created_at, '{}'::json, '\\x'::bytea,
       'ok', 200, 2 + (g % 50) / 10.0
FROM (SELECT id AS g, created_at FROM orders) s;

INSERT INTO outbox (kind, action, target_url, transaction_id, payload, status, attempts,
                    created_at, next_attempt_at, deadline_at, delivered_at)
SELECT 'reply', 'on_confirm', 'https://buyer.example/ondc/on_confirm', transaction_id, '{}'::json,
       CASE WHEN id % 500 = 0 THEN 'failed' ELSE 'delivered' END, 1, created_at, created_at,
       created_at + interval '30 seconds', created_at + (id % 40) * interval '1 second'
FROM orders;

-- What the outbox's settling transactions keep beside the jobs: their sums by IST day.
INSERT INTO callback_days (day, action, channel, delivered, on_time, failed)
SELECT (created_at AT TIME ZONE 'Asia/Kolkata')::date, action, 'b2c',
       count(*) FILTER (WHERE status = 'delivered'),
       count(*) FILTER (WHERE status = 'delivered' AND delivered_at - created_at <= interval '30 seconds'),
       count(*) FILTER (WHERE status = 'failed')
FROM outbox GROUP BY 1, 2;

INSERT INTO delivery_attempts (outbox_id, attempted_at, http_status, latency_ms, outcome)
SELECT id, created_at, 200, 20 + id % 200, CASE WHEN status = 'failed' THEN 'error' ELSE 'ACK' END
FROM outbox;

-- What the outbox's settling transactions keep beside the attempts: their sums by IST day.
INSERT INTO attempt_days (day, outcome, channel, attempts, timed, latency_ms)
SELECT (attempted_at AT TIME ZONE 'Asia/Kolkata')::date, outcome, 'b2c', count(*),
       count(latency_ms), coalesce(sum(latency_ms), 0)
FROM delivery_attempts GROUP BY 1, 2;

-- The LOI desk: 10,000 letters signed at 24 buyer-seller meets (one every 15 days), every
-- district, one item each, and the B2B movements against them:
-- a quarter untouched (signed), a quarter quoted, a quarter ordered and half delivered,
-- a quarter delivered and paid; one in ten flagged on paper.
INSERT INTO loi_letters (reference, buyer_name, buyer_gstin, buyer_app_id, district, product,
                         value_paise, signed_on, meet, demo, created_at, updated_at, flagged_at)
SELECT 'LOI-' || g, 'Buyer ' || g, '02ABCDE' || lpad((g % 10000)::text, 4, '0') || 'F1Z5', NULL, d,
       'Product of ' || d, 1000000 + (g % 50) * 100000,
       (%(now)s::timestamptz - ((g % 24) * 15 + 3) * interval '1 day')::date,
       'Buyer-seller meet ' || (g % 24), false, now(), now(),
       CASE WHEN g % 10 = 0 THEN now() END
FROM generate_series(1, %(letters)s) AS g,
     LATERAL (SELECT (ARRAY['Bilaspur','Chamba','Hamirpur','Kangra','Kinnaur','Kullu',
                            'Lahaul and Spiti','Mandi','Shimla','Sirmaur','Solan','Una'])[1 + g % 12]
              AS d) x;
INSERT INTO loi_items (letter_id, seller_code, sku, name, quantity, unit_price_paise)
SELECT id, 'odop-' || district, 'odop-' || district || '-01', product, 100, value_paise / 100
FROM loi_letters;
INSERT INTO loi_movements (letter_id, transaction_id, order_id, stage, amount_paise, event_key, at)
SELECT l.id, 'b2b-' || l.id, 'PO-' || l.id, m.stage, l.value_paise * m.share / 100,
       m.stage || '-' || l.id, l.signed_on + m.after * interval '1 day'
FROM loi_letters l
JOIN (VALUES (1, 'rfq', 0, 1), (1, 'quoted', 100, 2), (2, 'rfq', 0, 1), (2, 'quoted', 100, 2),
             (2, 'ordered', 100, 3), (2, 'delivered', 50, 5), (3, 'rfq', 0, 1),
             (3, 'quoted', 100, 2), (3, 'ordered', 100, 3), (3, 'delivered', 100, 5),
             (3, 'paid', 100, 8)) AS m(kind, stage, share, after)
  ON m.kind = l.id % 4;
"""

# What autovacuum does to a year-old database (this test server runs with it off): the
# visibility map set, so that a query answered from an index reads no table rows, and the
# planner's statistics.
VACUUM = "VACUUM (ANALYZE)"


def _load() -> str:
    """The machine's load average (1, 5, 15 minutes): figures are only comparable with it."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _fresh(server: str) -> str:
    name = f"ondc_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{server.rsplit('/', 1)[0]}/{name}"


async def _time(run: Callable[[], Awaitable[Any]], runs: int) -> tuple[float, float]:
    await run()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.99 * len(samples)))]


VIEWER = Viewer("viewer", label="bench")


def _views(
    reports: Reports, letters: LoiDesk, scope: Scope, seller: Scope
) -> list[tuple[str, Callable[[], Awaitable[Any]]]]:
    register = DeskLetters(letters)
    desk = LoiFigures(reports.database)
    day = Scope(NOW - timedelta(days=1), NOW + timedelta(seconds=1))
    b2b = Scope(scope.since, scope.until, channel="b2b")

    async def loi_view() -> Any:
        return await loi_tables(desk, "en", district=None, product=None, rows_limit=400)

    async def summary() -> bytes:
        # What /dashboard/summary.pdf does: the overview's figures, the letters by
        # district and the LOI view's stages side by side, then the PDF drawn (Hindi,
        # shaped).
        figures, by_district, tables = await asyncio.gather(
            Overview(reports.database).figures(scope),
            register.letter_figures_by_district(),
            loi_tables(desk, "hi", district=None, product=None, rows_limit=0),
        )
        data = OverviewData(
            figures=figures,
            letters=total(list(by_district.values())),
            letters_by_district=by_district,
            complaints=None,
            network=True,
        )
        stages = next(t for t in tables if t.id == "loi_stages")
        return summary_pdf(View(lang="hi", days=30), data, stages, now=NOW)

    views = [
        ("funnel", lambda: reports.funnel(scope)),
        ("timeline", lambda: reports.timeline(scope)),
        ("by district", lambda: reports.breakdown(scope, "district")),
        ("by ODOP product", lambda: reports.breakdown(scope, "product")),
        ("by GI product", lambda: reports.breakdown(scope, "gi")),
        ("by seller", lambda: reports.breakdown(scope, "seller")),
        ("reasons by district", lambda: reports.reasons(scope, "district")),
        ("one seller's figures (by seller)", lambda: reports.breakdown(seller, "seller")),
        ("ACK latency", lambda: reports.ack_latency(scope)),
        ("callbacks", lambda: reports.callbacks(scope)),
        ("delivery attempts", lambda: reports.delivery(scope)),
        ("parked callbacks", lambda: reports.parked()),
        ("late to ship", lambda: reports.late_to_ship(scope, now=NOW)),
        ("coverage", lambda: reports.coverage(scope)),
        ("letters: page/JSON, newest 400", lambda: letters.letters(limit=400)),
        ("letters: page/JSON, oldest 400", lambda: letters.letters(limit=400, offset=9600)),
        ("overview figures", lambda: Overview(reports.database).figures(scope)),
        ("letters by district (overview, map)", lambda: register.letter_figures_by_district()),
        ("timeline by hour (last day)", lambda: hourly(reports.database, day)),
        ("B2B only: by district", lambda: reports.breakdown(b2b, "district")),
        ("B2B only: overview figures", lambda: Overview(reports.database).figures(b2b)),
        ("LOI view: every table (every desk letter)", loi_view),
        ("monthly summary PDF (Hindi)", summary),
        (
            "page: every table, as built",
            lambda: build(reports, letters, VIEWER, scope, "en", now=NOW, rows_limit=400),
        ),
    ]
    # A download, not a view: every letter for the CSV/XLSX export.
    views.append(("(download) letters export, every letter", lambda: letters.letters()))
    return views


async def _measure(url: str, runs: int) -> None:
    database = Database.connect(url)
    reports, letters = Reports(database), LoiDesk(database)

    async def baseline() -> None:
        async with database.engine.connect() as connection:
            await connection.exec_driver_sql("SELECT count(*) FROM orders")

    base, p99 = await _time(baseline, runs)
    print(f"load average {_load()}")
    print(f"{'baseline: SELECT count(*) FROM orders':<44} p50 {base:7.1f} ms  p99 {p99:7.1f} ms")
    for label, days in (("30 days", 30), ("365 days", 366)):
        scope = Scope(NOW - timedelta(days=days), NOW + timedelta(seconds=1))
        seller = Scope(scope.since, scope.until, "odop-Kullu")
        views = _views(reports, letters, scope, seller)
        print(f"-- period: {label}")
        for name, run in views:
            p50, p99 = await _time(run, runs)
            flag = "" if p99 < 300 or name.startswith("(download)") else "  (over 300 ms)"
            print(
                f"{name:<44} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
                f"  p50/baseline {p50 / base:5.2f}{flag}",
                flush=True,
            )
    print(f"load average {_load()}")
    await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database", default=None)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    url = args.database or _fresh(args.server)
    started = time.perf_counter()
    upgrade(url)
    with psycopg.connect(url, autocommit=True) as connection:
        filled = connection.execute("SELECT count(*) FROM orders").fetchone()
        if filled is not None and filled[0]:
            # A database this bench filled before (--database): migrated (any new day
            # sums made from its rows by their migrations, vacuumed so that new indexes
            # are read as a live database's would be) and measured as it is.
            connection.execute(VACUUM)
            print(
                f"reusing {filled[0]:,} orders; migrated in "
                f"{time.perf_counter() - started:.0f} s (load average {_load()})",
                flush=True,
            )
        else:
            started = time.perf_counter()
            connection.execute(
                FILL.replace("%(n)s", str(args.orders))
                .replace("%(letters)s", str(args.letters))
                .replace("%(now)s", f"'{NOW.isoformat()}'")
            )
            connection.execute(VACUUM)
            print(
                f"filled {args.orders:,} orders (+ facts, searches, callbacks) in "
                f"{time.perf_counter() - started:.0f} s (load average {_load()})",
                flush=True,
            )
    asyncio.run(_measure(url, args.runs))
    if args.database is None:
        with psycopg.connect(args.server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


if __name__ == "__main__":
    main()
