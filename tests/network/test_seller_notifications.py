"""Sellers' notifications through the seller API: endpoint and secret, the delivery log,
redelivery, and one seller never reaching another's."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import orjson
import respx

from adapter.app import create_app
from adapter.core.clock import FixedClock
from adapter.core.seller_events import SellerEvent
from adapter.runtime import Runtime
from adapter.settings import load_settings
from tests.fixtures import REPO_ROOT, settings_values
from tests.network.loopback import running
from tests.network.peers import Edge, edge

ADMIN = {"Authorization": "Bearer admin-key-for-tests-0123456789"}
DEMO = orjson.loads((REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes())
HOOK = "https://shop.kullu.example/odop/hooks"


async def _register(net: Edge, district: str) -> tuple[str, dict[str, str]]:
    entry = next(s for s in DEMO["sellers"] if s["seller"]["district"] == district)
    code: str = entry["seller"]["code"]
    created = await net.client.put(
        f"/admin/v1/sellers/{code}",
        json={"seller": entry["seller"], "location": entry["location"]},
        headers=ADMIN,
    )
    assert created.status_code == 200, created.text
    key = await net.client.post(f"/admin/v1/sellers/{code}/keys", json={}, headers=ADMIN)
    return code, {"Authorization": f"Bearer {key.json()['api_key']}"}


def _shop(net: Edge, *answers: httpx.Response) -> list[httpx.Request]:
    """The seller's own system at ``HOOK``, answering ``answers`` in turn."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers[min(len(seen), len(answers)) - 1]

    net.router.post(HOOK).mock(side_effect=answer)
    return seen


async def _order_event(net: Edge, code: str, event: SellerEvent, order_id: str) -> int:
    """What the orders code does: queue an event inside its own transaction."""
    runtime: Runtime = net.app.state.runtime
    async with runtime.store.database.transaction() as connection:
        return await runtime.notifications.enqueue(
            connection,
            seller_code=code,
            event=event,
            order_id=order_id,
            payload={"state": "Created", "total": "₹4,500.00"},
            now=runtime.clock.now(),
        )


async def _notify(net: Edge) -> int:
    handled: int = await net.app.state.notifier.run_once()
    return handled


