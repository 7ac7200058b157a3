"""Key lookups against a fake registry peer (respx), with the real cache and signer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
import respx

import signing
from adapter.coordination import MemoryState
from adapter.core.clock import FixedClock
from adapter.core.errors import KeyLookupUnavailable, UnknownSigningKey
from adapter.registry import KeyDirectory, RegistryClient
from tests.fixtures import signing_vectors

REGISTRY = "https://registry.test"
KEYS = signing_vectors()["keys"]
OUR_KEY = signing.PrivateKey.from_base64(KEYS["k1"]["private_key_b64"])
SIGNER = signing.Signer("seller.odop.example", "uk-seller", OUR_KEY)
BUYER_KEY_1 = KEYS["k2"]["public_key_b64"]
BUYER_KEY_2 = KEYS["doc"]["public_key_b64"]


def _record(ukid: str, key: str, valid_until: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "subscriber_id": "buyer.example",
        "ukId": ukid,
        "signing_public_key": key,
        "status": "SUBSCRIBED",
        "valid_from": "2020-01-01T00:00:00.000Z",
        "valid_until": valid_until.isoformat().replace("+00:00", "Z"),
        **extra,
    }


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def _directory(
    http: httpx.AsyncClient, clock: FixedClock, version: str = "v2"
) -> tuple[KeyDirectory, MemoryState]:
    state = MemoryState(clock)
    client = RegistryClient(http, REGISTRY, signer=SIGNER, clock=clock, version=version)  # type: ignore[arg-type]
    return KeyDirectory(client, state, clock, max_cache_seconds=86_400), state


@respx.mock
async def test_v2_lookup_is_signed_over_the_exact_bytes_sent(
    http: httpx.AsyncClient, clock: FixedClock
) -> None:
    route = respx.post(f"{REGISTRY}/v2.0/lookup").respond(
        json=[_record("uk-1", BUYER_KEY_1, clock.now() + timedelta(days=30))]
    )
    directory, _ = _directory(http, clock)
    key = await directory.public_key("buyer.example", "uk-1")
    assert key.to_base64() == BUYER_KEY_1
    request = route.calls.last.request
    assert orjson.loads(request.content) == {"subscriber_id": "buyer.example", "ukId": "uk-1"}
    params = signing.verify(
        request.content,
        request.headers["Authorization"],
        OUR_KEY.public_key,
        now=clock.timestamp(),
    )
    assert params.key_id == "seller.odop.example|uk-seller|ed25519"


@respx.mock
async def test_v1_lookup_is_unsigned(http: httpx.AsyncClient, clock: FixedClock) -> None:
    route = respx.post(f"{REGISTRY}/lookup").respond(
        json=[_record("uk-1", BUYER_KEY_1, clock.now() + timedelta(days=30))]
    )
    directory, _ = _directory(http, clock, version="v1")
    await directory.public_key("buyer.example", "uk-1")
    assert "Authorization" not in route.calls.last.request.headers


@respx.mock
async def test_cached_key_keeps_working_while_the_registry_is_down(
    http: httpx.AsyncClient, clock: FixedClock
) -> None:
    route = respx.post(f"{REGISTRY}/v2.0/lookup")
    route.respond(json=[_record("uk-1", BUYER_KEY_1, clock.now() + timedelta(hours=2))])
    directory, _ = _directory(http, clock)
    await directory.public_key("buyer.example", "uk-1")
    route.side_effect = httpx.ConnectError("registry down")
    clock.advance(3600)
    assert (await directory.public_key("buyer.example", "uk-1")).to_base64() == BUYER_KEY_1
    assert route.call_count == 1


@respx.mock
async def test_key_is_looked_up_again_after_valid_until(
    http: httpx.AsyncClient, clock: FixedClock
) -> None:
    route = respx.post(f"{REGISTRY}/v2.0/lookup")
    route.respond(json=[_record("uk-1", BUYER_KEY_1, clock.now() + timedelta(minutes=10))])
    directory, _ = _directory(http, clock)
    await directory.public_key("buyer.example", "uk-1")
    clock.advance(601)
    route.side_effect = httpx.ConnectError("registry down")
    with pytest.raises(KeyLookupUnavailable, match="retry"):
        await directory.public_key("buyer.example", "uk-1")


@respx.mock
@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.Response(503),
        httpx.Response(429),
        httpx.Response(200, content=b"<html>maintenance</html>"),
    ],
    ids=["refused", "timeout", "503", "429", "not-json"],
)
async def test_unknown_sender_while_registry_is_down_is_lookup_unavailable(
    http: httpx.AsyncClient, clock: FixedClock, failure: Any
) -> None:
    route = respx.post(f"{REGISTRY}/v2.0/lookup")
    if isinstance(failure, httpx.Response):
        route.return_value = failure
    else:
        route.side_effect = failure
    directory, _ = _directory(http, clock)
    with pytest.raises(KeyLookupUnavailable) as caught:
        await directory.public_key("buyer.example", "uk-1")
    assert caught.value.code == "31001"


@respx.mock
async def test_unknown_key_is_refused_and_remembered_briefly(
    http: httpx.AsyncClient, clock: FixedClock
) -> None:
    route = respx.post(f"{REGISTRY}/v2.0/lookup").respond(json=[])
    directory, _ = _directory(http, clock)
    for _ in range(3):
        with pytest.raises(UnknownSigningKey) as caught:
            await directory.public_key("buyer.example", "uk-x")
    assert caught.value.code == "30016"
    assert caught.value.http_status == 401
    assert route.call_count == 1
    clock.advance(31)
    with pytest.raises(UnknownSigningKey):
        await directory.public_key("buyer.example", "uk-x")
    assert route.call_count == 2


@respx.mock
async def test_rotated_keys_both_verify_during_the_overlap(
    http: httpx.AsyncClient, clock: FixedClock
) -> None:
    soon = clock.now() + timedelta(days=1)
    later = clock.now() + timedelta(days=365)
    route = respx.post(f"{REGISTRY}/v2.0/lookup").respond(
        json=[_record("uk-old", BUYER_KEY_1, soon), _record("uk-new", BUYER_KEY_2, later)]
    )
    directory, _ = _directory(http, clock)
    assert (await directory.public_key("buyer.example", "uk-old")).to_base64() == BUYER_KEY_1
    assert (await directory.public_key("buyer.example", "uk-new")).to_base64() == BUYER_KEY_2
    assert route.call_count == 1  # the answer's other key was cached with the first


@respx.mock
async def test_expired_record_is_not_used(http: httpx.AsyncClient, clock: FixedClock) -> None:
    respx.post(f"{REGISTRY}/v2.0/lookup").respond(
        json=[_record("uk-1", BUYER_KEY_1, clock.now() - timedelta(seconds=1))]
    )
    directory, _ = _directory(http, clock)
    with pytest.raises(UnknownSigningKey):
        await directory.public_key("buyer.example", "uk-1")


@respx.mock
async def test_concurrent_misses_share_one_lookup(
    http: httpx.AsyncClient, clock: FixedClock
) -> None:
    async def slow(_: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        return httpx.Response(
            200, json=[_record("uk-1", BUYER_KEY_1, clock.now() + timedelta(days=1))]
        )

    route = respx.post(f"{REGISTRY}/v2.0/lookup").mock(side_effect=slow)
    directory, _ = _directory(http, clock)
    keys = await asyncio.gather(*(directory.public_key("buyer.example", "uk-1") for _ in range(20)))
    assert {k.to_base64() for k in keys} == {BUYER_KEY_1}
    assert route.call_count == 1


@respx.mock
async def test_registry_refusing_our_lookup_is_logged_not_told_to_the_peer(
    http: httpx.AsyncClient, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    respx.post(f"{REGISTRY}/v2.0/lookup").respond(
        401, json={"error": {"code": "1020", "message": "The auth header not found"}}
    )
    directory, _ = _directory(http, clock)
    with pytest.raises(KeyLookupUnavailable) as caught:
        await directory.public_key("buyer.example", "uk-1")
    assert "registry.test" not in caught.value.message
    assert "auth header not found" not in caught.value.message
    assert "auth header not found" in caplog.text


@respx.mock
async def test_a_key_valid_for_seconds_is_not_used_after_it_expires(
    http: httpx.AsyncClient, clock: FixedClock
) -> None:
    route = respx.post(f"{REGISTRY}/v2.0/lookup")
    route.respond(json=[_record("uk-1", BUYER_KEY_1, clock.now() + timedelta(seconds=20))])
    directory, _ = _directory(http, clock)
    await directory.public_key("buyer.example", "uk-1")
    clock.advance(10)
    await directory.public_key("buyer.example", "uk-1")
    assert route.call_count == 1  # served from the caches
    clock.advance(11)
    route.respond(json=[])
    with pytest.raises(UnknownSigningKey):
        await directory.public_key("buyer.example", "uk-1")
    assert route.call_count == 2


@respx.mock
async def test_a_cache_value_in_another_format_is_a_miss_not_an_error(
    http: httpx.AsyncClient, clock: FixedClock
) -> None:
    route = respx.post(f"{REGISTRY}/v2.0/lookup").respond(
        json=[_record("uk-1", BUYER_KEY_1, clock.now() + timedelta(days=1))]
    )
    directory, state = _directory(http, clock)
    await state.put("regkey:buyer.example|uk-1", BUYER_KEY_1.encode(), 60)  # no "|until"
    assert (await directory.public_key("buyer.example", "uk-1")).to_base64() == BUYER_KEY_1
    assert route.call_count == 1


def _url_held_20_seconds(
    http: httpx.AsyncClient, clock: FixedClock
) -> tuple[respx.Route, KeyDirectory, str]:
    """The registry's lookup route answering with a key live for 20 s and its
    subscriber_url; a directory asking it; that URL."""
    route = respx.post(f"{REGISTRY}/v2.0/lookup")
    url = "https://buyer.example/ondc"
    route.respond(
        json=[_record("uk-1", BUYER_KEY_1, clock.now() + timedelta(seconds=20), subscriber_url=url)]
    )
    directory, _ = _directory(http, clock)
    return route, directory, url


@respx.mock
async def test_subscriber_url_of_an_expired_key_is_looked_up_again(
    http: httpx.AsyncClient, clock: FixedClock
) -> None:
    route, directory, url = _url_held_20_seconds(http, clock)
    await directory.public_key("buyer.example", "uk-1")
    assert await directory.subscriber_url("buyer.example", "uk-1", expected=url) == url
    assert route.call_count == 1  # the request's own key, found in the process's cache
    clock.advance(21)
    route.respond(json=[])
    # The URL is served with its key only while the key is live.
    with pytest.raises(UnknownSigningKey):
        await directory.subscriber_url("buyer.example", "uk-1", expected=url)
    assert route.call_count == 2


@respx.mock
async def test_key_and_url_gives_the_url_held_with_a_live_key_only(
    http: httpx.AsyncClient, clock: FixedClock
) -> None:
    route, directory, url = _url_held_20_seconds(http, clock)
    key, held = await directory.key_and_url("buyer.example", "uk-1")
    assert (key.to_base64(), held) == (BUYER_KEY_1, None)  # from the registry
    key, held = await directory.key_and_url("buyer.example", "uk-1")
    assert (key.to_base64(), held) == (BUYER_KEY_1, url)
    assert route.call_count == 1
    clock.advance(21)
    route.respond(json=[])
    with pytest.raises(UnknownSigningKey):
        await directory.key_and_url("buyer.example", "uk-1")
