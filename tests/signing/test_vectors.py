"""Every vector made with ONDC's official Node SDK: a pass proves interoperability."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

import signing
from tests.fixtures import signing_vectors

VECTORS = signing_vectors()
POSITIVE = VECTORS["positive"]
NEGATIVE = VECTORS["negative"]
VARIANTS = VECTORS["format_variants"]
AUX = VECTORS["aux"]


def _body(vector: dict[str, Any]) -> bytes:
    return base64.b64decode(vector["body_b64"])


def _public(key_name: str) -> signing.PublicKey:
    return signing.PublicKey.from_base64(VECTORS["keys"][key_name]["public_key_b64"])


def test_vector_file_has_the_expected_cases() -> None:
    assert len(POSITIVE) == 10
    assert len(NEGATIVE) == 24
    assert len(VARIANTS) == 8


@pytest.mark.parametrize("vector", POSITIVE, ids=lambda v: v["id"])
def test_positive_vector_digest_and_signing_string_match_the_sdk(vector: dict[str, Any]) -> None:
    body = _body(vector)
    assert body == vector["body"].encode("utf-8")
    assert len(body) == vector["body_utf8_bytes"]
    assert signing.digest(body) == vector["digest_b64"]
    assert (
        signing.signing_string(body, vector["created"], vector["expires"])
        == vector["signing_string"]
    )


@pytest.mark.parametrize("vector", POSITIVE, ids=lambda v: v["id"])
def test_positive_vector_verifies(vector: dict[str, Any]) -> None:
    params = signing.verify(
        _body(vector), vector["header"], _public(vector["key"]), now=vector["verify_now"]
    )
    assert params.subscriber_id == vector["subscriber_id"]
    assert params.unique_key_id == vector["unique_key_id"]
    assert base64.b64encode(params.signature).decode() == vector["signature_b64"]


@pytest.mark.parametrize("key_format", ["private_key_b64", "private_key_seed_b64"])
@pytest.mark.parametrize("vector", POSITIVE, ids=lambda v: v["id"])
def test_signing_reproduces_the_sdk_header_byte_for_byte(
    vector: dict[str, Any], key_format: str
) -> None:
    key = signing.PrivateKey.from_base64(VECTORS["keys"][vector["key"]][key_format])
    signer = signing.Signer(vector["subscriber_id"], vector["unique_key_id"], key)
    header = signer.sign(_body(vector), created=vector["created"], expires=vector["expires"])
    assert header == vector["header"]


NEGATIVE_REASONS: dict[str, type[Exception]] = {
    "N01_tampered_body_value": signing.InvalidSignature,
    "N02_body_reserialized_pretty": signing.InvalidSignature,
    "N03_body_reserialized_compact": signing.InvalidSignature,
    "N04_raw_utf8_vs_u_escaped": signing.InvalidSignature,
    "N05_body_trailing_newline": signing.InvalidSignature,
    "N06_wrong_public_key": signing.InvalidSignature,
    "N07_signature_bitflip": signing.InvalidSignature,
    "N08_created_modified": signing.InvalidSignature,
    "N09_expires_extended": signing.InvalidSignature,
    "N10_expired": signing.SignatureExpired,
    "N11_created_in_future": signing.SignatureNotYetValid,
    "N12_created_after_expires": signing.InvalidTimeWindow,
    "N13_algorithm_param_mismatch": signing.UnsupportedAlgorithm,
    "N14_keyid_algorithm_mismatch": signing.UnsupportedAlgorithm,
    "N15_missing_signature_param": signing.MissingParameter,
    "N16_missing_created_param": signing.MissingParameter,
    "N17_missing_keyid_param": signing.MissingParameter,
    "N18_bearer_scheme": signing.MalformedHeader,
    "N19_empty_header": signing.MalformedHeader,
    "N20_garbage_params": signing.MalformedHeader,
    "N21_truncated_signature": signing.MalformedHeader,
    "N22_signature_not_base64": signing.MalformedHeader,
    "N23_private_key_as_public_key": signing.KeyFormatError,
    "N24_mismatched_64_byte_secret_key": signing.InvalidSignature,
}


def test_every_negative_vector_has_a_stated_reason() -> None:
    assert {v["id"] for v in NEGATIVE} == set(NEGATIVE_REASONS)


@pytest.mark.parametrize("vector", NEGATIVE, ids=lambda v: v["id"])
def test_negative_vector_is_rejected_for_its_stated_reason(vector: dict[str, Any]) -> None:
    assert vector["expected"] is False
    expected = NEGATIVE_REASONS[vector["id"]]

    def check() -> None:
        public = signing.PublicKey.from_base64(vector["public_key_b64"])
        signing.verify(_body(vector), vector["header"], public, now=vector["now"])

    with pytest.raises(expected) as caught:
        check()
    # The specific type matters: a tampered body must not surface as a parse error.
    assert type(caught.value) is expected


def test_time_checks_apply_even_where_the_official_sdk_is_lenient() -> None:
    lenient = [v["id"] for v in NEGATIVE if v["sdk_verify"]]
    assert lenient == [
        "N10_expired",
        "N11_created_in_future",
        "N12_created_after_expires",
        "N13_algorithm_param_mismatch",
        "N14_keyid_algorithm_mismatch",
    ]


# Our policy for spellings seen in the wild (docs/signing.md, "What the parser accepts").
VARIANT_POLICY: dict[str, type[Exception] | None] = {
    "X01_spaces_after_commas": None,
    "X02_params_reordered": None,
    "X03_headers_without_spaces": None,
    "X04_no_scheme_prefix": None,
    "X05_lowercase_scheme": None,
    "X06_python_utility_outer_quotes": None,
    "X07_unquoted_values": signing.MalformedHeader,
    "X08_keyid_two_parts": signing.MalformedHeader,
}


@pytest.mark.parametrize("vector", VARIANTS, ids=lambda v: v["id"])
def test_header_spelling_variants_follow_the_documented_policy(vector: dict[str, Any]) -> None:
    public = signing.PublicKey.from_base64(vector["public_key_b64"])
    expected = VARIANT_POLICY[vector["id"]]
    if expected is None:
        params = signing.verify(_body(vector), vector["header"], public, now=vector["now"])
        assert params.unique_key_id == "ukid-k1-0001"
    else:
        with pytest.raises(expected):
            signing.verify(_body(vector), vector["header"], public, now=vector["now"])


def test_site_verification_page_matches_the_sdk_byte_for_byte() -> None:
    case = AUX["site_verification"]
    key = signing.PrivateKey.from_base64(VECTORS["keys"][case["key"]]["private_key_b64"])
    assert signing.sign_request_id(case["request_id"], key) == case["signature_b64"]
    assert signing.site_verification_html(case["request_id"], key) == case["html"]


def test_published_site_verification_example_is_reproduced() -> None:
    case = AUX["site_verification_published_example"]
    key = signing.PrivateKey.from_base64(case["private_key_b64"])
    assert key.public_key.to_base64() == case["public_key_b64"]
    assert signing.sign_request_id(case["request_id"], key) == case["signature_b64"]


def test_vlookup_signature_matches_the_sdk() -> None:
    case = AUX["vlookup_signature"]
    key = signing.PrivateKey.from_base64(VECTORS["keys"][case["key"]]["private_key_b64"])
    signed = signing.vlookup_signature(
        country=case["country"],
        domain=case["domain"],
        type_=case["type"],
        city=case["city"],
        subscriber_id=case["subscriber_id"],
        key=key,
    )
    assert signed == case["signature_b64"]


@pytest.mark.parametrize(
    "private_form", ["private_raw_b64", "private_pkcs8_der_b64", "private_pkcs8_v1_der_b64"]
)
@pytest.mark.parametrize("public_form", ["public_raw_b64", "public_spki_der_b64"])
def test_on_subscribe_challenge_decrypts_with_every_key_encoding(
    private_form: str, public_form: str
) -> None:
    case = AUX["on_subscribe_challenge"]
    own = signing.load_encryption_private_key(case["np_encryption_keys"][private_form])
    registry = signing.load_encryption_public_key(case["registry_encryption_keys"][public_form])
    assert base64.b64encode(own.exchange(registry)).decode() == case["shared_secret_b64"]
    answer = signing.decrypt_challenge(case["challenge"], own=own, registry=registry)
    assert answer == case["expected_answer"]


def test_challenge_round_trips_through_the_registry_side() -> None:
    case = AUX["on_subscribe_challenge"]
    registry_private = signing.load_encryption_private_key(
        case["registry_encryption_keys"]["private_raw_b64"]
    )
    subscriber_public = signing.load_encryption_public_key(
        case["np_encryption_keys"]["public_raw_b64"]
    )
    challenge = signing.encrypt_challenge(
        case["expected_answer"], own=registry_private, subscriber=subscriber_public
    )
    assert challenge == case["challenge"]


def test_challenge_under_the_wrong_key_is_a_challenge_error() -> None:
    case = AUX["on_subscribe_challenge"]
    stranger_raw = hashlib.sha256(b"not-the-subscriber").digest()
    stranger = signing.load_encryption_private_key(base64.b64encode(stranger_raw).decode())
    registry = signing.load_encryption_public_key(
        case["registry_encryption_keys"]["public_raw_b64"]
    )
    with pytest.raises(signing.ChallengeError):
        signing.decrypt_challenge(case["challenge"], own=stranger, registry=registry)
