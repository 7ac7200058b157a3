"""``ondc-seller demo``: the adapter and the network's other participants on loopback.

Everything runs with embedded defaults in one process: the adapter on SQLite, a sandbox
registry. The adapter onboards with the registry exactly as with ONDC (site-verification
page, encrypted /on_subscribe challenge), then runs its registry self-test. Keys persist in
the data directory, so the seller keeps its identity across runs.
"""

from __future__ import annotations

import asyncio
import secrets
import signal
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import httpx
import orjson

import signing
from adapter.app import create_app
from adapter.catalog.importer import import_catalogue
from adapter.core.clock import SystemClock
from adapter.network.slow_clients import RequestLimits
from adapter.registry.client import RegistryClient
from adapter.registry.self_test import Check, run_self_test
from adapter.registry.subscription import Entity, subscribe_payload
from adapter.sandbox.buyer import SandboxBuyer
from adapter.sandbox.conformance import check
from adapter.sandbox.demo_125 import play_flows_125
from adapter.sandbox.demo_b2b import play_b2b
from adapter.sandbox.flowcheck import write_flow_logs
from adapter.sandbox.flows import seller_player
from adapter.sandbox.flows_125 import OWN_GOODS
from adapter.sandbox.flows_payment_125 import DEMO_GATEWAY_SECRET, DEMO_GATEWAY_URL
from adapter.sandbox.grievance_demo import play_grievances
from adapter.sandbox.registry import SandboxRegistry
from adapter.sandbox.servers import LoopbackNames, LoopbackServer
from adapter.settings import Settings, load_settings
from adapter.storage import Database
from adapter.storage.catalog import CatalogStore

__all__ = ["DemoOptions", "run_demo"]

SELLER_ID = "odop-seller.localhost"
BUYER_ID = "buyer-app.localhost"
DEMO_CATALOGUE = Path(__file__).resolve().parents[2] / "config" / "demo" / "odop-catalogue.json"
DEMO_SEARCHES = (("shawl", "ONDC:RET12"), ("शॉल", "ONDC:RET12"), ("tea", "ONDC:RET10"))
DEMO_ENTITY = Entity(
    legal_name="Himachal Pradesh ODOP Marketplace (demo)",
    business_address="Udyog Bhawan, Bemloe, Shimla, Himachal Pradesh 171001",
    gst_no="02AAAGH0000A1Z5",
    pan_no="AAAGH0000A",
    pan_name="Himachal Pradesh ODOP Marketplace",
    date_of_incorporation="01/04/2024",
    signatory_name="Demo Signatory",
    signatory_address="Shimla, Himachal Pradesh 171001",
    email="ondc-demo@odop.localhost",
    mobile="9800000000",
    city_codes=["std:0177"],
)


@dataclass(frozen=True, slots=True)
class DemoOptions:
    """Where the demo keeps its files and which loopback ports it uses."""

    data_dir: Path
    port: int = 8000
    registry_port: int = 8001
    buyer_port: int = 8002
    once: bool = False
    catalogue: Path = (
        Path(__file__).resolve().parents[2] / "config" / "demo" / "odop-catalogue.json"
    )


def _identity(data_dir: Path) -> dict[str, str]:
    """The demo's keys, made once and kept; keys missing from an older file are added."""
    path = data_dir / "identity.json"
    loaded: dict[str, str] = orjson.loads(path.read_bytes()) if path.exists() else {}
    fresh = {
        "signing_private_key": signing.PrivateKey.generate().to_libsodium_base64(),
        "encryption_private_key": signing.EncryptionKeyPair.generate().private_der_base64(),
        "registry_encryption_private_key": (
            signing.EncryptionKeyPair.generate().private_der_base64()
        ),
        "admin_api_key": secrets.token_urlsafe(24),
        "buyer_signing_private_key": signing.PrivateKey.generate().to_libsodium_base64(),
    }
    identity = {**fresh, **loaded}
    if identity != loaded:
        path.write_bytes(orjson.dumps(identity, option=orjson.OPT_INDENT_2))
        path.chmod(0o600)
    return identity


