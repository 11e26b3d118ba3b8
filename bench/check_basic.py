"""Semantic gate for Charter's `get_basic` load: the HTTP Basic half of the shared harness's
`check.py`, run before Charter may post a number.

The harness's `check.py` starts by requesting an OAuth token, which Charter cannot issue yet (no
token endpoint), so it cannot be used as is. This script imports it (from `SHARED_BENCH`) for its
credentials, paths and HTTP helper and runs every check it makes on the Basic-authenticated
resource request, plus two of its own. Standard library only, like `check.py`.

    python check_basic.py BASE_URL      # exit 0 when every check passes, 1 otherwise

`bench/gate_python.sh` runs it in place of `check.py` when `run.sh` drives the harness's
`loads.sh` against Charter.
"""

from __future__ import annotations

import os
import sys
import urllib.parse
from pathlib import Path

_shared = Path(
    os.environ.get("SHARED_BENCH") or Path(__file__).resolve().parent.parent.parent / "shared/bench"
)
sys.path.insert(0, str(_shared))
import check  # noqa: E402  (the harness's check.py)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    base = sys.argv[1].rstrip("/")
    host = urllib.parse.urlsplit(base).hostname or ""
    if host not in check.LOOPBACK and not host.startswith("127."):
        raise SystemExit(f"refusing non-loopback target {host!r}")

    failures: list[str] = []

    def expect(name: str, ok: bool, detail: object = "") -> None:
        print(f"  [{'ok' if ok else 'FAIL'}] {name}" + (f"  ({detail})" if not ok else ""))
        if not ok:
            failures.append(name)

    sid, token = check.ACCOUNT_SID, check.AUTH_TOKEN
    rpath = check.RESOURCE_PATH.format(sid=sid)
    print(f"  (Basic-auth subset of check.py on {rpath}; token, bearer and introspection checks")
    print("   do not apply: Charter has no OAuth token endpoint yet)")

    # The checks check.py makes on the Basic-authenticated resource request ...
    st, body = check.http(base, "GET", rpath, check.basic(sid, token))
    expect("resource: basic AccountSid:AuthToken 200", st == 200, st)
    expect("resource: JSON body", isinstance(body, dict), body)
    st, _ = check.http(base, "GET", rpath, None)
    expect("resource: no auth 401", st == 401, st)
    st, _ = check.http(base, "GET", rpath, check.basic(sid, token[:-1] + "x"))
    expect("resource: basic wrong AuthToken 401", st == 401, st)
    # ... its "other account" check, made with Basic credentials instead of a bearer token ...
    st, _ = check.http(
        base, "GET", check.RESOURCE_PATH.format(sid=check.OTHER_SID), check.basic(sid, token)
    )
    expect("resource: other account 403/404", st in (403, 404), st)
    # ... and two more: the body is this account, and an unknown account is refused.
    expect(
        "resource: body is the account",
        isinstance(body, dict) and body.get("sid") == sid,
        str(body)[:120],
    )
    st, _ = check.http(base, "GET", rpath, check.basic(check.OTHER_SID, token))
    expect("resource: basic unknown AccountSid 401", st == 401, st)

    if failures:
        print(f"check: {len(failures)} FAILED")
        return 1
    print("check: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
