"""Orders under load: no oversell across three adapter processes, and order flows per second.

    .venv/bin/python bench/orders [--transactions 500] [--stock 20] [--processes 3]
        [--buyers 16] [--duration 15] [--phases oversell,race,throughput] [--json FILE]

A fresh PostgreSQL database, a private Redis server, the sandbox registry (a thread with its
own event loop), the buyer app's callback sink (its own process) and three ``ondc-seller
serve`` processes sharing the database and Redis, with no load balancer: the buyer (signed
as the sandbox buyer app) sends its requests round-robin to the three ports. The ODOP demo
catalogue is imported with ``ondc-seller catalog import``; stock is set through the seller
API with the seller's own key.

Phases, each checked (any wrong count prints FAIL and the exit code is 1):

- ``oversell``: TRANSACTIONS buyers at once each select 1 piece of an item with STOCK in
  stock, then init and confirm while their callbacks carry no error (as a buyer app does).
  Exactly STOCK orders, TRANSACTIONS - STOCK answers 40002, the item's count 0 and never
  below 0 (read from the database while the buyers run), every order accepted.
  ``--stubborn``: the buyers who are told 40002 send init and confirm anyway.
- ``race``: TRANSACTIONS buyers select and init 1 piece each while the item has plenty;
  the seller's count then drops to STOCK (sold elsewhere), the holds lapse
  (``ONDC_STOCK_HOLD_SECONDS``, 30 s here) and all TRANSACTIONS confirms are sent at once,
  so the confirms themselves decide: the same checks, the 40002s in on_confirm.
- ``throughput``: BUYERS buyers in a closed loop for DURATION seconds, each flow select ->
  init -> confirm (the buyer goes on after on_confirm) and the automatic accept
  (an unsolicited on_status; the order timers look every second). Full flows per second
  and p50/p99 per step from the request sent to its callback received at the sink (the
  accept from the confirm sent). Baseline in the same run: the same processes answering
  /search only (request -> on_search), the same buyers and duration.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import psycopg

from buyer import (
    Callback,
    NoCallback,
    Refused,
    cart,
    confirm_message,
    init_message,
    new_transaction,
    search_message,
)
from network import CATALOGUE, Network, network

DEMO = orjson.loads(CATALOGUE.read_bytes())


@dataclass(frozen=True)
class Item:
    """A demo item: its seller, the seller's location, SKU and ONDC domain."""

    seller: str
    location: str
    sku: str
    domain: str


def demo_item(district: str, index: int) -> Item:
    entry = next(s for s in DEMO["sellers"] if s["seller"]["district"] == district)
    item = entry["items"][index]
    return Item(entry["seller"]["code"], entry["location"]["code"], item["sku"], item["domain"])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


class StockWatch:
    """Reads an item's count and its orders straight from the database; while open, polls
    the count to catch it below zero at any moment."""

    def __init__(self, database_url: str, item: Item) -> None:
        self.url = database_url
        self.item = item
        self.lowest: int | None = None
        self.samples = 0

    async def available(self, connection: psycopg.AsyncConnection[Any]) -> int:
        row = await (await connection.execute(
            "SELECT i.available FROM items i JOIN sellers s ON i.seller_id = s.id"
            " WHERE s.code = %s AND i.sku = %s", (self.item.seller, self.item.sku))).fetchone()  # fmt: skip
        assert row is not None
        return int(row[0])

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[None]:
        stop = asyncio.Event()

        async def poll() -> None:
            async with await psycopg.AsyncConnection.connect(
                self.url, autocommit=True
            ) as connection:
                while not stop.is_set():
                    count = await self.available(connection)
                    self.lowest = count if self.lowest is None else min(self.lowest, count)
                    self.samples += 1
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), 0.02)

        task = asyncio.create_task(poll())
        try:
            yield
        finally:
            stop.set()
            await task

    async def totals(self) -> dict[str, int]:
        """The count now, confirmed orders of the seller, committed pieces, lowest count in
        the table (any item)."""
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as connection:
            available = await self.available(connection)
            orders = await (await connection.execute(
                "SELECT count(*) FROM orders WHERE seller_code = %s AND stage = 'confirmed'",
                (self.item.seller,))).fetchone()  # fmt: skip
            committed = await (await connection.execute(
                "SELECT coalesce(sum(h.quantity), 0) FROM stock_holds h JOIN items i ON h.item_id = i.id"
                " WHERE i.sku = %s AND h.status = 'committed'", (self.item.sku,))).fetchone()  # fmt: skip
            lowest = await (await connection.execute("SELECT min(available) FROM items")).fetchone()
        assert orders is not None
        assert committed is not None
        assert lowest is not None
        return {"available": available, "orders": int(orders[0]), "committed": int(committed[0]),
                "lowest_any_item": int(lowest[0])}  # fmt: skip


