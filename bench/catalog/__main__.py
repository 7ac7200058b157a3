"""Catalogue at scale: import and search of 100,000 items from 2,000 sellers.

    .venv/bin/python bench/catalog [--sellers 2000] [--items-per-seller 50] [--database URL]

Prints: import time for all rows (goal < 60 s); search by name to a signed on_search body,
p50 and p99 (goals < 50 ms and < 200 ms) separately for queries matching up to 80 items
(a product and a design) and 81 to 500 items (a product and a colour common to many
sellers' designs), next to a bare baseline measured in the same run (the same words
matched over an in-memory list of normalised names, with no store and no payload);
resident memory (RSS) of this process and of a separate serving process that only opens
the store and answers the same searches; and change-to-push latency: a stock change until
the signed incremental on_search for a subscribed buyer app is ready to send.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

import schemas
import signing
from adapter.catalog import SqlCatalog
from adapter.catalog.importer import import_catalogue
from adapter.catalog.push import CatalogPush
from adapter.coordination.wakeup import LocalWakeup
from adapter.core.clock import SystemClock
from adapter.core.replies import Identity, OrderPolicy, reply_to
from adapter.storage import Database, upgrade
from adapter.storage.catalog import CatalogStore
from adapter.storage.outbox import Attempt, Outbox, Settlement
from adapter.storage.orders import OrderStore
from catalog_sync.transform import normalise

ROOT = Path(__file__).resolve().parents[2]
DEMO = orjson.loads((ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes())
DESIGNS = [f"{a}{b}" for a in ("chevron", "paisley", "diamond", "lotus", "pine", "snow",
                                "river", "temple", "peacock", "deodar")
           for b in ("", "-red", "-blue", "-green", "-gold", "-grey", "-white", "-black",
                     "-rust", "-teal", "-ivory", "-maroon", "-olive", "-plum", "-sand",
                     "-slate", "-jade", "-coral", "-amber", "-mint")]  # fmt: skip
KEY = signing.PrivateKey.from_base64(
    "6eY3CY7XG/5x8JLCXL22PPSFredzLmWwxOu1o2IelJRYtii+LXa6AtmwtrH8ZzCp+XGBRTyUdHWIPU6ymsG5Iw=="
)


def catalogue(sellers: int, per_seller: int) -> bytes:
    templates = [(entry, item) for entry in DEMO["sellers"] for item in entry["items"]]
    out = []
    for number in range(sellers):
        entry, _ = templates[number % len(templates)]
        code = f"s{number:05d}"
        items = []
        for position in range(per_seller):
            _, template = templates[(number + position) % len(templates)]
            design = DESIGNS[(number * per_seller + position) % len(DESIGNS)]
            items.append({**template, "sku": f"{code}-{position:03d}",
                          "name": f"{template['name']} {design}",
                          "short_desc": f"{template['short_desc']} ({design})"})  # fmt: skip
        out.append({"seller": {**entry["seller"], "code": code},
                    "location": {**entry["location"], "code": f"{code}-hq"}, "items": items})  # fmt: skip
    return orjson.dumps({"sellers": out})


COLOURS = ("red", "blue", "green", "gold", "grey", "white", "black", "teal")
BANDS = ((0, 80), (81, 500), (501, 10**9))


def search_body(words: str, domain: str) -> bytes:
    return orjson.dumps({
        "context": {"domain": domain, "country": "IND", "city": "std:0177", "action": "search",
                    "core_version": "1.2.0", "bap_id": "b", "bap_uri": "https://b",
                    "transaction_id": "t", "message_id": "m",
                    "timestamp": "2026-11-23T10:00:00.000Z", "ttl": "PT30S"},
        "message": {"intent": {"item": {"descriptor": {"name": words}}}},
    })  # fmt: skip


async def answer(
    catalog: SqlCatalog, orders: OrderStore, words: str, domain: str, now: datetime
) -> tuple[float, int]:
    """One search to a signed on_search body: seconds taken and items answered."""
    identity = Identity("seller.bench.example", "https://seller.bench.example/ondc")
    signer = signing.Signer("seller.bench.example", "k1", KEY)
    request = schemas.parse(schemas.SearchRequest, search_body(words, domain))
    started = time.perf_counter()
    reply = await reply_to(
        request, identity=identity, now=now, catalog=catalog, orders=orders, policy=OrderPolicy()
    )
    payload = schemas.dump(reply)
    signer.sign(payload, created=1, expires=2)
    took = time.perf_counter() - started
    providers = orjson.loads(payload)["message"]["catalog"]["bpp/providers"]
    return took, sum(len(p.get("items", [])) for p in providers)


async def change_to_push(
    database: Database,
    store: CatalogStore,
    products: list[tuple[str, str]],
    now: datetime,
    changes: int = 100,
) -> None:
    """A seller changes one item's stock; time until the signed incremental on_search for a
    subscribed buyer app is ready to send (stock written, push built and queued in the
    outbox, claimed by a dispatcher, signed), next to the stock write alone."""
    outbox = Outbox(database)
    identity = Identity("seller.bench.example", "https://seller.bench.example/ondc")
    push = CatalogPush(store, outbox, LocalWakeup(), identity, SystemClock())
    signer = signing.Signer("seller.bench.example", "k1", KEY)
    for domain in sorted({domain for _, domain in products}):
        await store.subscribe(bap_id="buyer.bench.example", bap_uri="https://buyer.bench.example",
                              domain=domain, transaction_id=f"sub-{domain}", now=now)  # fmt: skip
    everything = await store.listings()
    stride = max(1, len(everything) // changes)
    picked = [(seller.code, item.sku) for seller, _, item in everything[::stride][:changes]]
    del everything
    ours: list[float] = []
    bare: list[float] = []
    for n, (code, sku) in enumerate(picked):
        started = time.perf_counter()
        await store.set_stock(code, [(sku, 100 + n)], now=now)
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        await store.set_stock(code, [(sku, 200 + n)], now=now)
        queued = await push.changed(code, [sku])
        moment = datetime.now(UTC)
        jobs = await outbox.claim("bench", now=moment, lease_until=moment, limit=10)
        for job in jobs:
            signer.sign(orjson.dumps(job.payload), created=1, expires=2)
        ours.append(time.perf_counter() - started)
        assert queued == 1, queued
        assert len(jobs) == 1, len(jobs)
        sent = Attempt(moment, 200, 0.0, "ACK")
        await outbox.settle_many("bench", [Settlement(job.id, sent, "delivered") for job in jobs])
    print(f"  change-to-push ({len(picked)} stock changes, one subscribed buyer app): "
          f"signed push ready p50 {percentile(ours, .5)*1000:.1f} ms, p99 {percentile(ours, .99)*1000:.1f} ms; "
          f"the stock write alone p50 {percentile(bare, .5)*1000:.1f} ms "
          f"(ratio {percentile(bare, .5) / percentile(ours, .5):.2f})")  # fmt: skip


def memory() -> tuple[float, float]:
    """Resident memory now and at its peak, in MiB (Linux /proc; peak only elsewhere)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


