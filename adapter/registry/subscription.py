"""The registry's ``/subscribe`` request body (ONDC registry 2.0, seller app).

ONDC registry onboarding: ``ops_no`` 2 registers a seller app (1 buyer, 4 both; the others
are deprecated or for key rotation, 6). ``signing_public_key`` is the raw Ed25519 key and
``encryption_public_key`` the X25519 key in DER (SubjectPublicKeyInfo), both base64; times
are RFC 3339 UTC with milliseconds.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization

from adapter.settings import Settings

__all__ = ["Entity", "subscribe_payload"]


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Entity:
    """The legal entity behind the subscription (the marketplace operator)."""

    legal_name: str
    business_address: str
    gst_no: str
    pan_no: str
    pan_name: str
    date_of_incorporation: str
    signatory_name: str
    signatory_address: str
    email: str
    mobile: str
    city_codes: list[str] = field(default_factory=list)


def subscribe_payload(
    settings: Settings,
    entity: Entity,
    *,
    request_id: str,
    now: datetime,
    domains: list[str],
    ops_no: int = 2,
    valid_for: timedelta = timedelta(days=365),
    msn: bool = False,
) -> dict[str, Any]:
    """The body to POST to the registry's ``/subscribe`` for our seller app."""
    encryption_public = base64.b64encode(
        settings.encryption_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    ).decode("ascii")
    subscriber_path = settings.subscriber_url.path or "/"
    return {
        "context": {"operation": {"ops_no": ops_no}},
        "message": {
            "request_id": request_id,
            "timestamp": _rfc3339(now),
            "entity": {
                "gst": {
                    "legal_entity_name": entity.legal_name,
                    "business_address": entity.business_address,
                    "city_code": entity.city_codes,
                    "gst_no": entity.gst_no,
                },
                "pan": {
                    "name_as_per_pan": entity.pan_name,
                    "pan_no": entity.pan_no,
                    "date_of_incorporation": entity.date_of_incorporation,
                },
                "name_of_authorised_signatory": entity.signatory_name,
                "address_of_authorised_signatory": entity.signatory_address,
                "email_id": entity.email,
                "mobile_no": entity.mobile,
                "country": "IND",
                "subscriber_id": settings.subscriber_id,
                "unique_key_id": settings.unique_key_id,
                "callback_url": subscriber_path,
                "key_pair": {
                    "signing_public_key": settings.signing_key.public_key.to_base64(),
                    "encryption_public_key": encryption_public,
                    "valid_from": _rfc3339(now),
                    "valid_until": _rfc3339(now + valid_for),
                },
            },
            "network_participant": [
                {
                    "subscriber_url": subscriber_path,
                    "domain": domain,
                    "type": "sellerApp",
                    "msn": msn,
                    "city_code": entity.city_codes,
                }
                for domain in domains
            ],
        },
    }
