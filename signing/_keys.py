"""Key material in every encoding the ONDC network uses.

Ed25519 signing keys arrive as 32-byte seeds, 64-byte libsodium secret keys (seed followed
by the public key, the official SDK's format) or PKCS#8 DER; public keys as raw 32 bytes or
SubjectPublicKeyInfo DER. X25519 encryption keys arrive raw or DER (PKCS#8 version 0 and
the version 1 spelling some registry documents use). All are base64 on the wire.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from nacl.bindings import crypto_sign, crypto_sign_BYTES, crypto_sign_seed_keypair
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey as _NaclSigningKey
from nacl.signing import VerifyKey as _NaclVerifyKey

from signing._errors import KeyFormatError

__all__ = [
    "EncryptionKeyPair",
    "PrivateKey",
    "PublicKey",
    "decode_b64",
    "load_encryption_private_key",
    "load_encryption_public_key",
]

# DER prefixes of the fixed-size key structures (RFC 8410).
_ED25519_SPKI: Final = bytes.fromhex("302a300506032b6570032100")
_ED25519_PKCS8: Final = bytes.fromhex("302e020100300506032b657004220420")
_X25519_SPKI: Final = bytes.fromhex("302a300506032b656e032100")
_X25519_PKCS8_V0: Final = bytes.fromhex("302e020100300506032b656e04220420")
_X25519_PKCS8_V1: Final = bytes.fromhex("302e020101300506032b656e04220420")


def decode_b64(text: str, *, what: str) -> bytes:
    """Decode standard base64 strictly, naming ``what`` in the error."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyFormatError(f"{what} is not valid base64") from exc


@dataclass(frozen=True, slots=True)
class PublicKey:
    """An Ed25519 public key, used to verify a sender's signatures."""

    raw: bytes
    _nacl: _NaclVerifyKey = field(repr=False, compare=False)

    @classmethod
    def from_bytes(cls, data: bytes) -> PublicKey:
        """Accept raw 32 bytes or SubjectPublicKeyInfo DER (44 bytes)."""
        if len(data) == len(_ED25519_SPKI) + 32 and data.startswith(_ED25519_SPKI):
            data = data[len(_ED25519_SPKI) :]
        if len(data) == 64:
            raise KeyFormatError(
                "public key is 64 bytes: that is the size of a libsodium private key, "
                "not of a public key (32 bytes raw, 44 bytes DER)"
            )
        if len(data) != 32:
            raise KeyFormatError(
                f"public key is {len(data)} bytes; expected 32 raw or 44 DER (SPKI)"
            )
        return cls(raw=data, _nacl=_NaclVerifyKey(data))

    @classmethod
    def from_base64(cls, text: str) -> PublicKey:
        """Decode a base64 public key, raw or DER."""
        return cls.from_bytes(decode_b64(text, what="public key"))

    def to_base64(self) -> str:
        """The raw 32 bytes in base64: the form the ONDC registry publishes."""
        return base64.b64encode(self.raw).decode("ascii")

    def to_der_base64(self) -> str:
        """SubjectPublicKeyInfo DER in base64, for peers that want DER."""
        return base64.b64encode(_ED25519_SPKI + self.raw).decode("ascii")

    def verifies(self, message: bytes, signature: bytes) -> bool:
        """True when ``signature`` is this key's Ed25519 signature of ``message``."""
        try:
            self._nacl.verify(message, signature)
        except BadSignatureError:
            return False
        return True


