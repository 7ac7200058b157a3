"""Deployment settings: the one home of the environment.

Values come from environment variables and, when present, a ``.env`` file in the working
directory (the environment wins). Each field's alias is the variable's name; the table in
``docs/configuration.md`` is generated from this model (``ondc-seller config docs``) and
``config/example.env`` lists every variable with a placeholder.

A missing or malformed value raises :class:`SettingsError`, whose message names each
variable at fault; secrets are ``SecretStr`` and never appear in reprs or logs.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

import signing

__all__ = ["Settings", "SettingsError", "load_settings"]


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
    admin_api_key: SecretStr = Field(
        alias="ONDC_ADMIN_API_KEY",
        description="Operator credential for the admin API and dashboard (at least 16 characters).",
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
        description="Comma-separated ONDC domains served; requests for others are NACKed.",
    )
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=64 * 1024,
        alias="ONDC_MAX_BODY_BYTES",
        description="Largest request body accepted (large catalogues are normal).",
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
        description="Days the audit log keeps raw messages.",
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

    @field_validator(
        "registry_encryption_public_key", "request_id", "redis_url", "gstin",
        "settlement_bank_account", "settlement_ifsc", "settlement_beneficiary",
        "settlement_bank_name", "settlement_branch", "settlement_upi", mode="before",
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
    def _admin_key_is_long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters")
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
        bad = [d for d in names if not d.startswith("ONDC:")]
        if not names or bad:
            raise ValueError(
                f"expected ONDC domains like ONDC:RET10, got {', '.join(bad) or 'none'}"
            )
        return ",".join(names)

    @field_validator("redis_url")
    @classmethod
    def _redis_url_is_redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

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
    def domain_set(self) -> frozenset[str]:
        """The served domains."""
        return frozenset(self.domains.split(","))

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
            reason = "is not set" if error["type"] == "missing" else error["msg"]
            problems.append((variable, reason.removeprefix("Value error, ")))
        raise SettingsError(problems) from None
