"""``ondc-seller outbox`` and ``ondc-seller audit``: parked callbacks and the audit log."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from adapter.cli.failures import Unavailable, WorkFailed
from adapter.cli.settings_loader import settings_or_exit
from adapter.core.clock import SystemClock

if TYPE_CHECKING:
    from adapter.settings import Settings
    from adapter.storage import Database

outbox_app = typer.Typer(help="Callbacks waiting, delivered or parked.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log of signed messages.", no_args_is_help=True)

T = TypeVar("T")


def _with_database(work: Callable[[Database], Awaitable[T]], settings: Settings | None = None) -> T:
    from adapter.settings import redact_url
    from adapter.storage import Database
    from adapter.storage.probe import database_status

    settings = settings or settings_or_exit()
    # Checked first, synchronously: a missing or unmigrated database is named plainly here,
    # before the async engine opens it (and leaves a driver thread behind on failure).
    status = database_status(settings.database_url)
    if not status.exists or status.revision is None:
        raise Unavailable(
            f"DATABASE_URL ({redact_url(settings.database_url)}): {status.describe()}"
        )

    async def run() -> T:
        database = Database.connect(settings.database_url)
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(run())


@outbox_app.command("list")
def list_jobs(
    status: Annotated[str | None, typer.Option(help="pending, delivered or failed")] = "failed",
    limit: Annotated[int, typer.Option(min=1)] = 50,
) -> None:
    """List jobs; by default the parked (failed) callbacks."""
    from adapter.storage.outbox import Outbox

    jobs = _with_database(lambda db: Outbox(db).jobs(status=status, limit=limit))
    if not jobs:
        typer.echo(f"no {status or ''} jobs".replace("  ", " "))
    for job in jobs:
        typer.echo(
            f"{job['id']:>6} {job['status']:<9} {job['action']:<12} attempts {job['attempts']:>2} "
            f"{job['target_url']}  {job['last_error'] or ''}"
        )


@outbox_app.command("replay")
def replay(
    job_id: int,
    window_seconds: Annotated[int, typer.Option(min=10, help="How long to keep trying.")] = 300,
) -> None:
    """Queue a parked callback again; a running adapter delivers it."""
    from adapter.storage.outbox import Outbox

    now = SystemClock().now()
    done = _with_database(
        lambda db: Outbox(db).replay(
            job_id, now=now, deadline_at=now + timedelta(seconds=window_seconds)
        )
    )
    if not done:
        raise WorkFailed(
            f"job {job_id}: no parked (failed) job has this id; `ondc-seller outbox list` "
            "shows them"
        )
    typer.echo(f"job {job_id} queued again for {window_seconds} s")


@audit_app.command("show")
def show(transaction_id: str) -> None:
    """Every message of a transaction, in and out, oldest first; exit 1 when there is none."""
    from adapter.storage import Store

    rows = _with_database(lambda db: Store(db).messages_for_transaction(transaction_id))
    if not rows:
        raise WorkFailed(
            f"no message of transaction {transaction_id!r} in the audit log (a wrong id, "
            "or purged after ONDC_AUDIT_RETENTION_DAYS)"
        )
    for row in rows:
        typer.echo(
            f"{row['received_at'].isoformat()} {row['direction']:<8} {row['action']:<18} "
            f"{row['peer_id']} HTTP {row['http_status']} {row['verification']}"
        )
        typer.echo(f"    {row['body'].decode('utf-8', errors='replace')[:500]}")


@audit_app.command("purge")
def purge() -> None:
    """Delete audit rows older than ONDC_AUDIT_RETENTION_DAYS."""
    from adapter.storage import Store

    settings = settings_or_exit()
    cutoff = SystemClock().now() - timedelta(days=settings.audit_retention_days)
    count = _with_database(lambda db: Store(db).purge_messages(older_than=cutoff), settings)
    typer.echo(f"purged {count} audit rows older than {cutoff.date()}")
