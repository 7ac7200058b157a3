"""Load settings for a command: warn of misspelt variables, remember them for error messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from adapter.cli.failures import remember_settings

if TYPE_CHECKING:
    from adapter.settings import Settings

__all__ = ["settings_or_exit", "warn_of_misspelt_variables"]


def warn_of_misspelt_variables() -> None:
    """One warning line on standard error per ``ONDC_*`` variable or ``.env`` key that no
    setting reads, naming the closest setting."""
    from adapter.settings import misspelt_variables

    for name, closest in misspelt_variables():
        hint = f"did you mean {closest}?" if closest else "no setting has this name"
        typer.echo(f"warning: {name} is not a setting and is ignored; {hint}", err=True)


def settings_or_exit() -> Settings:
    """The settings from the environment and ``.env``.

    A bad configuration raises :class:`adapter.settings.SettingsError`, which the command
    line reports naming each bad variable, with exit code 2 (:mod:`adapter.cli.failures`).
    """
    from adapter.settings import load_settings

    warn_of_misspelt_variables()
    settings = load_settings()
    remember_settings(settings)
    return settings
