"""``ondc-seller serve`` and ``ondc-seller db upgrade``."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from adapter.cli.settings_loader import settings_or_exit
from adapter.storage import upgrade

__all__ = ["register"]


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Run the adapter."""
    settings = settings_or_exit()
    upgrade(settings.database_url)
    uvicorn.run(
        "adapter.asgi:build",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )


def db_upgrade() -> None:
    """Apply pending schema migrations to DATABASE_URL."""
    settings = settings_or_exit()
    upgrade(settings.database_url)
    typer.echo("database schema is current")


def register(app: typer.Typer) -> None:
    """Attach the serving commands to the main command."""
    app.command("serve")(serve)
    db = typer.Typer(help="Database schema.", no_args_is_help=True)
    db.command("upgrade")(db_upgrade)
    app.add_typer(db, name="db")
