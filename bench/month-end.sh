#!/usr/bin/env bash
# Month end (issue 21): INVOICES drafts (default 10,000) issued in bulk through
# `POST /api/v1/invoices/issue` while INSTANCES `chorus-desk serve` (schedulers on, every second)
# deposit them to a standalone simulator answering with no added latency. Prints the seconds until
# all were deposited and until all were Sent, checks on the simulator that each invoice was
# deposited exactly once, and measures page latency (p50/p95) of /invoices, one invoice page and
# /audit WHILE the burst runs (wrk, one thread and 2 connections per page, all three at once).
#
#   bench/month-end.sh                                                  # SQLite, one instance
#   BACKEND=postgres PG=postgres://postgres@127.0.0.1:5432/postgres INSTANCES=3 bench/month-end.sh
#   INVOICES=2000 BUILD=0 bench/month-end.sh
#   PROFILE=debug bench/month-end.sh                                    # the debug build
#   SERVER_BIN=/path/to/other/chorus-desk BUILD=0 bench/month-end.sh    # instances of another build
#
# RATE sets the connection's requests per second (default 1000: the simulator has no quota; the
# product's default, for a real PISTE application, is 20). DURATION is how long wrk measures
# each page (default 15s, from the moment the bulk issue starts). WAIT: seconds to wait for all Sent
# (default 900).
set -euo pipefail

BACKEND=${BACKEND:-sqlite}
INVOICES=${INVOICES:-10000}
INSTANCES=${INSTANCES:-1}
RATE=${RATE:-1000}
DURATION=${DURATION:-15s}
PORT=${PORT:-18093}
SIM_PORT=${SIM_PORT:-18099}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SIRET=41234567000019 # an attached supplier of the simulator's built-in directory
PASSWORD="bench month end passphrase 2026"

if [ "$BACKEND" = sqlite ] && [ "$INSTANCES" != 1 ]; then
    echo "several instances need PostgreSQL (BACKEND=postgres PG=…)" >&2
    exit 2
fi
command -v wrk >/dev/null || { echo "installing wrk (Debian package)" >&2; if command -v sudo >/dev/null; then sudo apt-get install -y wrk >&2; else apt-get install -y wrk >&2; fi; }
cd "$ROOT"
# PROFILE=debug measures the debug build (slower: say so with the figures).
PROFILE=${PROFILE:-release}
if [ "${BUILD:-1}" != 0 ]; then
    if [ "$PROFILE" = release ]; then cargo build -j2 --release --bin chorus-desk >&2; else cargo build -j2 --bin chorus-desk >&2; fi
fi
BIN="$TARGET/$PROFILE/chorus-desk"
# SERVER_BIN=another/chorus-desk runs the instances with another build (before/after figures);
# the drafts, the simulator and the waiting stay with BIN.
SERVER_BIN=${SERVER_BIN:-$BIN}

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$BACKEND" = postgres ] && [ -n "${NAME:-}" ]; then psql "$PG" -qc "DROP DATABASE IF EXISTS $NAME" >/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

case "$BACKEND" in
    sqlite) export DATABASE_URL="sqlite://$WORK/bench.db" ;;
    postgres)
        PG=${PG:?set PG=postgres://USER@HOST:PORT/DB (a server where a database may be created)}
        NAME="cd_month_end_$$"
        psql "$PG" -qc "CREATE DATABASE $NAME" >/dev/null
        export DATABASE_URL="${PG%/*}/$NAME"
        ;;
    *) echo "BACKEND must be sqlite or postgres" >&2; exit 2 ;;
esac
export CHORUS_DESK_SECRET_KEY
CHORUS_DESK_SECRET_KEY=$(head -c 48 /dev/urandom | base64 -w0)
export CHORUS_DESK_ADMIN_PASSWORD="bench first admin passphrase"
export RUST_LOG=warn
export CHORUS_DESK_SIMULATOR_URL="http://127.0.0.1:$SIM_PORT"
export CHORUS_SIM_ADMIN_TOKEN
CHORUS_SIM_ADMIN_TOKEN=$(head -c 24 /dev/urandom | base64 -w0 | tr '+/' '-_')

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM, load $(cut -d' ' -f1-3 /proc/loadavg); backend $BACKEND, $INSTANCES instance(s), $INVOICES invoices, $RATE requests/s"
CHORUS_DESK_SCHEDULER=off "$BIN" migrate >/dev/null
"$BIN" org add --name "Atelier Exemple" --siret "$SIRET" >/dev/null
echo "$PASSWORD" | "$BIN" user add --email user@bench.test --role user --org "$SIRET" --password-stdin >/dev/null
echo "$PASSWORD" | "$BIN" user add --email auditor@bench.test --role auditor --org "$SIRET" --password-stdin >/dev/null
TOKEN=$("$BIN" token create --org "$SIRET" --name bench 2>/dev/null | tail -1)
"$BIN" bench drafts --org "$SIRET" --count "$INVOICES" --requests-per-second "$RATE" >"$WORK/ids.json"
MIDDLE=$(python3 -c "import json,sys; ids=json.load(open(sys.argv[1]))['ids']; print(ids[len(ids)//2])" "$WORK/ids.json")

"$BIN" simulator --bind "127.0.0.1:$SIM_PORT" 2>"$WORK/simulator.log" &
PIDS+=($!)
SIMULATOR=$!
for _ in $(seq 1 300); do
    curl -s -o /dev/null -H "Authorization: Bearer $CHORUS_SIM_ADMIN_TOKEN" "http://127.0.0.1:$SIM_PORT/simulator-admin/deposits" && break
    sleep 0.1
