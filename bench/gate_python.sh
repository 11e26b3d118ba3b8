#!/usr/bin/env bash
# Stand-in for BENCH_PY when bench/run.sh drives the shared harness's loads.sh against Charter.
#
# loads.sh runs its semantic gate as  "$BENCH_PY" "$HERE/check.py" BASE_URL  before any load but
# "null". The harness's check.py begins with an OAuth token request, which Charter cannot answer yet
# (no token endpoint), so for the get_basic load -- the only one run against Charter -- this script
# runs bench/check_basic.py (the Basic-auth half of check.py) instead. Any other call (e.g.
# "check.py BASE --token-only", which the bearer and introspection loads make) is refused, so this
# stand-in cannot let a load run without a gate.
#
# Environment: GATE_PY  the harness venv's python (set by run.sh).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${GATE_PY:?GATE_PY must name the harness venv python}"
if [ "$#" -eq 2 ] && [ "$(basename "$1")" = check.py ]; then
  exec "$GATE_PY" "$HERE/check_basic.py" "$2"
fi
echo "gate_python.sh: refusing unexpected call: $*" >&2
echo "gate_python.sh: only the get_basic load can be run against Charter for now" >&2
exit 2
