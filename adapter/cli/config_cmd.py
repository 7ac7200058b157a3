"""``ondc-seller config``: check the configuration and document it."""

from __future__ import annotations

import typer

from adapter.cli.settings_loader import settings_or_exit

app = typer.Typer(help="Check and document the adapter's settings.", no_args_is_help=True)


def configuration_markdown() -> str:
    """docs/configuration.md, generated from the settings model."""
    from adapter.settings import Settings

    lines = [
        "# Configuration",
        "",
        "Generated from `adapter/settings.py` by `ondc-seller config docs`; do not edit by hand.",
        "Settings come from environment variables and an optional `.env` file in the working",
        "directory (the environment wins). `config/example.env` lists them with placeholders.",
        "A missing or malformed value stops start-up with a message that names the variable",
        "and says what a valid value looks like (exit code 2). An `ONDC_*` variable or `.env`",
        "key that is not a setting is reported as a warning naming the closest setting (a",
        "misspelt name would otherwise be ignored). `ondc-seller config check` loads the",
        "settings, then connects to the database (its store and schema revision) and to Redis",
        "when `REDIS_URL` is set; either unreachable is exit code 3.",
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
    """Load the settings, connect to the database (and Redis when REDIS_URL is set) and say
    what was found; exit 2 naming a bad setting, 3 when the database or Redis is unreachable."""
    settings = settings_or_exit()
    typer.echo(
        f"settings are valid: subscriber {settings.subscriber_id}, key {settings.unique_key_id}"
    )
    from adapter.storage.probe import database_status

    typer.echo(f"database: {database_status(settings.database_url).describe()}")
    if settings.redis_url is None:
        typer.echo("redis: not configured (REDIS_URL empty: single-node, state in process)")
        return
    from adapter.coordination.probe import redis_version
    from adapter.settings import redact_url

    version = redis_version(settings.redis_url)
    typer.echo(f"redis: {redact_url(settings.redis_url)} answered (Redis {version})")
