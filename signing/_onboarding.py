"""Registry onboarding cryptography: the /on_subscribe challenge and site verification.

ONDC registry, "onboarding of participants": the registry encrypts a challenge with
AES-256-ECB (PKCS#7 padding) under the raw X25519 shared secret of its encryption key and
ours; we answer with the plaintext. ``ondc-site-verification.html`` carries the Ed25519
signature of the subscribe request's ``request_id`` bytes, with no hashing and no
signing-string wrapper.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from signing._errors import ChallengeError
from signing._keys import PrivateKey

__all__ = [
    "decrypt_challenge",
    "encrypt_challenge",
    "sign_request_id",
    "site_verification_html",
    "vlookup_signature",
]


def _cipher(own: X25519PrivateKey, peer: X25519PublicKey) -> Cipher[modes.ECB]:
    # ECB is what the ONDC registry uses for this one-block challenge; it is not our choice.
    return Cipher(algorithms.AES(own.exchange(peer)), modes.ECB())  # noqa: S305


def decrypt_challenge(
    challenge_b64: str, *, own: X25519PrivateKey, registry: X25519PublicKey
) -> str:
    """The plaintext answer to the registry's encrypted /on_subscribe challenge."""
    try:
        ciphertext = base64.b64decode(challenge_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ChallengeError("challenge is not valid base64") from exc
    if not ciphertext or len(ciphertext) % 16:
        raise ChallengeError(
            f"challenge is {len(ciphertext)} bytes; AES-ECB ciphertext is whole 16-byte blocks"
        )
    decryptor = _cipher(own, registry).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
        return plain.decode("utf-8")
    except ValueError as exc:
        raise ChallengeError(
            "challenge did not decrypt: the registry's encryption public key or our "
            "encryption private key is not the pair it was made for"
        ) from exc


def encrypt_challenge(answer: str, *, own: X25519PrivateKey, subscriber: X25519PublicKey) -> str:
    """The registry's side of the challenge: used by the sandbox registry and self-tests."""
    padder = padding.PKCS7(128).padder()
    padded = padder.update(answer.encode("utf-8")) + padder.finalize()
    encryptor = _cipher(own, subscriber).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode("ascii")


def sign_request_id(request_id: str, key: PrivateKey) -> str:
    """Base64 Ed25519 signature of the request id's UTF-8 bytes."""
    return base64.b64encode(key.sign(request_id.encode("utf-8"))).decode("ascii")


def site_verification_html(request_id: str, key: PrivateKey) -> str:
    """The ``ondc-site-verification.html`` page the registry fetches from our domain."""
    signed = sign_request_id(request_id, key)
    return (
        "<html>\n  <head>\n"
        f'    <meta name="ondc-site-verification" content="{signed}" />\n'
        "  </head>\n  <body>\n    ONDC Site Verification Page\n  </body>\n</html>\n"
    )


def vlookup_signature(
    *, country: str, domain: str, type_: str, city: str, subscriber_id: str, key: PrivateKey
) -> str:
    """Signature for the deprecated ``/vlookup``: Ed25519 of ``country|domain|type|city|id``."""
    text = f"{country}|{domain}|{type_}|{city}|{subscriber_id}"
    return base64.b64encode(key.sign(text.encode("utf-8"))).decode("ascii")
