#!/usr/bin/env bash
# Charter's benchmark, on the shared reference harness (../shared/bench), in ONE run:
#   1. the harness's run_peers.sh: the null endpoints (Starlette on uvicorn, granian RSGI) and the
#      Authlib peer, measured as usual (its four loads, gated by the harness's check.py);
#   2. Charter: a fresh database seeded with the bench account (fixed SID and auth token, through
#      the development-only `charter accounts create --sid --auth-token`), `charter serve
#      --workers 2` on 127.0.0.1, an OAuth app created over HTTP with the account's auth token
#      (POST /v1/Account/OAuthApps, policy allowing /twilio/voice/calls/list; its sid is the
#      client_id, its secret is shown once), then the harness's own loads.sh -- gated by the
#      harness's own check.py -- for all four loads:
#        token       POST /v2/token  grant_type=client_credentials, Basic client_id:secret
#        get_bearer  GET  /2010-04-01/Accounts/{sid}/Calls.json  Bearer <ES256 JWT>
#        get_basic   GET  same path, Basic AccountSid:AuthToken
#        introspect  POST /oauth2/introspect  token=<JWT>, Basic client_id:secret
#      then Charter's own messages_list / messages_create loads (bench/charter_loads.sh);
#   3. one table and the goal ratios (bench/report.py), from this run only.
#
#   bash bench/run.sh                                  # full run, ~9 min (DURATION 30)
#   DURATION=5 WARMUP=1 bash bench/run.sh              # smoke run, ~2.5 min
#   CHARTER_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench bash bench/run.sh
#                                                      # on PostgreSQL (use a fresh database)
#
# Environment (defaults in brackets):
#   SHARED_BENCH [<repo>/../shared/bench]  the reference harness
#   VENV [/tmp/benchvenv]       the harness venv (created here if missing, packages per its README)
#   CHARTER [charter on PATH, else <repo>/.venv/bin/charter]  the Charter executable
#   CHARTER_DATABASE_URL [sqlite in a fresh temp dir]  postgresql://... to measure on PostgreSQL
#   CHARTER_PORT [18100]  CHARTER_WORKERS [2]
#   CHARTER_RESOURCE_PATH [/2010-04-01/Accounts/{sid}/Calls.json]  Charter's get_bearer/get_basic path
#   CHARTER_APP_PERMISSION [/twilio/voice/calls/list]  what the bench OAuth app's policy allows
#   CHARTER_LOADS ["token get_bearer get_basic introspect"]  the harness loads run against Charter
#   PEERS [1]                   0 = Charter only (no ratios; for quick iterations)
#   MESSAGES [1]                0 = skip Charter's messages_list / messages_create loads
#   BENCH_OUT [a new /tmp/bench-results.XXXX]  results.tsv, results.md (harness), charter.md
#   DURATION, WARMUP, CONNS, THREADS, WRK_RECONNECT_EVERY, NULL_VARIANTS, ...: as the harness
set -euo pipefail
# The whole script is one { ... } block: bash parses it completely before running it, so editing
# this file while a run is under way cannot change or break that run.
{
status=0
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wanted="${SHARED_BENCH:-$REPO/../shared/bench}"
SHARED_BENCH="$(cd "$wanted" 2>/dev/null && pwd)" \
  || { echo "run.sh: no harness at $wanted (set SHARED_BENCH)" >&2; exit 2; }
export SHARED_BENCH
VENV="${VENV:-/tmp/benchvenv}"
export VENV
PEERS="${PEERS:-1}"
CHARTER_PORT="${CHARTER_PORT:-18100}"
CHARTER_WORKERS="${CHARTER_WORKERS:-2}"
DEFAULT_RESOURCE='/2010-04-01/Accounts/{sid}/Calls.json'  # (a literal "}" cannot sit inside \${..:-..})
CHARTER_RESOURCE_PATH="${CHARTER_RESOURCE_PATH:-$DEFAULT_RESOURCE}"
export DURATION="${DURATION:-30}" WARMUP="${WARMUP:-3}"
CHARTER_APP_PERMISSION="${CHARTER_APP_PERMISSION:-/twilio/voice/calls/list}"
CHARTER_LOADS="${CHARTER_LOADS:-token get_bearer get_basic introspect}"
ACCOUNT_SID="${BENCH_ACCOUNT_SID:-AC00000000000000000000000000000001}"
AUTH_TOKEN="${BENCH_AUTH_TOKEN:-0123456789abcdef0123456789abcdef}"

command -v wrk >/dev/null || { echo "run.sh: wrk not found (apt-get install -y wrk)" >&2; exit 2; }

# ------------------------------------------------------------ the harness venv
if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating the harness venv $VENV (packages from $SHARED_BENCH/README.md)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install flask authlib gunicorn starlette 'uvicorn[standard]' \
    granian joserfc cryptography pyjwt argon2-cffi bcrypt
fi
PY="$VENV/bin/python"

# ------------------------------------------------------------ the Charter executable
if [ -z "${CHARTER:-}" ]; then
  if command -v charter >/dev/null; then CHARTER="$(command -v charter)"
  elif [ -x "$REPO/.venv/bin/charter" ]; then CHARTER="$REPO/.venv/bin/charter"
  else echo "run.sh: no charter executable (set CHARTER=/path/to/venv/bin/charter)" >&2; exit 2
  fi
fi
found="$(command -v "$CHARTER")" || { echo "run.sh: $CHARTER is not executable" >&2; exit 2; }
CHARTER="$found"
case "$CHARTER" in /*) ;; *) CHARTER="$PWD/$CHARTER" ;; esac  # it runs from a temp dir

# ------------------------------------------------------------ workspace and cleanup
WORK="$(mktemp -d /tmp/charter-bench.XXXX)"
export BENCH_OUT="${BENCH_OUT:-$(mktemp -d /tmp/bench-results.XXXX)}"
mkdir -p "$BENCH_OUT"
SERVER_PID=""
stop_server() {
  # Stop only the process group we started (setsid made the server its leader), by its PID.
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      kill -KILL -- "-$SERVER_PID" 2>/dev/null || kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_open "$CHARTER_PORT"; then
  echo "run.sh: something already listens on 127.0.0.1:$CHARTER_PORT (set CHARTER_PORT)" >&2; exit 2
fi

# ------------------------------------------------------------ 1. null + Authlib peer
# Charter's BENCH_* settings must not reach the peers: the Authlib peer serves the harness's
# default paths and its own seeded client.
# Timestamps and load averages go to the log so that interference from other work can be spotted.
stamp() { echo "== $(date -u +%H:%M:%S) $1 (loadavg $(cut -d' ' -f1-3 /proc/loadavg))"; }
stamp "peers"
if [ "$PEERS" = 1 ]; then
  env -u BENCH_RESOURCE_PATH -u BENCH_TOKEN_PATH -u BENCH_INTROSPECT_PATH -u BENCH_CLIENT_ID \
    -u BENCH_CLIENT_SECRET bash "$SHARED_BENCH/run_peers.sh"
else
  : > "$BENCH_OUT/results.tsv"
fi

# ------------------------------------------------------------ 2. Charter
export CHARTER_ENV=development
export CHARTER_DATABASE_URL="${CHARTER_DATABASE_URL:-sqlite:///$WORK/charter.db}"
CHARTER_SECRET_KEY="$("$PY" -c 'import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("="))')"
export CHARTER_SECRET_KEY
case "$CHARTER_DATABASE_URL" in
  sqlite*) DB_LABEL="SQLite (fresh file in $WORK, WAL; development mode lets 2 workers share it)" ;;
  postgres*) DB_LABEL="PostgreSQL ($(printf '%s' "$CHARTER_DATABASE_URL" | sed -E 's#(//[^:@/]*):[^@/]*@#\1:***@#'))" ;;
  *) echo "run.sh: CHARTER_DATABASE_URL must be sqlite:... or postgresql://..." >&2; exit 2 ;;
esac
echo "== charter: seed the bench account ($DB_LABEL)"
if ! (cd "$WORK" && "$CHARTER" accounts create --friendly-name Bench --balance 1000000 --sid "$ACCOUNT_SID" \
      --auth-token "$AUTH_TOKEN" --json) > "$WORK/seed.log" 2>&1; then
  cat "$WORK/seed.log" >&2
  echo "run.sh: could not seed the bench account (on PostgreSQL, use a fresh database)" >&2
  exit 3
fi

# The code Charter runs is the tree as it is now (editable install): record its commit now.
commit="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -n "$(git -C "$REPO" status --porcelain -- src 2>/dev/null)" ] && commit="$commit + uncommitted changes in src/"
echo "== start charter: $CHARTER serve --workers $CHARTER_WORKERS (127.0.0.1:$CHARTER_PORT)"
(cd "$WORK" && exec setsid "$CHARTER" serve --host 127.0.0.1 --port "$CHARTER_PORT" \
   --workers "$CHARTER_WORKERS") > "$BENCH_OUT/charter.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
  port_open "$CHARTER_PORT" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "charter exited early:" >&2; cat "$BENCH_OUT/charter.log" >&2; exit 3; }
  sleep 0.2
done
port_open "$CHARTER_PORT" || { echo "charter never opened port $CHARTER_PORT" >&2; exit 3; }
for _ in $(seq 1 50); do  # both workers' caches trust the change feed once /healthz is ok
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$CHARTER_PORT/healthz")" = 200 ] && break
  sleep 0.2
done
sleep 1

# The bench OAuth app, created the way a customer would: over HTTP, with the account's auth token.
echo "== charter: create the bench OAuth app (policy allows $CHARTER_APP_PERMISSION)"
app_status="$(curl -s -o "$WORK/app.json" -w '%{http_code}' -u "$ACCOUNT_SID:$AUTH_TOKEN" \
  -H 'Content-Type: application/json' \
  --data "{\"friendly_name\": \"Bench\", \"policy\": {\"allow\": [\"$CHARTER_APP_PERMISSION\"]}}" \
  "http://127.0.0.1:$CHARTER_PORT/v1/Account/OAuthApps")"
if [ "$app_status" != 201 ]; then
  echo "run.sh: creating the OAuth app answered HTTP $app_status:" >&2; cat "$WORK/app.json" >&2; echo >&2
  exit 3
fi
CLIENT_ID="$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["sid"])' "$WORK/app.json")"
CLIENT_SECRET="$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["secret"])' "$WORK/app.json")"
echo "   client_id $CLIENT_ID"

stamp "charter $CHARTER_LOADS"
# shellcheck disable=SC2086  # CHARTER_LOADS is a list of words
BENCH_RESULTS="$BENCH_OUT/results.tsv" BENCH_PY="$PY" \
  BENCH_RESOURCE_PATH="$CHARTER_RESOURCE_PATH" BENCH_ACCOUNT_SID="$ACCOUNT_SID" \
  BENCH_AUTH_TOKEN="$AUTH_TOKEN" BENCH_CLIENT_ID="$CLIENT_ID" BENCH_CLIENT_SECRET="$CLIENT_SECRET" \
  BENCH_TOKEN_PATH=/v2/token BENCH_INTROSPECT_PATH=/oauth2/introspect \
  bash "$SHARED_BENCH/loads.sh" charter "http://127.0.0.1:$CHARTER_PORT" $CHARTER_LOADS \
  || { status=$?; echo "charter: loads.sh failed (exit $status); see above and $BENCH_OUT/charter.log" >&2; }
if [ "${MESSAGES:-1}" = 1 ]; then
  stamp "charter messages_list, messages_create"
  BENCH_RESULTS="$BENCH_OUT/results.tsv" BENCH_ACCOUNT_SID="$ACCOUNT_SID" BENCH_AUTH_TOKEN="$AUTH_TOKEN" \
    bash "$REPO/bench/charter_loads.sh" charter "http://127.0.0.1:$CHARTER_PORT" \
    || { status=$?; echo "charter: charter_loads.sh failed (exit $status)" >&2; }
fi
stop_server
stamp "done"

# ------------------------------------------------------------ 3. table and ratios
echo
"$PY" "$REPO/bench/report.py" "$BENCH_OUT/results.tsv" "$BENCH_OUT/charter.md" \
  "date=$(date -u '+%Y-%m-%d %H:%M UTC')" "commit=$commit" "database=$DB_LABEL" \
  "machine=$(nproc) cores, $(uname -sr)" \
  "method=wrk -t${THREADS:-1} -c${CONNS:-64} -d${DURATION}s after ${WARMUP}s warm-up, WRK_RECONNECT_EVERY=${WRK_RECONNECT_EVERY:-100}; every server 2 worker processes, Charter $CHARTER_WORKERS" \
  "charter=$CHARTER serve --workers $CHARTER_WORKERS; token = POST /v2/token, introspect = POST /oauth2/introspect, get_bearer / get_basic = GET ${CHARTER_RESOURCE_PATH//\{sid\}/$ACCOUNT_SID} (peer: the same GET path)"
echo "results: $BENCH_OUT"
exit "$status"
}
