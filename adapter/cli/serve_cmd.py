"""``ondc-seller serve`` and ``ondc-seller db upgrade``."""

from __future__ import annotations

import asyncio
import signal
from typing import TYPE_CHECKING, Annotated

import typer

from adapter.cli.ports import ensure_free
from adapter.cli.settings_loader import settings_or_exit

if TYPE_CHECKING:
    from adapter.settings import Settings

__all__ = ["register"]


def _prepare(settings: Settings) -> None:
    """What a serving process needs before it starts, each failure named here rather than
    in a server's traceback: the schema migrated, Redis answering."""
    from adapter.storage import upgrade

    upgrade(settings.database_url)
    if settings.redis_url is not None:
        from adapter.coordination.probe import redis_version

        redis_version(settings.redis_url)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    no_dispatcher: Annotated[
        bool,
        typer.Option(
            "--no-dispatcher",
            help="Serve HTTP only; callbacks and seller feeds are left to a "
            "--dispatcher-only process sharing the database (and Redis).",
        ),
    ] = False,
    dispatcher_only: Annotated[
        bool,
        typer.Option(
            "--dispatcher-only",
            help="Deliver callbacks and read seller feeds only; no HTTP server.",
        ),
    ] = False,
) -> None:
    """Run the adapter."""
    if no_dispatcher and dispatcher_only:
        raise typer.BadParameter("--no-dispatcher and --dispatcher-only exclude each other")
    settings = settings_or_exit()
    if not dispatcher_only:
        ensure_free(host, port, "--port")
    _prepare(settings)
    if dispatcher_only:
        _serve_background(settings)
        return
    import uvicorn

    uvicorn.run(
        "adapter.asgi:build_edge" if no_dispatcher else "adapter.asgi:build",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        # Access lines are logged at INFO: above it they would be formatted for nothing.
        access_log=settings.log_level in ("DEBUG", "INFO"),
        proxy_headers=True,
        # Idle kept connections outlive every Retry-After the edge sends (uvicorn's default,
        # 5 s, raced a buyer app's retry after a Retry-After of 5 s on the same connection).
        timeout_keep_alive=settings.http_keep_alive_seconds,
        # Requests sent too slowly are cut off (adapter/network/slow_clients.py); by import
        # path, so that each of --workers starts it with its settings.
        http="adapter.network.slow_clients:SettingsGuardedProtocol",
    )


def _serve_background(settings: Settings) -> None:
    from adapter.asgi import configure_logging, run_background

    configure_logging(settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await run_background(settings, stop)

    asyncio.run(main())


def db_upgrade() -> None:
    """Apply pending schema migrations to DATABASE_URL."""
    from adapter.storage import upgrade

    settings = settings_or_exit()
    upgrade(settings.database_url)
    typer.echo("database schema is current")


def register(app: typer.Typer) -> None:
    """Attach the serving commands to the main command."""
    app.command("serve")(serve)
    db = typer.Typer(help="Database schema.", no_args_is_help=True)
    db.command("upgrade")(db_upgrade)
    app.add_typer(db, name="db")
