"""Settings: every problem named by its variable, secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapter.settings import SettingsError, load_settings
from tests.fixtures import settings_values, signing_vectors

KEYS = signing_vectors()["keys"]


def _load(tmp_path: Path, **overrides: object) -> object:
    return load_settings(
        env_file=None, **settings_values(f"sqlite:///{tmp_path}/s.db", **overrides)
    )


def test_valid_settings_load_and_expose_the_signer(tmp_path: Path) -> None:
    settings = load_settings(env_file=None, **settings_values(f"sqlite:///{tmp_path}/s.db"))
    assert settings.signer.subscriber_id == "seller.odop.example"
    assert settings.signing_key.public_key.to_base64() == KEYS["k1"]["public_key_b64"]
    assert settings.base_path == "/ondc"
    assert settings.registry_lookup == "v2"


@pytest.mark.parametrize(
    "variable",
    [
        "ONDC_SUBSCRIBER_ID",
        "ONDC_SUBSCRIBER_URL",
        "ONDC_UNIQUE_KEY_ID",
        "ONDC_SIGNING_PRIVATE_KEY",
        "ONDC_ENCRYPTION_PRIVATE_KEY",
        "ONDC_REGISTRY_URL",
        "ONDC_ADMIN_API_KEY",
    ],
)
def test_missing_required_setting_is_named(tmp_path: Path, variable: str) -> None:
    values = settings_values(f"sqlite:///{tmp_path}/s.db")
    del values[variable]
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None, **values)
    assert caught.value.problems == [(variable, "is not set")]
    assert f"{variable}: is not set" in str(caught.value)


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("ONDC_SIGNING_PRIVATE_KEY", "AAAA", "private key is 3 bytes"),
        ("ONDC_SIGNING_PRIVATE_KEY", "not base64!", "not valid base64"),
        ("ONDC_ENCRYPTION_PRIVATE_KEY", "AAAA", "encryption private key is 3 bytes"),
        ("ONDC_REGISTRY_ENCRYPTION_PUBLIC_KEY", "AAAA", "encryption public key is 3 bytes"),
        ("ONDC_SUBSCRIBER_URL", "not a url", "URL"),
        ("DATABASE_URL", "mysql://x/y", "not supported"),
        ("REDIS_URL", "127.0.0.1:6379", "redis://"),
        ("ONDC_ADMIN_API_KEY", "short", "at least 24 characters"),
        ("ONDC_REGISTRY_LOOKUP", "v3", "must be one of v1 or v2"),
        ("ONDC_CLOCK_SKEW_SECONDS", "-1", "must be at least 0"),
        ("ONDC_CLOCK_SKEW_SECONDS", "five", "must be a whole number"),
        ("ONDC_GSTIN", "02AAAAH1234C1Z", "like 02AAAAH1234C1Z5"),
        ("ONDC_SETTLEMENT_IFSC", "hpsc1", "like HPSC0000001"),
        ("ONDC_BUYER_FINDER_FEE_PERCENT", "3%", "like 3 or 2.5"),
        ("ONDC_SETTLEMENT_UPI", "no-at-sign", "a UPI address"),
        (
            "ONDC_DOMAINS",
            "ONDC:RET99",
            "ONDC:RET99: not an ONDC retail domain; allowed: ONDC:RET10",
        ),
        (
            "ONDC_CORE_VERSIONS",
            "1.2.0,1.3.0",
            "1.3.0: not a retail version served here; allowed: 1.2.0, 1.2.5",
        ),
        ("ONDC_CORE_VERSIONS", " , ", "no version given"),
        ("ONDC_MARKETPLACE_IMAGES", "logo.png", "http(s) URLs"),
        ("ONDC_MARKETPLACE_SYMBOL", "not a url", "URL"),
        ("ONDC_MARKETPLACE_SHORT_DESC", "", "must not be empty"),
    ],
)
def test_malformed_setting_is_named_with_the_reason(
    tmp_path: Path, variable: str, value: str, reason: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        _load(tmp_path, **{variable: value})
    [(name, message)] = caught.value.problems
    assert name == variable
    assert reason in message


def test_secrets_never_appear_in_reprs_or_errors(tmp_path: Path) -> None:
    settings = load_settings(env_file=None, **settings_values(f"sqlite:///{tmp_path}/s.db"))
    text = repr(settings) + str(settings) + repr(settings.signing_key) + repr(settings.signer)
    assert KEYS["k1"]["private_key_b64"][:16] not in text
    assert "admin-key-for-tests" not in text
    with pytest.raises(SettingsError) as caught:
        _load(tmp_path, ONDC_SIGNING_PRIVATE_KEY=KEYS["k1"]["private_key_b64"][:-8] + "AAAAAAA=")
    assert KEYS["k1"]["private_key_b64"][:16] not in str(caught.value)


def test_dotenv_file_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = settings_values(f"sqlite:///{tmp_path}/s.db")
    env_file = tmp_path / ".env"
    env_file.write_text("\n".join(f"{k}={v}" for k, v in values.items()), encoding="utf-8")
    monkeypatch.setenv("ONDC_UNIQUE_KEY_ID", "from-environment")
    settings = load_settings(env_file=env_file)
    assert settings.subscriber_id == "seller.odop.example"
    assert settings.unique_key_id == "from-environment"


def test_blank_optional_settings_mean_not_configured(tmp_path: Path) -> None:
    settings = load_settings(
        env_file=None,
        **settings_values(f"sqlite:///{tmp_path}/s.db", REDIS_URL="", ONDC_REQUEST_ID=" "),
    )
    assert settings.redis_url is None
    assert settings.request_id is None


def test_example_env_lists_every_setting() -> None:
    from adapter.settings import Settings
    from tests.fixtures import REPO_ROOT

    text = (REPO_ROOT / "config" / "example.env").read_text("utf-8")
    for field in Settings.model_fields.values():
        assert f"{field.alias}=" in text, field.alias


def test_configuration_doc_is_generated_from_the_model() -> None:
    from adapter.cli.config_cmd import configuration_markdown
    from tests.fixtures import REPO_ROOT

    assert (REPO_ROOT / "docs" / "configuration.md").read_text("utf-8") == configuration_markdown()


def test_the_marketplace_descriptor_comes_from_its_settings(tmp_path: Path) -> None:
    settings = load_settings(
        env_file=None,
        **settings_values(
            f"sqlite:///{tmp_path}/s.db",
            ONDC_MARKETPLACE_SYMBOL="https://hp.example/logo.png",
            ONDC_MARKETPLACE_SHORT_DESC="हिमाचल के उत्पाद",
            ONDC_MARKETPLACE_LONG_DESC="Goods of Himachal's districts",
            ONDC_MARKETPLACE_IMAGES=" https://hp.example/a.jpg, https://hp.example/b.jpg ",
        ),
    )
    front = settings.storefront
    assert front.symbol == "https://hp.example/logo.png"
    assert (front.short_desc, front.long_desc) == (
        "हिमाचल के उत्पाद",
        "Goods of Himachal's districts",
    )
    assert front.images == ("https://hp.example/a.jpg", "https://hp.example/b.jpg")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ONDC_GSTIN", "x"),
        ("ONDC_SETTLEMENT_BANK_ACCOUNT", "12ab"),
        ("ONDC_SETTLEMENT_IFSC", "x"),
        ("ONDC_SETTLEMENT_UPI", "x"),
        ("ONDC_BUYER_FINDER_FEE_PERCENT", "x"),
        ("ONDC_SUBSCRIBER_URL", "x"),
        ("ONDC_REGISTRY_TIMEOUT_SECONDS", "x"),
        ("ONDC_MAX_BODY_BYTES", "x"),
        ("LOG_LEVEL", "x"),
    ],
)
def test_errors_say_what_a_valid_value_looks_like_without_pydantic_jargon(
    tmp_path: Path, variable: str, value: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        _load(tmp_path, **{variable: value})
    text = str(caught.value)
    assert f"{variable}: must be " in text
    for jargon in ("pattern", "^", "$'", "Input should", "String should", "parsing", "[type="):
        assert jargon not in text, text


def test_the_example_env_placeholder_admin_key_is_refused(tmp_path: Path) -> None:
    from tests.fixtures import REPO_ROOT

    example = (REPO_ROOT / "config" / "example.env").read_text("utf-8")
    placeholder = next(
        line.split("=", 1)[1]
        for line in example.splitlines()
        if line.startswith("ONDC_ADMIN_API_KEY=")
    )
    assert len(placeholder) >= 24  # long enough: refused for being the placeholder
    with pytest.raises(SettingsError) as caught:
        _load(tmp_path, ONDC_ADMIN_API_KEY=placeholder)
    [(name, message)] = caught.value.problems
    assert name == "ONDC_ADMIN_API_KEY"
    assert "placeholder of config/example.env" in message


def test_every_setting_config_example_env_leaves_blank_is_taken_as_unset(
    tmp_path: Path,
) -> None:
    """An operator who copies config/example.env as it is (systemd's EnvironmentFile, or
    sourced) passes its blank settings as empty strings: each means "not set", never a
    start-up error."""
    from tests.fixtures import REPO_ROOT

    example = (REPO_ROOT / "config" / "example.env").read_text("utf-8")
    blank = [line[:-1] for line in example.splitlines() if line.endswith("=")]
    assert "ONDC_B2B_MAX_FINDER_FEE_PERCENT" in blank
    for name in blank:
        _load(tmp_path, **{name: ""})


def test_database_and_redis_passwords_never_appear_in_reprs(tmp_path: Path) -> None:
    settings = load_settings(
        env_file=None,
        **settings_values(
            "postgresql://ondc:db-secret-pw@db.internal:5432/ondc",
            REDIS_URL="redis://:redis-secret-pw@redis.internal:6379/0",
        ),
    )
    text = repr(settings) + str(settings)
    assert "db-secret-pw" not in text
    assert "redis-secret-pw" not in text
    assert "postgresql://ondc:***@db.internal:5432/ondc" in text
    assert "redis://:***@redis.internal:6379/0" in text
    # The values themselves are unchanged: the adapter still connects with them.
    assert settings.database_url.endswith("ondc:db-secret-pw@db.internal:5432/ondc")


def test_misspelt_variables_are_named_with_the_closest_setting(tmp_path: Path) -> None:
    from adapter.settings import misspelt_variables

    env_file = tmp_path / ".env"
    env_file.write_text("ONDC_SUBSCRIBER_UR=https://x\nDATABSE_URL=sqlite:///x.db\n", "utf-8")
    found = misspelt_variables(
        env_file,
        {"ONDC_REGISTERY_URL": "https://r", "ONDC_SUBSCRIBER_ID": "s", "PATH": "/bin"},
    )
    assert found == [
        ("DATABSE_URL", "DATABASE_URL"),
        ("ONDC_REGISTERY_URL", "ONDC_REGISTRY_URL"),
        ("ONDC_SUBSCRIBER_UR", "ONDC_SUBSCRIBER_URL"),
    ]


@pytest.mark.parametrize(
    ("overrides", "variable", "reason"),
    [
        ({"ONDC_PAYMENT_GATEWAY_URL": "https://pay.example/checkout"},
         "ONDC_PAYMENT_GATEWAY_SECRET", "required with ONDC_PAYMENT_GATEWAY_URL"),
        ({"ONDC_PAYMENT_GATEWAY_SECRET": "a-secret-long-enough"},
         "ONDC_PAYMENT_GATEWAY_SECRET", "ONDC_PAYMENT_GATEWAY_URL is not"),
        ({"ONDC_PAYMENT_GATEWAY_URL": "http://pay.example/checkout",
          "ONDC_PAYMENT_GATEWAY_SECRET": "a-secret-long-enough"},
         "ONDC_PAYMENT_GATEWAY_URL", "https"),
        ({"ONDC_PAYMENT_GATEWAY_URL": "https://pay.example/checkout",
          "ONDC_PAYMENT_GATEWAY_SECRET": "short"},
         "ONDC_PAYMENT_GATEWAY_SECRET", "at least 16"),
    ],
)  # fmt: skip
def test_the_payment_gateway_needs_an_https_link_and_its_secret(
    tmp_path: Path, overrides: dict[str, str], variable: str, reason: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        _load(tmp_path, **overrides)
    named = dict(caught.value.problems)
    assert variable in named, caught.value
    assert reason in named[variable]
    assert "a-secret-long-enough" not in str(caught.value)


def test_a_payment_gateway_with_its_secret_loads(tmp_path: Path) -> None:
    settings = _load(
        tmp_path,
        ONDC_PAYMENT_GATEWAY_URL="https://pay.example/checkout",
        ONDC_PAYMENT_GATEWAY_SECRET="a-secret-long-enough",
    )
    assert str(settings.payment_gateway_url) == "https://pay.example/checkout"


def test_keep_alive_must_outlast_every_retry_after_the_edge_sends(tmp_path: Path) -> None:
    settings = _load(tmp_path)
    assert settings.http_keep_alive_seconds > settings.admission_longest_retry_after  # type: ignore[attr-defined]
    for overrides in (
        {"ONDC_ADMISSION_LONGEST_RETRY_AFTER": "130"},
        {"ONDC_ADMISSION_LONGEST_RETRY_AFTER": "8", "ONDC_HTTP_KEEP_ALIVE_SECONDS": "8"},
    ):
        with pytest.raises(SettingsError) as caught:
            _load(tmp_path, **overrides)
        [(variable, reason)] = caught.value.problems
        assert variable == "ONDC_HTTP_KEEP_ALIVE_SECONDS"
        assert "is not longer than every Retry-After the edge sends" in reason
    shorter = _load(
        tmp_path, ONDC_ADMISSION_LONGEST_RETRY_AFTER="5", ONDC_HTTP_KEEP_ALIVE_SECONDS="6"
    )
    assert shorter.http_keep_alive_seconds == 6  # type: ignore[attr-defined]