def _settings(
    options: DemoOptions, identity: dict[str, str], registry: SandboxRegistry
) -> Settings:
    return load_settings(
        env_file=None,
        ONDC_SUBSCRIBER_ID=SELLER_ID,
        ONDC_SUBSCRIBER_URL=f"http://{SELLER_ID}:{options.port}/ondc",
        ONDC_UNIQUE_KEY_ID="demo-key-1",
        ONDC_SIGNING_PRIVATE_KEY=identity["signing_private_key"],
        ONDC_ENCRYPTION_PRIVATE_KEY=identity["encryption_private_key"],
        ONDC_REGISTRY_URL=f"http://127.0.0.1:{options.registry_port}",
        ONDC_REGISTRY_ENCRYPTION_PUBLIC_KEY=registry.encryption_public_key,
        ONDC_REQUEST_ID=str(uuid.uuid4()),
        ONDC_ADMIN_API_KEY=identity["admin_api_key"],
        ONDC_GSTIN=DEMO_ENTITY.gst_no,
        ONDC_SETTLEMENT_BANK_ACCOUNT="100200300400",
        ONDC_SETTLEMENT_IFSC="HPSC0000001",
        ONDC_SETTLEMENT_BENEFICIARY=DEMO_ENTITY.legal_name,
        ONDC_SETTLEMENT_BANK_NAME="Himachal Pradesh State Co-operative Bank (demo)",
        ONDC_SETTLEMENT_BRANCH="The Mall, Shimla",
        # The seller app's own payment page and the secret its gateway signs reports with
        # (the demo's gateway is the sandbox: adapter.sandbox.flows_payment_125).
        ONDC_PAYMENT_GATEWAY_URL=DEMO_GATEWAY_URL,
        ONDC_PAYMENT_GATEWAY_SECRET=DEMO_GATEWAY_SECRET,
        DATABASE_URL=f"sqlite:///{(options.data_dir / 'ondc-seller.db').resolve()}",
        # The demo's buyer app, registry and sellers are all on loopback, over plain HTTP.
        ONDC_OUTBOUND_ALLOW_HTTP=True,
        ONDC_OUTBOUND_ALLOW_PRIVATE=True,
    )


async def _onboard(settings: Settings, registry_url: str, clock: SystemClock) -> list[Check]:
    async with httpx.AsyncClient(timeout=10.0) as http:
        assert settings.request_id is not None
        payload = subscribe_payload(
            settings,
            DEMO_ENTITY,
            request_id=settings.request_id,
            now=clock.now(),
            domains=["ONDC:RET10", "ONDC:RET12", "ONDC:RET16"],
        )
        answer = await http.post(f"{registry_url}/subscribe", json=payload)
        subscribed = Check(
            "subscribe",
            answer.status_code == 200,
            "registry verified our site page and /on_subscribe answer"
            if answer.status_code == 200
            else f"registry refused: {answer.text[:300]}",
        )
        client = RegistryClient(http, registry_url, signer=settings.signer, clock=clock)
        return [subscribed, *await run_self_test(settings, client, http, clock)]


async def _search_as_buyer(
    buyer: SandboxBuyer,
    buyer_url: str,
    adapter_url: str,
    clock: SystemClock,
    *,
    words: str,
    domain: str,
) -> Check:
    """A signed /search from the sandbox buyer app in Shimla; its on_search must come back
    verified, and the items found are named."""
    search = {
        "context": buyer.context("search", bap_uri=buyer_url, domain=domain),
        "message": {"intent": {"item": {"descriptor": {"name": words}}}},
    }
    started = clock.monotonic()
    async with httpx.AsyncClient(timeout=10.0) as http:
        answer = await buyer.send(http, f"{adapter_url}/search", search)
    if answer.status_code != 200:
        return Check("search", False, f"adapter answered {answer.status_code}: {answer.text}")
    try:
        [callback] = await buyer.wait_for(search["context"]["message_id"], seconds=30.0)
    except TimeoutError:
        return Check("search", False, "ACKed, but no verified on_search arrived within 30 s")
    elapsed = (clock.monotonic() - started) * 1000
    providers = callback.payload["message"]["catalog"].get("bpp/providers", [])
    found = [item["descriptor"]["name"] for p in providers for item in p.get("items", [])]
    return Check(
        f"search {words!r}",
        bool(found),
        f"signed on_search verified by the buyer app in {elapsed:.0f} ms: "
        f"{', '.join(found) or 'nothing found'}",
    )