@dataclass(frozen=True, slots=True)
class PrivateKey:
    """An Ed25519 private key. Its repr never shows the key."""

    _seed: bytes = field(repr=False)
    # libsodium's form of the key (seed, then public key), signed with directly: PyNaCl's
    # SigningKey.sign wraps the same call in objects costing 0.008 M instructions a
    # signature (measured under callgrind; the signature is 0.26 M).
    _secret: bytes = field(repr=False, compare=False)
    public_key: PublicKey

    @classmethod
    def from_bytes(cls, data: bytes) -> PrivateKey:
        """Accept a 32-byte seed, a 64-byte libsodium key or PKCS#8 DER (48 bytes).

        A 64-byte key whose second half is not the public key of its first half is
        refused: libsodium would sign with it, and nobody could verify the result.
        """
        if len(data) == len(_ED25519_PKCS8) + 32 and data.startswith(_ED25519_PKCS8):
            data = data[len(_ED25519_PKCS8) :]
        if len(data) == 64:
            seed, claimed_public = data[:32], data[32:]
        elif len(data) == 32:
            seed, claimed_public = data, b""
        else:
            raise KeyFormatError(
                f"private key is {len(data)} bytes; expected a 32-byte seed, "
                "a 64-byte libsodium key or 48-byte PKCS#8 DER"
            )
        public, secret = crypto_sign_seed_keypair(seed)
        if claimed_public and claimed_public != public:
            raise KeyFormatError(
                "the 64-byte private key's last 32 bytes are not the public key of its "
                "first 32: the key pair is mismatched"
            )
        return cls(_seed=seed, _secret=secret, public_key=PublicKey.from_bytes(public))

    @classmethod
    def from_base64(cls, text: str) -> PrivateKey:
        """Decode a base64 private key in any accepted encoding."""
        return cls.from_bytes(decode_b64(text, what="private key"))

    @classmethod
    def generate(cls) -> PrivateKey:
        """A fresh random key."""
        return cls.from_bytes(bytes(_NaclSigningKey.generate()))

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        return crypto_sign(message, self._secret)[:crypto_sign_BYTES]

    def to_libsodium_base64(self) -> str:
        """Seed and public key (64 bytes) in base64: the official SDK's format."""
        return base64.b64encode(self._seed + self.public_key.raw).decode("ascii")

    def to_seed_base64(self) -> str:
        """The 32-byte seed in base64."""
        return base64.b64encode(self._seed).decode("ascii")


def load_encryption_private_key(text: str) -> X25519PrivateKey:
    """An X25519 private key from base64: raw 32 bytes or PKCS#8 DER (version 0 or 1)."""
    data = decode_b64(text, what="encryption private key")
    for prefix in (_X25519_PKCS8_V0, _X25519_PKCS8_V1):
        if len(data) == len(prefix) + 32 and data.startswith(prefix):
            data = data[len(prefix) :]
    if len(data) != 32:
        raise KeyFormatError(
            f"encryption private key is {len(data)} bytes; expected 32 raw or 48 PKCS#8 DER"
        )
    return X25519PrivateKey.from_private_bytes(data)


def load_encryption_public_key(text: str) -> X25519PublicKey:
    """An X25519 public key from base64: raw 32 bytes or SubjectPublicKeyInfo DER."""
    data = decode_b64(text, what="encryption public key")
    if len(data) == len(_X25519_SPKI) + 32 and data.startswith(_X25519_SPKI):
        data = data[len(_X25519_SPKI) :]
    if len(data) != 32:
        raise KeyFormatError(
            f"encryption public key is {len(data)} bytes; expected 32 raw or 44 DER (SPKI)"
        )
    return X25519PublicKey.from_public_bytes(data)


@dataclass(frozen=True, slots=True)
class EncryptionKeyPair:
    """An X25519 key pair for the registry's /on_subscribe challenge."""

    private: X25519PrivateKey = field(repr=False)

    @classmethod
    def generate(cls) -> EncryptionKeyPair:
        """A fresh random pair."""
        return cls(private=X25519PrivateKey.generate())

    @classmethod
    def from_base64(cls, text: str) -> EncryptionKeyPair:
        """Load the private half; the public half is derived."""
        return cls(private=load_encryption_private_key(text))

    def private_der_base64(self) -> str:
        """PKCS#8 DER in base64."""
        der = self.private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return base64.b64encode(der).decode("ascii")

    def public_der_base64(self) -> str:
        """SubjectPublicKeyInfo DER in base64: the form the registry wants in /subscribe."""
        der = self.private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(der).decode("ascii")
