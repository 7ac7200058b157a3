"""What a failed command tells its user, and the exit code a script can rely on.

Every ``ondc-seller`` command ends with one of these exit codes (README, "Exit codes"):

    0  the work was done
    1  the work failed: rows refused, a check failed, nothing found for an id, or an
       unexpected error (a bug: ``ondc-seller --traceback ...`` shows where)
    2  usage or settings: a bad option or input file, a setting missing or malformed
    3  something the adapter depends on is unavailable: the database (or its schema is not
       migrated), Redis, the registry, or a port already in use

A failure is one or two lines on standard error naming the setting or input at fault and
what to do; never a traceback. The error tree, and the one place that maps it (and the
libraries' own errors) to those lines, :class:`FailureMappingGroup`:

    CommandFailure          a message and an exit code; what commands raise to fail
     ├── WorkFailed         1
     ├── BadInput           2
     └── Unavailable        3

Errors of the libraries underneath (SQLAlchemy and the database drivers, Redis, httpx, the
operating system's) are recognised by the package that raised them, so this module imports
none of them: ``ondc-seller --help`` stays fast.
"""

from __future__ import annotations

import errno
import traceback
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from adapter.settings import Settings

__all__ = [
    "BadInput",
    "CommandFailure",
    "FailureMappingGroup",
    "Unavailable",
    "WorkFailed",
    "failure_of",
    "remember_settings",
]

# The settings of the command being run, once loaded: a failure names their database or Redis.
_settings: ContextVar[Settings | None] = ContextVar("ondc_seller_settings", default=None)
_TRACEBACK_KEY = "ondc_seller.traceback"
_DATABASE_PACKAGES = frozenset({"sqlalchemy", "alembic", "psycopg", "sqlite3", "aiosqlite"})


class CommandFailure(Exception):
    """A command could not do its work; ``message`` says why and what to do."""

    exit_code: ClassVar[int] = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WorkFailed(CommandFailure):
    """The work itself failed (exit 1)."""

    exit_code = 1


class BadInput(CommandFailure):
    """An option, an input file or a setting is wrong (exit 2)."""

    exit_code = 2


class Unavailable(CommandFailure):
    """The database, Redis, the registry or a port cannot be used (exit 3)."""

    exit_code = 3


def remember_settings(settings: Settings) -> None:
    """Keep the command's settings, so a failure can name the database or Redis it used."""
    _settings.set(settings)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _package(exc: BaseException) -> str:
    return type(exc).__module__.split(".", 1)[0]


def _first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0].strip()


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    rest = url.split(":///", 1)[1] if ":///" in url else ""
    path = rest.split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def _database_failure(exc: BaseException, database_url: str | None) -> CommandFailure:
    from adapter.settings import redact_url

    shown = f"DATABASE_URL ({redact_url(database_url)})" if database_url else "DATABASE_URL"
    text = _first_line(exc)
    lowered = text.lower()
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return Unavailable(
            f"{shown}: the database has no adapter schema yet ({text}); "
            "run `ondc-seller db upgrade` first"
        )
    path = _sqlite_path(database_url or "")
    if path is not None and not path.parent.exists():
        return Unavailable(
            f"{shown}: the directory {path.parent} does not exist; create it or point "
            "DATABASE_URL at a file in an existing directory"
        )
    if "password" in lowered or "authentication" in lowered:
        hint = "check the user name and password in DATABASE_URL"
    elif path is not None:
        hint = "check that the file can be opened and written by this user"
    else:
        hint = "check the host, port and database name, and that the server is running"
    return Unavailable(f"{shown}: cannot use the database: {text}\n{hint}")


def _redis_failure(exc: BaseException, redis_url: str | None) -> CommandFailure:
    from adapter.settings import redact_url

    shown = f"REDIS_URL ({redact_url(redis_url)})" if redis_url else "REDIS_URL"
    return Unavailable(
        f"{shown}: cannot use Redis: {_first_line(exc)}\n"
        "check the host, port and password, or leave REDIS_URL empty to run single-node"
    )


def _http_failure(exc: BaseException) -> CommandFailure:
    try:
        url = str(exc.request.url)  # type: ignore[attr-defined]
    except (AttributeError, RuntimeError):
        url = "the remote server"
    return Unavailable(
        f"cannot reach {url}: {_first_line(exc) or type(exc).__name__}\n"
        "check ONDC_REGISTRY_URL (or the URL given) and the network"
    )


def _os_failure(exc: OSError) -> CommandFailure | None:
    if exc.errno == errno.EADDRINUSE:
        return Unavailable(f"{exc.strerror or exc}: another program holds the port; pick another")
    if isinstance(exc, FileNotFoundError | IsADirectoryError | NotADirectoryError):
        return BadInput(f"{exc.filename}: {exc.strerror}")
    if isinstance(exc, PermissionError):
        return BadInput(f"{exc.filename}: {exc.strerror}; check its permissions")
    return None


def failure_of(exc: BaseException, settings: Settings | None = None) -> CommandFailure | None:
    """The plain-words failure for ``exc``, or None when it is not a known kind (a bug)."""
    # Imported here: loading the settings model is most of a command's start-up time.
    from adapter.settings import SettingsError

    if isinstance(exc, CommandFailure):
        return exc
    if isinstance(exc, SettingsError):
        return BadInput(f"{exc}\nSee config/example.env and docs/configuration.md.")
    database_url = settings.database_url if settings is not None else None
    redis_url = settings.redis_url if settings is not None else None
    for link in _chain(exc):
        package = _package(link)
        if package in _DATABASE_PACKAGES:
            return _database_failure(link, database_url)
        if package == "redis":
            return _redis_failure(link, redis_url)
        if package in ("httpx", "httpcore"):
            return _http_failure(link)
    if isinstance(exc, OSError):
        return _os_failure(exc)
    return None


class FailureMappingGroup(TyperGroup):
    """The top command group: the one place where errors become messages and exit codes."""

    # typer's contexts are typer.Context; the base class names the vendored click's own.
    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        """Run the command; turn any error into its message and exit code."""
        token = _settings.set(None)
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # typer's own: usage errors and exits, already in plain words
        except Exception as exc:  # noqa: BLE001 - unknown errors are reported as bugs, below
            failure = failure_of(exc, _settings.get())
            if ctx.meta.get(_TRACEBACK_KEY):
                typer.echo("".join(traceback.format_exception(exc)), err=True, nl=False)
            if failure is None:
                typer.echo(
                    f"unexpected error: {type(exc).__name__}: {_first_line(exc)}\n"
                    "This is a bug; run the command again with `ondc-seller --traceback ...` "
                    "and report what it prints.",
                    err=True,
                )
                raise typer.Exit(1) from None
            typer.echo(failure.message, err=True)
            raise typer.Exit(failure.exit_code) from None
        finally:
            _settings.reset(token)


def want_tracebacks(ctx: typer.Context) -> None:
    """Show the traceback of any error of this run (``ondc-seller --traceback``)."""
    ctx.meta[_TRACEBACK_KEY] = True
