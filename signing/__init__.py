"""Beckn/ONDC HTTP message signatures, keys and registry onboarding cryptography.

Pure: no I/O, no clock. Callers pass the time (``now``, ``created``, ``expires``) in whole
seconds since 1970. See ``docs/signing.md`` for a signature worked through with real bytes.
"""

from signing._errors import (
    ChallengeError,
    DuplicateParameter,
    InvalidSignature,
    InvalidTimeWindow,
    KeyFormatError,
    MalformedHeader,
    MissingParameter,
    SignatureError,
    SignatureExpired,
    SignatureNotYetValid,
    SignatureTimeError,
    SigningError,
    UnsupportedAlgorithm,
)
from signing._explain import Explanation, Step, explain
from signing._header import (
    ALGORITHM,
    SIGNED_HEADERS,
    SignatureParams,
    format_header,
    parse_header,
)
from signing._keys import (
    EncryptionKeyPair,
    PrivateKey,
    PublicKey,
    decode_b64,
    load_encryption_private_key,
    load_encryption_public_key,
)
from signing._onboarding import (
    decrypt_challenge,
    encrypt_challenge,
    sign_request_id,
    site_verification_html,
    vlookup_signature,
)
from signing._signature import Signer, check_time_window, digest, signing_string, verify

__all__ = [
    "ALGORITHM",
    "SIGNED_HEADERS",
    "ChallengeError",
    "DuplicateParameter",
    "EncryptionKeyPair",
    "Explanation",
    "InvalidSignature",
    "InvalidTimeWindow",
    "KeyFormatError",
    "MalformedHeader",
    "MissingParameter",
    "PrivateKey",
    "PublicKey",
    "SignatureError",
    "SignatureExpired",
    "SignatureNotYetValid",
    "SignatureParams",
    "SignatureTimeError",
    "Signer",
    "SigningError",
    "Step",
    "UnsupportedAlgorithm",
    "check_time_window",
    "decode_b64",
    "decrypt_challenge",
    "digest",
    "encrypt_challenge",
    "explain",
    "format_header",
    "load_encryption_private_key",
    "load_encryption_public_key",
    "parse_header",
    "sign_request_id",
    "signing_string",
    "site_verification_html",
    "verify",
    "vlookup_signature",
]
