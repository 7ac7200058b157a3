"""``ondc-seller registry self-test``: can we sign, is our clock right, does the registry
know us as we are configured? Each check says plainly what is wrong and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

import httpx
from cryptography.hazmat.primitives import serialization

import signing
from adapter.core.clock import Clock
from adapter.core.errors import RegistryError
from adapter.registry.client import RegistryClient, RegistryUnavailable
from adapter.settings import Settings

__all__ = ["Check", "run_self_test"]


@dataclass(frozen=True, slots=True)
class Check:
    """One self-test check and its outcome."""

    name: str
    ok: bool
    detail: str


def _sign_and_verify(settings: Settings, clock: Clock) -> Check:
    body = '{"context":{"action":"self-test"},"message":{"text":"कुल्लू शॉल ₹"}}'.encode()
    now = clock.timestamp()
    header = settings.signer.sign(body, created=now, expires=now + 30)
    try:
        signing.verify(body, header, settings.signing_key.public_key, now=now)
    except signing.SignatureError as exc:
        return Check("sign and verify", False, f"our own signature does not verify: {exc}")
    return Check(
        "sign and verify",
        True,
        f"signed and verified a UTF-8 body as {settings.subscriber_id}|{settings.unique_key_id}",
    )


async def _clock(http: httpx.AsyncClient, settings: Settings, clock: Clock) -> Check:
    try:
        response = await http.head(
            str(settings.registry_url), timeout=settings.registry_timeout_seconds
        )
    except httpx.HTTPError as exc:
        return Check("clock", False, f"could not reach the registry to compare clocks: {exc}")
    dates = response.headers.get_list("date")
    try:
        their_time = parsedate_to_datetime(dates[0])
    except (IndexError, TypeError, ValueError):
        return Check("clock", False, "the registry sent no usable Date header to compare with")
    if their_time.tzinfo is None:
        their_time = their_time.replace(tzinfo=UTC)
    offset = (clock.now() - their_time).total_seconds()
    if abs(offset) > max(2, settings.clock_skew_seconds):
        return Check(
            "clock",
            False,
            f"our clock is {offset:+.0f} s off the registry's: peers will refuse our "
            "signatures; synchronise with NTP",
        )
    return Check("clock", True, f"within {abs(offset):.0f} s of the registry's clock")


async def _registry_entry(
    registry: RegistryClient, settings: Settings, clock: Clock
) -> list[Check]:
    try:
        records = await registry.lookup(
            subscriber_id=settings.subscriber_id, ukId=settings.unique_key_id
        )
    except (RegistryUnavailable, RegistryError) as exc:
        return [Check("registry lookup", False, f"{registry.lookup_url}: {exc}")]
    ours = [r for r in records if r.subscriber_id == settings.subscriber_id]
    mine = [r for r in ours if r.unique_key_id in (None, settings.unique_key_id)]
    if not mine:
        return [
            Check(
                "registry lookup",
                False,
                f"the registry has no entry for {settings.subscriber_id} with key id "
                f"{settings.unique_key_id}: subscribe first (ondc-seller registry "
                "subscribe-payload), or fix ONDC_SUBSCRIBER_ID / ONDC_UNIQUE_KEY_ID",
            )
        ]
    record = mine[0]
    checks = [
        Check("registry lookup", True, f"found {len(ours)} entr{'y' if len(ours) == 1 else 'ies'}")
    ]
    our_public = settings.signing_key.public_key.to_base64()
    if record.signing_public_key != our_public:
        checks.append(
            Check(
                "signing key",
                False,
                "the registry's signing_public_key is not the public half of "
                "ONDC_SIGNING_PRIVATE_KEY: peers will refuse every message we sign",
            )
        )
    else:
        checks.append(Check("signing key", True, "registry key matches ONDC_SIGNING_PRIVATE_KEY"))
    if record.encryption_public_key is not None:
        registered = signing.load_encryption_public_key(record.encryption_public_key)
        ours_x = settings.encryption_key.public_key()
        raw = serialization.Encoding.Raw
        fmt = serialization.PublicFormat.Raw
        same = registered.public_bytes(raw, fmt) == ours_x.public_bytes(raw, fmt)
        checks.append(
            Check(
                "encryption key",
                same,
                "registry key matches ONDC_ENCRYPTION_PRIVATE_KEY"
                if same
                else "the registry's encr_public_key is not ours: /on_subscribe would fail",
            )
        )
    if not record.is_live(clock.now()):
        checks.append(
            Check(
                "validity",
                False,
                f"entry status {record.status}, valid {record.valid_from} to "
                f"{record.valid_until}: renew the subscription",
            )
        )
    else:
        checks.append(Check("validity", True, f"valid until {record.valid_until}"))
    return checks


async def run_self_test(
    settings: Settings, registry: RegistryClient, http: httpx.AsyncClient, clock: Clock
) -> list[Check]:
    """Every check, in the order a person would fix them."""
    checks = [_sign_and_verify(settings, clock), await _clock(http, settings, clock)]
    checks.extend(await _registry_entry(registry, settings, clock))
    return checks