@dataclass
class Report:
    """What a phase measured, and the checks that failed."""

    figures: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def check(self, what: str, got: object, wanted: object) -> None:
        ok = got == wanted
        print(
            f"    {'ok  ' if ok else 'FAIL'} {what}: {got}" + ("" if ok else f" (must be {wanted})")
        )
        if not ok:
            self.failures.append(f"{what}: {got}, must be {wanted}")


async def oversell(net: Network, args: argparse.Namespace, report: Report, *, race: bool) -> None:
    """The oversell phase (``race``: confirms after the holds lapsed)."""
    buyer, n, stock = net.buyer, args.transactions, args.stock
    item = demo_item("Kullu", 0) if race else demo_item("Kinnaur", 1)
    watch = StockWatch(net.database_url, item)
    numbers = itertools.count(1)
    name = "race" if race else "oversell"
    if race:
        print(f"\n[race] {n} buyers select and init 1 of {item.sku} while it has {n}; the count "
              f"drops to {stock}; the holds lapse; {n} confirms at once")  # fmt: skip
    else:
        print(f"\n[oversell] {n} buyers at once: select 1 of {item.sku} ({stock} in stock) -> "
              f"init -> confirm{' (stubborn: on after 40002)' if args.stubborn else ''}")  # fmt: skip

    async def step(action: str, message: dict[str, Any], tx: str) -> Callback:
        callback, _ = await buyer.call(action, message, transaction_id=tx, domain=item.domain)
        return callback

    async def prepare(tx: str) -> Callback:
        on_select = await step("select", cart(item.seller, item.location, item.sku, 1), tx)
        if on_select.error:
            raise SystemExit(f"FAIL: on_select error {on_select.error} with stock for everyone")
        assert on_select.payload is not None
        on_init = await step("init", init_message(on_select.payload), tx)
        if on_init.error:
            raise SystemExit(f"FAIL: on_init error {on_init.error} with stock for everyone")
        return on_init

    async def confirm(tx: str, on_init: Callback) -> tuple[str, str | None, list[int]]:
        assert on_init.payload is not None
        on_confirm = await step(
            "confirm", confirm_message(on_init.payload, f"BENCH-{name}-{next(numbers)}"), tx
        )
        return "confirm", on_confirm.error, on_confirm.items

    async def flow(tx: str) -> tuple[str, str | None, list[int]]:
        on_select = await step("select", cart(item.seller, item.location, item.sku, 1), tx)
        if on_select.error and not args.stubborn:
            return "select", on_select.error, []
        assert on_select.payload is not None
        on_init = await step("init", init_message(on_select.payload, asked=1), tx)
        if on_init.error and not args.stubborn:
            return "init", on_init.error, []
        return await confirm(tx, on_init)

    async def guarded(work: Any) -> tuple[str, str | None, list[int]]:
        try:
            return await work  # type: ignore[no-any-return]
        except (Refused, NoCallback, OSError, asyncio.IncompleteReadError) as exc:
            return "lost", str(exc)[:200], []

    transactions = [new_transaction() for _ in range(n)]
    if race:
        await net.set_stock(item.seller, item.sku, n)
        drafts = await asyncio.gather(*(prepare(tx) for tx in transactions))
        await net.set_stock(item.seller, item.sku, stock)
        print(
            f"    {n} carts held and initialised; waiting {args.hold_seconds + 1} s for the holds to lapse"
        )
        await asyncio.sleep(args.hold_seconds + 1)
        work = [confirm(tx, on_init) for tx, on_init in zip(transactions, drafts, strict=True)]
    else:
        await net.set_stock(item.seller, item.sku, stock)
        work = [flow(tx) for tx in transactions]
    started = time.monotonic()
    async with watch.watching():
        outcomes = await asyncio.gather(*(guarded(w) for w in work))
    took = time.monotonic() - started
    confirmed = [tx for tx, (at, error, _) in zip(transactions, outcomes, strict=True)
                 if at == "confirm" and error is None]  # fmt: skip
    empty = sum(
        1 for at, error, items in outcomes if at == "confirm" and error is None and not any(items)
    )
    accepted = 0
    for tx in confirmed:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(net.callbacks.acceptance_of(tx), 30)
            accepted += 1
    totals = await watch.totals()
    refusals = Counter((at, error) for at, error, _ in outcomes if error is not None)
    out_of_stock = sum(count for (at, error), count in refusals.items() if error == "40002")
    other = {f"{at}:{error}": count for (at, error), count in refusals.items() if error != "40002"}
    unsigned = sum(1 for c in net.callbacks.received if not c.signed)
    print(f"    {n} transactions in {took:.1f} s; refusals by step: "
          + ", ".join(f"on_{at} {error} x{count}" for (at, error), count in sorted(refusals.items())))  # fmt: skip
    print(
        f"    count polled {watch.samples} times while the buyers ran; lowest seen {watch.lowest}"
    )
    report.check("orders confirmed (on_confirm without error)", len(confirmed), stock)
    report.check("confirmed orders in the database", totals["orders"], stock)
    report.check("orders confirmed with no items", empty, 0)
    report.check(f"available count of {item.sku} afterwards", totals["available"], 0)
    report.check("lowest count seen while running, >= 0", (watch.lowest or 0) >= 0, True)
    report.check("lowest count of any item, >= 0", totals["lowest_any_item"] >= 0, True)
    report.check("pieces committed to orders", totals["committed"], stock)
    report.check("answers 40002 (out of stock)", out_of_stock, n - stock)
    report.check("other errors, lost requests or callbacks", other, {})
    report.check("callbacks failing the seller's signature", unsigned, 0)
    report.check("orders accepted (unsolicited on_status)", accepted, stock)
    report.figures[name] = {"transactions": n, "stock": stock, "orders": len(confirmed),
                            "orders_in_database": totals["orders"], "available": totals["available"],
                            "lowest_seen": watch.lowest, "answers_40002": out_of_stock,
                            "other_errors": other, "accepted": accepted, "seconds": round(took, 2)}  # fmt: skip


