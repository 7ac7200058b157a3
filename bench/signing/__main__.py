"""Sign and verify throughput: the project's API next to raw PyNaCl, in one run.

The baseline does the least any Beckn signer must: BLAKE2b-512 of the body, the signing
string, Ed25519 over it (PyNaCl, keys built once). The project adds the header formatting
(sign) and the strict header parser and time-window check (verify). Goal: the project's
rate within 10% of the baseline's.

    .venv/bin/python bench/signing [--seconds 2] [--rounds 5]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from nacl.signing import SigningKey, VerifyKey

import signing

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"


def rate(operation: Callable[[], object], seconds: float) -> float:
    """Operations per second over roughly ``seconds``."""
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(200):
            operation()
        count += 200
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds; median kept")
    args = parser.parse_args()

    vectors = json.loads((FIXTURES / "signing-vectors.json").read_text("utf-8"))
    keys = vectors["keys"]["k1"]
    cases = {v["id"]: v for v in vectors["positive"]}
    hindi = cases["P03_on_search_hindi_raw_utf8"]["body_b64"]
    catalogue = cases["P09_large_catalog_10kb"]["body_b64"]
    bodies = {
        "1.4 kB Hindi on_search": base64.b64decode(hindi),
        "13 kB catalogue": base64.b64decode(catalogue),
    }
    created, expires = 1700000000, 1700003600

    private = signing.PrivateKey.from_base64(keys["private_key_b64"])
    signer = signing.Signer("seller.refcheck.example", "ukid-k1-0001", private)
    public = signing.PublicKey.from_base64(keys["public_key_b64"])
    raw_signing = SigningKey(base64.b64decode(keys["private_key_seed_b64"]))
    raw_verify = VerifyKey(base64.b64decode(keys["public_key_b64"]))

    def raw_sign(body: bytes) -> bytes:
        digest = base64.b64encode(hashlib.blake2b(body, digest_size=64).digest()).decode()
        text = f"(created): {created}\n(expires): {expires}\ndigest: BLAKE-512={digest}"
        return raw_signing.sign(text.encode()).signature

    def raw_check(body: bytes, signature: bytes) -> None:
        digest = base64.b64encode(hashlib.blake2b(body, digest_size=64).digest()).decode()
        text = f"(created): {created}\n(expires): {expires}\ndigest: BLAKE-512={digest}"
        raw_verify.verify(text.encode(), signature)

    print(f"{'body':<24} {'operation':<8} {'raw PyNaCl/s':>13} {'project/s':>11} {'ratio':>7}")
    worst = 1.0
    for label, body in bodies.items():
        header = signer.sign(body, created=created, expires=expires)
        raw_signature = raw_sign(body)
        pairs = {
            "sign": (
                lambda b=body: raw_sign(b),
                lambda b=body: signer.sign(b, created=created, expires=expires),
            ),
            "verify": (
                lambda b=body, s=raw_signature: raw_check(b, s),
                lambda b=body, h=header: signing.verify(b, h, public, now=created + 10),
            ),
        }
        for operation, (baseline, project) in pairs.items():
            base_rates, project_rates = [], []
            for _ in range(args.rounds):  # alternate, so drift hits both alike
                base_rates.append(rate(baseline, args.seconds / args.rounds))
                project_rates.append(rate(project, args.seconds / args.rounds))
            base, ours = statistics.median(base_rates), statistics.median(project_rates)
            worst = min(worst, ours / base)
            print(f"{label:<24} {operation:<8} {base:>13,.0f} {ours:>11,.0f} {ours / base:>7.3f}")
    verdict = "within" if worst >= 0.9 else "NOT within"
    print(f"lowest ratio {worst:.3f}: {verdict} 10% of raw PyNaCl (goal >= 0.900)")


if __name__ == "__main__":
    main()