done

SERVERS=()
for i in $(seq 1 "$INSTANCES"); do
    CHORUS_DESK_BIND="127.0.0.1:$((PORT + i - 1))" CHORUS_DESK_BUILTIN_SIMULATOR=off CHORUS_DESK_SCHEDULER=on \
        CHORUS_DESK_SUBMIT_SCHEDULE="* * * * * *" CHORUS_DESK_POLL_SCHEDULE="* * * * * *" \
        "$SERVER_BIN" serve >"$WORK/server-$i.log" 2>&1 &
    PIDS+=($!)
    SERVERS+=($!)
done
for i in $(seq 1 "$INSTANCES"); do
    for _ in $(seq 1 300); do
        curl -sf "http://127.0.0.1:$((PORT + i - 1))/health" >/dev/null && break
        sleep 0.1
    done
done
BASE="http://127.0.0.1:$PORT"

# Signs in and prints the session cookie header.
login() {
    local jar="$WORK/jar-$1" token status
    token=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
    status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
        --data-urlencode "email=$1" --data-urlencode "password=$PASSWORD" "$BASE/login")
    [ "$status" = 303 ] || { echo "login of $1 failed ($status)" >&2; exit 1; }
    awk '$6 == "chorus_desk_session" {print "chorus_desk_session=" $7}' "$jar"
}
USER=$(login user@bench.test)
AUDITOR=$(login auditor@bench.test)
# Warm each page once (the first /audit load verifies the chain).
for path in /invoices "/invoices/$MIDDLE"; do curl -s -o /dev/null -H "Cookie: $USER" "$BASE$path"; done
curl -s -o /dev/null -H "Cookie: $AUDITOR" "$BASE/audit"

cat >"$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  %.0f req/s  (%d requests, %d errors)\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6), summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

echo "issuing $INVOICES drafts in bulk (POST /api/v1/invoices/issue) with pages measured meanwhile…"
START=$(date +%s.%N)
curl -s -o "$WORK/issued.json" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary "@$WORK/ids.json" "$BASE/api/v1/invoices/issue" >"$WORK/issue.out" &
ISSUE=$!
wrk -t1 -c2 -d"$DURATION" -H "Cookie: $USER" -s "$WORK/report.lua" "$BASE/invoices" | tail -1 >"$WORK/wrk-list" &
W1=$!
wrk -t1 -c2 -d"$DURATION" -H "Cookie: $USER" -s "$WORK/report.lua" "$BASE/invoices/$MIDDLE" | tail -1 >"$WORK/wrk-invoice" &
W2=$!
wrk -t1 -c2 -d"$DURATION" -H "Cookie: $AUDITOR" -s "$WORK/report.lua" "$BASE/audit" | tail -1 >"$WORK/wrk-audit" &
W3=$!
"$BIN" bench wait-sent --org "$SIRET" --expected "$INVOICES" --started-at "$START" --timeout "${WAIT:-900}"
LOAD_AT_END=$(cut -d' ' -f1-3 /proc/loadavg)
wait "$ISSUE" "$W1" "$W2" "$W3"
read -r ISSUE_STATUS ISSUE_SECONDS <"$WORK/issue.out"
echo "bulk issue answered HTTP $ISSUE_STATUS after $ISSUE_SECONDS s: $(python3 -c "import json,sys; a=json.load(open(sys.argv[1])); print(a['issued'], 'issued,', a['refused'], 'refused')" "$WORK/issued.json")"
echo "pages during the burst ($DURATION from the start of the bulk issue, 2 connections each, all three at once):"
echo "  /invoices               $(cat "$WORK/wrk-list")"
echo "  /invoices/$MIDDLE        $(cat "$WORK/wrk-invoice")"
echo "  /audit                  $(cat "$WORK/wrk-audit")"
curl -s -H "Authorization: Bearer $CHORUS_SIM_ADMIN_TOKEN" "http://127.0.0.1:$SIM_PORT/simulator-admin/deposits" >"$WORK/deposits.json"
python3 - "$WORK/deposits.json" "$INVOICES" <<'PY'
import collections, json, sys
deposits = json.load(open(sys.argv[1]))
counts = collections.Counter(n for d in deposits for n in d.get("invoiceNumbers", []))
twice = {n: c for n, c in counts.items() if c != 1}
expected = int(sys.argv[2])
if twice:
    verdict = f"NOT exactly once: {len(twice)} deposited more than once"
elif len(counts) == expected:
    verdict = "each exactly once"
else:
    verdict = f"none deposited twice, {expected - len(counts)} not deposited yet"
print(f"simulator: {len(counts)} invoice numbers deposited, {sum(counts.values())} deposits; {verdict}")
PY
for i in $(seq 1 "$INSTANCES"); do
    deposits=$(curl -s "http://127.0.0.1:$((PORT + i - 1))/metrics" | sed -n 's/^chorus_desk_chorus_calls_total{endpoint="\/cpro\/factures\/v1\/deposer\/flux",outcome="success"} //p')
    echo "instance $i: ${deposits:-0} deposits, peak RSS $(awk '$1 == "VmHWM:" {print $2}' "/proc/${SERVERS[$((i - 1))]}/status") KiB"
done
echo "load average at the end of the burst: $LOAD_AT_END; now: $(cut -d' ' -f1-3 /proc/loadavg)"
