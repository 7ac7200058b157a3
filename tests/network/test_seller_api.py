"""The sellers' API: operators register sellers and keys; each key reaches one seller only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from adapter.core.clock import FixedClock
from tests.fixtures import REPO_ROOT
from tests.network.peers import Edge, context, edge, search_body, signed

ADMIN = {"Authorization": "Bearer admin-key-for-tests-0123456789"}
DEMO = orjson.loads((REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes())


def _entry(district: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(s for s in DEMO["sellers"] if s["seller"]["district"] == district)
    return entry


async def _register(net: Edge, district: str) -> tuple[str, dict[str, str]]:
    entry = _entry(district)
    code = entry["seller"]["code"]
    created = await net.client.put(
        f"/admin/v1/sellers/{code}",
        json={"seller": entry["seller"], "location": entry["location"]},
        headers=ADMIN,
    )
    assert created.status_code == 200, created.text
    key = await net.client.post(f"/admin/v1/sellers/{code}/keys", json={}, headers=ADMIN)
    assert key.status_code == 201
    return code, {"Authorization": f"Bearer {key.json()['api_key']}"}


async def test_a_seller_publishes_an_item_that_buyers_then_find(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        code, key = await _register(net, "Kullu")
        item = _entry("Kullu")["items"][0]
        put = await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
        assert put.status_code == 200, put.text
        listed = await net.client.get("/seller/v1/items", headers=key)
        assert [i["sku"] for i in listed.json()] == [item["sku"]]
        body = search_body(clock, domain="ONDC:RET12")
        await net.post("search", body, signed(body, clock))
        await net.dispatch()
        [callback] = net.received
        providers = orjson.loads(callback.content)["message"]["catalog"]["bpp/providers"]
        assert [p["id"] for p in providers] == [code]
        assert providers[0]["items"][0]["descriptor"]["name"] == "Kullu Shawl"


async def test_one_sellers_key_never_reaches_another_seller(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        _, kullu = await _register(net, "Kullu")
        _, chamba = await _register(net, "Chamba")
        kullu_item = _entry("Kullu")["items"][0]
        await net.client.put(
            f"/seller/v1/items/{kullu_item['sku']}", json=kullu_item, headers=kullu
        )
        assert (await net.client.get("/seller/v1/items", headers=chamba)).json() == []
        me = await net.client.get("/seller/v1/me", headers=chamba)
        assert me.json()["seller"]["code"] == "odopchamba"
        stolen = await net.client.patch(
            "/seller/v1/stock",
            json={"items": [{"sku": kullu_item["sku"], "available": 0}]},
            headers=chamba,
        )
        assert stolen.status_code == 404  # another seller's SKU is simply unknown here
        [mine] = (await net.client.get("/seller/v1/items", headers=kullu)).json()
        assert mine["available"] == kullu_item["available"]


async def test_bulk_stock_update_sets_true_counts_and_lists_unknown_skus(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        _, key = await _register(net, "Kinnaur")
        for item in _entry("Kinnaur")["items"]:
            await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
        skus = [item["sku"] for item in _entry("Kinnaur")["items"]]
        update = await net.client.patch(
            "/seller/v1/stock",
            json={"items": [{"sku": skus[0], "available": 0}, {"sku": skus[1], "available": 7},
                            {"sku": "nope", "available": 1}]},
            headers=key,
        )  # fmt: skip
        assert update.json() == {"updated": 2, "unknown_skus": ["nope"]}
        counts = {
            i["sku"]: i["available"]
            for i in (await net.client.get("/seller/v1/items", headers=key)).json()
        }
        assert (counts[skus[0]], counts[skus[1]]) == (0, 7)


async def test_bad_bodies_get_a_4xx_naming_the_field(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        _, key = await _register(net, "Kangra")
        item = {**_entry("Kangra")["items"][0], "price": "99999.00"}
        refused = await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
        assert refused.status_code == 422
        assert "above the MRP" in refused.text
        extra = {**_entry("Kangra")["items"][0], "colour": "red"}
        refused = await net.client.put(f"/seller/v1/items/{extra['sku']}", json=extra, headers=key)
        assert refused.status_code == 422
        assert "colour" in refused.text
        mismatch = await net.client.put(
            "/seller/v1/items/other-sku", json=_entry("Kangra")["items"][0], headers=key
        )
        assert mismatch.status_code == 422
        assert "sku" in mismatch.json()["detail"]
        negative = await net.client.patch(
            "/seller/v1/stock", json={"items": [{"sku": "x", "available": -1}]}, headers=key
        )
        assert negative.status_code == 422
        assert "available" in negative.text


async def test_seller_api_needs_a_seller_key_and_admin_needs_the_operator_key(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        assert (await net.client.get("/seller/v1/items")).status_code == 401
        wrong = {"Authorization": "Bearer sk_not-a-key"}
        assert (await net.client.get("/seller/v1/items", headers=wrong)).status_code == 401
        entry = _entry("Una")
        response = await net.client.put(
            "/admin/v1/sellers/odopuna",
            json={"seller": entry["seller"], "location": entry["location"]},
            headers=wrong,
        )
        assert response.status_code == 401
        missing = await net.client.post("/admin/v1/sellers/nobody/keys", json={}, headers=ADMIN)
        assert missing.status_code == 404


async def test_a_buyer_apps_rejection_reaches_the_seller_in_plain_words(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        _, key = await _register(net, "Kullu")
        item = _entry("Kullu")["items"][0]
        await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
        path = (
            f"message.catalog.bpp/providers[?(@.id=='odopkullu')].items[?(@.id=='{item['sku']}')]"
        )
        body = orjson.dumps(
            {
                "context": context("catalog_rejection", clock, city="*"),
                "errors": [
                    {
                        "type": "ITEM-ERROR",
                        "code": "91001",
                        "path": path,
                        "message": "Item price > MRP",
                    },
                    {
                        "type": "ITEM-ERROR",
                        "code": "91002",
                        "path": "somewhere.else",
                        "message": "not ours",
                    },
                ],
            }
        )
        response = await net.post("catalog_rejection", body, signed(body, clock))
        assert response.status_code == 200
        [rejection] = (await net.client.get("/seller/v1/rejections", headers=key)).json()
        assert rejection["sku"] == item["sku"]
        assert rejection["buyer_app"] == "buyer.example"
        assert rejection["explanation"] == (
            f"The buyer app buyer.example did not accept your item {item['sku']}: "
            "Item price > MRP (code 91001)."
        )
        _, other = await _register(net, "Chamba")
        assert (await net.client.get("/seller/v1/rejections", headers=other)).json() == []


async def test_an_item_put_without_a_mandatory_attribute_is_held_and_says_which(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        _, key = await _register(net, "Kullu")
        item = _entry("Kullu")["items"][0]
        attributes = {k: v for k, v in item["attributes"].items() if k != "gender"}
        put = await net.client.put(
            f"/seller/v1/items/{item['sku']}", json={**item, "attributes": attributes}, headers=key
        )
        assert put.status_code == 200, put.text
        assert put.json()["held_back"] == [
            "a 'Dupattas & Shawls' item must state these attributes: gender"
        ]
        [listed] = (await net.client.get("/seller/v1/items", headers=key)).json()
        assert listed["attributes"] == attributes
        fixed = await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
        assert fixed.json()["held_back"] == []
        assert fixed.json()["attributes"]["gender"] == "unisex"


async def test_a_seller_key_is_issued_without_a_body(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        entry = _entry("Mandi")
        code = entry["seller"]["code"]
        await net.client.put(
            f"/admin/v1/sellers/{code}",
            json={"seller": entry["seller"], "location": entry["location"]},
            headers=ADMIN,
        )
        issued = await net.client.post(f"/admin/v1/sellers/{code}/keys", headers=ADMIN)
        assert issued.status_code == 201, issued.text
        me = await net.client.get(
            "/seller/v1/me", headers={"Authorization": f"Bearer {issued.json()['api_key']}"}
        )
        assert me.json()["seller"]["code"] == code
        labelled = await net.client.post(
            f"/admin/v1/sellers/{code}/keys", json={"label": ""}, headers=ADMIN
        )
        assert labelled.status_code == 422
        assert labelled.json()["detail"].startswith("label: ")


async def test_an_item_from_get_can_be_put_back_unchanged(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        _, key = await _register(net, "Kangra")
        for item in _entry("Kangra")["items"]:
            put = await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
            assert put.status_code == 200, put.text
        before = (await net.client.get("/seller/v1/items", headers=key)).json()
        assert any(item["statutory"] for item in before)  # a packaged food item is among them
        for item in before:
            again = await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
            assert again.status_code == 200, again.text
        changed = {**before[0], "price": "101.00", "mrp": "120.00"}
        await net.client.put(f"/seller/v1/items/{changed['sku']}", json=changed, headers=key)
        after = (await net.client.get("/seller/v1/items", headers=key)).json()
        assert after[1:] == before[1:]
        assert (after[0]["price"], after[0]["mrp"]) == ("101.00", "120.00")
        abroad = {**before[0], "origin_country": "CHN"}
        refused = await net.client.put(
            f"/seller/v1/items/{abroad['sku']}", json=abroad, headers=key
        )
        assert refused.status_code == 422
        assert refused.json()["detail"].startswith("origin_country: ")


async def test_a_missing_key_and_an_unknown_key_are_told_apart(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        missing = await net.client.get("/seller/v1/items")
        unknown = await net.client.get(
            "/seller/v1/items", headers={"Authorization": "Bearer sk_not-a-key"}
        )
        malformed = await net.client.get(
            "/seller/v1/items", headers={"Authorization": "sk_not-a-key"}
        )
        assert (missing.status_code, unknown.status_code, malformed.status_code) == (401, 401, 401)
        assert missing.json()["detail"].startswith("missing Authorization header")
        assert "not recognised" in unknown.json()["detail"]
        assert malformed.json()["detail"] == "Authorization: expected Bearer <seller API key>"
        assert unknown.headers["WWW-Authenticate"] == "Bearer"


async def test_every_refused_body_names_its_field(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        code, key = await _register(net, "Kangra")
        item = _entry("Kangra")["items"][0]
        path = f"/seller/v1/items/{item['sku']}"
        nameless = {k: v for k, v in item.items() if k != "name"}
        cases = [
            ("put", path, nameless, "name: is required"),
            ("put", path, {**item, "colour": "red"}, "colour: is not a field"),
            ("put", path, [item], "body: "),
            ("patch", "/seller/v1/stock", {"items": [{"sku": "x"}]}, "items.0.available: is"),
            ("patch", "/seller/v1/stock", {"items": []}, "items: "),
            ("put", f"/admin/v1/sellers/{code}/feed", {"url": "not a url"}, "url: "),
        ]  # fmt: skip
        for method, path, body, named in cases:
            headers = ADMIN if path.startswith("/admin") else key
            response = await net.client.request(method, path, json=body, headers=headers)
            assert response.status_code == 422, (path, response.text)
            detail = response.json()["detail"]
            assert isinstance(detail, str), detail
            assert detail.startswith(named), (named, detail)


async def test_signature_headers_with_non_ascii_text_are_refused_not_500(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        code, _ = await _register(net, "Kullu")
        await net.client.post(f"/admin/v1/sellers/{code}/webhook-secret", headers=ADMIN)
        stamp = str(int(clock.now().timestamp()))
        for headers, named in (
            ({"X-ODOP-Timestamp": stamp, "X-ODOP-Delivery": "delivery-0001",
              "X-ODOP-Signature": "sha256=é"}, "X-ODOP-Signature"),
            ({"X-ODOP-Timestamp": "²", "X-ODOP-Delivery": "delivery-0002",
              "X-ODOP-Signature": "sha256=00"}, "X-ODOP-Timestamp"),
            ({"X-ODOP-Timestamp": stamp, "X-ODOP-Delivery": "délivery-0003",
              "X-ODOP-Signature": "sha256=00"}, "X-ODOP-Delivery"),
        ):  # fmt: skip
            hook = await net.client.post(
                f"/seller/v1/webhooks/stock/{code}",
                content=b'{"items": []}',
                headers={name: value.encode("latin-1") for name, value in headers.items()},
            )
            assert hook.status_code == 401, hook.text
            assert hook.json()["detail"].startswith(named)
        body = search_body(clock)
        for old, new in (('signature="', 'signature="é'), ('keyId="', 'keyId="é')):
            header = signed(body, clock)["Authorization"].replace(old, new, 1).encode()
            beckn = await net.client.post(
                "/ondc/search", content=body, headers={"Authorization": header}
            )
            assert (beckn.status_code, beckn.json()["error"]["code"]) == (401, "30016")
