"""URLs a buyer app fetches without an account: HMAC-SHA256 signatures over the parts that
name what is fetched, with a key of this deployment per purpose.

The key is SHA-256 of ``<purpose>:<secret>`` (the secret derives from
``ONDC_ADMIN_API_KEY``), so links of one purpose (catalogue downloads, B2B documents) never
sign for another. Used by ``adapter.catalog.download`` and ``adapter.b2b.documents``.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

__all__ = ["LinkSigner"]


class LinkSigner:
    """Signs and checks the parts of a link for one purpose; knows the links' origin."""

    def __init__(self, subscriber_url: str, secret: str, *, purpose: str) -> None:
        parts = urlsplit(subscriber_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        """Scheme and host of the adapter's public URL, where links point."""
        self._key = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()

    def sign(self, *parts: str) -> str:
        """The hex signature of ``parts`` (joined by newlines)."""
        return hmac.new(self._key, "\n".join(parts).encode(), hashlib.sha256).hexdigest()

    def valid(self, signature: str, *parts: str) -> bool:
        """Whether ``signature`` is that of ``parts`` (in constant time)."""
        return hmac.compare_digest(self.sign(*parts), signature)
