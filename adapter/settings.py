"""Deployment settings: the one home of the environment.

Values come from environment variables and, when present, a ``.env`` file in the working
directory (the environment wins). Each field's alias is the variable's name; the table in
``docs/configuration.md`` is generated from this model (``ondc-seller config docs``) and
``config/example.env`` lists every variable with a placeholder.

A missing or malformed value raises :class:`SettingsError`, whose message names each
variable at fault; secrets are ``SecretStr`` and never appear in reprs or logs.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import urlsplit, urlunsplit

from dotenv import dotenv_values
from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict

import signing
from adapter.core.errors import FIXED_RETRY_AFTER

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )

    from adapter.core.callbacks import Storefront

__all__ = [
    "ADMIN_KEY_MIN_LENGTH",
    "RETAIL_CORE_VERSIONS",
    "RETAIL_DOMAINS",
    "Settings",
    "SettingsError",
    "load_settings",
    "misspelt_variables",
    "redact_url",
    "signing_key_from_environment",
]

# ONDC retail domains (RET10 grocery ... RET1D agriculture): the ones the adapter may serve.
RETAIL_DOMAINS: Final = tuple(f"ONDC:RET1{c}" for c in "0123456789ABCD")
# The retail contract versions (``context.core_version``) the adapter has a family for
# (adapter.core.contract_table; a test holds the two lists equal).
RETAIL_CORE_VERSIONS: Final = ("1.2.0", "1.2.5")

# An operator key shorter than this is guessable; config/example.env's placeholders all
# begin with _PLACEHOLDER, and a deployment started with one is open to anyone who read it.
ADMIN_KEY_MIN_LENGTH: Final = 24
_PLACEHOLDER: Final = "replace-with-"

# What a valid value looks like, for the settings checked against a pattern: the user sees
# this, never the pattern.
_LOOKS_LIKE: Final = {
    "ONDC_BUYER_FINDER_FEE_PERCENT": "a percentage with at most two decimals, like 3 or 2.5",
    "ONDC_GSTIN": "a 15-character GSTIN, like 02AAAAH1234C1Z5",
    "ONDC_SETTLEMENT_BANK_ACCOUNT": "9 to 18 digits, like 123456789012",
    "ONDC_SETTLEMENT_IFSC": "an 11-character IFSC, four letters, 0, six letters or digits, "
    "like HPSC0000001",
    "ONDC_SETTLEMENT_UPI": "a UPI address, like odop.himachal@sbi",
}


def redact_url(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``, for messages and reprs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


class SettingsError(Exception):
    """Start-up configuration that cannot be used; the message names every bad variable."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        lines = [f"  {name}: {reason}" for name, reason in problems]
        super().__init__("invalid settings:\n" + "\n".join(lines))


def _check_key(value: SecretStr, loader: Any) -> SecretStr:
    try:
        loader(value.get_secret_value())
    except signing.KeyFormatError as exc:
        raise ValueError(str(exc)) from None
    return value


