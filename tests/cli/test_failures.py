"""No traceback reaches a user: every failure of a command is a line or two naming the
setting or input at fault and what to do, with the documented exit code (0 done, 1 the
work failed, 2 usage or settings, 3 a dependency unavailable)."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from adapter.cli import app
from adapter.storage.probe import head_revision
from tests.e2e.processes import free_port
from tests.fixtures import REDIS_URL, REPO_ROOT, settings_values, subprocess_env

runner = CliRunner()


def _configure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **overrides: str) -> None:
    """Settings in the environment, in an empty working directory (no stray .env)."""
    monkeypatch.chdir(tmp_path)
    for name in (*settings_values("sqlite://"), "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    values = settings_values(f"sqlite:///{tmp_path}/adapter.db", **overrides)
    for name, value in values.items():
        monkeypatch.setenv(name, str(value))


def _plain_failure(result: Result, code: int) -> str:
    """The failure's message, checked to be a few plain lines and the right exit code."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert 1 <= len(lines) <= 3, result.stderr
    return result.stderr


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port some other program listens on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


@pytest.mark.parametrize(
    "command",
    [
        ["db", "upgrade"],
        ["config", "check"],
        ["audit", "show", "tx-1"],
        ["audit", "purge"],
        ["outbox", "list"],
        ["outbox", "replay", "1"],
    ],
    ids=" ".join,
)
def test_sqlite_file_in_a_missing_directory_names_database_url(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/missing/adapter.db")
    message = _plain_failure(runner.invoke(app, command), 3)
    assert "DATABASE_URL" in message
    assert f"the directory {tmp_path}/missing does not exist" in message


@pytest.mark.parametrize("command", [["db", "upgrade"], ["config", "check"], ["outbox", "list"]])
def test_unreachable_postgresql_names_database_url_without_its_password(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"postgresql://ondc:s3cret-pw@127.0.0.1:{free_port()}/ondc"
    _configure(monkeypatch, tmp_path, DATABASE_URL=url)
    message = _plain_failure(runner.invoke(app, command), 3)
    assert "DATABASE_URL (postgresql://ondc:***@127.0.0.1" in message
    assert "s3cret-pw" not in message
    assert "check the host, port and database name" in message


def test_unknown_database_host_names_database_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, tmp_path, DATABASE_URL="postgresql://ondc@no-such-host.invalid/ondc")
    message = _plain_failure(runner.invoke(app, ["db", "upgrade"]), 3)
    assert "DATABASE_URL (postgresql://ondc@no-such-host.invalid/ondc)" in message


def test_bad_database_scheme_is_a_settings_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, tmp_path, DATABASE_URL="mysql://ondc@db/ondc")
    message = _plain_failure(runner.invoke(app, ["serve"]), 2)
    assert "DATABASE_URL: scheme 'mysql' is not supported" in message


def test_commands_on_a_database_never_migrated_say_to_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, tmp_path)
    (tmp_path / "adapter.db").touch()
    for command in (["audit", "show", "tx-1"], ["outbox", "list"], ["audit", "purge"]):
        message = _plain_failure(runner.invoke(app, command), 3)
        assert f"SQLite file {tmp_path / 'adapter.db'}, not migrated" in message
        assert "run `ondc-seller db upgrade`" in message
    (tmp_path / "adapter.db").unlink()
    message = _plain_failure(runner.invoke(app, ["outbox", "list"]), 3)
    assert "does not exist yet (`ondc-seller db upgrade` creates it)" in message
    assert not (tmp_path / "adapter.db").exists()


def test_audit_show_of_an_unknown_transaction_exits_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, tmp_path)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    message = _plain_failure(runner.invoke(app, ["audit", "show", "no-such-tx"]), 1)
    assert "no message of transaction 'no-such-tx'" in message


def test_outbox_replay_of_an_unknown_job_exits_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, tmp_path)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    message = _plain_failure(runner.invoke(app, ["outbox", "replay", "4242"]), 1)
    assert "job 4242: no parked (failed) job has this id" in message


def test_config_check_names_unreachable_redis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, tmp_path, REDIS_URL=f"redis://:pw@127.0.0.1:{free_port()}/0")
    message = _plain_failure(runner.invoke(app, ["config", "check"]), 3)
    assert "REDIS_URL (redis://:***@127.0.0.1:" in message
    assert "leave REDIS_URL empty to run single-node" in message


def test_serve_names_unreachable_redis_before_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, tmp_path, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    message = _plain_failure(runner.invoke(app, ["serve", "--port", str(free_port())]), 3)
    assert "REDIS_URL (redis://127.0.0.1:" in message


