"""The signing package's error tree.

Every failure to read a key or to accept a signature raises one of these, never a bare
``ValueError`` or a library's own exception, so the network edge can map each to its NACK
in one place::

    SigningError
    ├── KeyFormatError              key bytes in no accepted format (names the format seen)
    ├── ChallengeError              an /on_subscribe challenge that does not decrypt
    └── SignatureError              a signature header that must be refused
        ├── MalformedHeader         not a well-formed Beckn ``Signature`` header
        │   ├── MissingParameter    a required parameter is absent
        │   └── DuplicateParameter  a parameter appears twice
        ├── UnsupportedAlgorithm    ``algorithm`` or keyId's algorithm is not ``ed25519``
        ├── SignatureTimeError      the signature is outside its validity window
        │   ├── SignatureExpired        ``expires`` has passed
        │   ├── SignatureNotYetValid    ``created`` is in the future beyond the allowed skew
        │   └── InvalidTimeWindow       ``created`` is after ``expires``
        └── InvalidSignature        the Ed25519 check failed: other bytes, key or signature
"""

from __future__ import annotations

__all__ = [
    "ChallengeError",
    "DuplicateParameter",
    "InvalidSignature",
    "InvalidTimeWindow",
    "KeyFormatError",
    "MalformedHeader",
    "MissingParameter",
    "SignatureError",
    "SignatureExpired",
    "SignatureNotYetValid",
    "SignatureTimeError",
    "SigningError",
    "UnsupportedAlgorithm",
]


class SigningError(Exception):
    """Base of every error the signing package raises."""


class KeyFormatError(SigningError):
    """Key material that is not in any accepted encoding (raw, libsodium or DER)."""


class ChallengeError(SigningError):
    """The registry's /on_subscribe challenge could not be decrypted with our keys."""


class SignatureError(SigningError):
    """A signature header that must be refused; ``reason`` is a short stable code."""

    reason = "signature"


class MalformedHeader(SignatureError):
    """The header is not a well-formed Beckn HTTP signature (BECKN-006)."""

    reason = "malformed-header"


class MissingParameter(MalformedHeader):
    """A required signature parameter (keyId, algorithm, created, ...) is absent."""

    reason = "missing-parameter"


class DuplicateParameter(MalformedHeader):
    """A signature parameter appears more than once."""

    reason = "duplicate-parameter"


class UnsupportedAlgorithm(SignatureError):
    """The header names an algorithm other than ed25519, or keyId and algorithm disagree."""

    reason = "unsupported-algorithm"


class SignatureTimeError(SignatureError):
    """The signature is outside its validity window."""

    reason = "time-window"


class SignatureExpired(SignatureTimeError):
    """``expires`` is in the past."""

    reason = "expired"


class SignatureNotYetValid(SignatureTimeError):
    """``created`` is in the future by more than the allowed clock skew."""

    reason = "not-yet-valid"


class InvalidTimeWindow(SignatureTimeError):
    """``created`` is later than ``expires``: no instant can satisfy the header."""

    reason = "created-after-expires"


class InvalidSignature(SignatureError):
    """The Ed25519 signature does not match the body's digest under the sender's key."""

    reason = "invalid-signature"
