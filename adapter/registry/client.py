"""The registry's lookup API, over HTTP.

``/v2.0/lookup`` must itself be signed (ONDC registry, "Onboarding of participants"): the
body is serialised once and those bytes are signed and sent. ``/lookup`` (v1, deprecated)
is unsigned. Every request has an explicit timeout; a registry that cannot be reached, times
out, answers 5xx or 429, or returns something that is not JSON raises
:class:`RegistryUnavailable`; a 4xx refusal of our own request raises
:class:`~adapter.core.errors.RegistryError`, since that is a configuration problem.
"""

from __future__ import annotations

from typing import Literal

import httpx
import orjson

import signing
from adapter.core.clock import Clock
from adapter.core.errors import AdapterError, RegistryError
from adapter.registry.records import SubscriberRecord, parse_records
from adapter.settings import Settings

__all__ = ["RegistryClient", "RegistryUnavailable"]


class RegistryUnavailable(AdapterError):
    """The registry could not answer: network failure, timeout, 5xx, 429 or garbage."""


class RegistryClient:
    """Looks subscribers up in the ONDC registry."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        signer: signing.Signer,
        clock: Clock,
        version: Literal["v1", "v2"] = "v2",
        timeout_seconds: float = 5.0,
        signature_validity_seconds: int = 300,
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._signer = signer
        self._clock = clock
        self._version = version
        self._timeout = httpx.Timeout(timeout_seconds)
        self._validity = signature_validity_seconds

    @classmethod
    def from_settings(
        cls, http: httpx.AsyncClient, settings: Settings, clock: Clock
    ) -> RegistryClient:
        """The client the deployment's settings describe."""
        return cls(
            http,
            str(settings.registry_url),
            signer=settings.signer,
            clock=clock,
            version=settings.registry_lookup,
            timeout_seconds=settings.registry_timeout_seconds,
            signature_validity_seconds=settings.signature_validity_seconds,
        )

    @property
    def lookup_url(self) -> str:
        """The URL lookups are posted to."""
        path = "/v2.0/lookup" if self._version == "v2" else "/lookup"
        return self._base_url + path

    async def lookup(self, **filters: str) -> list[SubscriberRecord]:
        """Subscriber records matching ``filters`` (``subscriber_id``, ``ukId``, ``domain``...)."""
        body = orjson.dumps(filters)
        headers = {"Content-Type": "application/json"}
        if self._version == "v2":
            created = self._clock.timestamp()
            headers["Authorization"] = self._signer.sign(
                body, created=created, expires=created + self._validity
            )
        try:
            response = await self._http.post(
                self.lookup_url, content=body, headers=headers, timeout=self._timeout
            )
        except httpx.TimeoutException as exc:
            raise RegistryUnavailable(f"registry lookup timed out: {self.lookup_url}") from exc
        except httpx.TransportError as exc:
            raise RegistryUnavailable(
                f"registry not reachable at {self.lookup_url}: {exc}"
            ) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise RegistryUnavailable(f"registry answered HTTP {response.status_code}")
        if response.status_code >= 400:
            raise RegistryError(
                f"registry refused our lookup with HTTP {response.status_code}: "
                f"{response.text[:300]}"
            )
        try:
            payload = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise RegistryUnavailable("registry answered with a body that is not JSON") from exc
        return parse_records(payload)
