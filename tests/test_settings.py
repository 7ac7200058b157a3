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
        ("ONDC_ADMIN_API_KEY", "short", "at least 16"),
        ("ONDC_REGISTRY_LOOKUP", "v3", "v1"),
        ("ONDC_CLOCK_SKEW_SECONDS", "-1", "greater than or equal"),
        ("ONDC_MARKETPLACE_IMAGES", "logo.png", "http(s) URLs"),
        ("ONDC_MARKETPLACE_SYMBOL", "not a url", "URL"),
        ("ONDC_MARKETPLACE_SHORT_DESC", "", "at least 1"),
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