async def _price_change_is_pushed(
    buyer: SandboxBuyer, buyer_url: str, adapter_url: str, admin_key: str, clock: SystemClock
) -> Check:
    """The buyer app subscribes to incremental refresh; the Kullu cooperative changes a
    shawl's price through the seller API; the buyer app must receive the push."""
    entry = next(s for s in _demo_sellers() if s["seller"]["district"] == "Kullu")
    item = {**entry["items"][0], "price": "7500.00"}
    subscribe = {
        "context": buyer.context("search", bap_uri=buyer_url, domain=item["domain"], city="*"),
        "message": {
            "intent": {
                "tags": [{"code": "catalog_inc", "list": [{"code": "mode", "value": "start"}]}]
            }
        },
    }
    async with httpx.AsyncClient(base_url=adapter_url, timeout=10.0) as http:
        await buyer.send(http, f"{adapter_url}/ondc/search", subscribe)
        admin = {"Authorization": f"Bearer {admin_key}"}
        code = entry["seller"]["code"]
        key = (await http.post(f"/admin/v1/sellers/{code}/keys", json={}, headers=admin)).json()
        started = clock.monotonic()
        changed = await http.put(
            f"/seller/v1/items/{item['sku']}",
            json=item,
            headers={"Authorization": f"Bearer {key['api_key']}"},
        )
    if changed.status_code != 200:
        return Check("price push", False, f"seller API answered {changed.status_code}")
    transaction = subscribe["context"]["transaction_id"]
    try:
        await buyer.wait_until(
            lambda r: r.payload["context"].get("transaction_id") == transaction, seconds=30.0
        )
    except TimeoutError:
        return Check("price push", False, "no incremental on_search arrived within 30 s")
    elapsed = (clock.monotonic() - started) * 1000
    return Check(
        "price push",
        True,
        f"{item['name']} repriced to ₹{item['price']} by its seller; the subscribed buyer app "
        f"received the signed incremental on_search {elapsed:.0f} ms later",
    )


# One ODOP product per domain for the certification flows: Kangra tea (RET10), the
# Kinnauri shawl (RET12) and a Kangra painting (RET16). Flow 3 comes last: it sells out.
FLOW_PRODUCTS: Final = (("Kangra", 0), ("Kinnaur", 1), ("Kangra", 1))
CATALOGUE_FLOWS: Final = (8, 7, 1, 9)
FLOWS: Final = (2, 4, 5, 6, 3)


