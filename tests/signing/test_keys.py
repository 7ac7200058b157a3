"""Key encodings: seeds, libsodium keys, DER, and refusals that name the problem."""

from __future__ import annotations

import base64

import pytest

import signing
from tests.fixtures import signing_vectors

K1 = signing_vectors()["keys"]["k1"]
K2 = signing_vectors()["keys"]["k2"]


def test_seed_and_libsodium_forms_are_the_same_key() -> None:
    from_seed = signing.PrivateKey.from_base64(K1["private_key_seed_b64"])
    from_full = signing.PrivateKey.from_base64(K1["private_key_b64"])
    assert from_seed.public_key == from_full.public_key
    assert from_seed.public_key.to_base64() == K1["public_key_b64"]
    assert from_full.to_libsodium_base64() == K1["private_key_b64"]
    assert from_full.to_seed_base64() == K1["private_key_seed_b64"]


def test_pkcs8_der_private_key_is_accepted() -> None:
    seed = base64.b64decode(K1["private_key_seed_b64"])
    der = bytes.fromhex("302e020100300506032b657004220420") + seed
    key = signing.PrivateKey.from_bytes(der)
    assert key.public_key.to_base64() == K1["public_key_b64"]


def test_mismatched_libsodium_key_is_refused() -> None:
    seed = base64.b64decode(K1["private_key_seed_b64"])
    other_public = base64.b64decode(K2["public_key_b64"])
    with pytest.raises(signing.KeyFormatError, match="mismatched"):
        signing.PrivateKey.from_bytes(seed + other_public)


@pytest.mark.parametrize("size", [0, 16, 31, 33, 63, 65])
def test_private_key_of_wrong_size_names_its_size(size: int) -> None:
    with pytest.raises(signing.KeyFormatError, match=f"{size} bytes"):
        signing.PrivateKey.from_bytes(b"\x01" * size)


def test_public_key_in_der_and_raw_forms_are_equal() -> None:
    raw = signing.PublicKey.from_base64(K1["public_key_b64"])
    der = signing.PublicKey.from_base64(raw.to_der_base64())
    assert raw == der
    assert der.to_base64() == K1["public_key_b64"]


def test_private_key_given_as_public_key_is_called_out() -> None:
    with pytest.raises(signing.KeyFormatError, match="private key"):
        signing.PublicKey.from_base64(K1["private_key_b64"])


def test_non_base64_key_is_refused_naming_what_it_is() -> None:
    with pytest.raises(signing.KeyFormatError, match="private key is not valid base64"):
        signing.PrivateKey.from_base64("not base64!")


def test_private_key_repr_hides_the_secret() -> None:
    key = signing.PrivateKey.from_base64(K1["private_key_b64"])
    text = repr(key) + str(key)
    assert K1["private_key_seed_b64"][:12] not in text
    assert "_seed" not in text


def test_generated_keys_sign_and_verify() -> None:
    key = signing.PrivateKey.generate()
    signer = signing.Signer("seller.example", "k", key)
    body = '{"नाम":"कुल्लू शॉल","price":"₹4500"}'.encode()
    header = signer.sign(body, created=100, expires=130)
    assert signing.verify(body, header, key.public_key, now=110).created == 100


def test_encryption_key_pair_round_trips_through_der() -> None:
    pair = signing.EncryptionKeyPair.generate()
    again = signing.EncryptionKeyPair.from_base64(pair.private_der_base64())
    assert again.public_der_base64() == pair.public_der_base64()
    assert pair.public_der_base64().startswith("MCowBQYDK2VuAyEA")
