"""Load settings for a command, turning a bad configuration into a plain message."""

from __future__ import annotations

import typer

from adapter.settings import Settings, SettingsError, load_settings

__all__ = ["settings_or_exit"]


def settings_or_exit() -> Settings:
    """The settings from the environment and ``.env``; exit 2 naming each bad variable."""
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        typer.echo("See config/example.env and docs/configuration.md.", err=True)
        raise typer.Exit(2) from None
