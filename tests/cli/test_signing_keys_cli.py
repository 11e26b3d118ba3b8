"""`charter signing-keys list|rotate` against the test database."""

from __future__ import annotations

import json

from click.testing import CliRunner

from charter.cli import main


def test_rotate_creates_a_new_signer_and_keeps_the_old_key_for_the_overlap(
    cli_runner: CliRunner,
) -> None:
    first = cli_runner.invoke(main, ["signing-keys", "rotate", "--overlap", "600"])
    assert first.exit_code == 0, first.output
    second = cli_runner.invoke(main, ["signing-keys", "rotate", "--overlap", "600"])
    assert second.exit_code == 0, second.output
    listed = cli_runner.invoke(main, ["signing-keys", "list"])
    assert listed.exit_code == 0, listed.output
    keys = json.loads(listed.stdout)
    # the key made on first use, then one per rotation; only the newest signs
    assert len(keys) == 3
    assert [k["retired_at"] is None for k in keys] == [False, False, True]
    assert keys[-1]["kid"] == json.loads(second.stdout)["kid"]
    assert all(k["expires_at"] for k in keys[:-1])
    assert "private" not in listed.stdout
    assert "BEGIN" not in listed.stdout


def test_a_negative_overlap_fails_cleanly(cli_runner: CliRunner) -> None:
    result = cli_runner.invoke(main, ["signing-keys", "rotate", "--overlap", "-1"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
