"""``ondc-seller config``: check the configuration and document it."""

from __future__ import annotations

import typer

from adapter.cli.settings_loader import settings_or_exit
from adapter.settings import Settings

app = typer.Typer(help="Check and document the adapter's settings.", no_args_is_help=True)


def configuration_markdown() -> str:
    """docs/configuration.md, generated from the settings model."""
    lines = [
        "# Configuration",
        "",
        "Generated from `adapter/settings.py` by `ondc-seller config docs`; do not edit by hand.",
        "Settings come from environment variables and an optional `.env` file in the working",
        "directory (the environment wins). `config/example.env` lists them with placeholders.",
        "A missing or malformed value stops start-up with a message that names the variable.",
        "",
        "| variable | required | default | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for name, field in Settings.model_fields.items():
        required = field.is_required()
        default = "" if required or field.default is None else f"`{field.default}`"
        description = (field.description or "").replace("|", "\\|")
        needed = "yes" if required else "no"
        lines.append(f"| `{field.alias or name}` | {needed} | {default} | {description} |")
    return "\n".join(lines) + "\n"


@app.command("docs")
def docs() -> None:
    """Print docs/configuration.md (generated from the settings model)."""
    typer.echo(configuration_markdown(), nl=False)


@app.command("check")
def check() -> None:
    """Load the settings and say whether the adapter could start with them."""
    settings = settings_or_exit()
    typer.echo(
        f"settings are valid: subscriber {settings.subscriber_id}, key {settings.unique_key_id}, "
        f"database {settings.database_url.split('://', 1)[0]}, "
        f"redis {'configured' if settings.redis_url else 'not configured'}"
    )
