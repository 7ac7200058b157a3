"""``ondc-seller keys`` and ``config``: keys the settings accept, errors that name settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import signing
from adapter.cli import app
from adapter.settings import load_settings
from tests.fixtures import settings_values

runner = CliRunner()


def test_generated_keys_are_accepted_by_the_settings(tmp_path: Path) -> None:
    result = runner.invoke(app, ["keys", "generate", "--json"])
    assert result.exit_code == 0
    keys = json.loads(result.stdout)
    settings = load_settings(
        env_file=None,
        **settings_values(
            f"sqlite:///{tmp_path}/k.db",
            ONDC_SIGNING_PRIVATE_KEY=keys["signing_private_key"],
            ONDC_ENCRYPTION_PRIVATE_KEY=keys["encryption_private_key"],
        ),
    )
    assert settings.signing_key.public_key.to_base64() == keys["signing_public_key"]
    assert signing.load_encryption_public_key(keys["encryption_public_key"])
    assert keys["encryption_public_key"].startswith("MCowBQYDK2VuAyEA")


def test_generate_prints_env_lines_by_default() -> None:
    result = runner.invoke(app, ["keys", "generate"])
    lines = result.stdout.splitlines()
    assert any(line.startswith("ONDC_SIGNING_PRIVATE_KEY=") for line in lines)
    assert any(line.startswith("ONDC_ENCRYPTION_PRIVATE_KEY=") for line in lines)


def test_config_check_names_the_missing_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in settings_values("sqlite://"):
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 2
    assert "ONDC_SUBSCRIBER_ID: is not set" in result.stderr
    assert "ONDC_SIGNING_PRIVATE_KEY: is not set" in result.stderr


def test_config_check_accepts_a_good_dotenv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    values = settings_values(f"sqlite:///{tmp_path}/c.db")
    for name in values:
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text("\n".join(f"{k}={v}" for k, v in values.items()))
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output
    assert "settings are valid" in result.stdout
    assert values["ONDC_SIGNING_PRIVATE_KEY"] not in result.stdout
