"""Catalogue at scale: import and search of 100,000 items from 2,000 sellers.

    .venv/bin/python bench/catalog [--sellers 2000] [--items-per-seller 50] [--database URL]

Prints: import time for all rows (goal < 60 s); search by name to a signed on_search body,
p50 and p99 over queries that match up to 500 items (goals < 50 ms and < 200 ms), next to a
bare baseline measured in the same run (the same words matched over an in-memory list of
normalised names, with no store and no payload); resident memory; and states that
change-to-push latency is not measured here (the demo prints it).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

import schemas
import signing
from adapter.catalog import SqlCatalog
from adapter.catalog.importer import import_catalogue
from adapter.core.replies import Identity, reply_to
from adapter.storage import Database, upgrade
from adapter.storage.catalog import CatalogStore
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


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sellers", type=int, default=2000)
    parser.add_argument("--items-per-seller", type=int, default=50)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
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
    # Broader queries (a design family, ~20x the matches) so large answers are timed too.
    queries += [(f"{product.split()[-1]} {family}", domain)
                for product, domain in products for family in ("chevron", "lotus", "snow")]  # fmt: skip
    # The bench's own copies of the catalogue must not tax the timings with GC pauses that a
    # serving process (which holds no such copies) would not have.
    del listings, raw
    gc.collect()
    gc.freeze()
    catalog = SqlCatalog(store)
    identity = Identity("seller.bench.example", "https://seller.bench.example/ondc")
    signer = signing.Signer("seller.bench.example", "k1", KEY)
    ours: list[float] = []
    bare: list[float] = []
    matched: list[int] = []
    for words, domain in queries:
        body = orjson.dumps({
            "context": {"domain": domain, "country": "IND", "city": "std:0177", "action": "search",
                        "core_version": "1.2.0", "bap_id": "b", "bap_uri": "https://b",
                        "transaction_id": "t", "message_id": "m",
                        "timestamp": "2026-11-23T10:00:00.000Z", "ttl": "PT30S"},
            "message": {"intent": {"item": {"descriptor": {"name": words}}}},
        })  # fmt: skip
        request = schemas.parse(schemas.SearchRequest, body)
        started = time.perf_counter()
        reply = await reply_to(request, identity=identity, now=now, catalog=catalog)
        payload = schemas.dump(reply)
        signer.sign(payload, created=1, expires=2)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        wanted = normalise(words).split()
        hits = [n for n, d in names if d == domain and all(w in n for w in wanted)]
        bare.append(time.perf_counter() - started)
        providers = (
            reply.message.catalog.providers if reply.message and reply.message.catalog else []
        )  # type: ignore[union-attr]
        matched.append(sum(len(p.items or []) for p in providers or []))
        assert matched[-1] == len(hits), (words, matched[-1], len(hits))
    kept = [i for i, m in enumerate(matched) if m <= 500]
    ours_kept = [ours[i] for i in kept]
    bare_kept = [bare[i] for i in kept]
    print(f"  search -> signed on_search body, {len(kept)} queries matching 1..{max(matched[i] for i in kept)} items "
          f"(median {statistics.median(matched[i] for i in kept):.0f}):")  # fmt: skip
    print(f"    adapter  p50 {percentile(ours_kept, .5)*1000:7.1f} ms  p99 {percentile(ours_kept, .99)*1000:7.1f} ms"
          f"  (goals 50 / 200 ms)")  # fmt: skip
    print(f"    baseline p50 {percentile(bare_kept, .5)*1000:7.1f} ms  p99 {percentile(bare_kept, .99)*1000:7.1f} ms"
          f"  (in-memory word match only)  ratio p50 {percentile(ours_kept, .5) / percentile(bare_kept, .5):.1f}x")  # fmt: skip
    slowest = sorted(kept, key=lambda i: ours[i], reverse=True)[:3]
    print("    slowest: " + "; ".join(
        f"{queries[i][0]!r} {ours[i]*1000:.0f} ms, {matched[i]} items" for i in slowest))  # fmt: skip
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  resident memory (peak, this process): {rss:,.0f} MiB")
    print("  change-to-push latency: not measured here; `ondc-seller demo --once` prints it")
    await database.dispose()


if __name__ == "__main__":
    asyncio.run(main())
