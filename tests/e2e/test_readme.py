"""The README's snippet for pointing the real `twilio` library at Charter works as printed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CharterServer, MainAccount

pytestmark = pytest.mark.slow

README = Path(__file__).parents[2] / "README.md"


def _snippet() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README has no python snippet"
    return str(blocks[0])


def test_readme_snippet_talks_to_charter(server: CharterServer, main_account: MainAccount) -> None:
    code = _snippet()
    assert 'Client("AC…", "auth token", http_client=CharterHttpClient())' in code
    code = code.replace('"AC…"', repr(main_account.sid)).replace(
        '"auth token"', repr(main_account.auth_token)
    )
    code = code.replace("CharterHttpClient()", f"CharterHttpClient({server.base!r})")
    code = code.replace("print(", "listed = (")
    namespace: dict[str, Any] = {}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - our own README
    accounts = list(namespace["listed"])
    assert [a.sid for a in accounts] == [main_account.sid]
