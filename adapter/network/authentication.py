"""Who sent this request: verify its signature headers on the raw body bytes.

Buyer apps sign with ``Authorization``; a search relayed by the gateway also carries
``X-Gateway-Authorization``, signed by the gateway over the same bytes. Both are verified
when present (BECKN-006). The signer's key comes from the registry through the
:class:`~adapter.registry.KeyDirectory` cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import signing
from adapter.core.clock import Clock
from adapter.core.errors import AuthenticationFailed
from adapter.registry.directory import KeyDirectory

__all__ = ["Authenticator", "Sender"]


@dataclass(frozen=True, slots=True)
class Sender:
    """The verified signer of a request, and the gateway that relayed it, if any."""

    subscriber_id: str
    unique_key_id: str
    gateway_id: str | None = None
    registered_url: str | None = None
    """The ``subscriber_url`` of the signer's registry record, as held with the key that
    verified the signature; ``None`` when it was not at hand."""


class Authenticator:
    """Verifies the signature headers of inbound requests."""

    def __init__(
        self,
        keys: KeyDirectory,
        clock: Clock,
        *,
        skew_seconds: int,
        max_lifetime_seconds: int = 3600,
    ) -> None:
        self._keys = keys
        self._clock = clock
        self._skew = skew_seconds
        self._max_lifetime = max_lifetime_seconds

    async def _verify(
        self, name: str, header: str, body: bytes
    ) -> tuple[signing.SignatureParams, str | None]:
        try:
            params = signing.parse_header(header)
        except signing.SignatureError as exc:
            raise AuthenticationFailed(f"{name} header: {exc}") from exc
        lifetime = params.expires - params.created
        if lifetime > self._max_lifetime:
            # A signature valid for years could be replayed for years.
            raise AuthenticationFailed(
                f"{name} header: expires - created is {lifetime} s; at most "
                f"{self._max_lifetime} s is accepted"
            )
        now = self._clock.timestamp()
        try:
            # Refuse an expired or future header before it costs a registry lookup.
            signing.check_time_window(params, now=now, skew=self._skew)
        except signing.SignatureError as exc:
            raise AuthenticationFailed(f"{name} header: {exc}") from exc
        key, url = await self._keys.key_and_url(params.subscriber_id, params.unique_key_id)
        try:
            return signing.verify(body, params, key, now=now, skew=self._skew), url
        except signing.SignatureError as exc:
            raise AuthenticationFailed(f"{name} header: {exc}") from exc

    async def authenticate(
        self, headers: Mapping[str, str], body: bytes, *, gateway_allowed: bool = False
    ) -> Sender:
        """The verified sender, or :class:`AuthenticationFailed` naming the problem."""
        header = headers.get("authorization")
        if not header:
            raise AuthenticationFailed("Authorization header is missing: requests must be signed")
        params, url = await self._verify("Authorization", header, body)
        gateway_id: str | None = None
        gateway_header = headers.get("x-gateway-authorization")
        if gateway_header and gateway_allowed:
            gateway, _ = await self._verify("X-Gateway-Authorization", gateway_header, body)
            gateway_id = gateway.subscriber_id
        return Sender(params.subscriber_id, params.unique_key_id, gateway_id, url)