async def serve_only(url: str, queries_file: str) -> None:
    """The serving process: open the store, answer every search, print its memory as JSON."""
    database = Database.connect(url)
    catalog = SqlCatalog(CatalogStore(database))
    orders = OrderStore(database)
    now = datetime.now(UTC)
    queries = orjson.loads(await asyncio.to_thread(Path(queries_file).read_bytes))
    before, _ = memory()
    for words, domain in queries:
        await answer(catalog, orders, words, domain, now)
    rss, peak = memory()
    await database.dispose()
    print(
        orjson.dumps({"before": before, "rss": rss, "peak": peak, "queries": len(queries)}).decode()
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sellers", type=int, default=2000)
    parser.add_argument("--items-per-seller", type=int, default=50)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--serve-only", metavar="QUERIES_JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_only:
        await serve_only(args.database, args.serve_only)
        return
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'catalog.db'}"
    upgrade(url)
    database = Database.connect(url)
    store = CatalogStore(database)
    raw = catalogue(args.sellers, args.items_per_seller)
    rows = args.sellers * args.items_per_seller
    now = datetime.now(UTC)
    started = time.perf_counter()
    report = await import_catalogue(raw, store, now=now)
    imported = time.perf_counter() - started
    print(f"bench/catalog: {rows:,} items from {args.sellers:,} sellers in {url.split(':')[0]}")
    print(f"  import: {len(report.landed):,} rows landed, {len(report.problems)} refused, "
          f"{imported:.1f} s ({rows / imported:,.0f} rows/s; goal < 60 s)")  # fmt: skip

    listings = await store.listings()
    names = [(normalise(f"{i.name} {i.name_hi or ''} {i.short_desc} {i.category_id}"), i.domain)
             for _, _, i in listings]  # fmt: skip
    products = sorted({(i.name.rsplit(" ", 1)[0], i.domain) for _, _, i in listings})
    queries = [(f"{product.split()[-1]} {design}", domain)
               for product, domain in products for design in DESIGNS[::7]][: args.queries]  # fmt: skip
    # Queries matching 81..500 items: a product and a colour that many sellers' designs share
    # ("shawl red": chevron-red, paisley-red, ...).
    queries += [(f"{product.split()[-1]} {colour}", domain)
                for product, domain in products for colour in COLOURS]  # fmt: skip
    # Broader still (a design family, ~500 items and more), so large answers are timed too.
    queries += [(f"{product.split()[-1]} {family}", domain)
                for product, domain in products for family in ("chevron", "lotus", "snow")]  # fmt: skip
    # The bench's own copies of the catalogue must not tax the timings with GC pauses that a
    # serving process (which holds no such copies) would not have.
    del listings, raw
    gc.collect()
    gc.freeze()
    catalog = SqlCatalog(store)
    orders = OrderStore(database)
    ours: list[float] = []
    bare: list[float] = []
    matched: list[int] = []
    for words, domain in queries:
        took, count = await answer(catalog, orders, words, domain, now)
        ours.append(took)
        matched.append(count)
        started = time.perf_counter()
        wanted = normalise(words).split()
        hits = [n for n, d in names if d == domain and all(w in n for w in wanted)]
        bare.append(time.perf_counter() - started)
        assert matched[-1] == len(hits), (words, matched[-1], len(hits))
    print("  search -> signed on_search body (goals p50 50 ms, p99 200 ms up to 500 items):")
    for low, high in BANDS:
        band = [i for i, m in enumerate(matched) if low <= m <= high]
        label = f"{low}..{high}" if high < 10**9 else f"over {low - 1}"
        if not band:
            print(f"    {label:>8} items: no queries in this band")
            continue
        ours_band, bare_band = [ours[i] for i in band], [bare[i] for i in band]
        print(f"    {label:>8} items, {len(band)} queries (median {statistics.median(matched[i] for i in band):.0f} items):")  # fmt: skip
        print(f"      adapter  p50 {percentile(ours_band, .5)*1000:7.1f} ms  p99 {percentile(ours_band, .99)*1000:7.1f} ms")  # fmt: skip
        print(f"      baseline p50 {percentile(bare_band, .5)*1000:7.1f} ms  p99 {percentile(bare_band, .99)*1000:7.1f} ms"
              f"  (in-memory word match only)  ratio p50 {percentile(ours_band, .5) / max(percentile(bare_band, .5), 1e-9):.1f}x")  # fmt: skip
    slowest = sorted(
        (i for i, m in enumerate(matched) if m <= 500), key=lambda i: ours[i], reverse=True
    )[:3]
    print("    slowest up to 500 items: " + "; ".join(
        f"{queries[i][0]!r} {ours[i]*1000:.0f} ms, {matched[i]} items" for i in slowest))  # fmt: skip
    await change_to_push(database, store, products, now)
    rss, peak = memory()
    print(f"  resident memory, this process (imported the file, holds the bench's copies): "
          f"{rss:,.0f} MiB now, {peak:,.0f} MiB peak")  # fmt: skip
    await database.dispose()
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as handle:
        handle.write(orjson.dumps(queries))
    serving = await asyncio.create_subprocess_exec(
        sys.executable, str(Path(__file__).parent), "--database", url, "--serve-only", handle.name,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await serving.communicate()
    if serving.returncode != 0:
        raise SystemExit(f"the serving process failed with exit code {serving.returncode}")
    figures = orjson.loads(out.decode().strip().splitlines()[-1])
    print(f"  resident memory, a serving process (opens the store, answers the {figures['queries']} searches): "
          f"{figures['before']:,.0f} MiB before the first search, {figures['rss']:,.0f} MiB after, "
          f"{figures['peak']:,.0f} MiB peak")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
