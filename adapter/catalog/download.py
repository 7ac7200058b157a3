"""The full catalogue as signed downloadable files (``catalog_full`` ``payload_type`` link).

A link is ``{origin}/catalogue/v1/{seller}/{domain}.zip?expires=<unix seconds>&sig=<hex>``:
the signature (HMAC-SHA256 with a key of this deployment, over the seller, the domain and
the expiry) makes it unforgeable and its expiry unstretchable, so a buyer app fetches it
without an account. The file is a zip holding ``<seller>.json``: the provider's ``items``
array for the domain, exactly as an inline ``/on_search`` would carry it, drawn from the
catalogue when it is fetched.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from adapter.signed_links import LinkSigner
from adapter.storage.catalog import CatalogStore
from catalog_sync.transform import provider_payload

__all__ = ["SignedCatalogueLinks", "catalogue_download_router", "items_zip"]


class SignedCatalogueLinks:
    """The :class:`~adapter.core.catalog_link.CatalogueLinks` of this deployment, and the
    check of a link it made."""

    def __init__(self, subscriber_url: str, secret: str) -> None:
        self._signer = LinkSigner(subscriber_url, secret, purpose="ondc-catalogue-links")

    def url(self, provider_id: str, domain: str, *, expires: datetime) -> str:
        """The signed URL of a provider's items in a domain, good until ``expires``."""
        until = int(expires.timestamp())
        signature = self._signer.sign(provider_id, domain, str(until))
        return (
            f"{self._signer.origin}/catalogue/v1/{provider_id}/{domain}.zip"
            f"?expires={until}&sig={signature}"
        )

    def valid(
        self, provider_id: str, domain: str, expires: int, signature: str, *, now: datetime
    ) -> bool:
        """Whether the link is one we made and has not expired."""
        signed = self._signer.valid(signature, provider_id, domain, str(expires))
        return signed and now.timestamp() <= expires


def items_zip(provider_id: str, items: list[dict[str, Any]]) -> bytes:
    """The downloadable file: a zip holding ``<provider>.json``, the items array."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{provider_id}.json", orjson.dumps(items))
    return buffer.getvalue()


def catalogue_download_router() -> APIRouter:
    """The signed catalogue files (no account: the URL's signature is the key)."""
    router = APIRouter(prefix="/catalogue/v1", tags=["Catalogue files"])

    @router.get("/{seller_code}/{domain}.zip")
    async def catalogue_file(
        request: Request,
        seller_code: str,
        domain: str,
        expires: Annotated[int, Query(ge=0, le=2**40)],
        sig: Annotated[str, Query(min_length=64, max_length=64)],
    ) -> Response:
        """A provider's full items array for a domain, as a zip file."""
        runtime = request.app.state.runtime
        links: SignedCatalogueLinks | None = runtime.catalogue_links
        now: datetime = runtime.clock.now()
        if links is None or not links.valid(seller_code, domain, expires, sig, now=now):
            raise HTTPException(status_code=404, detail="no such catalogue file, or it expired")
        store: CatalogStore = runtime.catalogue
        listings = await store.listings(domain=domain, seller_code=seller_code)
        items = [item for _, _, item in listings]
        payload = (
            provider_payload(listings[0][0], listings[0][1], items, now=now)["items"]
            if listings
            else []
        )
        return Response(
            items_zip(seller_code, payload),
            media_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="{seller_code}-{domain}.zip"',
                "Last-Modified": now.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT"),
            },
        )

    return router
