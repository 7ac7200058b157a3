"""Stock from sellers' systems: a feed pulled on a schedule, and a signed webhook."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from pathlib import Path

import httpx
import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from adapter.core.clock import FixedClock
from catalog_sync.stock_feed import parse_stock_feed
from tests.network.peers import Edge, edge, search_body, signed
from tests.network.test_seller_api import ADMIN, _entry, _register


def test_csv_and_json_feeds_are_read_and_bad_lines_reported() -> None:
    csv_feed = parse_stock_feed(b"sku,available,note\nA,3,x\nB,-1,y\n,4,z\nC,many,w\n")
    assert csv_feed.counts == [("A", 3)]
    assert csv_feed.problems == [
        "row 3: available -1 is negative",
        "row 4: sku is missing",
        "row 5: available 'many' is not a whole number",
    ]
    json_feed = parse_stock_feed(b'{"items": [{"sku": "A", "available": "7"}, 3]}')
    assert json_feed.counts == [("A", 7)]
    assert json_feed.problems == ["item 2: expected an object"]
    assert parse_stock_feed(b"name,qty\nA,1\n").problems == [
        "feed: CSV header must name the columns sku and available"
    ]


def test_a_csv_feed_reads_a_field_of_any_size_and_refuses_a_long_sku() -> None:
    feed = parse_stock_feed(b"sku,available\nA,3\n" + b"B" * 200_000 + b",1\nC,2\n")
    assert feed.counts == [("A", 3), ("C", 2)]
    assert feed.problems == ["row 3: sku is longer than 64 characters"]


def test_a_csv_feed_row_that_cannot_be_read_keeps_the_rows_before_it() -> None:
    feed = parse_stock_feed(b"sku,available\nA,3\nB\rC,1\nD,2\n")
    assert feed.counts == [("A", 3)]
    assert feed.problems == [
        "row 3: cannot be read as CSV (new-line character seen in unquoted field - do you "
        "need to open the file in universal-newline mode?); rows after it not read"
    ]


FEED_TEXT = st.text(alphabet=',"\n\r\x00ab1-[]{}', max_size=60)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=400) | FEED_TEXT.map(lambda text: f"sku,available\n{text}".encode()))
def test_any_feed_bytes_give_counts_and_problems_never_an_error(raw: bytes) -> None:
    feed = parse_stock_feed(raw)
    assert all(isinstance(count, int) and count >= 0 for _, count in feed.counts)


async def _set_feed(net: Edge, code: str, url: str) -> None:
    """Seller ``code``'s stock feed at ``url``, read every 300 s (an operator's call)."""
    setup = {"url": url, "interval_seconds": 300}
    response = await net.client.put(f"/admin/v1/sellers/{code}/feed", json=setup, headers=ADMIN)
    assert response.status_code == 200


async def test_a_sellers_feed_is_pulled_applied_and_reported(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        code, key = await _register(net, "Kinnaur")
        for item in _entry("Kinnaur")["items"]:
            await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
        skus = [item["sku"] for item in _entry("Kinnaur")["items"]]
        feed = f"sku,available\n{skus[0]},0\n{skus[1]},42\nno-such-sku,1\n".encode()
        net.router.get("https://erp.kinnaur.example/stock.csv").mock(
            return_value=httpx.Response(200, content=feed)
        )
        await _set_feed(net, code, "https://erp.kinnaur.example/stock.csv")
        poller = net.app.state.feed_poller
        assert await poller.run_once() == 1
        assert await poller.run_once() == 0  # not due again for 300 s
        listed = (await net.client.get("/seller/v1/items", headers=key)).json()
        counts = {i["sku"]: i["available"] for i in listed}
        assert (counts[skus[0]], counts[skus[1]]) == (0, 42)
        [feed_row] = await net.app.state.runtime.catalogue.feeds()
        assert feed_row["last_result"] == "2 SKU(s) updated; unknown SKU no-such-sku"
        clock.advance(301)
        net.router.get("https://erp.kinnaur.example/stock.csv").mock(
            return_value=httpx.Response(503)
        )
        assert await poller.run_once() == 1
        [feed_row] = await net.app.state.runtime.catalogue.feeds()
        assert "could not read" in feed_row["last_result"]


async def test_a_signed_webhook_sets_stock_and_a_bad_signature_is_refused(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        code, key = await _register(net, "Kullu")
        item = _entry("Kullu")["items"][0]
        await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
        issued = await net.client.post(f"/admin/v1/sellers/{code}/webhook-secret", headers=ADMIN)
        secret = issued.json()["secret"]
        body = orjson.dumps({"items": [{"sku": item["sku"], "available": 0}]})
        url = f"/seller/v1/webhooks/stock/{code}"
        bad = await net.client.post(
            url, content=body, headers={**_push(secret, clock, body), "X-ODOP-Signature": "00"}
        )
        assert bad.status_code == 401
        assert "X-ODOP-Signature" in bad.json()["detail"]
        ok = await net.client.post(url, content=body, headers=_push(secret, clock, body))
        assert ok.json() == {"updated": 1, "unknown_skus": []}
        body = search_body(clock, domain="ONDC:RET12")
        await net.post("search", body, signed(body, clock))
        await net.dispatch()
        catalog = orjson.loads(net.received[-1].content)["message"]["catalog"]
        kullu = [p for p in catalog["bpp/providers"] if p["id"] == code]
        assert kullu[0]["items"][0]["quantity"]["available"] == {"count": "0"}


def _push(
    secret: str, clock: FixedClock, body: bytes, *, delivery: str | None = None, at: int = 0
) -> dict[str, str]:
    """The headers of a signed stock push made ``at`` seconds from the clock's now."""
    timestamp = clock.timestamp() + at
    delivery = delivery or f"push-{uuid.uuid4()}"
    material = f"{timestamp}.{delivery}.".encode() + body
    return {
        "X-ODOP-Timestamp": str(timestamp),
        "X-ODOP-Delivery": delivery,
        "X-ODOP-Signature": "sha256="
        + hmac.new(secret.encode(), material, hashlib.sha256).hexdigest(),
    }