def test_config_check_reports_the_store_its_revision_and_redis(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, tmp_path, DATABASE_URL=database_url, REDIS_URL=REDIS_URL)
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output
    store = "SQLite file" if database_url.startswith("sqlite") else "PostgreSQL database"
    database_line = next(
        line for line in result.stdout.splitlines() if line.startswith("database:")
    )
    assert store in database_line
    assert f"schema at revision {head_revision()}" in database_line
    assert "(current)" in database_line
    assert "answered (Redis " in result.stdout


def test_config_check_says_a_new_database_is_not_migrated_and_creates_nothing(
    fresh_postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, tmp_path, DATABASE_URL=fresh_postgres_url)
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output
    assert "not migrated (run `ondc-seller db upgrade`)" in result.stdout
    assert "redis: not configured" in result.stdout
    _configure(monkeypatch, tmp_path)
    result = runner.invoke(app, ["config", "check"])
    assert "does not exist yet" in result.stdout
    assert not (tmp_path / "adapter.db").exists()


def test_misspelt_variable_is_a_warning_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, tmp_path)
    monkeypatch.setenv("ONDC_SUBSCRIBER_UR", "https://typo.example")
    (tmp_path / ".env").write_text("ONDC_ADMIN_API_KY=x\n", "utf-8")
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output
    assert (
        "warning: ONDC_SUBSCRIBER_UR is not a setting and is ignored; "
        "did you mean ONDC_SUBSCRIBER_URL?" in result.stderr
    )
    assert "did you mean ONDC_ADMIN_API_KEY?" in result.stderr


def test_serve_on_a_busy_port_names_the_option(
    busy_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _configure(monkeypatch, tmp_path)
    message = _plain_failure(runner.invoke(app, ["serve", "--port", str(busy_port)]), 3)
    assert f"--port {busy_port}: port {busy_port} on 127.0.0.1 is already in use" in message
    assert "choose another with --port" in message


@pytest.mark.parametrize("option", ["--port", "--registry-port", "--buyer-port"])
def test_demo_on_a_busy_port_names_the_option(
    option: str, busy_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ports = {name: str(free_port()) for name in ("--port", "--registry-port", "--buyer-port")}
    ports[option] = str(busy_port)
    arguments = [part for pair in ports.items() for part in pair]
    result = runner.invoke(app, ["demo", "--once", "--data-dir", str(tmp_path), *arguments])
    message = _plain_failure(result, 3)
    assert f"choose another with {option}" in message


def test_console_script_prints_no_traceback_for_a_missing_directory(tmp_path: Path) -> None:
    values = settings_values(f"sqlite:///{tmp_path}/missing/adapter.db")
    for command in (["serve", "--port", str(free_port())], ["db", "upgrade"]):
        done = subprocess.run(
            [sys.executable, "-m", "adapter.cli", *command],
            capture_output=True, cwd=tmp_path, env=subprocess_env(values), timeout=60,
        )  # fmt: skip
        assert done.returncode == 3, done.stderr
        assert b"Traceback" not in done.stderr
        assert done.stderr.decode().startswith("DATABASE_URL (sqlite:///")


def test_version_is_printed() -> None:
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"ondc-seller {version('ondc-seller-adapter')}\n"


def test_help_imports_no_web_framework_database_layer_or_settings_model() -> None:
    # What makes `ondc-seller --help` fast: the heavy libraries load inside the commands.
    probe = (
        "import sys\n"
        "from adapter.cli import app\n"
        "from typer.main import get_command\n"
        "get_command(app)\n"
        "heavy = ('fastapi', 'starlette', 'sqlalchemy', 'alembic', 'uvicorn', 'redis',\n"
        "         'httpx', 'openpyxl', 'pydantic_settings', 'psycopg', 'rich.progress')\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in heavy\n"
        "             or name == 'rich.progress'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, cwd=REPO_ROOT, check=True
    )
    assert done.stdout.decode().strip() == "[]"


def test_reading_the_settings_loads_no_wire_models_or_web_framework() -> None:
    # What keeps `ondc-seller config check` fast: the settings model needs neither the
    # wire models (schemas) nor the web framework, the database layer or an HTTP client.
    probe = (
        "import sys\n"
        "import adapter.settings\n"
        "heavy = ('schemas', 'fastapi', 'starlette', 'sqlalchemy', 'alembic', 'httpx')\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, cwd=REPO_ROOT, check=True
    )
    assert done.stdout.decode().strip() == "[]"


def test_an_unexpected_error_is_one_line_and_a_traceback_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import signing

    def broken() -> signing.PrivateKey:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(signing.PrivateKey, "generate", staticmethod(broken))
    message = _plain_failure(runner.invoke(app, ["keys", "generate"]), 1)
    assert message.startswith("unexpected error: ZeroDivisionError: a bug\n")
    assert "ondc-seller --traceback" in message
    shown = runner.invoke(app, ["--traceback", "keys", "generate"])
    assert shown.exit_code == 1
    assert "Traceback (most recent call last)" in shown.stderr
