"""Our signatures, judged by ONDC's official Node SDK run on the very bytes: headers made by
:class:`signing.Signer` for bodies the vectors do not hold, and (tests/orders) every
callback the certification flows send."""

from __future__ import annotations

import base64

import orjson

import signing
from tests.fixtures import signing_vectors
from tests.official_sdk import sdk_verifies

BODIES = [
    b"{}",
    orjson.dumps({"context": {"action": "on_search"}, "message": {"name": "कांगड़ा चाय"}}),
    orjson.dumps({"descriptor": {"name": "Kullu shawl 🧣", "short_desc": "ऊनी\nशॉल"}}),
    b'{"a": 1,   "b": [1, 2, 3]}\n',  # spacing and a trailing newline: signed as they are
]


def test_the_official_sdk_accepts_what_we_sign_and_refuses_a_changed_body() -> None:
    key = signing.PrivateKey.generate()
    signer = signing.Signer("seller.odop.example", "k1", key)
    headers = [signer.sign(body, created=1_700_000_000, expires=1_700_000_600) for body in BODIES]
    public = key.public_key.to_base64()
    assert sdk_verifies(list(zip(headers, BODIES, strict=True)), public) == [True] * len(BODIES)
    # The judge can say no: one byte changed, or another key.
    changed = [(headers[1], BODIES[1].replace(b"on_search", b"on_select"))]
    assert sdk_verifies(changed, public) == [False]
    other = signing.PrivateKey.generate().public_key.to_base64()
    assert sdk_verifies([(headers[0], BODIES[0])], other) == [False]


def test_the_official_sdk_accepts_a_vector_header_under_the_vectors_key() -> None:
    # The harness itself, on a header the SDK made (the published example).
    vectors = signing_vectors()
    vector = vectors["positive"][0]
    body = base64.b64decode(vector["body_b64"])
    public = vectors["keys"][vector["key"]]["public_key_b64"]
    assert sdk_verifies([(vector["header"], body)], public) == [True]
