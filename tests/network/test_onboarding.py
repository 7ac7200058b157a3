"""Registry onboarding end to end: the sandbox registry checks the site-verification page,
sends an encrypted challenge to /on_subscribe, lists us, and our self-test passes."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from adapter.app import create_app
from adapter.core.clock import FixedClock
from adapter.registry.client import RegistryClient
from adapter.registry.self_test import run_self_test
from adapter.registry.subscription import Entity, subscribe_payload
from adapter.sandbox.registry import SandboxRegistry
from adapter.settings import Settings, load_settings
from tests.fixtures import settings_values, signing_vectors
from tests.network.loopback import HostRouter, running, serving

ENTITY = Entity(
    legal_name="Himachal ODOP Marketplace",
    business_address="Udyog Bhawan, Shimla 171001",
    gst_no="02AAAAA0000A1Z5",
    pan_no="AAAAA0000A",
    pan_name="Himachal ODOP Marketplace",
    date_of_incorporation="01/04/2020",
    signatory_name="राम सिंह",
    signatory_address="Shimla",
    email="ondc@odop.example",
    mobile="9800000000",
    city_codes=["std:0177"],
)
CHALLENGE = signing_vectors()["aux"]["on_subscribe_challenge"]


def _settings(tmp_path: Path, registry: SandboxRegistry, request_id: str) -> Settings:
    return load_settings(
        env_file=None,
        **settings_values(
            f"sqlite:///{tmp_path}/a.db",
            ONDC_REGISTRY_ENCRYPTION_PUBLIC_KEY=registry.encryption_public_key,
            ONDC_REQUEST_ID=request_id,
        ),
    )


async def test_subscribing_lists_us_and_the_self_test_passes(
    tmp_path: Path, clock: FixedClock
) -> None:
    router = HostRouter()
    registry = SandboxRegistry(
        clock=clock, hosts={"seller.odop.example": "http://seller.odop.example"}, transport=router
    )
    request_id = str(uuid.uuid4())
    settings = _settings(tmp_path, registry, request_id)
    adapter = create_app(settings, transport=router, clock=clock)
    router.add("seller.odop.example", adapter)
    router.add("registry.test", registry.app())
    async with running(adapter), httpx.AsyncClient(transport=router) as http:
        payload = subscribe_payload(
            settings, ENTITY, request_id=request_id, now=clock.now(), domains=["ONDC:RET16"]
        )
        answer = await http.post("http://registry.test/subscribe", json=payload)
        assert answer.json() == {"message": {"ack": {"status": "ACK"}}, "error": None}
        [record] = registry.records
        assert record["signing_public_key"] == settings.signing_key.public_key.to_base64()
        assert record["ukId"] == "uk-seller-1"
        client = RegistryClient(http, "http://registry.test", signer=settings.signer, clock=clock)
        checks = await run_self_test(settings, client, http, clock)
    assert [(c.name, c.ok) for c in checks] == [
        ("sign and verify", True),
        ("clock", True),
        ("registry lookup", True),
        ("signing key", True),
        ("encryption key", True),
        ("validity", True),
    ]


async def test_self_test_names_a_key_mismatch(tmp_path: Path, clock: FixedClock) -> None:
    router = HostRouter()
    registry = SandboxRegistry(clock=clock, transport=router)
    settings = _settings(tmp_path, registry, "r-1")
    other = signing_vectors()["keys"]["k2"]["public_key_b64"]
    registry.add(
        {
            "subscriber_id": settings.subscriber_id,
            "ukId": settings.unique_key_id,
            "signing_public_key": settings.signing_key.public_key.to_base64(),
            "status": "SUBSCRIBED",
            "valid_until": "2030-01-01T00:00:00.000Z",
        }
    )
    router.add("registry.test", registry.app())
    async with httpx.AsyncClient(transport=router) as http:
        client = RegistryClient(http, "http://registry.test", signer=settings.signer, clock=clock)
        registry.records[0]["signing_public_key"] = other
        checks = await run_self_test(settings, client, http, clock)
    by_name = {c.name: c for c in checks}
    assert not by_name["registry lookup"].ok  # our v2 lookup is refused: our key is not listed
    assert (
        "1020" in by_name["registry lookup"].detail
        or "signature" in by_name["registry lookup"].detail
    )


async def test_on_subscribe_answers_the_vector_challenge(tmp_path: Path, clock: FixedClock) -> None:
    settings = load_settings(env_file=None, **settings_values(f"sqlite:///{tmp_path}/a.db"))
    async with serving(settings, clock) as http:
        reply = await http.post(
            "/ondc/on_subscribe",
            json={"subscriber_id": "seller.odop.example", "challenge": CHALLENGE["challenge"]},
        )
    assert reply.status_code == 200
    assert reply.json() == {"answer": CHALLENGE["expected_answer"]}


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"not json", 400, "not JSON"),
        (b'{"subscriber_id":"seller.odop.example"}', 400, "challenge is missing"),
        (b'{"subscriber_id":"someone.else","challenge":"AAAA"}', 400, "is not ours"),
        (b'{"subscriber_id":"seller.odop.example","challenge":"AAAA"}', 400, "16-byte blocks"),
    ],
)
async def test_bad_on_subscribe_requests_get_a_clear_4xx(
    tmp_path: Path, clock: FixedClock, body: bytes, status: int, message: str
) -> None:
    settings = load_settings(env_file=None, **settings_values(f"sqlite:///{tmp_path}/a.db"))
    async with serving(settings, clock) as http:
        reply = await http.post("/ondc/on_subscribe", content=body)
    assert reply.status_code == status
    assert message in reply.json()["error"]["message"]


async def test_site_verification_page_needs_a_request_id(tmp_path: Path, clock: FixedClock) -> None:
    settings = load_settings(env_file=None, **settings_values(f"sqlite:///{tmp_path}/a.db"))
    async with serving(settings, clock) as http:
        reply = await http.get("/ondc-site-verification.html")
    assert reply.status_code == 404
    assert "ONDC_REQUEST_ID" in reply.text


async def test_healthz_reports_the_database(tmp_path: Path, clock: FixedClock) -> None:
    settings = load_settings(env_file=None, **settings_values(f"sqlite:///{tmp_path}/a.db"))
    async with serving(settings, clock) as http:
        reply = await http.get("/healthz")
    assert reply.status_code == 200
    assert reply.json() == {
        "status": "ok",
        "database": "ok",
        "disk": "ok",
        "redis": "not configured",
    }


async def test_healthz_reports_redis_down_as_503_not_500(tmp_path: Path, clock: FixedClock) -> None:
    settings = load_settings(
        env_file=None,
        **settings_values(f"sqlite:///{tmp_path}/a.db", REDIS_URL="redis://127.0.0.1:1/0"),
    )
    async with serving(settings, clock) as http:
        reply = await http.get("/healthz")
    assert reply.status_code == 503
    assert reply.json() == {
        "status": "degraded",
        "database": "ok",
        "disk": "ok",
        "redis": "unavailable",
    }
