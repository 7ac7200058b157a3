"""The network edge in process: every request gets a correct ACK or NACK, never a 500."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import signing
from adapter.coordination import Admission, MemoryState, RedisState
from adapter.core.clock import FixedClock
from adapter.core.contract_table import IGM_1_0_0
from adapter.core.contracts import ContractTable
from tests.network.peers import (
    BUYER,
    BUYER_ID,
    GATEWAY,
    REGISTRY,
    context,
    edge,
    search_body,
    signed,
)

ACK = {"message": {"ack": {"status": "ACK"}}}


def _nack(response: httpx.Response) -> dict[str, str]:
    body = response.json()
    assert body["message"] == {"ack": {"status": "NACK"}}
    error: dict[str, str] = body["error"]
    return error


async def test_signed_search_is_acked_and_answered_with_a_signed_on_search(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        body = search_body(clock)
        response = await net.post("search", body, signed(body, clock))
        assert response.status_code == 200
        assert response.json() == ACK
        assert await net.dispatch() == 1
        [callback] = net.received
        assert str(callback.url) == "https://buyer.example/ondc/on_search"
        params = signing.verify(
            callback.content,
            callback.headers["Authorization"],
            net.settings.signing_key.public_key,
            now=clock.timestamp(),
        )
        assert params.key_id == "seller.odop.example|uk-seller-1|ed25519"
        sent = orjson.loads(callback.content)
        request_context = orjson.loads(body)["context"]
        assert sent["context"]["action"] == "on_search"
        assert sent["context"]["transaction_id"] == request_context["transaction_id"]
        assert sent["context"]["message_id"] == request_context["message_id"]
        assert sent["context"]["bpp_id"] == "seller.odop.example"
        assert sent["context"]["bpp_uri"] == "http://seller.odop.example/ondc"
        assert sent["context"]["timestamp"] == "2026-11-23T10:00:00.123Z"
        assert "bpp/providers" in sent["message"]["catalog"]
        [job] = await net.app.state.runtime.outbox.jobs()
        assert job["status"] == "delivered"
        [attempt] = await net.app.state.runtime.outbox.attempts(job["id"])
        assert (attempt["outcome"], attempt["http_status"]) == ("ACK", 200)
        audit = await net.app.state.runtime.store.messages_for_transaction(
            request_context["transaction_id"]
        )
        assert [(m["direction"], m["action"]) for m in audit] == [
            ("in", "search"),
            ("out", "on_search"),
        ]
        assert audit[0]["body"] == body
        assert audit[1]["body"] == callback.content


async def test_gateway_signature_is_verified_too(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        body = search_body(clock)
        headers = signed(body, clock)
        headers["X-Gateway-Authorization"] = signed(body, clock, GATEWAY)["Authorization"]
        assert (await net.post("search", body, headers)).status_code == 200
        other = search_body(clock)
        headers = signed(other, clock)
        headers["X-Gateway-Authorization"] = signed(other + b" ", clock, GATEWAY)["Authorization"]
        refused = await net.post("search", other, headers)
        assert refused.status_code == 401
        assert "X-Gateway-Authorization" in _nack(refused)["message"]


@pytest.mark.parametrize(
    ("case", "expected_message"),
    [
        ("tampered", "does not verify"),
        ("expired", "expired"),
        ("missing", "Authorization header is missing"),
        ("unknown-key", "no live key"),
        ("garbage", "scheme"),
    ],
)
async def test_bad_signatures_get_401_and_nack_30016(
    tmp_path: Path, clock: FixedClock, case: str, expected_message: str
) -> None:
    async with edge(tmp_path, clock) as net:
        body = search_body(clock)
        headers = signed(body, clock)
        if case == "tampered":
            body = body.replace("शॉल".encode(), "शाल".encode())
        elif case == "expired":
            clock.advance(31)
        elif case == "missing":
            del headers["Authorization"]
        elif case == "unknown-key":
            stranger = signing.Signer(BUYER_ID, "unknown-ukid", signing.PrivateKey.generate())
            headers = signed(body, clock, stranger)
        elif case == "garbage":
            headers["Authorization"] = "Bearer abc"
        response = await net.post("search", body, headers)
        assert response.status_code == 401
        error = _nack(response)
        assert error["code"] == "30016"
        assert expected_message in error["message"]
        assert await net.dispatch() == 0


async def test_unknown_sender_while_registry_is_down_gets_503_and_31001(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        net.router.routes.clear()
        net.router.post(f"{REGISTRY}/v2.0/lookup").mock(side_effect=httpx.ConnectError("down"))
        body = search_body(clock)
        response = await net.post("search", body, signed(body, clock))
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert _nack(response)["code"] == "31001"


async def test_duplicate_message_id_is_acked_without_a_second_job(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        body = search_body(clock)
        for _ in range(3):
            response = await net.post("search", body, signed(body, clock))
            assert response.json() == ACK
        assert await net.dispatch() == 1
        assert len(net.received) == 1


@pytest.mark.parametrize(
    ("overrides", "path", "code"),
    [
        ({"bpp_id": "someone.else"}, "context.bpp_id", "30000"),
        ({"bap_id": "impostor.example"}, "context.bap_id", "30000"),
        ({"domain": "ONDC:RET11"}, "context.domain", "30000"),
        ({"core_version": "1.1.0"}, "context.core_version", "30000"),
        ({"city": "Shimla"}, "context.city", "30000"),
        ({"country": "NPL"}, "context.country", "30000"),
        ({"ttl": "thirty seconds"}, "context.ttl", "30000"),
        ({"timestamp": "2026-11-23 10:00"}, "context.timestamp", "30000"),
        ({"timestamp": "2026-11-23T09:59:00.000Z"}, "context.timestamp", "30022"),
        ({"timestamp": "2026-11-23T10:01:00.000Z"}, "context.timestamp", "30000"),
        ({"message_id": None}, "context.message_id", "30000"),
        ({"transaction_id": "same", "message_id": "same"}, "context.message_id", "30000"),
    ],
)
async def test_context_rule_breaks_get_a_nack_naming_the_field(
    tmp_path: Path, clock: FixedClock, overrides: dict[str, str | None], path: str, code: str
) -> None:
    async with edge(tmp_path, clock) as net:
        body = search_body(clock, **overrides)
        response = await net.post("search", body, signed(body, clock))
        assert response.status_code == 400
        error = _nack(response)
        assert (error["code"], error["path"]) == (code, path)
        assert path in error["message"] or path.split(".")[1] in error["message"]


async def test_body_that_is_not_json_gets_30000(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        body = b'{"context": {"action": "search"'
        response = await net.post("search", body, signed(body, clock))
        assert response.status_code == 400
        assert _nack(response)["code"] == "30000"


async def test_body_of_the_wrong_shape_names_the_field(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        body = orjson.dumps({"context": context("search", clock), "message": "not an object"})
        response = await net.post("search", body, signed(body, clock))
        error = _nack(response)
        assert (response.status_code, error["code"], error["path"]) == (400, "30000", "message")


async def test_body_over_the_limit_gets_413(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock, ONDC_MAX_SEARCH_BYTES=8192) as net:
        body = search_body(clock).replace(b'"Delivery"', b'"' + b"x" * 9000 + b'"')
        response = await net.post("search", body, signed(body, clock))
        assert response.status_code == 413
        assert "8192" in _nack(response)["message"]


async def test_a_megabyte_search_is_refused_before_it_is_parsed(
    tmp_path: Path, clock: FixedClock
) -> None:
    # A signed 1 MB search used to be verified, parsed on the event loop, ACKed and
    # answered; searches are small (the largest ONDC example is 2 kB).
    async with edge(tmp_path, clock) as net:
        body = search_body(clock).replace(b'"Delivery"', b'"' + b"x" * 1_000_000 + b'"')
        response = await net.post("search", body, signed(body, clock))
        assert response.status_code == 413
        error = _nack(response)
        assert error["code"] == "30000"
        assert "16384" in error["message"]
        assert await net.dispatch() == 0


async def test_sender_over_its_rate_gets_429(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock, ONDC_RATE_LIMIT_PER_SECOND=3) as net:
        statuses = []
        for _ in range(5):
            body = search_body(clock)
            statuses.append((await net.post("search", body, signed(body, clock))).status_code)
        assert statuses == [200, 200, 200, 429, 429]


async def test_a_rate_limited_message_is_new_work_when_retried_later(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_RATE_LIMIT_PER_SECOND=1) as net:
        first, second = search_body(clock), search_body(clock)
        assert (await net.post("search", first, signed(first, clock))).status_code == 200
        assert (await net.post("search", second, signed(second, clock))).status_code == 429
        clock.advance(1)
        assert (await net.post("search", second, signed(second, clock))).status_code == 200
        assert await net.dispatch() == 2


async def test_refused_requests_count_against_the_senders_rate(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_RATE_LIMIT_PER_SECOND=2) as net:
        statuses = []
        for domain in ("ONDC:RET11", "ONDC:RET11", "ONDC:RET16"):
            body = search_body(clock, domain=domain)
            statuses.append((await net.post("search", body, signed(body, clock))).status_code)
        assert statuses == [400, 400, 429]
        body = search_body(clock, domain="ONDC:RET11")
        response = await net.post("search", body, signed(body, clock))
        assert response.status_code == 429  # over the rate: 429 before the domain is judged


async def test_catalog_rejection_is_acked_and_recorded_without_a_callback(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        request_context = context("catalog_rejection", clock, city="*")
        body = orjson.dumps(
            {"context": request_context,
             "errors": [{"type": "ITEM-ERROR", "code": "91001", "path": "item:I1",
                         "message": "image missing"}]}
        )  # fmt: skip
        response = await net.post("catalog_rejection", body, signed(body, clock))
        assert response.json() == ACK
        assert await net.dispatch() == 0
        audit = await net.app.state.runtime.store.messages_for_transaction(
            request_context["transaction_id"]
        )
        assert [m["action"] for m in audit] == ["catalog_rejection"]


async def test_action_without_business_logic_yet_is_refused_with_40001(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        runtime = net.app.state.runtime
        # A family that takes /issue but answers nothing: refused, not ACKed unanswered.
        mute = dataclasses.replace(IGM_1_0_0, replies=MappingProxyType({}))
        net.app.state.runtime = dataclasses.replace(runtime, contracts=ContractTable([mute]))
        body = orjson.dumps(
            {"context": context("issue", clock, core_version="1.0.0"), "message": {"order": {}}}
        )
        response = await net.post("issue", body, signed(body, clock))
        net.app.state.runtime = runtime
        assert response.status_code == 400
        assert _nack(response)["code"] == "40001"


async def test_posting_to_the_wrong_action_path_is_refused(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        body = search_body(clock)
        response = await net.post("status", body, signed(body, clock))
        assert response.status_code == 400
        assert _nack(response)["path"] == "context.action"


async def test_rejected_requests_are_kept_in_the_audit_log(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        body = search_body(clock)
        await net.post("search", body + b" ", signed(body, clock))
        database = net.app.state.runtime.store.database
        async with database.engine.connect() as connection:
            from sqlalchemy import select

            from adapter.storage.tables import messages

            rows = (await connection.execute(select(messages))).all()
        [row] = rows
        assert row.direction == "rejected"
        assert row.verification == "refused: 30016"
        assert row.body == body + b" "
        assert row.http_status == 401


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
    action=st.sampled_from(["search", "select", "confirm", "issue", "catalog_rejection"]),
)
async def test_arbitrary_signed_bodies_never_get_a_500(
    tmp_path_factory: pytest.TempPathFactory, body: bytes, action: str
) -> None:
    from datetime import UTC, datetime

    clock = FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    async with edge(tmp_path_factory.mktemp("fuzz"), clock) as net:
        response = await net.post(action, body, signed(body, clock))
        assert response.status_code in (200, 400, 401)
        if response.status_code != 200:
            assert _nack(response)["code"] in ("30000", "30016", "30022", "40001")


async def test_redis_down_is_a_503_nack_not_a_500(tmp_path: Path, clock: FixedClock) -> None:
    unreachable = RedisState.from_url("redis://127.0.0.1:1/0", clock)
    async with edge(tmp_path, clock, state=unreachable) as net:
        body = search_body(clock)
        response = await net.post("search", body, signed(body, clock))
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert _nack(response)["code"] == "31001"
    await unreachable.close()


async def test_expired_header_is_refused_without_asking_the_registry(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        net.router.routes.clear()
        lookups = net.router.post(f"{REGISTRY}/v2.0/lookup").mock(
            side_effect=httpx.ConnectError("down")
        )
        body = search_body(clock)
        headers = signed(body, clock)
        clock.advance(60)
        response = await net.post("search", body, headers)
        assert response.status_code == 401
        assert "expired" in _nack(response)["message"]
        assert lookups.call_count == 0


async def test_a_refused_request_is_found_by_its_transaction_id(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        body = search_body(clock, domain="ONDC:RET11")
        await net.post("search", body, signed(body, clock))
        transaction_id = orjson.loads(body)["context"]["transaction_id"]
        [row] = await net.app.state.runtime.store.messages_for_transaction(transaction_id)
        assert (row["direction"], row["http_status"]) == ("rejected", 400)
        assert "context.domain" in row["error"]


class _BrokenState(MemoryState):
    async def admit(
        self, rate_key: str, limit: int, seen_key: str, seen_ttl_seconds: float
    ) -> Admission:
        raise RuntimeError("a bug nobody foresaw")


async def test_an_unexpected_failure_is_a_503_nack_not_a_500(
    tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with edge(tmp_path, clock, state=_BrokenState(clock)) as net:
        body = search_body(clock)
        response = await net.post("search", body, signed(body, clock))
        assert response.status_code == 503
        assert _nack(response)["code"] == "31001"
        assert "a bug nobody foresaw" in caplog.text
        assert "a bug nobody foresaw" not in response.text


async def test_beckn_requests_under_a_root_path_and_other_methods_go_through_fastapi(
    tmp_path: Path, clock: FixedClock
) -> None:
    # The app sends a Beckn POST straight to its endpoint; behind a proxy that sets a
    # root path, and for any other method, FastAPI routes it to the same endpoints.
    async with edge(tmp_path, clock) as net:
        proxied = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=net.app, root_path="/gateway"),
            base_url="http://seller.odop.example",
        )
        async with proxied:
            body = search_body(clock)
            response = await proxied.post("/gateway/ondc/search", content=body,
                                          headers=signed(body, clock))  # fmt: skip
            assert response.status_code == 200
            assert response.json() == ACK
            unsigned = await proxied.post("/gateway/ondc/search", content=body)
            assert unsigned.status_code == 401
            assert _nack(unsigned)["code"] == "30016"
        assert (await net.client.get("/ondc/search")).status_code == 405
        assert (await net.client.post("/ondc/no_such_action", content=b"{}")).status_code == 404
        assert await net.dispatch() == 1
        [callback] = net.received
        assert orjson.loads(callback.content)["context"]["action"] == "on_search"


async def test_a_signature_valid_for_years_is_refused(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        body = search_body(clock)
        now = clock.timestamp()
        header = BUYER.sign(body, created=now, expires=now + 10 * 365 * 86400)
        response = await net.post("search", body, {"Authorization": header})
        error = _nack(response)
        assert (response.status_code, error["code"]) == (401, "30016")
        assert "expires - created is 315360000 s; at most 3600 s" in error["message"]
        hour = BUYER.sign(body, created=now, expires=now + 3600)
        assert (await net.post("search", body, {"Authorization": hour})).status_code == 200


async def test_a_ttl_of_years_is_refused_naming_the_field(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        body = search_body(clock, ttl="P3650D")
        response = await net.post("search", body, signed(body, clock))
        error = _nack(response)
        assert (response.status_code, error["code"], error["path"]) == (400, "30000", "context.ttl")
        assert "P3650D" in error["message"]
        day = search_body(clock, ttl="P1D")  # B2B selects ask for a day
        assert (await net.post("search", day, signed(day, clock))).status_code == 200
        assert await net.dispatch() == 1


async def test_an_id_longer_than_the_store_keeps_is_refused_naming_it(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    # PostgreSQL refused a 300-character message id when writing it: a 503 to the sender.
    async with edge(tmp_path, clock, database_url=database_url) as net:
        body = search_body(clock, message_id="m" * 300)
        response = await net.post("search", body, signed(body, clock))
        error = _nack(response)
        assert (response.status_code, error["path"]) == (400, "context.message_id")
        assert "300 characters long; at most 255" in error["message"]
        body = search_body(clock, message_id="m" * 255)
        assert (await net.post("search", body, signed(body, clock))).status_code == 200
