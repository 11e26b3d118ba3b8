"""`charter signing-keys list|rotate`: the keys that sign OAuth access tokens."""

from __future__ import annotations

import json

import click

from charter.cli.common import load_settings, run_with_runtime
from charter.domain.oauth_apps import MAX_TTL
from charter.domain.signing_keys import SigningKey
from charter.runtime import Runtime


def _key_dict(key: SigningKey) -> dict[str, object]:
    return {
        "kid": key.kid,
        "algorithm": key.algorithm,
        "created_at": key.created_at.isoformat(),
        "retired_at": None if key.retired_at is None else key.retired_at.isoformat(),
        "expires_at": None if key.expires_at is None else key.expires_at.isoformat(),
    }


@click.group("signing-keys")
def signing_keys() -> None:
    """List and rotate the keys that sign access tokens (published at /.well-known/jwks.json)."""


@signing_keys.command("list")
def list_keys() -> None:
    """Every stored key: the newest unretired one signs; retired ones verify until expires_at."""

    async def work(runtime: Runtime) -> list[SigningKey]:
        async with runtime.uow() as uow:
            return list(await uow.signing_keys.all())

    keys = run_with_runtime(load_settings(), work)
    click.echo(json.dumps([_key_dict(k) for k in keys], indent=2))


@signing_keys.command("rotate")
@click.option(
    "--overlap",
    type=click.IntRange(0, 10 * MAX_TTL),
    default=MAX_TTL,
    show_default=True,
    help="Seconds the retired keys keep verifying (and stay in the JWKS). The default outlives "
    "the longest access-token TTL; less makes older tokens fail early.",
)
def rotate(overlap: int) -> None:
    """Start signing with a new key; every running instance picks it up within moments."""

    async def work(runtime: Runtime) -> SigningKey:
        await runtime.oauth.keyring.load()  # the first key, if there is none yet
        return await runtime.oauth.keyring.rotate(overlap)

    key = run_with_runtime(load_settings(), work)
    click.echo(json.dumps(_key_dict(key), indent=2))