async def _play_flows(
    buyer: SandboxBuyer,
    buyer_url: str,
    adapter_url: str,
    seller_uri: str,
    admin_key: str,
    logs_dir: Path,
) -> list[Check]:
    """The certification flows for each product, their logs written in the layout of
    ONDC's log validator and checked with its seller rules."""
    checks: list[Check] = []
    admin = {"Authorization": f"Bearer {admin_key}"}
    async with httpx.AsyncClient(base_url=adapter_url, timeout=10.0) as http:
        for district, index in FLOW_PRODUCTS:
            entry = next(s for s in _demo_sellers() if s["seller"]["district"] == district)
            item = entry["items"][index]
            code = entry["seller"]["code"]
            player = await seller_player(
                http,
                buyer=buyer,
                adapter_url=adapter_url,
                seller_uri=seller_uri,
                buyer_url=buyer_url,
                seller_id=SELLER_ID,
                seller_code=code,
                admin=admin,
            )
            domain = item["domain"].removeprefix("ONDC:")
            for flow in CATALOGUE_FLOWS:
                name = f"flow {flow} {domain} ({item['name']})"
                try:
                    payloads = await player.catalogue_flow(flow, entry, item)
                except (RuntimeError, TimeoutError, httpx.HTTPError) as exc:
                    checks.append(Check(name, False, f"{type(exc).__name__}: {exc}"))
                    continue
                checks.append(
                    await _logged(name, flow, payloads, logs_dir / domain / f"flow{flow}")
                )
            for flow in FLOWS:
                if flow == 6:
                    # Flow 6 needs the seller to accept by hand (after its part cancel).
                    manual = {
                        "seller": {**entry["seller"], "auto_accept": False},
                        "location": entry["location"],
                    }
                    (
                        await http.put(f"/admin/v1/sellers/{code}", json=manual, headers=admin)
                    ).raise_for_status()
                name = f"flow {flow} {domain} ({item['name']})"
                try:
                    payloads = await player.play(flow, entry, item)
                except (RuntimeError, TimeoutError, httpx.HTTPError) as exc:
                    checks.append(Check(name, False, f"{type(exc).__name__}: {exc}"))
                    continue
                checks.append(
                    await _logged(name, flow, payloads, logs_dir / domain / f"flow{flow}")
                )
                if flow == 6:  # the seller accepts automatically again
                    original = {"seller": entry["seller"], "location": entry["location"]}
                    (
                        await http.put(f"/admin/v1/sellers/{code}", json=original, headers=admin)
                    ).raise_for_status()
    return checks


async def _logged(name: str, flow: int, payloads: dict[str, Any], folder: Path) -> Check:
    """Write a flow's payloads in the validator's layout and check them with the
    conformance gate (the validator's flow rules and the workbench's field rules)."""
    await asyncio.to_thread(write_flow_logs, folder, payloads)
    problems = check(flow, payloads)
    detail = (
        f"{len(payloads)} signed payloads, validator and workbench rules pass; logs in {folder}"
        if not problems
        else "; ".join(f"{p.rule} {p.key}: {p.message}" for p in problems[:3])
    )
    return Check(name, not problems, detail)