class Settings(BaseSettings):
    """Everything a deployment configures. Field aliases are the environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        frozen=True,
        hide_input_in_errors=True,
    )

    subscriber_id: str = Field(
        alias="ONDC_SUBSCRIBER_ID",
        min_length=1,
        description="Our subscriber id in the ONDC registry (a domain name, e.g. "
        "`ondc.odop.himachal.example`). Sent as `bpp_id`.",
    )
    subscriber_url: AnyHttpUrl = Field(
        alias="ONDC_SUBSCRIBER_URL",
        description="Base URL of our Beckn endpoints, as registered (`bpp_uri`); routes "
        "are `POST {ONDC_SUBSCRIBER_URL}/{action}`.",
    )
    unique_key_id: str = Field(
        alias="ONDC_UNIQUE_KEY_ID",
        min_length=1,
        description="The unique key id (`ukId`) of our current signing key in the registry.",
    )
    signing_private_key: SecretStr = Field(
        alias="ONDC_SIGNING_PRIVATE_KEY",
        description="Ed25519 private key, base64: 32-byte seed, 64-byte libsodium key or "
        "PKCS#8 DER. Make one with `ondc-seller keys generate`.",
    )
    encryption_private_key: SecretStr = Field(
        alias="ONDC_ENCRYPTION_PRIVATE_KEY",
        description="X25519 private key, base64, raw 32 bytes or PKCS#8 DER. Used to answer "
        "the registry's /on_subscribe challenge.",
    )
    registry_url: AnyHttpUrl = Field(
        alias="ONDC_REGISTRY_URL",
        description="Base URL of the ONDC registry (staging, pre-prod or production).",
    )
    registry_encryption_public_key: str | None = Field(
        default=None,
        alias="ONDC_REGISTRY_ENCRYPTION_PUBLIC_KEY",
        description="The registry's X25519 public key (base64, raw or DER) for the "
        "/on_subscribe challenge; ONDC publishes one per environment.",
    )
    registry_lookup: Literal["v1", "v2"] = Field(
        default="v2",
        alias="ONDC_REGISTRY_LOOKUP",
        description="`v2` uses the signed `/v2.0/lookup`; `v1` the older unsigned `/lookup`.",
    )
    registry_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=60,
        alias="ONDC_REGISTRY_TIMEOUT_SECONDS",
        description="Timeout for one registry request.",
    )
    key_cache_max_seconds: int = Field(
        default=86_400,
        ge=60,
        alias="ONDC_KEY_CACHE_MAX_SECONDS",
        description="Longest a looked-up public key is cached, even if its `valid_until` is later.",
    )
    request_id: str | None = Field(
        default=None,
        alias="ONDC_REQUEST_ID",
        description="The `request_id` of our /subscribe call; signed into "
        "`ondc-site-verification.html`.",
    )
    database_url: str = Field(
        default="sqlite:///./ondc-seller.db",
        alias="DATABASE_URL",
        description="SQL store: `sqlite:///path.db` (embedded default) or "
        "`postgresql://user@host:5432/db`.",
    )
    redis_url: str | None = Field(
        default=None,
        alias="REDIS_URL",
        description="Optional Redis (`redis://host:6379/0`) shared by several adapter "
        "processes; without it the adapter runs single-node.",
    )
    redis_key_prefix: str = Field(
        default="ondc-seller:",
        min_length=1,
        max_length=64,
        alias="ONDC_REDIS_KEY_PREFIX",
        description="Start of every key the adapter keeps in Redis (registry key cache, "
        "dedupe, rate limits): deployments sharing one Redis server each take their own, "
        "and all processes of one deployment the same.",
    )
    admin_api_key: SecretStr = Field(
        alias="ONDC_ADMIN_API_KEY",
        description="Operator credential for the admin API and dashboard: a random secret of at "
        "least 24 characters (the placeholder of `config/example.env` is refused).",
    )
    signature_validity_seconds: int = Field(
        default=300,
        ge=5,
        le=3600,
        alias="ONDC_SIGNATURE_VALIDITY_SECONDS",
        description="`expires - created` of the signatures we make.",
    )
    clock_skew_seconds: int = Field(
        default=5,
        ge=0,
        le=300,
        alias="ONDC_CLOCK_SKEW_SECONDS",
        description="How far a sender's `created` may run ahead of our clock.",
    )
    domains: str = Field(
        default="ONDC:RET10,ONDC:RET12,ONDC:RET16",
        alias="ONDC_DOMAINS",
        description="Comma-separated ONDC retail domains served (ONDC:RET10 to ONDC:RET19, "
        "ONDC:RET1A to ONDC:RET1D); requests for others are NACKed.",
    )
    core_versions: str = Field(
        default="1.2.0,1.2.5",
        alias="ONDC_CORE_VERSIONS",
        description="Comma-separated retail contract versions accepted (`context.core_version`: "
        "1.2.0, 1.2.5). A transaction is served in the version it began with; a request "
        "naming another version is NACKed naming the field.",
    )
    # --- The inbound network edge: what an unknown or hostile sender can make us do. ---
    # Bodies are bounded per route while they are read (adapter/network/body_limit.py);
    # forms and unrouted paths take 16 KiB. See docs/security.md, "Inbound".
    max_search_bytes: int = Field(
        default=16 * 1024,
        ge=4 * 1024,
        le=16 * 1024 * 1024,
        alias="ONDC_MAX_SEARCH_BYTES",
        description="Largest /search body accepted (the examples of ONDC retail 1.2 are "
        "under 3 kB); a larger one is refused with a 413 NACK before more is read.",
    )
    max_action_bytes: int = Field(
        default=64 * 1024,
        ge=16 * 1024,
        le=16 * 1024 * 1024,
        alias="ONDC_MAX_ACTION_BYTES",
        description="Largest body of every other Beckn action (select, init, confirm, "
        "update, cancel, status, issue...; the largest ONDC example, a confirm, is 29 kB); "
        "a larger one is refused with a 413 NACK before more is read. Validating a dense "
        "body costs about 1 ms of CPU per kB: raise it with care.",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=64 * 1024,
        le=64 * 1024 * 1024,
        alias="ONDC_MAX_BODY_BYTES",
        description="Largest body of the seller API, the admin API and the dashboard's "
        "operator API (a stock list of 5,000 lines is about 250 kB); refused with 413.",
    )
    unverified_rate_per_second: int = Field(
        default=10,
        ge=1,
        le=10_000,
        alias="ONDC_UNVERIFIED_RATE_PER_SECOND",
        description="Requests per second one source address may send to the Beckn endpoints "
        "that fail verification (no, a bad or an unknown signature); past it they are "
        "refused with 429 and not written to the audit log.",
    )
    max_signature_lifetime_seconds: int = Field(
        default=3600,
        ge=60,
        le=86_400,
        alias="ONDC_MAX_SIGNATURE_LIFETIME_SECONDS",
        description="Longest `expires - created` accepted in a sender's signature (ONDC's "
        "SDK signs for an hour); a longer one is refused with a 401 NACK 30016.",
    )
    max_ttl_seconds: int = Field(
        default=172_800,
        ge=30,
        le=2_592_000,
        alias="ONDC_MAX_TTL_SECONDS",
        description="Longest `context.ttl` accepted (retail sends PT30S, B2B select up to "
        "P2D); a longer one is refused with a NACK 30000 naming context.ttl. The ttl bounds "
        "how long a request's callback is retried.",
    )
    health_min_free_disk_mb: int = Field(
        default=256,
        ge=0,
        alias="ONDC_HEALTH_MIN_FREE_DISK_MB",
        description="`/healthz` answers 503 when the directory of the SQLite database has "
        "less free space than this (MB): writes would soon fail. Not checked for PostgreSQL, "
        "whose disk is the server's.",
    )
    audit_max_mb: int = Field(
        default=10_240,
        ge=1,
        alias="ONDC_AUDIT_MAX_MB",
        description="Most space (MB of message bodies) the audit log may take; every five "
        "minutes the oldest rows past it are deleted, as are rows older than "
        "ONDC_AUDIT_RETENTION_DAYS (rows a pending or parked callback needs stay).",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        alias="ONDC_METRICS_TOKEN",
        description="Bearer token Prometheus must present to read `/metrics` (at least 16 "
        "characters). Without it, `/metrics` answers clients on loopback only.",
    )
    on_search_max_bytes: int = Field(
        default=190_000,
        ge=20_000,
        alias="ONDC_ON_SEARCH_MAX_BYTES",
        description="Largest on_search body sent; a larger answer is split into several "
        "on_search callbacks for the same request (many buyer apps refuse bodies over 200 kB).",
    )
    callbacks_per_peer: int = Field(
        default=8,
        ge=1,
        le=200,
        alias="ONDC_CALLBACKS_PER_PEER",
        description="Callbacks one process sends to one buyer app at a time (32 in all). Raise "
        "it for distant buyer apps with many callbacks to receive: each one in flight costs "
        "the HTTP client CPU on every request.",
    )
    admission_control: bool = Field(
        default=True,
        alias="ONDC_ADMISSION_CONTROL",
        description="Refuse a request (NACK 31001, HTTP 503 with Retry-After) before ACKing "
        "it when the callbacks already queued would not leave time to answer it within its "
        "ttl (docs/operations.md, admission control). Turn off only to measure what happens "
        "without it.",
    )
    admission_search_share: float = Field(
        default=0.3,
        gt=0,
        le=1,
        alias="ONDC_ADMISSION_SEARCH_SHARE",
        description="Fraction of a search's remaining ttl its callback may be expected to wait "
        "behind the queued callbacks; past it the search is refused. Lower than the order "
        "share, so searches are shed first and orders keep the room between the two.",
    )
    admission_order_share: float = Field(
        default=0.6,
        gt=0,
        le=1,
        alias="ONDC_ADMISSION_ORDER_SHARE",
        description="The same fraction for every other action with a callback (select, init, "
        "confirm, status, track, cancel, update, rating, support, issue, issue_status).",
    )
    admission_min_rate: float = Field(
        default=20.0,
        gt=0,
        alias="ONDC_ADMISSION_MIN_RATE",
        description="Callbacks per second the deployment is assumed to deliver when it has "
        "delivered fewer in the last 5 s and no pace of its dispatchers is known (after "
        "start-up, or with no dispatcher running; a pace measured under load is kept through "
        "quiet spells). Set it no higher than the slowest rate the dispatchers keep up, or "
        "requests admitted on the assumption may miss their ttl.",
    )
    admission_longest_retry_after: int = Field(
        default=120,
        ge=1,
        le=3600,
        alias="ONDC_ADMISSION_LONGEST_RETRY_AFTER",
        description="The longest Retry-After, in seconds, the edge advises when it refuses a "
        "request to keep its callbacks within their ttl (NACK 31001, HTTP 503); it advises "
        "less when the backlog will drain sooner. ONDC_HTTP_KEEP_ALIVE_SECONDS must be "
        "longer.",
    )
    http_keep_alive_seconds: int = Field(
        default=130,
        ge=6,
        le=3600,
        alias="ONDC_HTTP_KEEP_ALIVE_SECONDS",
        description="How long the HTTP server keeps an idle keep-alive connection open for "
        "its client's next request. Longer than every Retry-After the edge sends "
        "(ONDC_ADMISSION_LONGEST_RETRY_AFTER, and the 5 s of a rate limit's 429), so a buyer "
        "app that waits the Retry-After and retries on its kept connection never races the "
        "server closing it.",
    )
    http_request_head_seconds: int = Field(
        default=10,
        ge=1,
        le=300,
        alias="ONDC_HTTP_REQUEST_HEAD_SECONDS",
        description="How long a client has to send a request's head (request line and "
        "headers) from its first byte, or from opening the connection; also the grace "
        "before a body is held to ONDC_HTTP_BODY_MIN_BYTES_PER_SECOND. A connection that "
        "sends too slowly is closed, unanswered, before any of its request is recorded.",
    )
    http_body_min_bytes_per_second: int = Field(
        default=4096,
        ge=1,
        alias="ONDC_HTTP_BODY_MIN_BYTES_PER_SECOND",
        description="The slowest average a request body may arrive at, after the grace of "
        "ONDC_HTTP_REQUEST_HEAD_SECONDS (a 10 MB upload may take 40 minutes at the "
        "default); a body slower than this is cut off, its connection closed.",
    )
    rate_limit_per_second: int = Field(
        default=200,
        ge=1,
        alias="ONDC_RATE_LIMIT_PER_SECOND",
        description="Requests per second accepted from one network subscriber.",
    )
    stock_hold_seconds: int = Field(
        default=900,
        ge=30,
        le=86_400,
        alias="ONDC_STOCK_HOLD_SECONDS",
        description="How long stock quoted in on_select/on_init stays held for the buyer "
        "before other buyers may have it again (a confirm inside it cannot be oversold).",
    )
    buyer_finder_fee_percent: str = Field(
        default="3",
        pattern=r"^\d{1,2}(\.\d{1,2})?$",
        alias="ONDC_BUYER_FINDER_FEE_PERCENT",
        description="Buyer app finder fee offered in on_init when the buyer app names none "
        "(percent of the order value).",
    )
    b2b_max_finder_fee_percent: str | None = Field(
        default=None,
        pattern=r"^(100|\d{1,2}(\.\d{1,2})?)$",
        alias="ONDC_B2B_MAX_FINDER_FEE_PERCENT",
        description="The most a B2B buyer app's finder fee may be (percent of the order "
        "value; a fee in rupees is compared as a share of the quotation): an RFQ or /init of "
        "a transaction whose search names more is refused with 50005. Unset: no ceiling.",
    )
    gstin: str | None = Field(
        default=None,
        pattern=r"^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$",
        alias="ONDC_GSTIN",
        description="The marketplace's GSTIN, sent as bpp_terms tax_number (and its PAN as "
        "provider_tax_number) for sellers without a GSTIN of their own.",
    )
    settlement_bank_account: str | None = Field(
        default=None,
        pattern=r"^\d{9,18}$",
        alias="ONDC_SETTLEMENT_BANK_ACCOUNT",
        description="Account the buyer app settles sale amounts into (the marketplace's), "
        "for sellers without settlement details of their own.",
    )
    settlement_ifsc: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{4}0[A-Z0-9]{6}$",
        alias="ONDC_SETTLEMENT_IFSC",
        description="IFSC of ONDC_SETTLEMENT_BANK_ACCOUNT.",
    )
    settlement_beneficiary: str | None = Field(
        default=None,
        alias="ONDC_SETTLEMENT_BENEFICIARY",
        description="Account holder's name of ONDC_SETTLEMENT_BANK_ACCOUNT.",
    )
    settlement_bank_name: str | None = Field(
        default=None, alias="ONDC_SETTLEMENT_BANK_NAME", description="Bank of that account."
    )
    settlement_branch: str | None = Field(
        default=None, alias="ONDC_SETTLEMENT_BRANCH", description="Branch of that account."
    )
    settlement_upi: str | None = Field(
        default=None,
        pattern=r"^[\w.-]+@[\w]+$",
        alias="ONDC_SETTLEMENT_UPI",
        description="UPI address for settlements, if any.",
    )
    payment_gateway_url: AnyHttpUrl | None = Field(
        default=None,
        alias="ONDC_PAYMENT_GATEWAY_URL",
        description="The seller app's payment page (https), for sellers whose payments it "
        "collects (their `collects_payment`; ONDC retail 1.2.5 SNP collecting payment): "
        "on_init gives buyer apps this link with the transaction id and amount added as "
        "query parameters. Unset: buyer apps collect every payment. Needs "
        "ONDC_PAYMENT_GATEWAY_SECRET.",
    )
    payment_gateway_secret: SecretStr | None = Field(
        default=None,
        validate_default=True,
        alias="ONDC_PAYMENT_GATEWAY_SECRET",
        description="Secret (at least 16 characters) the payment gateway signs its reports "
        "to `/seller/v1/webhooks/payment` with (docs/payments.md); required with "
        "ONDC_PAYMENT_GATEWAY_URL.",
    )
    marketplace_symbol: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://odop.himachal.example/img/marketplace.png"),
        alias="ONDC_MARKETPLACE_SYMBOL",
        description="Logo of the marketplace (URL), sent as the catalogue's "
        "`bpp/descriptor.symbol` in every full on_search (ONDC retail 1.2.0 requires it).",
    )
    marketplace_short_desc: str = Field(
        default="One District One Product: goods of Himachal Pradesh's 12 districts",
        min_length=1,
        max_length=200,
        alias="ONDC_MARKETPLACE_SHORT_DESC",
        description="One line saying what the marketplace sells (`bpp/descriptor.short_desc`).",
    )
    marketplace_long_desc: str = Field(
        default="Handloom, handicrafts and foods from producers' cooperatives, artisans and "
        "MSMEs of Himachal Pradesh, chosen district by district under the One District One "
        "Product programme, many with a Geographical Indication.",
        min_length=1,
        max_length=2000,
        alias="ONDC_MARKETPLACE_LONG_DESC",
        description="A paragraph about the marketplace (`bpp/descriptor.long_desc`).",
    )
    marketplace_images: str = Field(
        default="https://odop.himachal.example/img/marketplace-banner.jpg",
        alias="ONDC_MARKETPLACE_IMAGES",
        description="Comma-separated image URLs of the marketplace (`bpp/descriptor.images`, "
        "at least one).",
    )
    # --- Grievances (IGM): who answers complaints for the marketplace, and how fast.
    grievance_desk_name: str = Field(
        default="ODOP Himachal grievance desk",
        min_length=1,
        max_length=120,
        alias="ONDC_GRIEVANCE_DESK_NAME",
        description="Who answers buyers' complaints for the marketplace (the seller app's "
        "actor in IGM issues: `COUNTERPARTY_NP`).",
    )
    grievance_desk_phone: str = Field(
        default="9418000000",
        pattern=r"^[0-9]{10,11}$",
        alias="ONDC_GRIEVANCE_DESK_PHONE",
        description="The grievance desk's phone number (10 or 11 digits, as IGM wants).",
    )
    grievance_desk_email: str = Field(
        default="grievance@odop.himachal.example",
        pattern=r"^[^@\s]+@[^@\s]+$",
        alias="ONDC_GRIEVANCE_DESK_EMAIL",
        description="The grievance desk's e-mail address.",
    )
    gro_name: str = Field(
        default="Grievance Redressal Officer, ODOP Himachal",
        min_length=1,
        max_length=120,
        alias="ONDC_GRO_NAME",
        description="The marketplace's grievance redressal officer (named in escalated IGM "
        "issues as `COUNTERPARTY_NP_GRO` and in IGM 1.0.0 resolutions as the GRO), as the "
        "Consumer Protection (E-Commerce) Rules require.",
    )
    gro_phone: str = Field(
        default="9418000001",
        pattern=r"^[0-9]{10,11}$",
        alias="ONDC_GRO_PHONE",
        description="The grievance officer's phone number (10 or 11 digits).",
    )
    gro_email: str = Field(
        default="gro@odop.himachal.example",
        pattern=r"^[^@\s]+@[^@\s]+$",
        alias="ONDC_GRO_EMAIL",
        description="The grievance officer's e-mail address.",
    )
    grievance_warn_minutes: int = Field(
        default=120,
        ge=1,
        le=10_080,
        alias="ONDC_GRIEVANCE_WARN_MINUTES",
        description="Minutes before an open complaint's expected resolution time at which the "
        "seller (webhook `issue.due`) and the operator (log warning) are told it is nearly due.",
    )
    grievance_escalate_minutes: int = Field(
        default=30,
        ge=0,
        le=10_080,
        alias="ONDC_GRIEVANCE_ESCALATE_MINUTES",
        description="Minutes after an open complaint's expected resolution time, with no "
        "resolution proposed or made, at which our grievance officer (`ONDC_GRO_*`) takes it "
        "over: the buyer app is told with an unsolicited `on_issue` (IGM 2.0.0) or "
        "`on_issue_status` (IGM 1.0.0), the seller with the webhook `issue.escalated`, the "
        "operator with an error in the log.",
    )
    dedupe_window_seconds: int = Field(
        default=86_400,
        ge=60,
        alias="ONDC_DEDUPE_WINDOW_SECONDS",
        description="How long a message id is remembered in the fast dedupe window; the "
        "database refuses duplicates for as long as the audit log keeps them.",
    )
    audit_retention_days: int = Field(
        default=90,
        ge=1,
        alias="ONDC_AUDIT_RETENTION_DAYS",
        description="Days the audit log keeps raw messages (purged every five minutes by "
        "each process that runs the background work, and by `ondc-seller audit purge`).",
    )
    seller_webhook_max_attempts: int = Field(
        default=12,
        ge=1,
        le=100,
        alias="ONDC_SELLER_WEBHOOK_MAX_ATTEMPTS",
        description="Tries of one notification to a seller's own system (new order, "
        "cancellation, return) before it is marked failed; retries back off exponentially "
        "with full jitter from 5 s up to 1 h.",
    )
    seller_webhook_deadline_hours: int = Field(
        default=24,
        ge=1,
        le=720,
        alias="ONDC_SELLER_WEBHOOK_DEADLINE_HOURS",
        description="Hours after an event within which its notification may still be "
        "retried; after that it is marked failed (a seller can redeliver it).",
    )
    loi_on_paper_days: int = Field(
        default=30,
        ge=1,
        le=365,
        alias="ONDC_LOI_ON_PAPER_DAYS",
        description="Days without movement (no RFQ, quote, purchase order, delivery or "
        "payment linked to it; counted from its signing when it has none) after which an "
        'unpaid letter of intent is flagged "on paper" on the LOI desk and its sellers are '
        "sent a `loi.on_paper` webhook (again after each further such spell).",
    )
    # --- Outbound hardening: what we call (callbacks, seller webhooks, stock feeds), how
    # long and how much we read, job leases, and the signed stock webhook's replay window.
    outbound_allow_http: bool = Field(
        default=False,
        alias="ONDC_OUTBOUND_ALLOW_HTTP",
        description="Let callbacks, seller webhooks and stock feeds go to plain http:// URLs. "
        "Off in production (https only); the demo and the test suite, which run on loopback, "
        "turn it on.",
    )
    outbound_allow_private: bool = Field(
        default=False,
        alias="ONDC_OUTBOUND_ALLOW_PRIVATE",
        description="Let callbacks, seller webhooks and stock feeds reach private, loopback, "
        "link-local and cloud-metadata addresses (checked after DNS resolution). Off in "
        "production; the demo and the test suite, which run on loopback, turn it on.",
    )
    callback_client: Literal["aiohttp", "httpx"] = Field(
        default="aiohttp",
        alias="ONDC_CALLBACK_CLIENT",
        description="HTTP client that sends callbacks to buyer apps. aiohttp costs several "
        "times less CPU per callback than httpx (bench/outbound) and checks the addresses it "
        "connects to; httpx is kept as a fallback. Both read answers capped and under "
        "ONDC_OUTBOUND_DEADLINE_SECONDS.",
    )
    outbound_deadline_seconds: float = Field(
        default=10.0,
        gt=0,
        le=120,
        alias="ONDC_OUTBOUND_DEADLINE_SECONDS",
        description="Longest one callback or seller-webhook attempt may take in all (connect, "
        "send, read the answer); a peer slower than that is cut off and retried later.",
    )
    stock_feed_max_bytes: int = Field(
        default=5_000_000,
        ge=1_000,
        alias="ONDC_STOCK_FEED_MAX_BYTES",
        description="Largest stock feed read, counted after decompression; a larger feed is "
        "refused and the refusal shows in the feed's last result.",
    )
    job_lease_seconds: float = Field(
        default=10.0,
        ge=2,
        le=300,
        alias="ONDC_JOB_LEASE_SECONDS",
        description="How long a process holds a claimed callback or seller notification "
        "without renewing it. The lease is renewed while the job is being sent, so after a "
        "crash its jobs are picked up by another process (or the restarted one) within this "
        "time.",
    )
    stock_webhook_window_seconds: int = Field(
        default=300,
        ge=30,
        le=3600,
        alias="ONDC_STOCK_WEBHOOK_WINDOW_SECONDS",
        description="How far a signed stock webhook's X-ODOP-Timestamp may be from our clock; "
        "a delivery id already seen within this window is refused as a replay.",
    )
    # --- end of outbound hardening settings.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", alias="LOG_LEVEL", description="Log level."
    )
    # --- Dashboard sessions and sign-in (docs/security.md, "Orders, transactions and
    # sessions"). ---
    dashboard_session_hours: int = Field(
        default=12,
        ge=1,
        le=168,
        alias="ONDC_DASHBOARD_SESSION_HOURS",
        description="Hours a dashboard sign-in lasts; signing out ends it at once.",
    )
    dashboard_secure_cookie: bool = Field(
        default=False,
        alias="ONDC_DASHBOARD_SECURE_COOKIE",
        description="Always mark the dashboard's session cookie Secure (browsers then send "
        "it over https only). It is Secure anyway when the request came over https, "
        "directly or as a trusted proxy's X-Forwarded-Proto says; set this when TLS ends "
        "at a proxy that does not forward the protocol.",
    )
    dashboard_login_failures: int = Field(
        default=5,
        ge=1,
        le=1000,
        alias="ONDC_DASHBOARD_LOGIN_FAILURES",
        description="Failed dashboard sign-ins from one address within the window after "
        "which that address is refused (429 with Retry-After) until the window has passed; "
        "ten times as many from all addresses together refuse every sign-in likewise.",
    )
    dashboard_login_window_seconds: int = Field(
        default=900,
        ge=60,
        le=86_400,
        alias="ONDC_DASHBOARD_LOGIN_WINDOW_SECONDS",
        description="The window of ONDC_DASHBOARD_LOGIN_FAILURES, and how long a refusal lasts.",
    )

    @field_validator(
        "registry_encryption_public_key", "request_id", "redis_url", "gstin",
        "settlement_bank_account", "settlement_ifsc", "settlement_beneficiary",
        "settlement_bank_name", "settlement_branch", "settlement_upi", "metrics_token",
        "payment_gateway_url", "payment_gateway_secret", "b2b_max_finder_fee_percent",
        mode="before",
    )  # fmt: skip
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        # `REDIS_URL=` in a .env file means "not configured", not "an empty URL".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("signing_private_key")
    @classmethod
    def _signing_key_loads(cls, value: SecretStr) -> SecretStr:
        return _check_key(value, signing.PrivateKey.from_base64)

    @field_validator("encryption_private_key")
    @classmethod
    def _encryption_key_loads(cls, value: SecretStr) -> SecretStr:
        return _check_key(value, signing.load_encryption_private_key)

    @field_validator("registry_encryption_public_key")
    @classmethod
    def _registry_key_loads(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                signing.load_encryption_public_key(value)
            except signing.KeyFormatError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("admin_api_key")
    @classmethod
    def _admin_key_is_a_real_secret(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if secret.startswith(_PLACEHOLDER):
            raise ValueError(
                "is still the placeholder of config/example.env; set a random secret, "
                "e.g. the output of `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        if len(secret) < ADMIN_KEY_MIN_LENGTH:
            raise ValueError(
                f"must be at least {ADMIN_KEY_MIN_LENGTH} characters (a random secret, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
        return value

    @field_validator("metrics_token")
    @classmethod
    def _secret_is_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters")
        return value

    @field_validator("payment_gateway_url")
    @classmethod
    def _gateway_is_https(cls, value: AnyHttpUrl | None) -> AnyHttpUrl | None:
        if value is not None and value.scheme != "https":
            raise ValueError("must be an https:// URL: buyers pay on this page")
        return value

    @field_validator("payment_gateway_secret")
    @classmethod
    def _gateway_has_a_secret(
        cls, value: SecretStr | None, info: ValidationInfo
    ) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters")
        if "payment_gateway_url" not in info.data:
            return value  # the URL itself was refused: that is the problem reported
        has_url = info.data["payment_gateway_url"] is not None
        if has_url and value is None:
            raise ValueError(
                "is required with ONDC_PAYMENT_GATEWAY_URL: the gateway's reports of "
                "payments are checked with it"
            )
        if value is not None and not has_url:
            raise ValueError("is set but ONDC_PAYMENT_GATEWAY_URL is not")
        return value

    @field_validator("http_keep_alive_seconds")
    @classmethod
    def _keep_alive_outlasts_retry_after(cls, value: int, info: ValidationInfo) -> int:
        longest = info.data.get("admission_longest_retry_after")
        if longest is not None and value <= max(longest, FIXED_RETRY_AFTER):
            raise ValueError(
                f"{value} s is not longer than every Retry-After the edge sends "
                f"(ONDC_ADMISSION_LONGEST_RETRY_AFTER={longest} s; {FIXED_RETRY_AFTER} s for a "
                "rate limit): a buyer app retrying on its kept connection would race the close"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_is_supported(cls, value: str) -> str:
        scheme = value.split(":", 1)[0].split("+", 1)[0]
        if scheme not in ("sqlite", "postgresql", "postgres"):
            raise ValueError(f"scheme {scheme!r} is not supported; use sqlite:/// or postgresql://")
        return value

    @field_validator("domains")
    @classmethod
    def _domains_are_ondc(cls, value: str) -> str:
        names = [d.strip() for d in value.split(",") if d.strip()]
        unknown = [d for d in names if d not in RETAIL_DOMAINS]
        if not names or unknown:
            raise ValueError(
                f"{', '.join(unknown) or 'no domain given'}: not an ONDC retail domain; "
                f"allowed: {', '.join(RETAIL_DOMAINS)} (comma-separated)"
            )
        return ",".join(names)

    @field_validator("core_versions")
    @classmethod
    def _core_versions_are_known(cls, value: str) -> str:
        names = [v.strip() for v in value.split(",") if v.strip()]
        unknown = [v for v in names if v not in RETAIL_CORE_VERSIONS]
        if not names or unknown:
            raise ValueError(
                f"{', '.join(unknown) or 'no version given'}: not a retail version served here; "
                f"allowed: {', '.join(RETAIL_CORE_VERSIONS)} (comma-separated)"
            )
        return ",".join(dict.fromkeys(names))

    @field_validator("marketplace_images")
    @classmethod
    def _images_are_urls(cls, value: str) -> str:
        urls = [url.strip() for url in value.split(",") if url.strip()]
        if not urls or not all(re.match(r"^https?://\S+$", url) for url in urls):
            raise ValueError("one or more http(s) URLs, separated by commas")
        return ",".join(urls)

    @field_validator("redis_url")
    @classmethod
    def _redis_url_is_redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # Passwords in DATABASE_URL and REDIS_URL are secrets too (keys are SecretStr).
        for name, value in super().__repr_args__():
            if name in ("database_url", "redis_url") and isinstance(value, str):
                yield name, redact_url(value)
            else:
                yield name, value

    @cached_property
    def signing_key(self) -> signing.PrivateKey:
        """Our Ed25519 signing key."""
        return signing.PrivateKey.from_base64(self.signing_private_key.get_secret_value())

    @cached_property
    def signer(self) -> signing.Signer:
        """Signs our outgoing messages under our keyId."""
        return signing.Signer(self.subscriber_id, self.unique_key_id, self.signing_key)

    @cached_property
    def encryption_key(self) -> X25519PrivateKey:
        """Our X25519 key for the registry challenge."""
        return signing.load_encryption_private_key(self.encryption_private_key.get_secret_value())

    @cached_property
    def registry_encryption_key(self) -> X25519PublicKey | None:
        """The registry's X25519 public key, when configured."""
        if self.registry_encryption_public_key is None:
            return None
        return signing.load_encryption_public_key(self.registry_encryption_public_key)

    @property
    def storefront(self) -> Storefront:
        """How the marketplace presents itself at the head of its catalogue."""
        # Imported here: it brings in the wire models, which `config check` and the other
        # command-line paths that read settings never need (about 0.2 s of start-up).
        from adapter.core.callbacks import Storefront

        return Storefront(
            symbol=str(self.marketplace_symbol),
            short_desc=self.marketplace_short_desc,
            long_desc=self.marketplace_long_desc,
            images=tuple(self.marketplace_images.split(",")),
        )

    @property
    def domain_set(self) -> frozenset[str]:
        """The served domains."""
        return frozenset(self.domains.split(","))

    @property
    def core_version_set(self) -> frozenset[str]:
        """The retail contract versions accepted."""
        return frozenset(self.core_versions.split(","))

    @property
    def base_path(self) -> str:
        """The path part of ``ONDC_SUBSCRIBER_URL``, without a trailing slash."""
        return (self.subscriber_url.path or "").rstrip("/")