async def closed_loop(duration: float, buyers: int, one: Any) -> tuple[int, float]:
    """``buyers`` loops of ``one()`` until ``duration`` is over; rounds done and seconds."""
    deadline = time.monotonic() + duration
    done = 0

    async def loop() -> None:
        nonlocal done
        while time.monotonic() < deadline:
            await one()
            done += 1

    started = time.monotonic()
    await asyncio.gather(*(loop() for _ in range(buyers)))
    return done, time.monotonic() - started


async def throughput(net: Network, args: argparse.Namespace, report: Report) -> None:
    """Search round trips (baseline) and full order flows per second."""
    buyer = net.buyer
    item = demo_item("Shimla", 0)
    await net.set_stock(item.seller, item.sku, 10_000_000)
    words, domain = "tea", "ONDC:RET10"
    print(f"\n[throughput] {args.buyers} buyers, {args.duration:.0f} s each, round-robin over "
          f"{len(net.adapter_urls)} processes; latency = request sent -> callback at the sink")  # fmt: skip

    async def search() -> None:
        callback, _ = await buyer.call(
            "search", search_message(words), transaction_id=new_transaction(), domain=domain
        )
        if callback.error:
            raise SystemExit(f"FAIL: on_search error {callback.error}")

    await closed_loop(2.0, 4, search)  # warm: key caches, pools, connections
    buyer.timings.clear()
    searches, search_seconds = await closed_loop(args.duration, args.buyers, search)
    search_rate = searches / search_seconds
    search_times = buyer.timings.pop("search")
    await asyncio.sleep(2.0)

    accepts: list[asyncio.Task[float]] = []
    accept_times: list[float] = []
    errors: Counter[str] = Counter()

    async def accepted(tx: str, sent: float) -> float:
        callback = await asyncio.wait_for(net.callbacks.acceptance_of(tx), 60)
        accept_times.append(callback.at - sent)
        return callback.at

    async def order() -> None:
        tx = new_transaction()
        on_select, _ = await buyer.call("select", cart(item.seller, item.location, item.sku, 1),
                                        transaction_id=tx, domain=item.domain)  # fmt: skip
        on_init, _ = await buyer.call(
            "init", init_message(on_select.payload or {}), transaction_id=tx, domain=item.domain
        )
        on_confirm, sent = await buyer.call("confirm", confirm_message(on_init.payload or {}, f"BENCH-T-{tx[:13]}"),
                                            transaction_id=tx, domain=item.domain)  # fmt: skip
        for callback in (on_select, on_init, on_confirm):
            if callback.error:
                errors[f"{callback.action} {callback.error}"] += 1
        accepts.append(asyncio.create_task(accepted(tx, sent)))

    started = time.monotonic()
    await closed_loop(args.duration, args.buyers, order)
    finished = await asyncio.gather(*accepts, return_exceptions=True)
    done_at = [f for f in finished if isinstance(f, float)]
    flow_rate = len(done_at) / (max(done_at) - started) if done_at else 0.0
    steps = {"select": buyer.timings["select"], "init": buyer.timings["init"],
             "confirm": buyer.timings["confirm"], "accept (from confirm sent)": accept_times}  # fmt: skip
    print(f"  baseline: /search -> on_search   {search_rate:8.1f} round trips/s   "
          f"p50 {percentile(search_times, .5) * 1000:7.1f} ms   p99 {percentile(search_times, .99) * 1000:7.1f} ms")  # fmt: skip
    print(f"  order flows (select, init, confirm, accept): {flow_rate:.1f} flows/s "
          f"({len(done_at)} flows, {3 * flow_rate:.1f} order requests/s)")  # fmt: skip
    for label, values in steps.items():
        print(f"    {label:27} p50 {percentile(values, .5) * 1000:7.1f} ms   p99 {percentile(values, .99) * 1000:7.1f} ms   ({len(values)})")  # fmt: skip
    ratio = 3 * flow_rate / search_rate if search_rate else float("nan")
    print(f"  ratio: order requests/s to search round trips/s {ratio:.2f}; "
          f"flows/s to search round trips/s {flow_rate / search_rate:.3f}")  # fmt: skip
    report.check("errors in order callbacks", dict(errors), {})
    report.check("flows whose accept never came", len(finished) - len(done_at), 0)
    report.figures["throughput"] = {
        "buyers": args.buyers, "seconds": args.duration, "flows_per_second": round(flow_rate, 2),
        "flows": len(done_at), "search_round_trips_per_second": round(search_rate, 2),
        "ratio_order_requests_to_searches": round(ratio, 3),
        "ms": {label: {"p50": round(percentile(v, .5) * 1000, 1), "p99": round(percentile(v, .99) * 1000, 1)}
               for label, v in {**steps, "search": search_times}.items()},
    }  # fmt: skip


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transactions", type=int, default=500)
    parser.add_argument("--stock", type=int, default=20)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--buyers", type=int, default=16)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--phases", default="oversell,race,throughput")
    parser.add_argument("--hold-seconds", type=int, default=30, help="ONDC_STOCK_HOLD_SECONDS")
    parser.add_argument("--connections", type=int, default=64, help="per process")
    parser.add_argument("--stubborn", action="store_true")
    parser.add_argument("--json", type=Path, help="write the figures and failures here")
    args = parser.parse_args()
    phases = args.phases.split(",")
    work = Path(tempfile.mkdtemp(prefix="bench-orders-"))
    print(f"bench/orders {datetime.now(UTC):%Y-%m-%d}: {args.processes} adapter processes on PostgreSQL + "
          f"Redis, {os.cpu_count()} cores, logs in {work}")  # fmt: skip
    report = Report()
    async with network(args.processes, work, hold_seconds=args.hold_seconds,
                       connections=args.connections) as net:  # fmt: skip
        if "oversell" in phases:
            await oversell(net, args, report, race=False)
        if "race" in phases:
            await oversell(net, args, report, race=True)
        if "throughput" in phases:
            await throughput(net, args, report)
    if args.json:
        args.json.write_bytes(orjson.dumps({**report.figures, "failures": report.failures}))
    if report.failures:
        print("\nFAIL:\n  " + "\n  ".join(report.failures), file=sys.stderr)
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