async def test_a_captured_stock_push_replayed_later_does_not_undo_a_sell_out(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        code, key = await _register(net, "Kullu")
        item = _entry("Kullu")["items"][0]
        await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
        issued = await net.client.post(f"/admin/v1/sellers/{code}/webhook-secret", headers=ADMIN)
        secret = issued.json()["secret"]
        url = f"/seller/v1/webhooks/stock/{code}"
        fifty = orjson.dumps({"items": [{"sku": item["sku"], "available": 50}]})
        captured = _push(secret, clock, fifty)
        assert (await net.client.post(url, content=fifty, headers=captured)).status_code == 200
        sold_out = orjson.dumps({"items": [{"sku": item["sku"], "available": 0}]})
        pushed = await net.client.post(
            url, content=sold_out, headers=_push(secret, clock, sold_out)
        )
        assert pushed.status_code == 200
        # The attacker replays the captured "50 in stock" at once, then later.
        again = await net.client.post(url, content=fifty, headers=captured)
        assert again.status_code == 409
        assert "X-ODOP-Delivery" in again.json()["detail"]
        clock.advance(600)
        late = await net.client.post(url, content=fifty, headers=captured)
        assert late.status_code == 401
        assert "X-ODOP-Timestamp" in late.json()["detail"]
        # A body-only signature (no timestamp, no id) is refused too.
        body_only = "sha256=" + hmac.new(secret.encode(), fifty, hashlib.sha256).hexdigest()
        old = await net.client.post(url, content=fifty, headers={"X-Signature": body_only})
        assert old.status_code == 401
        body = search_body(clock, domain="ONDC:RET12")
        await net.post("search", body, signed(body, clock))
        await net.dispatch()
        catalog = orjson.loads(net.received[-1].content)["message"]["catalog"]
        kullu = [p for p in catalog["bpp/providers"] if p["id"] == code]
        assert kullu[0]["items"][0]["quantity"]["available"] == {"count": "0"}


async def test_a_feed_whose_read_fails_unexpectedly_is_reported_and_the_others_read(
    tmp_path: Path, clock: FixedClock
) -> None:
    # One seller's feed failing in a way the HTTP client never should (a library's bug on
    # what that server sent) is that feed's failure alone: reported on it, and the next
    # seller's feed is read in the same round.
    async with edge(tmp_path, clock) as net:
        broken, _ = await _register(net, "Kinnaur")
        code, key = await _register(net, "Kullu")
        item = _entry("Kullu")["items"][0]
        await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
        net.router.get("https://erp.kinnaur.example/stock.csv").mock(
            side_effect=RuntimeError("a library's bug")
        )
        net.router.get("https://erp.kullu.example/stock.csv").mock(
            return_value=httpx.Response(200, content=f"sku,available\n{item['sku']},7\n".encode())
        )
        await _set_feed(net, broken, "https://erp.kinnaur.example/stock.csv")
        await _set_feed(net, code, "https://erp.kullu.example/stock.csv")
        assert await net.app.state.feed_poller.run_once() == 2
        results = {
            f["seller_code"]: f["last_result"]
            for f in await net.app.state.runtime.catalogue.feeds()
        }
        assert results[broken].startswith("could not read https://erp.kinnaur.example/stock.csv")
        assert "a library's bug" in results[broken]
        assert results[code] == "1 SKU(s) updated"
