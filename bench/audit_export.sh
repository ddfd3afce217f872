#!/usr/bin/env bash
# Seeds COUNT audit entries (default 1,000,000) into a fresh SQLite file, starts the server, and
# measures the streamed CSV export: the server's peak RSS before and after, the duration, the size.
# Also times the auditor page (which verifies the chain) and `chorus-desk audit verify`.
#
#   bench/audit_export.sh                      # 1,000,000 entries, debug build
#   COUNT=200000 PROFILE=release bench/audit_export.sh
set -euo pipefail

COUNT=${COUNT:-1000000}
PROFILE=${PROFILE:-dev}
PORT=${PORT:-18089}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SIRET=73282932000074
PASSWORD="bench auditor passphrase 2026"

cd "$ROOT"
cargo build -j2 --profile "$PROFILE" --bin chorus-desk >&2
case "$PROFILE" in dev) BIN="$TARGET/debug/chorus-desk" ;; *) BIN="$TARGET/$PROFILE/chorus-desk" ;; esac

WORK=$(mktemp -d)
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$WORK/bench.db"
export CHORUS_DESK_SECRET_KEY
CHORUS_DESK_SECRET_KEY=$(head -c 48 /dev/urandom | base64 -w0)
export CHORUS_DESK_ADMIN_PASSWORD="bench first admin passphrase"
export CHORUS_DESK_SCHEDULER=off RUST_LOG=warn

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }
kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$SERVER/status"; }

"$BIN" migrate >/dev/null
"$BIN" org add --name "Bench SA" --siret "$SIRET" >/dev/null
echo "$PASSWORD" | "$BIN" user add --email auditor@bench.test --role auditor --org "$SIRET" --password-stdin >/dev/null

t0=$(now)
"$BIN" audit seed --count "$COUNT" --org "$SIRET" >/dev/null
t1=$(now)
echo "seeded $COUNT entries in $(elapsed "$t0" "$t1") s; database $(du -h "$WORK/bench.db" | cut -f1)"

t0=$(now)
"$BIN" audit verify --org "$SIRET" | tail -1
t1=$(now)
echo "audit verify (CLI): $(elapsed "$t0" "$t1") s"

CHORUS_DESK_BIND="127.0.0.1:$PORT" "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
    sleep 0.1
done

JAR="$WORK/cookies"
TOKEN=$(curl -s -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
    --data-urlencode "csrf_token=$TOKEN" --data-urlencode "email=auditor@bench.test" --data-urlencode "password=$PASSWORD" \
    "http://127.0.0.1:$PORT/login")
[ "$STATUS" = 303 ] || { echo "login failed ($STATUS)"; exit 1; }

echo "server RSS after start: $(kib VmRSS) KiB (peak $(kib VmHWM) KiB)"

t0=$(now)
curl -s -o /dev/null -b "$JAR" -w 'auditor page /audit (verifies the chain): HTTP %{http_code}, ' "http://127.0.0.1:$PORT/audit"
t1=$(now)
echo "$(elapsed "$t0" "$t1") s"
before=$(kib VmHWM)
echo "server peak RSS before the export: $before KiB"

t0=$(now)
curl -s -b "$JAR" -o "$WORK/export.csv" -w 'CSV export: HTTP %{http_code}, %{size_download} bytes, ' "http://127.0.0.1:$PORT/audit/export.csv"
t1=$(now)
echo "$(elapsed "$t0" "$t1") s, $(($(wc -l <"$WORK/export.csv") - 1)) rows"
after=$(kib VmHWM)
echo "server peak RSS after the export: $after KiB (+$((after - before)) KiB)"