def load_settings(env_file: Path | None = Path(".env"), **overrides: Any) -> Settings:
    """Read settings from the environment (and ``env_file``), or raise :class:`SettingsError`.

    ``overrides`` (by field name or variable name) win over the environment: the demo and
    tests build settings this way.
    """
    try:
        return Settings(_env_file=env_file, **overrides)
    except ValidationError as exc:
        problems: list[tuple[str, str]] = []
        for error in exc.errors():
            field_name = str(error["loc"][0]) if error["loc"] else "?"
            info = Settings.model_fields.get(field_name)
            variable = info.alias if info is not None and info.alias else field_name
            problems.append((variable, _reason(variable, error)))
        raise SettingsError(problems) from None


def _reason(variable: str, error: ErrorDetails) -> str:
    """What is wrong with a value and what a valid one looks like, in plain words (pydantic's
    own messages speak of patterns, types and "Input should")."""
    kind, context = error["type"], error.get("ctx", {})
    if kind == "missing":
        return "is not set"
    if kind == "string_pattern_mismatch":
        return f"must be {_LOOKS_LIKE.get(variable, 'in the documented format')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind.startswith("url_"):
        return "must be a URL starting with http:// or https://, like https://host/path"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return "must be a whole number"
    if kind in ("float_parsing", "float_type"):
        return "must be a number"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }
        bound = next(iter(context.values()), "")
        return f"must be {words[kind]} {bound}"
    if kind == "literal_error":
        return f"must be one of {context.get('expected', '')}".replace("'", "")
    return str(error["msg"]).removeprefix("Value error, ")


def signing_key_from_environment() -> str | None:
    """``ONDC_SIGNING_PRIVATE_KEY`` from the environment alone (for ``ondc-seller signature
    sign``, which needs no other setting), or None when unset or blank."""
    value = os.environ.get("ONDC_SIGNING_PRIVATE_KEY", "").strip()
    return value or None


def misspelt_variables(
    env_file: Path | None = Path(".env"), environ: dict[str, str] | None = None
) -> list[tuple[str, str | None]]:
    """Variables that look meant for the adapter but that no setting reads: every ``ONDC_*``
    environment variable and every key of ``env_file`` that is not a setting, each with the
    closest setting's name (or None when nothing is close). A misspelt name would otherwise
    be silently ignored and its setting left at its default or reported missing."""
    known = [info.alias or name for name, info in Settings.model_fields.items()]
    found = {
        name for name in (os.environ if environ is None else environ) if name.startswith("ONDC_")
    }
    if env_file is not None and env_file.is_file():
        found.update(dotenv_values(env_file))
    return [
        (name, next(iter(difflib.get_close_matches(name, known, n=1, cutoff=0.75)), None))
        for name in sorted(found - set(known))
    ]
