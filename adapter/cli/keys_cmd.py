"""``ondc-seller keys``: make key pairs in the formats the registry wants."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Signing (Ed25519) and encryption (X25519) keys.", no_args_is_help=True)


@app.command("generate")
def generate(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of env lines.")
    ] = False,
) -> None:
    """New signing and encryption key pairs.

    The private keys go into your environment (or secret store) as
    ONDC_SIGNING_PRIVATE_KEY and ONDC_ENCRYPTION_PRIVATE_KEY; the public keys go into the
    registry's /subscribe request (see `ondc-seller registry subscribe-payload`).
    """
    import orjson

    import signing

    signing_key = signing.PrivateKey.generate()
    encryption = signing.EncryptionKeyPair.generate()
    values = {
        "signing_private_key": signing_key.to_libsodium_base64(),
        "signing_public_key": signing_key.public_key.to_base64(),
        "encryption_private_key": encryption.private_der_base64(),
        "encryption_public_key": encryption.public_der_base64(),
    }
    if as_json:
        typer.echo(orjson.dumps(values, option=orjson.OPT_INDENT_2).decode())
        return
    typer.echo("# Keep these secret: put them in the adapter's environment.")
    typer.echo(f"ONDC_SIGNING_PRIVATE_KEY={values['signing_private_key']}")
    typer.echo(f"ONDC_ENCRYPTION_PRIVATE_KEY={values['encryption_private_key']}")
    typer.echo("# Register these with ONDC (subscribe key_pair):")
    typer.echo(f"# signing_public_key={values['signing_public_key']}")
    typer.echo(f"# encryption_public_key={values['encryption_public_key']}")
