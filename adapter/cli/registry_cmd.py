"""``ondc-seller registry``: onboarding with the ONDC registry."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Annotated

import typer

from adapter.cli.settings_loader import settings_or_exit
from adapter.core.clock import SystemClock

if TYPE_CHECKING:
    from adapter.registry.self_test import Check

app = typer.Typer(help="Onboarding with the ONDC registry.", no_args_is_help=True)


def _himachal_cities() -> str:
    """Every Himachal Pradesh district headquarters' STD code, as std: city codes."""
    from catalog_sync.preflight import HIMACHAL_STD_CODES

    return ",".join(f"std:{code}" for code in sorted(HIMACHAL_STD_CODES))


@app.command("subscribe-payload")
def subscribe_payload_command(
    legal_name: Annotated[str, typer.Option(help="Legal entity name (as on GST).")],
    gst_no: Annotated[str, typer.Option(help="GSTIN of the marketplace operator.")],
    pan_no: Annotated[str, typer.Option(help="PAN of the operator.")],
    email: Annotated[str, typer.Option(help="Contact email.")],
    mobile: Annotated[str, typer.Option(help="Contact mobile number.")],
    signatory: Annotated[str, typer.Option(help="Name of the authorised signatory.")],
    address: Annotated[str, typer.Option(help="Business address.")],
    incorporated: Annotated[str, typer.Option(help="Date of incorporation, DD/MM/YYYY.")],
    domains: Annotated[
        str, typer.Option(help="Comma-separated ONDC domains.")
    ] = "ONDC:RET10,ONDC:RET12,ONDC:RET16",
    cities: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated std: city codes; default: every Himachal Pradesh district HQ."
        ),
    ] = None,
    request_id: Annotated[str | None, typer.Option(help="Default: a new UUID.")] = None,
    ops_no: Annotated[int, typer.Option(help="2 seller app; 6 key rotation.")] = 2,
) -> None:
    """Print the /subscribe body; set ONDC_REQUEST_ID to its request_id before subscribing."""
    import orjson

    from adapter.registry.subscription import Entity, subscribe_payload

    settings = settings_or_exit()
    entity = Entity(
        legal_name=legal_name,
        business_address=address,
        gst_no=gst_no,
        pan_no=pan_no,
        pan_name=legal_name,
        date_of_incorporation=incorporated,
        signatory_name=signatory,
        signatory_address=address,
        email=email,
        mobile=mobile,
        city_codes=[c.strip() for c in (cities or _himachal_cities()).split(",") if c.strip()],
    )
    payload = subscribe_payload(
        settings,
        entity,
        request_id=request_id or str(uuid.uuid4()),
        now=SystemClock().now(),
        domains=[d.strip() for d in domains.split(",") if d.strip()],
        ops_no=ops_no,
    )
    typer.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())


@app.command("site-verification")
def site_verification(
    request_id: Annotated[str, typer.Option(help="The request_id of your /subscribe call.")],
) -> None:
    """Print ondc-site-verification.html (the adapter also serves it from ONDC_REQUEST_ID)."""
    import signing

    settings = settings_or_exit()
    typer.echo(signing.site_verification_html(request_id, settings.signing_key), nl=False)


def _show(checks: list[Check]) -> None:
    for check in checks:
        typer.echo(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")


async def _self_test() -> list[Check]:
    import httpx

    from adapter.registry.client import RegistryClient
    from adapter.registry.self_test import run_self_test

    settings = settings_or_exit()
    clock = SystemClock()
    async with httpx.AsyncClient() as http:
        registry = RegistryClient.from_settings(http, settings, clock)
        return await run_self_test(settings, registry, http, clock)


@app.command("self-test")
def self_test() -> None:
    """Can we sign and verify, is our clock right, does the registry see us as configured?"""
    checks = asyncio.run(_self_test())
    _show(checks)
    failed = [c for c in checks if not c.ok]
    typer.echo("all checks passed" if not failed else f"{len(failed)} check(s) failed")
    raise typer.Exit(1 if failed else 0)
