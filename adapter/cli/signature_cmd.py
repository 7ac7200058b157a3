"""``ondc-seller signature``: sign, verify and explain Beckn signatures by hand.

The body is read from standard input as raw bytes, exactly as it goes over the wire.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapter.cli.failures import BadInput

if TYPE_CHECKING:
    import signing

app = typer.Typer(help="Sign, verify and explain Beckn HTTP signatures.", no_args_is_help=True)


def _now() -> int:
    # The command line is a composition root of its own: here the wall clock is read.
    return int(time.time())  # noqa: TID251


def _body() -> bytes:
    return sys.stdin.buffer.read()


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _private_key(key_file: Path | None, on_argv: str | None) -> signing.PrivateKey:
    import signing

    if on_argv is not None:
        raise BadInput(
            "--private-key is no longer accepted: a key on the command line is visible to "
            "every user of the machine (ps, shell history). Use --private-key-file FILE or "
            "set ONDC_SIGNING_PRIVATE_KEY in the environment."
        )
    if key_file is not None:
        text, source = key_file.read_text("utf-8").strip(), f"--private-key-file {key_file}"
    else:
        from adapter.settings import signing_key_from_environment

        found = signing_key_from_environment()
        if found is None:
            raise BadInput(
                "no signing key: give --private-key-file FILE (the base64 key alone in a "
                "file) or set ONDC_SIGNING_PRIVATE_KEY in the environment"
            )
        text, source = found, "ONDC_SIGNING_PRIVATE_KEY"
    try:
        return signing.PrivateKey.from_base64(text)
    except signing.KeyFormatError as exc:
        raise BadInput(f"{source}: {exc}") from None


@app.command("sign")
def sign(
    subscriber_id: Annotated[str, typer.Option(help="Your subscriber id.")],
    unique_key_id: Annotated[str, typer.Option(help="Your unique key id (ukId).")],
    private_key_file: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            readable=True,
            help="File holding the Ed25519 private key, base64 (seed or 64-byte); "
            "default: ONDC_SIGNING_PRIVATE_KEY from the environment.",
        ),
    ] = None,
    private_key: Annotated[
        str | None,
        typer.Option(hidden=True, help="Refused: use --private-key-file."),
    ] = None,
    created: Annotated[int | None, typer.Option(help="Seconds since 1970; default now.")] = None,
    expires: Annotated[
        int | None, typer.Option(help="Seconds since 1970; default created + 300.")
    ] = None,
) -> None:
    """Print the Authorization header for the body on standard input.

    The private key is read from --private-key-file or ONDC_SIGNING_PRIVATE_KEY, never from
    the command line (where every user of the machine could see it).
    """
    import signing

    key = _private_key(private_key_file, private_key)
    created_at = _now() if created is None else created
    expires_at = created_at + 300 if expires is None else expires
    signer = signing.Signer(subscriber_id, unique_key_id, key)
    typer.echo(signer.sign(_body(), created=created_at, expires=expires_at))


@app.command("verify")
def verify(
    public_key: Annotated[
        str, typer.Option(help="Signer's Ed25519 public key, base64 (raw or DER).")
    ],
    header: Annotated[str, typer.Option(help="The Authorization header value.")],
    now: Annotated[int | None, typer.Option(help="Verify as of this time; default now.")] = None,
    skew: Annotated[int, typer.Option(help="Allowed clock skew for created, seconds.")] = 5,
) -> None:
    """Exit 0 when the header is valid for the body on standard input, 1 when not."""
    import signing

    try:
        key = signing.PublicKey.from_base64(public_key)
    except signing.KeyFormatError as exc:
        raise _fail(f"--public-key: {exc}") from None
    try:
        params = signing.verify(_body(), header, key, now=_now() if now is None else now, skew=skew)
    except signing.SignatureError as exc:
        typer.echo(f"invalid ({exc.reason}): {exc}")
        raise typer.Exit(1) from None
    typer.echo(
        f"valid: signed by {params.key_id}, created {params.created}, expires {params.expires}"
    )


@app.command("explain")
def explain(
    header: Annotated[str, typer.Option(help="The Authorization header value.")],
    public_key: Annotated[
        str | None, typer.Option(help="Signer's public key, base64; omit to skip that check.")
    ] = None,
    now: Annotated[int | None, typer.Option(help="Check as of this time; default now.")] = None,
    skew: Annotated[int, typer.Option(help="Allowed clock skew for created, seconds.")] = 5,
) -> None:
    """Show the digest, the signing string, the time window and which check failed."""
    import signing

    key = None
    if public_key is not None:
        try:
            key = signing.PublicKey.from_base64(public_key)
        except signing.KeyFormatError as exc:
            raise _fail(f"--public-key: {exc}") from None
    body = _body()
    result = signing.explain(body, header, key, now=_now() if now is None else now, skew=skew)
    typer.echo(f"body:            {result.body_length} bytes")
    typer.echo(f"digest:          BLAKE-512={result.digest}")
    if result.signing_string is not None:
        typer.echo("signing string:")
        for line in result.signing_string.split("\n"):
            typer.echo(f"    {line}")
    for step in result.steps:
        typer.echo(f"{'ok  ' if step.ok else 'FAIL'} {step.name}: {step.detail}")
    if not result.ok:
        failed = result.failed_step
        typer.echo(f"result: invalid (failed at {failed.name if failed else 'signature'})")
        raise typer.Exit(1)
    typer.echo("result: valid")
