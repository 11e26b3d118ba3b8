#!/usr/bin/env bash
# Charter's own loads beyond the harness's, against a Charter server that is already running with
# the bench account (bench/run.sh starts it and calls this in the same run):
#
#   messages_list    GET  /2010-04-01/Accounts/{sid}/Messages.json?PageSize=20  (20 messages exist)
#   messages_create  POST /2010-04-01/Accounts/{sid}/Messages.json  From, To, Body  (charged)
#
#   bash bench/charter_loads.sh LABEL BASE_URL
#
# Uses the harness's wrk request script; one TSV line per load is appended to $BENCH_RESULTS in
# the harness's format. The account needs a balance that covers every send (run.sh seeds it with
# --balance 1000000). Environment: as loads.sh (DURATION, WARMUP, CONNS, THREADS, SHARED_BENCH,
# BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, BENCH_RESULTS).
set -euo pipefail

LABEL="${1:?usage: charter_loads.sh LABEL BASE_URL}"
BASE="${2:?usage: charter_loads.sh LABEL BASE_URL}"
BASE="${BASE%/}"
case "$(printf '%s' "$BASE" | sed -E 's#^[a-z]+://##; s#[:/].*$##')" in
  127.*|localhost) ;;
  *) echo "charter_loads.sh: refusing a non-loopback target" >&2; exit 2 ;;
esac
: "${SHARED_BENCH:?SHARED_BENCH must name the harness directory}"
DURATION="${DURATION:-30}" WARMUP="${WARMUP:-3}" CONNS="${CONNS:-64}" THREADS="${THREADS:-1}"
export WRK_RECONNECT_EVERY="${WRK_RECONNECT_EVERY:-100}"
SID="${BENCH_ACCOUNT_SID:-AC00000000000000000000000000000001}"
TOKEN="${BENCH_AUTH_TOKEN:-0123456789abcdef0123456789abcdef}"
RESULTS="${BENCH_RESULTS:-/dev/null}"
API="$BASE/2010-04-01/Accounts/$SID"
AUTH="Basic $(printf '%s' "$SID:$TOKEN" | base64 -w0)"

# Seed: one number, twenty messages (also checks that sending works before it is measured).
number="$(curl -sf -u "$SID:$TOKEN" -d AreaCode=415 "$API/IncomingPhoneNumbers.json" \
  | sed -E 's/.*"phone_number":"([^"]+)".*/\1/')"
[ -n "$number" ] || { echo "charter_loads.sh: could not buy a number" >&2; exit 3; }
for i in $(seq 1 20); do
  curl -sf -o /dev/null -u "$SID:$TOKEN" --data-urlencode "From=$number" \
    --data-urlencode "To=+14155550100" --data-urlencode "Body=seed $i" "$API/Messages.json" \
    || { echo "charter_loads.sh: seeding message $i failed" >&2; exit 3; }
done
listed="$(curl -sf -u "$SID:$TOKEN" "$API/Messages.json?PageSize=20" | grep -o '"sid":"SM' | wc -l)"
[ "$listed" = 20 ] || { echo "charter_loads.sh: expected 20 messages, listed $listed" >&2; exit 3; }

run_wrk() {  # $1 seconds, $2 url
  timeout $(($1 + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${1}s" --timeout 10s --latency \
    -s "$SHARED_BENCH/wrk/req.lua" "$2" 2>&1
}

for load in messages_list messages_create; do
  unset WRK_BODY
  export WRK_AUTH="$AUTH"
  if [ "$load" = messages_list ]; then
    export WRK_METHOD=GET; url="$API/Messages.json?PageSize=20"
  else
    export WRK_METHOD=POST WRK_BODY="From=%2B${number#+}&To=%2B14155550100&Body=bench"
    url="$API/Messages.json"
  fi
  [ "$WARMUP" -gt 0 ] && run_wrk "$WARMUP" "$url" >/dev/null
  line="$(run_wrk "$DURATION" "$url" | grep '^WRKSUMMARY' || true)"
  [ -n "$line" ] || { echo "charter_loads.sh: wrk gave no summary for $load" >&2; exit 4; }
  vals="$(printf '%s\n' "$line" | sed -E 's/^WRKSUMMARY //; s/[a-z0-9_]+=//g')"
  printf '%s\t%s\t%s\n' "$LABEL" "$load" "$(printf '%s' "$vals" | tr ' ' '\t')" >> "$RESULTS"
  read -r rps p50 _ p99 _ _ non2xx _ _ <<<"$vals"
  printf '   %-22s %-16s %10s req/s  p50 %8s ms  p99 %8s ms  non2xx %s\n' \
    "$LABEL" "$load" "$rps" "$p50" "$p99" "$non2xx"
done
