"""Two buyer apps, each with its own registry entry, signing key and callback server, against
a real ``ondc-seller serve`` process over loopback HTTP: the second, knowing only the
first's transaction id, can neither read the first's order nor break its checkout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

import signing
from adapter.core.clock import SystemClock
from adapter.sandbox.buyer import SandboxBuyer
from adapter.sandbox.flows import FlowPlayer, cart, confirm_message, init_message
from adapter.sandbox.servers import LoopbackServer
from tests.e2e.network import KEYS, Network, network
from tests.e2e.processes import free_port, run_cli
from tests.fixtures import REPO_ROOT, settings_values

DEMO_PATH = REPO_ROOT / "config" / "demo" / "odop-catalogue.json"
DEMO = orjson.loads(DEMO_PATH.read_bytes())
PERSONAL = (b"Asha Verma", b"9876543210", b"asha@example.in", b"12 Mall Road")


async def _nothing(*_: Any) -> Any:
    raise AssertionError("the seller does nothing in this test")


def _player(net: Network, buyer: SandboxBuyer, buyer_url: str) -> FlowPlayer:
    return FlowPlayer(
        buyer=buyer,
        http=net.http,
        adapter_url=net.adapter.url,
        seller_uri=net.adapter.url,
        buyer_url=buyer_url,
        seller_id=settings_values("sqlite://")["ONDC_SUBSCRIBER_ID"],
        seller_act=_nothing,
        seller_stock=_nothing,
    )


async def test_a_second_buyer_app_cannot_read_or_break_a_transaction_it_did_not_open(
    tmp_path: Path,
) -> None:
    async with network(tmp_path) as net:
        imported = run_cli("catalog", "import", str(DEMO_PATH), env=net.adapter.env)
        assert imported.returncode == 0, imported.stdout + imported.stderr
        other = SandboxBuyer(
            subscriber_id="other-buyer.loopback.example",
            unique_key_id="other-buyer-doc",
            key=signing.PrivateKey.from_base64(KEYS["doc"]["private_key_b64"]),
            registry_url=net.buyer.registry_url,
            clock=SystemClock(),
        )
        other_server = LoopbackServer(other.app(), free_port())
        net.registry.add(other.registry_record(other_server.url))
        await other_server.start()
        try:
            a = _player(net, net.buyer, net.buyer_server.url)
            b = _player(net, other, other_server.url)
            entry = next(s for s in DEMO["sellers"] if s["seller"]["district"] == "Kinnaur")
            item = entry["items"][0]
            domain = item["domain"]
            tx = "a-transaction-b-has-seen"

            _, on_select = await a.call(
                "select", cart(entry, item, 1), transaction_id=tx, domain=domain
            )
            assert "error" not in on_select, on_select
            _, on_init = await a.call(
                "init", init_message(on_select), transaction_id=tx, domain=domain
            )
            assert "error" not in on_init, on_init

            answers, asked = [], set()
            for action, message in (
                ("select", cart(entry, item, 3)),
                ("init", init_message(on_select)),
                ("confirm", confirm_message(on_init, "B-ORDER")),
            ):
                body, answer = await b.call(action, message, transaction_id=tx, domain=domain)
                answers.append(answer)
                asked.add(body["context"]["message_id"])
            assert [x["error"]["code"] for x in answers] == ["30000", "30000", "30019"]

            _, on_confirm = await a.call(
                "confirm", confirm_message(on_init, "A-ORDER"), transaction_id=tx, domain=domain
            )
            assert "error" not in on_confirm, on_confirm
            assert on_confirm["message"]["order"]["quote"] == on_init["message"]["order"]["quote"]

            for action, message, code in (
                ("status", {"order_id": "A-ORDER"}, "30018"),
                ("cancel", {"order_id": "A-ORDER", "cancellation_reason_id": "003"}, "30018"),
                ("support", {"ref_id": tx}, "50004"),
            ):
                body, answer = await b.call(action, message, transaction_id=tx, domain=domain)
                answers.append(answer)
                asked.add(body["context"]["message_id"])
                assert answer["error"]["code"] == code, (action, answer)
            for answer in answers:
                assert "order" not in answer.get("message", {})
                raw = orjson.dumps(answer)
                assert not [p for p in PERSONAL if p in raw], answer
            # B's answers reached B's own server (call waits there), and none reached A's.
            assert not [
                r for r in net.buyer.received if r.payload["context"].get("message_id") in asked
            ]

            _, status = await a.call(
                "status", {"order_id": "A-ORDER"}, transaction_id=tx, domain=domain
            )
            assert status["message"]["order"]["state"] in ("Created", "Accepted")
        finally:
            await other_server.stop()
