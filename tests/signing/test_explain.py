"""explain() names the check that failed and shows what it saw."""

from __future__ import annotations

import base64

import signing
from tests.fixtures import signing_vectors

VECTORS = signing_vectors()
P02 = next(v for v in VECTORS["positive"] if v["id"].startswith("P02"))
K1_PUBLIC = signing.PublicKey.from_base64(VECTORS["keys"]["k1"]["public_key_b64"])
BODY = base64.b64decode(P02["body_b64"])


def test_good_signature_explains_as_ok_with_digest_and_signing_string() -> None:
    result = signing.explain(BODY, P02["header"], K1_PUBLIC, now=P02["verify_now"])
    assert result.ok
    assert result.digest == P02["digest_b64"]
    assert result.signing_string == P02["signing_string"]
    assert [s.name for s in result.steps] == ["header", "time window", "signature"]


def test_reserialised_body_fails_at_the_signature_step() -> None:
    result = signing.explain(BODY + b"\n", P02["header"], K1_PUBLIC, now=P02["verify_now"])
    assert not result.ok
    assert result.failed_step is not None
    assert result.failed_step.name == "signature"
    assert "trailing newline" in result.failed_step.detail


def test_expired_header_fails_at_the_time_window_and_shows_the_times() -> None:
    result = signing.explain(BODY, P02["header"], K1_PUBLIC, now=P02["expires"] + 10)
    assert result.failed_step is not None
    assert result.failed_step.name == "time window"
    assert "2023-11-14T23:13:20Z" in result.failed_step.detail


def test_unparseable_header_stops_at_the_header_step() -> None:
    result = signing.explain(BODY, "Bearer x", K1_PUBLIC, now=0)
    assert [s.name for s in result.steps] == ["header"]
    assert not result.ok


def test_without_a_key_the_signature_is_not_claimed_valid() -> None:
    result = signing.explain(BODY, P02["header"], None, now=P02["verify_now"])
    assert not result.ok
