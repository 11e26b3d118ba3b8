"""The `charter` command through click's CliRunner, against the test database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from charter.cli import main
from charter.domain.ids import is_sid
from charter.storage.migrate import head_revision


def run(cli_runner: CliRunner, *args: str) -> Result:
    return cli_runner.invoke(main, list(args))


def create(cli_runner: CliRunner, name: str, *extra: str) -> dict[str, str]:
    result = run(cli_runner, "accounts", "create", "--friendly-name", name, "--json", *extra)
    assert result.exit_code == 0, result.output
    body: dict[str, str] = json.loads(result.stdout)
    return body


def assert_clean_failure(result: Result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.strip() == f"Error: {message}"
    assert result.stdout == ""


def test_accounts_create_json_prints_the_sid_and_auth_token(cli_runner: CliRunner) -> None:
    body = create(cli_runner, "Acme")
    assert is_sid(body["sid"], "AC")
    assert body["owner_account_sid"] == body["sid"]
    assert body["friendly_name"] == "Acme"
    assert (body["type"], body["status"]) == ("Full", "active")
    assert len(body["auth_token"]) == 32
    assert int(body["auth_token"], 16) >= 0
    assert "owner_email" not in body


def test_accounts_create_prints_text_by_default(cli_runner: CliRunner) -> None:
    result = run(cli_runner, "accounts", "create", "--friendly-name", "Acme", "--type", "Trial")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Account AC")
    assert lines[0].endswith(" (Acme, Trial)")
    assert lines[1].startswith("Auth token: ")
    assert len(lines) == 2


def test_accounts_create_with_email_and_password_creates_the_owner(
    cli_runner: CliRunner,
) -> None:
    body = create(cli_runner, "Acme", "--email", "Owner@Example.com", "--password", "s3cret-pass")
    assert body["owner_email"] == "owner@example.com"


def test_a_duplicate_owner_email_fails_cleanly_and_creates_no_account(
    cli_runner: CliRunner,
) -> None:
    create(cli_runner, "First", "--email", "owner@example.com", "--password", "s3cret-pass")
    result = run(
        cli_runner,
        "accounts",
        "create",
        "--friendly-name",
        "Second",
        "--email",
        "OWNER@example.com",
        "--password",
        "other-pass",
    )
    assert_clean_failure(result, "A user with this email address already exists")
    listed = json.loads(run(cli_runner, "accounts", "list", "--json").stdout)
    assert [a["friendly_name"] for a in listed] == ["First"]


def test_an_email_without_a_password_fails_cleanly(cli_runner: CliRunner) -> None:
    result = run(
        cli_runner, "accounts", "create", "--friendly-name", "X", "--email", "a@example.com"
    )
    assert_clean_failure(result, "An owner needs both an email and a password")


def test_a_65_character_friendly_name_fails_cleanly(cli_runner: CliRunner) -> None:
    result = run(cli_runner, "accounts", "create", "--friendly-name", "x" * 65)
    assert_clean_failure(result, "FriendlyName must be at most 64 characters")
    assert json.loads(run(cli_runner, "accounts", "list", "--json").stdout) == []


def test_accounts_list_json_shows_every_account_in_creation_order(
    cli_runner: CliRunner,
) -> None:
    first = create(cli_runner, "First")
    second = create(cli_runner, "Second")
    result = run(cli_runner, "accounts", "list", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [first, second]


def test_accounts_list_prints_a_table(cli_runner: CliRunner) -> None:
    account = create(cli_runner, "Listed Account")
    result = run(cli_runner, "accounts", "list")
    assert result.exit_code == 0, result.output
    assert "SID" in result.stdout
    assert "Friendly name" in result.stdout
    row = next(line for line in result.stdout.splitlines() if account["sid"] in line)
    assert "Listed Account" in row
    assert "active" in row


def test_accounts_update_changes_the_status_and_name(cli_runner: CliRunner) -> None:
    account = create(cli_runner, "Before")
    result = run(
        cli_runner,
        "accounts",
        "update",
        account["sid"],
        "--status",
        "suspended",
        "--friendly-name",
        "After",
        "--json",
    )
    assert result.exit_code == 0, result.output
    [updated] = json.loads(result.stdout)
    assert (updated["sid"], updated["status"], updated["friendly_name"]) == (
        account["sid"],
        "suspended",
        "After",
    )
    [listed] = json.loads(run(cli_runner, "accounts", "list", "--json").stdout)
    assert listed == updated


def test_accounts_update_of_an_unknown_account_fails_cleanly(cli_runner: CliRunner) -> None:
    sid = "AC" + "0" * 32
    assert_clean_failure(
        run(cli_runner, "accounts", "update", sid, "--status", "closed"), f"no account {sid}"
    )


def test_accounts_update_of_a_malformed_sid_fails_cleanly(cli_runner: CliRunner) -> None:
    result = run(cli_runner, "accounts", "update", "AC123", "--status", "closed")
    assert_clean_failure(result, "Invalid Sid provided in the request")


def test_a_closed_account_cannot_be_reopened_from_the_cli(cli_runner: CliRunner) -> None:
    sid = create(cli_runner, "Closing")["sid"]
    assert run(cli_runner, "accounts", "update", sid, "--status", "closed").exit_code == 0
    result = run(cli_runner, "accounts", "update", sid, "--status", "active")
    assert_clean_failure(result, "A closed account cannot be updated")


def test_db_upgrade_and_current_report_the_head_revision(cli_runner: CliRunner) -> None:
    head = head_revision()
    upgraded = run(cli_runner, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert upgraded.stdout == f"database at revision {head}\n"
    current = run(cli_runner, "db", "current")
    assert current.exit_code == 0, current.output
    assert current.stdout == f"current: {head}\nhead:    {head}\n"


def test_db_current_of_a_new_database_is_none(cli_runner: CliRunner, tmp_path: Path) -> None:
    env = {"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    result = cli_runner.invoke(main, ["db", "current"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "current: none"


def test_db_upgrade_to_an_unknown_revision_fails_cleanly(cli_runner: CliRunner) -> None:
    result = run(cli_runner, "db", "upgrade", "no-such-revision")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: cannot migrate the database: ")
    assert "no-such-revision" in result.stderr


@pytest.mark.parametrize("command", [["db", "upgrade"], ["db", "current"], ["accounts", "list"]])
def test_an_unopenable_database_fails_cleanly(
    cli_runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a SQLite database\n" * 100)
    result = cli_runner.invoke(main, command, env={"CHARTER_DATABASE_URL": f"sqlite:///{garbage}"})
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: cannot ")
    assert "file is not a database" in result.stderr


def test_accounts_create_accepts_a_fixed_sid_and_auth_token_once(cli_runner: CliRunner) -> None:
    sid, token = "AC" + "ab" * 16, "cd" * 16
    body = create(cli_runner, "Fixed", "--sid", "AC" + "AB" * 16, "--auth-token", token)
    assert (body["sid"], body["auth_token"]) == (sid, token)
    again = run(cli_runner, "accounts", "create", "--friendly-name", "Again", "--sid", sid)
    assert_clean_failure(again, f"Account {sid} already exists")


def test_fixed_credentials_are_refused_in_production(cli_runner: CliRunner) -> None:
    result = cli_runner.invoke(
        main,
        ["accounts", "create", "--friendly-name", "X", "--auth-token", "cd" * 16],
        env={"CHARTER_ENV": "production"},
    )
    assert_clean_failure(result, "--sid and --auth-token are refused in production")


def test_a_bad_setting_fails_cleanly(cli_runner: CliRunner) -> None:
    result = cli_runner.invoke(main, ["accounts", "list"], env={"CHARTER_WORKERS": "many"})
    assert_clean_failure(result, "CHARTER_WORKERS must be a whole number")