async def test_a_seller_sets_its_endpoint_and_reads_every_attempt_in_its_log(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        code, key = await _register(net, "Kullu")
        put = await net.client.put(
            "/seller/v1/notifications/endpoint", json={"url": HOOK}, headers=key
        )
        assert put.status_code == 200, put.text
        secret = put.json()["secret"]
        assert re.fullmatch(r"[0-9a-f]{64}", secret)
        assert "X-ODOP-Timestamp" in put.json()["signature"]
        seen = _shop(net, httpx.Response(503), httpx.Response(200))
        await _order_event(net, code, SellerEvent.ORDER_CREATED, "O-1")
        assert await _notify(net) == 1
        clock.advance(3600)
        assert await _notify(net) == 1
        assert len(seen) == 2
        [entry] = (await net.client.get("/seller/v1/notifications", headers=key)).json()
        assert entry["event"] == "order.created"
        assert entry["order_id"] == "O-1"
        assert entry["status"] == "delivered"
        assert entry["data"] == {"state": "Created", "total": "₹4,500.00"}
        assert [(a["outcome"], a["http_status"]) for a in entry["attempts_log"]] == [
            ("error", 503),
            ("delivered", 200),
        ]
        assert entry["attempts_log"][0]["attempted_at"] == "2026-11-23T10:00:00.123Z"
        # Setting the endpoint again keeps the secret; it is never shown again.
        again = await net.client.put(
            "/seller/v1/notifications/endpoint", json={"url": HOOK}, headers=key
        )
        assert again.json()["secret"] is None
        shown = await net.client.get("/seller/v1/notifications/endpoint", headers=key)
        assert shown.json() == {
            "url": HOOK,
            "enabled": True,
            "created_at": "2026-11-23T10:00:00.123Z",
            "updated_at": "2026-11-23T11:00:00.123Z",
        }


async def test_one_seller_never_sees_or_redelivers_anothers_notifications(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        kullu, kullu_key = await _register(net, "Kullu")
        _, chamba_key = await _register(net, "Chamba")
        for key in (kullu_key, chamba_key):
            await net.client.put(
                "/seller/v1/notifications/endpoint", json={"url": HOOK}, headers=key
            )
        _shop(net, httpx.Response(200))
        theirs = await _order_event(net, kullu, SellerEvent.ORDER_CANCELLED, "O-7")
        await _notify(net)
        assert (await net.client.get("/seller/v1/notifications", headers=chamba_key)).json() == []
        stolen = await net.client.post(
            f"/seller/v1/notifications/{theirs}/redeliver", headers=chamba_key
        )
        assert stolen.status_code == 404
        assert "notification_id" in stolen.json()["detail"]
        [mine] = (await net.client.get("/seller/v1/notifications", headers=kullu_key)).json()
        assert (mine["id"], len(mine["attempts_log"])) == (theirs, 1)
        assert (await net.client.get("/seller/v1/notifications")).status_code == 401


async def test_a_refused_notification_is_redelivered_when_the_seller_asks(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        code, key = await _register(net, "Kinnaur")
        await net.client.put("/seller/v1/notifications/endpoint", json={"url": HOOK}, headers=key)
        seen = _shop(net, httpx.Response(400, text="bad field"), httpx.Response(200))
        sent = await _order_event(net, code, SellerEvent.ORDER_RETURN_REQUESTED, "O-3")
        await _notify(net)
        [failed] = (
            await net.client.get("/seller/v1/notifications?status=failed", headers=key)
        ).json()
        assert failed["last_error"] == "HTTP 400"  # the status alone, never the answer's body
        again = await net.client.post(f"/seller/v1/notifications/{sent}/redeliver", headers=key)
        assert again.status_code == 202
        assert again.json() == {"id": sent, "status": "pending"}
        busy = await net.client.post(f"/seller/v1/notifications/{sent}/redeliver", headers=key)
        assert busy.status_code == 409
        await _notify(net)
        assert len(seen) == 2
        assert seen[0].content == seen[1].content
        [entry] = (await net.client.get("/seller/v1/notifications", headers=key)).json()
        assert entry["status"] == "delivered"
        assert [a["outcome"] for a in entry["attempts_log"]] == ["refused", "delivered"]


async def test_events_before_an_endpoint_are_logged_as_skipped_and_can_be_sent_later(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        code, key = await _register(net, "Una")
        sent = await _order_event(net, code, SellerEvent.ORDER_CREATED, "O-5")
        [entry] = (await net.client.get("/seller/v1/notifications", headers=key)).json()
        assert entry["status"] == "skipped"
        early = await net.client.post(f"/seller/v1/notifications/{sent}/redeliver", headers=key)
        assert early.status_code == 409
        assert early.json()["detail"].startswith("endpoint:")
        missing = await net.client.get("/seller/v1/notifications/endpoint", headers=key)
        assert missing.status_code == 404
        await net.client.put("/seller/v1/notifications/endpoint", json={"url": HOOK}, headers=key)
        seen = _shop(net, httpx.Response(202))
        later = await net.client.post(f"/seller/v1/notifications/{sent}/redeliver", headers=key)
        assert later.status_code == 202
        await _notify(net)
        assert orjson.loads(seen[0].content)["order_id"] == "O-5"


async def test_bad_requests_get_a_4xx_naming_the_field(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        _, key = await _register(net, "Mandi")

        async def put(body: dict[str, Any]) -> httpx.Response:
            return await net.client.put("/seller/v1/notifications/endpoint", json=body, headers=key)

        for body, field in [
            ({"url": "not a url"}, "url"),
            ({"url": "ftp://shop.example/h"}, "url"),
            ({"url": "http://127.0.0.1:5432/"}, "url"),
            ({"url": "https://10.1.2.3/hooks"}, "url"),
            ({"url": "http://localhost:8000/"}, "url"),
            ({"url": HOOK, "colour": "red"}, "colour"),
            ({}, "url"),
        ]:
            refused = await put(body)
            assert refused.status_code == 422, body
            assert refused.json()["detail"].startswith(f"{field}: "), (body, refused.text)
        for path, field in [
            ("/seller/v1/notifications?status=lost", "status"),
            ("/seller/v1/notifications?limit=0", "limit"),
        ]:
            refused = await net.client.get(path, headers=key)
            assert refused.status_code == 422
            assert refused.json()["detail"].startswith(f"{field}: "), refused.text
        bad_id = await net.client.post("/seller/v1/notifications/abc/redeliver", headers=key)
        assert bad_id.status_code == 422
        assert bad_id.json()["detail"].startswith("notification_id: "), bad_id.text
        unknown = await net.client.post("/seller/v1/notifications/999/redeliver", headers=key)
        assert unknown.status_code == 404


async def test_production_settings_take_only_https_endpoints_without_credentials(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_OUTBOUND_ALLOW_HTTP="false") as net:
        _, key = await _register(net, "Mandi")
        for url, reason in [
            ("http://shop.kullu.example/odop/hooks", "scheme 'http' is not allowed"),
            ("https://user:pw@shop.kullu.example/odop/hooks", "user name or password"),
        ]:
            refused = await net.client.put(
                "/seller/v1/notifications/endpoint", json={"url": url}, headers=key
            )
            assert refused.status_code == 422
            assert refused.json()["detail"].startswith("url: ")
            assert reason in refused.json()["detail"]
        taken = await net.client.put(
            "/seller/v1/notifications/endpoint", json={"url": HOOK}, headers=key
        )
        assert taken.status_code == 200


async def test_the_running_adapter_delivers_notifications_by_itself(
    tmp_path: Path, clock: FixedClock
) -> None:
    router = respx.Router(assert_all_called=False)
    hook = router.post(HOOK).mock(return_value=httpx.Response(200))
    settings = load_settings(env_file=None, **settings_values(f"sqlite:///{tmp_path}/a.db"))
    app = create_app(settings, transport=httpx.MockTransport(router.async_handler), clock=clock)
    async with running(app):
        runtime: Runtime = app.state.runtime
        await runtime.notifications.set_endpoint(
            "odopkullu", HOOK, enabled=True, rotate_secret=False, now=clock.now()
        )
        await runtime.notifications.enqueue(
            None,
            seller_code="odopkullu",
            event=SellerEvent.ORDER_CREATED,
            order_id="O-1",
            payload={},
            now=clock.now(),
        )
        for _ in range(100):  # the notifier polls every second
            if hook.called:
                break
            await asyncio.sleep(0.05)
    assert hook.call_count == 1
