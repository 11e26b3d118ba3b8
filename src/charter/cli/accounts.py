"""`charter accounts create|list|update`: operator administration of accounts."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from charter.cli.common import load_settings, run_with_runtime
from charter.domain.events import SYSTEM
from charter.domain.ids import parse_account_sid
from charter.domain.models import Account, AccountStatus, AccountType
from charter.domain.money import format_units, to_units
from charter.runtime import Runtime


def account_dict(account: Account) -> dict[str, object]:
    return {
        "sid": account.sid,
        "owner_account_sid": account.owner_account_sid,
        "friendly_name": account.friendly_name,
        "type": account.type.value,
        "status": account.status.value,
        "auth_token": account.auth_token,
        "date_created": account.date_created.isoformat(),
    }


def print_accounts(accounts: list[Account], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([account_dict(a) for a in accounts], indent=2))
        return
    table = Table("SID", "Friendly name", "Type", "Status", "Owner")
    for a in accounts:
        owner = "" if a.owner_account_sid == a.sid else a.owner_account_sid
        table.add_row(a.sid, a.friendly_name, a.type.value, a.status.value, owner)
    Console().print(table)


@click.group()
def accounts() -> None:
    """Create, list and update accounts (operator commands; no credentials needed)."""


@accounts.command("create")
@click.option("--friendly-name", required=True, help="At most 64 characters.")
@click.option("--type", "account_type", type=click.Choice(["Full", "Trial"]), default="Full")
@click.option("--email", help="Also create the owner user who signs in to the console.")
@click.option("--password", help="The owner's password (with --email).")
@click.option("--sid", help="A fixed account SID (development only: deterministic test set-ups).")
@click.option("--auth-token", help="A fixed auth token, 32 hex characters (development only).")
@click.option(
    "--balance",
    help="Starting balance in USD (default: the price list's for Full or Trial accounts).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def create(
    friendly_name: str,
    account_type: str,
    email: str | None,
    password: str | None,
    sid: str | None,
    auth_token: str | None,
    balance: str | None,
    as_json: bool,
) -> None:
    """Create a main account; prints its SID and auth token."""
    settings = load_settings()
    if (sid or auth_token) and settings.is_production:
        raise click.ClickException("--sid and --auth-token are refused in production")
    fixed_sid = parse_account_sid(sid) if sid else None
    starting = None if balance is None else to_units(balance)
    if starting is not None and starting < 0:
        raise click.BadParameter("must not be negative", param_hint="--balance")

    async def work(runtime: Runtime) -> tuple[Account, str | None]:
        account, user = await runtime.accounts.create_main_account(
            friendly_name,
            AccountType(account_type),
            email=email,
            password=password,
            fixed_sid=fixed_sid,
            fixed_auth_token=auth_token,
            starting_balance=starting,
        )
        return account, None if user is None else user.email

    account, owner = run_with_runtime(settings, work)
    if as_json:
        body = account_dict(account) | ({"owner_email": owner} if owner else {})
        click.echo(json.dumps(body, indent=2))
        return
    click.echo(f"Account {account.sid} ({account.friendly_name}, {account.type.value})")
    click.echo(f"Auth token: {account.auth_token}")
    if owner:
        click.echo(f"Owner: {owner}")


@accounts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_(as_json: bool) -> None:
    """List every account."""
    settings = load_settings()

    async def work(runtime: Runtime) -> list[Account]:
        return await runtime.accounts.all_accounts()

    print_accounts(run_with_runtime(settings, work), as_json)


@accounts.command("update")
@click.argument("sid")
@click.option("--friendly-name")
@click.option("--status", type=click.Choice([s.value for s in AccountStatus]))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def update(sid: str, friendly_name: str | None, status: str | None, as_json: bool) -> None:
    """Rename an account or change its status (operators may suspend main accounts)."""
    settings = load_settings()

    async def work(runtime: Runtime) -> Account:
        account = await runtime.directory.account(parse_account_sid(sid))
        if account is None:
            raise click.ClickException(f"no account {sid}")
        return await runtime.accounts.update(
            None,
            account,
            friendly_name,
            AccountStatus(status) if status else None,
            actor=SYSTEM,
        )

    print_accounts([run_with_runtime(settings, work)], as_json)


@accounts.command("add-funds")
@click.argument("sid")
@click.argument("amount")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def add_funds(sid: str, amount: str, as_json: bool) -> None:
    """Credit AMOUNT (USD, up to 5 decimals) to main account SID; prints the new balance."""
    settings = load_settings()
    units = to_units(amount)

    async def work(runtime: Runtime) -> int:
        account = await runtime.directory.account(parse_account_sid(sid))
        if account is None:
            raise click.ClickException(f"no account {sid}")
        return await runtime.billing.add_funds(account, units, "operator")

    balance = format_units(run_with_runtime(settings, work))
    if as_json:
        click.echo(json.dumps({"account_sid": sid, "balance": balance, "currency": "USD"}))
    else:
        click.echo(f"Balance of {sid}: {balance} USD")