def _product(district: str, index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    entry = next(s for s in _demo_sellers() if s["seller"]["district"] == district)
    return entry, entry["items"][index]


def _demo_sellers() -> list[dict[str, Any]]:
    document: dict[str, Any] = orjson.loads(DEMO_CATALOGUE.read_bytes())
    sellers: list[dict[str, Any]] = document["sellers"]
    return sellers


async def run_demo(options: DemoOptions, say: Callable[[str], None]) -> bool:
    """Run the demo; with ``once`` stop after the checks, else serve until interrupted."""
    options.data_dir.mkdir(parents=True, exist_ok=True)
    clock = SystemClock()
    identity = _identity(options.data_dir)
    registry = SandboxRegistry(
        clock=clock,
        hosts={SELLER_ID: f"http://127.0.0.1:{options.port}"},
        encryption=signing.EncryptionKeyPair.from_base64(
            identity["registry_encryption_private_key"]
        ),
    )
    settings = _settings(options, identity, registry)
    buyer = SandboxBuyer(
        subscriber_id=BUYER_ID,
        unique_key_id="demo-buyer-1",
        key=signing.PrivateKey.from_base64(identity["buyer_signing_private_key"]),
        registry_url=f"http://127.0.0.1:{options.registry_port}",
        clock=clock,
    )
    buyer_server = LoopbackServer(buyer.app(), options.buyer_port)
    # What the buyer app calls itself on the network (callbacks reach it on loopback); the
    # registry holds that URL, which the adapter checks each request's bap_uri against.
    buyer_url = f"http://{BUYER_ID}:{options.buyer_port}"
    registry.add(buyer.registry_record(buyer_url))
    # The sandbox registry sends its own Date header (from its clock), as registries do.
    registry_server = LoopbackServer(registry.app(), options.registry_port, date_header=False)
    adapter_server = LoopbackServer(
        create_app(settings, clock=clock, transport=LoopbackNames()),
        options.port,
        keep_alive=settings.http_keep_alive_seconds,
        request_limits=RequestLimits(
            settings.http_request_head_seconds, settings.http_body_min_bytes_per_second
        ),
    )
    await registry_server.start()
    await buyer_server.start()
    try:
        await adapter_server.start()
    except BaseException:
        await buyer_server.stop()
        await registry_server.stop()
        raise
    try:
        say(f"adapter   {adapter_server.url}/ondc  (SQLite: {settings.database_url})")
        say(f"registry  {registry_server.url}  (sandbox)")
        say(f"buyer app {buyer_server.url}  (sandbox, verifies every callback)")
        checks = await _onboard(settings, registry_server.url, clock)
        database = Database.connect(settings.database_url)
        try:
            raw = await asyncio.to_thread(options.catalogue.read_bytes)
            report = await import_catalogue(raw, CatalogStore(database), now=clock.now())
        finally:
            await database.dispose()
        checks.append(
            Check(
                "catalogue",
                not report.problems,
                f"{len(report.landed)} ODOP items from {options.catalogue.name} loaded",
            )
        )
        for words, domain in DEMO_SEARCHES:
            checks.append(
                await _search_as_buyer(
                    buyer,
                    buyer_url,
                    f"{adapter_server.url}/ondc",
                    clock,
                    words=words,
                    domain=domain,
                )
            )
        checks.append(
            await _price_change_is_pushed(
                buyer, buyer_url, adapter_server.url, identity["admin_api_key"], clock
            )
        )
        checks.extend(
            await _play_flows(
                buyer,
                buyer_url,
                adapter_server.url,
                str(settings.subscriber_url),
                identity["admin_api_key"],
                options.data_dir / "logs",
            )
        )
        checks.extend(
            await play_grievances(
                buyer,
                buyer_url,
                adapter_server.url,
                str(settings.subscriber_url),
                SELLER_ID,
                identity["admin_api_key"],
                options.data_dir / "logs",
                _demo_sellers(),
            )
        )
        checks.extend(
            await play_flows_125(
                buyer,
                buyer_url,
                adapter_server.url,
                str(settings.subscriber_url),
                SELLER_ID,
                identity["admin_api_key"],
                [_product(district, index) for district, index in FLOW_PRODUCTS],
                options.data_dir / "logs" / "1.2.5",
                options.data_dir / "logs" / "lvu-1.2.5",
                {flow: _product(*goods) for flow, goods in OWN_GOODS.items()},
            )
        )
        checks.extend(
            await play_b2b(
                buyer,
                buyer_url,
                adapter_server.url,
                str(settings.subscriber_url),
                SELLER_ID,
                identity["admin_api_key"],
                options.data_dir / "logs",
                _demo_sellers(),
                today=clock.now().date(),
                on_paper_days=settings.loi_on_paper_days,
            )
        )
        for check in checks:
            say(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
        passed = all(check.ok for check in checks)
        say(f"health    {adapter_server.url}/healthz")
        say(f"API docs  {adapter_server.url}/docs")
        say(f"admin key {identity['admin_api_key']}  (in {options.data_dir / 'identity.json'})")
        async with httpx.AsyncClient(base_url=adapter_server.url, timeout=10.0) as http:
            viewer = await http.post(
                "/admin/v1/dashboard/credentials",
                json={"role": "viewer", "label": "demo department viewer"},
                headers={"Authorization": f"Bearer {identity['admin_api_key']}"},
            )
        token = viewer.json().get("token", "?") if viewer.status_code == 201 else "?"
        say(f"dashboard {adapter_server.url}/dashboard  (department viewer token: {token})")
        if not options.once:
            say("serving; press Ctrl-C to stop")
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await stop.wait()
        return passed
    finally:
        await adapter_server.stop()
        await buyer_server.stop()
        await registry_server.stop()
