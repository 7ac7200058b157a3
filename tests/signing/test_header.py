"""The strict header parser: typed errors only, and a lossless round trip."""

from __future__ import annotations

import base64
import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import signing

SIGNATURE = bytes(range(64))
GOOD = signing.format_header(
    subscriber_id="seller.example/ondc",
    unique_key_id="ukid-1",
    created=1700000000,
    expires=1700000030,
    signature=SIGNATURE,
)

key_id_text = st.text(
    alphabet=st.characters(blacklist_characters='|"\x00', blacklist_categories=("Cs",)),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s)


@given(
    subscriber_id=key_id_text,
    unique_key_id=key_id_text,
    created=st.integers(min_value=0, max_value=10**12 - 1),
    expires=st.integers(min_value=0, max_value=10**12 - 1),
    signature=st.binary(min_size=64, max_size=64),
)
def test_format_then_parse_round_trips(
    subscriber_id: str, unique_key_id: str, created: int, expires: int, signature: bytes
) -> None:
    header = signing.format_header(
        subscriber_id=subscriber_id,
        unique_key_id=unique_key_id,
        created=created,
        expires=expires,
        signature=signature,
    )
    params = signing.parse_header(header)
    assert (params.subscriber_id, params.unique_key_id) == (subscriber_id, unique_key_id)
    assert (params.created, params.expires, params.signature) == (created, expires, signature)
    assert params.key_id == f"{subscriber_id}|{unique_key_id}|ed25519"


@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_the_typed_error(header: str) -> None:
    with contextlib.suppress(signing.SignatureError):
        signing.parse_header(header)


@given(st.text(alphabet='Signaturekyd=",|() 0123456789+/abcdefxs', max_size=400))
def test_header_like_text_raises_only_the_typed_error(header: str) -> None:
    with contextlib.suppress(signing.SignatureError):
        signing.parse_header(header)


@given(st.integers(min_value=0, max_value=len(GOOD)))
def test_every_truncation_of_a_good_header_is_refused(cut: int) -> None:
    text = GOOD[:cut]
    if cut == len(GOOD):
        assert signing.parse_header(text).created == 1700000000
        return
    with pytest.raises(signing.SignatureError):
        signing.parse_header(text)


def test_duplicate_parameter_is_refused() -> None:
    header = GOOD + ',created="1700000001"'
    with pytest.raises(signing.DuplicateParameter, match="created"):
        signing.parse_header(header)


def test_unknown_parameter_is_refused() -> None:
    with pytest.raises(signing.MalformedHeader, match="unknown signature parameter 'nonce'"):
        signing.parse_header(GOOD + ',nonce="1"')


@pytest.mark.parametrize("value", ["17e8", "-1", "1700000000.5", " 1700000000", "", "0x10"])
def test_non_numeric_created_is_refused(value: str) -> None:
    header = GOOD.replace('created="1700000000"', f'created="{value}"')
    with pytest.raises(signing.MalformedHeader, match="created"):
        signing.parse_header(header)


@pytest.mark.parametrize(
    "headers", ["(created) (expires)", "digest (created) (expires)", "(created) (expires) digest x"]
)
def test_other_signed_header_lists_are_refused(headers: str) -> None:
    header = GOOD.replace('headers="(created) (expires) digest"', f'headers="{headers}"')
    with pytest.raises(signing.MalformedHeader, match="headers"):
        signing.parse_header(header)


@pytest.mark.parametrize("missing", ["algorithm", "expires", "headers"])
def test_each_missing_parameter_is_named(missing: str) -> None:
    parts = [p for p in GOOD.removeprefix("Signature ").split(",") if not p.startswith(missing)]
    with pytest.raises(signing.MissingParameter, match=missing):
        signing.parse_header("Signature " + ",".join(parts))


def test_keyid_with_empty_unique_key_id_is_refused() -> None:
    with pytest.raises(signing.MalformedHeader, match="keyId"):
        signing.parse_header(GOOD.replace("|ukid-1|", "||"))


def test_overlong_header_is_refused_before_parsing() -> None:
    with pytest.raises(signing.MalformedHeader, match="longer"):
        signing.parse_header(GOOD + " " * 5000)


def test_format_matches_the_documented_shape() -> None:
    assert GOOD.startswith('Signature keyId="seller.example/ondc|ukid-1|ed25519",algorithm=')
    assert ',headers="(created) (expires) digest",signature="' in GOOD


@given(
    subscriber_id=key_id_text,
    unique_key_id=key_id_text,
    created=st.integers(min_value=0, max_value=10**12 - 1),
    expires=st.integers(min_value=0, max_value=10**12 - 1),
    signature=st.binary(min_size=64, max_size=64),
    separator=st.sampled_from([",", ", "]),
)
def test_fast_path_and_general_parser_agree(
    subscriber_id: str,
    unique_key_id: str,
    created: int,
    expires: int,
    signature: bytes,
    separator: str,
) -> None:
    canonical = signing.format_header(
        subscriber_id=subscriber_id,
        unique_key_id=unique_key_id,
        created=created,
        expires=expires,
        signature=signature,
    )
    # ", " separators miss the one-match fast path and take the general parser.
    parts = [
        f'keyId="{subscriber_id}|{unique_key_id}|ed25519"',
        'algorithm="ed25519"',
        f'created="{created}"',
        f'expires="{expires}"',
        'headers="(created) (expires) digest"',
        f'signature="{base64.b64encode(signature).decode()}"',
    ]
    general = "Signature " + separator.join(parts)
    assert signing.parse_header(canonical) == signing.parse_header(general)
