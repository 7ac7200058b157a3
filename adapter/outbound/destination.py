"""Which URLs the adapter may call: the SSRF guard for callbacks, webhooks and feeds.

A URL we call comes from someone else: a buyer app's ``context.bap_uri``, a seller's
webhook or feed URL. Before each call the URL is checked:

- https only (plain http only with ``ONDC_OUTBOUND_ALLOW_HTTP``, for the demo and tests);
- no user name or password, no fragment; a callback URL also has no query, so the
  ``on_<action>`` appended to a ``bap_uri`` is always the last path segment;
- every address the host name resolves to is a public one: private, loopback,
  link-local (cloud metadata at 169.254.169.254), shared, multicast and reserved ranges
  are refused unless ``ONDC_OUTBOUND_ALLOW_PRIVATE`` is set (the demo and tests, which run
  on loopback).

The check resolves the name just before the call; the connection resolves it again. The
callbacks' client checks the addresses it connects to as well
(``adapter.outbound.client``), so a name whose DNS answer changes between the two (DNS
rebinding) cannot point a callback inward; seller webhooks and feeds go through httpx,
which cannot be asked to, so deployments should still deny egress to internal ranges at
the network layer.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from adapter.outbound.answer import OutboundError

__all__ = ["Destinations", "UnsafeDestination", "callback_url", "is_public"]


class UnsafeDestination(OutboundError):
    """A URL the adapter refuses to call; the message says why."""


def callback_url(bap_uri: str, action: str) -> str:
    """``{bap_uri}/{action}``, refusing a ``bap_uri`` whose query or fragment would swallow
    the action (``https://bap.example/x?`` + ``/on_search`` names another path)."""
    try:
        parts = urlsplit(bap_uri)
    except ValueError as exc:  # "http://[": an unclosed IPv6 address
        raise UnsafeDestination(f"context.bap_uri is not a usable URL: {exc}") from None
    if parts.query or parts.fragment or "?" in bap_uri or "#" in bap_uri:
        raise UnsafeDestination("context.bap_uri must not have a query or a fragment")
    return f"{bap_uri.rstrip('/')}/{action}"


@dataclass(frozen=True, slots=True)
class Destinations:
    """The policy for outbound URLs (see the module docstring)."""

    allow_http: bool = False
    allow_private: bool = False

    def check_form(self, url: str, *, query_allowed: bool = True) -> None:
        """The URL's own form: scheme, credentials, fragment, query. No DNS."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise UnsafeDestination(f"not a usable URL: {exc}") from None
        schemes = ("https", "http") if self.allow_http else ("https",)
        if parts.scheme not in schemes:
            raise UnsafeDestination(
                f"scheme {parts.scheme or 'none'!r} is not allowed; use {' or '.join(schemes)}"
            )
        if not parts.hostname:
            raise UnsafeDestination("the URL has no host")
        if parts.username is not None or parts.password is not None:
            raise UnsafeDestination("the URL must not carry a user name or password")
        if parts.fragment or "#" in url:
            raise UnsafeDestination("the URL must not have a fragment")
        if not query_allowed and (parts.query or "?" in url):
            raise UnsafeDestination("the URL must not have a query")
        if port == 0:
            raise UnsafeDestination("port 0 is not allowed")

    async def check(self, url: str, *, query_allowed: bool = True) -> None:
        """:meth:`check_form`, then every address the host resolves to."""
        self.check_form(url, query_allowed=query_allowed)
        if self.allow_private:
            return
        host = urlsplit(url).hostname or ""
        for address in await _addresses(host):
            if not _public(address):
                raise UnsafeDestination(
                    f"{host} resolves to {address}, which is not a public address"
                )


async def _addresses(host: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeDestination(f"{host} does not resolve: {exc}") from None
    return sorted({str(info[4][0]) for info in found})


def is_public(address: str) -> bool:
    """Whether ``address`` (an IP address, as resolved) may be called without
    ``ONDC_OUTBOUND_ALLOW_PRIVATE``."""
    return _public(address)


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # is_global is False for private, loopback, link-local (169.254.0.0/16, the cloud
    # metadata address), shared (100.64.0.0/10), reserved and unspecified addresses.
    return ip.is_global and not ip.is_multicast
