"""`charter accounts create --balance` and `charter accounts add-funds`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from charter.cli import main


def _create(cli_runner: CliRunner, *extra: str) -> dict[str, str]:
    result = cli_runner.invoke(
        main, ["accounts", "create", "--friendly-name", "B", "--json", *extra]
    )
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def test_create_with_balance_and_add_funds(cli_runner: CliRunner) -> None:
    account = _create(cli_runner, "--balance", "1.5")
    result = cli_runner.invoke(main, ["accounts", "add-funds", account["sid"], "2.25", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "account_sid": account["sid"],
        "balance": "3.75000",
        "currency": "USD",
    }


def test_default_balances_follow_the_account_type(cli_runner: CliRunner) -> None:
    full = _create(cli_runner)
    trial = _create(cli_runner, "--type", "Trial")
    for sid, expected in ((full["sid"], "20.00001"), (trial["sid"], "15.50001")):
        result = cli_runner.invoke(main, ["accounts", "add-funds", sid, "0.00001", "--json"])
        assert json.loads(result.output)["balance"] == expected


def test_bad_amounts_are_clean_errors(cli_runner: CliRunner) -> None:
    account = _create(cli_runner)
    for amount in ("0", "0.000001", "abc", "NaN"):
        result = cli_runner.invoke(main, ["accounts", "add-funds", account["sid"], amount])
        assert result.exit_code == 1, amount
        assert "Traceback" not in result.output
    negative = cli_runner.invoke(
        main, ["accounts", "create", "--friendly-name", "N", "--balance", "-3"]
    )
    assert negative.exit_code == 2
    missing = cli_runner.invoke(main, ["accounts", "add-funds", "AC" + "0" * 32, "1"])
    assert missing.exit_code == 1
    assert "no account" in missing.output
