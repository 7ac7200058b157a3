"""``ondc-seller signature``: the SDK's vectors through the command line."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from adapter.cli import app
from tests.fixtures import REPO_ROOT, signing_vectors, subprocess_env

VECTORS = signing_vectors()
runner = CliRunner()


def _key(vector: dict[str, Any], form: str = "private_key_b64") -> str:
    return str(VECTORS["keys"][vector["key"]][form])


@pytest.mark.parametrize("vector", VECTORS["positive"], ids=lambda v: v["id"])
def test_sign_prints_the_sdk_header_for_the_body_on_stdin(
    vector: dict[str, Any], tmp_path: Path
) -> None:
    key_file = tmp_path / "signing.key"
    key_file.write_text(_key(vector, "private_key_seed_b64") + "\n", "utf-8")
    result = runner.invoke(
        app,
        [
            "signature", "sign",
            "--private-key-file", str(key_file),
            "--subscriber-id", vector["subscriber_id"],
            "--unique-key-id", vector["unique_key_id"],
            "--created", str(vector["created"]),
            "--expires", str(vector["expires"]),
        ],
        input=base64.b64decode(vector["body_b64"]),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == vector["header"]


@pytest.mark.parametrize("vector", VECTORS["positive"], ids=lambda v: v["id"])
def test_verify_exits_zero_for_sdk_signatures(vector: dict[str, Any]) -> None:
    public = VECTORS["keys"][vector["key"]]["public_key_b64"]
    result = runner.invoke(
        app,
        ["signature", "verify", "--public-key", public, "--header", vector["header"],
         "--now", str(vector["verify_now"])],
        input=base64.b64decode(vector["body_b64"]),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("valid: signed by")


@pytest.mark.parametrize(
    "vector",
    [v for v in VECTORS["negative"] if v["id"] != "N23_private_key_as_public_key"],
    ids=lambda v: v["id"],
)
def test_verify_exits_one_with_the_reason_for_every_negative_vector(
    vector: dict[str, Any],
) -> None:
    result = runner.invoke(
        app,
        ["signature", "verify", "--public-key", vector["public_key_b64"],
         "--header", vector["header"], "--now", str(vector["now"])],
        input=base64.b64decode(vector["body_b64"]),
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("invalid (")


def test_verify_with_a_private_key_as_public_key_names_the_mistake() -> None:
    vector = next(v for v in VECTORS["negative"] if v["id"].startswith("N23"))
    result = runner.invoke(
        app,
        ["signature", "verify", "--public-key", vector["public_key_b64"],
         "--header", vector["header"], "--now", str(vector["now"])],
        input=b"{}",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--public-key: public key is 64 bytes" in result.stderr


def test_explain_shows_digest_signing_string_and_the_failed_check() -> None:
    vector = next(v for v in VECTORS["negative"] if v["id"].startswith("N05"))
    result = runner.invoke(
        app,
        ["signature", "explain", "--public-key", vector["public_key_b64"],
         "--header", vector["header"], "--now", str(vector["now"])],
        input=base64.b64decode(vector["body_b64"]),
    )  # fmt: skip
    assert result.exit_code == 1
    out = result.stdout
    assert "digest:          BLAKE-512=" in out
    assert "(created): 1700000000" in out
    assert "ok   time window" in out
    assert "FAIL signature" in out
    assert "result: invalid (failed at signature)" in out


def test_sign_refuses_a_private_key_on_the_command_line() -> None:
    # A key on argv is visible to every user of the machine in `ps`.
    key = VECTORS["keys"]["k1"]["private_key_b64"]
    result = runner.invoke(
        app,
        ["signature", "sign", "--private-key", key,
         "--subscriber-id", "seller.example", "--unique-key-id", "k1"],
        input=b"{}",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--private-key is no longer accepted" in result.stderr
    assert "--private-key-file" in result.stderr
    assert "ONDC_SIGNING_PRIVATE_KEY" in result.stderr
    assert key not in result.stderr


def test_sign_without_a_key_says_where_to_put_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONDC_SIGNING_PRIVATE_KEY", raising=False)
    result = runner.invoke(
        app, ["signature", "sign", "--subscriber-id", "s", "--unique-key-id", "k"], input=b"{}"
    )
    assert result.exit_code == 2
    assert "--private-key-file FILE" in result.stderr


def test_sign_names_the_key_file_holding_a_bad_key(tmp_path: Path) -> None:
    key_file = tmp_path / "signing.key"
    key_file.write_text("not a key", "utf-8")
    result = runner.invoke(
        app,
        ["signature", "sign", "--private-key-file", str(key_file),
         "--subscriber-id", "s", "--unique-key-id", "k"],
        input=b"{}",
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"--private-key-file {key_file}: private key is not valid base64" in result.stderr


def test_console_script_round_trips_a_hindi_body() -> None:
    body = '{"message":{"name":"चम्बा रुमाल","price":"₹1500"}}'.encode()
    key = VECTORS["keys"]["k1"]
    script = [sys.executable, "-m", "adapter.cli"]
    # The key comes from the environment, never from the command line.
    signed = subprocess.run(
        [*script, "signature", "sign", "--subscriber-id", "seller.example",
         "--unique-key-id", "k1"],
        input=body, capture_output=True, check=True, cwd=REPO_ROOT,
        env=subprocess_env({"ONDC_SIGNING_PRIVATE_KEY": key["private_key_b64"]}),
    )  # fmt: skip
    header = signed.stdout.decode().strip()
    verified = subprocess.run(
        [*script, "signature", "verify", "--public-key", key["public_key_b64"], "--header", header],
        input=body, capture_output=True, cwd=REPO_ROOT,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    tampered = subprocess.run(
        [*script, "signature", "verify", "--public-key", key["public_key_b64"], "--header", header],
        input=body + b" ", capture_output=True, cwd=REPO_ROOT,
    )  # fmt: skip
    assert tampered.returncode == 1
    assert b"invalid (invalid-signature)" in tampered.stdout
