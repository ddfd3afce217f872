#!/usr/bin/env bash
# Page latency under load with many invoices and audit entries seeded, on SQLite or PostgreSQL.
# Seeds with `chorus-desk bench seed`, starts a release server, signs in, runs wrk on each page and
# prints p50/p95/p99 and requests/s, then the server's peak RSS.
#
#   bench/pages.sh                                          # SQLite, 1,000,000 invoices, 10,000,000 audit entries
#   BACKEND=postgres PG=postgres://postgres@127.0.0.1:5432/postgres bench/pages.sh
#   INVOICES=100000 AUDIT=1000000 DURATION=10s bench/pages.sh
#
# Pages: the invoice status list (/invoices: all, two status filters, a search by number and by
# customer), an invoice page (the same one, then a random one each request), the dashboard; the
# audit log's first page (which verifies the chain), an audit search (filters, free text) and an
# invoice's history in the audit log.
# KEEP=1 keeps the seeded database (its path or name is printed); DB=that skips the seeding;
# SEED_ONLY=1 stops after seeding; BUILD=0 uses the release binary as built:
#   KEEP=1 SEED_ONLY=1 bench/pages.sh; DB=/path/printed bench/pages.sh
set -euo pipefail

BACKEND=${BACKEND:-sqlite}
INVOICES=${INVOICES:-1000000}
AUDIT=${AUDIT:-10000000}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-18091}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SIRET=73282932000074
PASSWORD="bench auditor passphrase 2026"

command -v wrk >/dev/null || { echo "installing wrk (Debian package)" >&2; if command -v sudo >/dev/null; then sudo apt-get install -y wrk >&2; else apt-get install -y wrk >&2; fi; }
cd "$ROOT"
[ "${BUILD:-1}" = 0 ] || cargo build -j2 --release --bin chorus-desk >&2
BIN="$TARGET/release/chorus-desk"

WORK=$(mktemp -d)
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    if [ "${KEEP:-0}" = 1 ]; then rm -rf "$WORK/jar-"*; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

SEEDED=${DB:-}
case "$BACKEND" in
    sqlite) export DATABASE_URL="sqlite://${DB:-$WORK/bench.db}" ;;
    postgres)
        PG=${PG:?set PG=postgres://USER@HOST:PORT/DB (a server where a database may be created)}
        NAME=${DB:-cd_bench_$$}
        [ -n "$SEEDED" ] || psql "$PG" -qc "CREATE DATABASE $NAME" >/dev/null
        export DATABASE_URL="${PG%/*}/$NAME"
        ;;
    *) echo "BACKEND must be sqlite or postgres" >&2; exit 2 ;;
esac
# The secret key signs sessions and audit checkpoints: a kept database keeps its key.
KEYFILE="${DB:-$WORK/bench.db}.key"
[ "$BACKEND" = postgres ] && mkdir -p "$TARGET" && KEYFILE="$TARGET/$NAME.key"
[ -s "$KEYFILE" ] || head -c 48 /dev/urandom | base64 -w0 >"$KEYFILE"
export CHORUS_DESK_SECRET_KEY
CHORUS_DESK_SECRET_KEY=$(cat "$KEYFILE")
export CHORUS_DESK_ADMIN_PASSWORD="bench first admin passphrase"
export CHORUS_DESK_SCHEDULER=off RUST_LOG=warn

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$BIN" migrate >/dev/null
if [ -z "$SEEDED" ]; then
    "$BIN" org add --name "Bench SA" --siret "$SIRET" >/dev/null
    echo "$PASSWORD" | "$BIN" user add --email auditor@bench.test --role auditor --org "$SIRET" --password-stdin >/dev/null
    echo "$PASSWORD" | "$BIN" user add --email user@bench.test --role user --org "$SIRET" --password-stdin >/dev/null
    echo "backend $BACKEND: seeding $INVOICES invoices and $AUDIT audit entries"
    /usr/bin/time -f "seed: %e s, peak RSS %M KiB" "$BIN" bench seed --org "$SIRET" --invoices "$INVOICES" --audit "$AUDIT"
    if [ "${KEEP:-0}" = 1 ]; then echo "kept: DB=${NAME:-$WORK/bench.db}"; fi
    if [ "${SEED_ONLY:-0}" = 1 ]; then exit 0; fi
else
    echo "backend $BACKEND: reusing the seeded database $SEEDED"
fi

CHORUS_DESK_BIND="127.0.0.1:$PORT" "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
    sleep 0.1
done

# Signs in and prints the session cookie header.
login() {
    local jar="$WORK/jar-$1" token status
    token=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
    status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
        --data-urlencode "email=$1" --data-urlencode "password=$PASSWORD" "http://127.0.0.1:$PORT/login")
    [ "$status" = 303 ] || { echo "login of $1 failed ($status)" >&2; exit 1; }
    awk '$6 == "chorus_desk_session" {print "chorus_desk_session=" $7}' "$jar"
}
AUDITOR=$(login auditor@bench.test)
USER=$(login user@bench.test)

cat >"$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  %.0f req/s  (%d requests, %d errors)\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6), summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

page() {
    local name=$1 cookie=$2 path=$3 status
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$PORT$path")
    if [ "$status" != 200 ]; then echo "$name ($path): HTTP $status, skipped"; return; fi
    echo "$name ($path), $CONNECTIONS connections, $DURATION:"
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -H "Cookie: $cookie" -s "$WORK/report.lua" "http://127.0.0.1:$PORT$path" | tail -1
}

# The same, each request for another invoice picked at random: first views, nothing kept yet.
page_random() {
    local name=$1 cookie=$2 prefix=$3 count=$4
    # Each wrk thread draws its own sequence: the same ids twice would be served from memory.
    cat >"$WORK/random.lua" <<LUA
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init(args) math.randomseed(id * 7919 + os.time()) end
request = function() return wrk.format("GET", "$prefix" .. math.random(1, $count)) end
LUA
    sed -n '/^done/,$p' "$WORK/report.lua" >>"$WORK/random.lua"
    echo "$name ($prefix<random 1..$count>), $CONNECTIONS connections, $DURATION:"
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -H "Cookie: $cookie" -s "$WORK/random.lua" "http://127.0.0.1:$PORT/" | tail -1
}

MIDDLE=$((INVOICES / 2))
# The first load of /audit walks the whole chain (later loads only what was appended): time it once.
echo "first /audit load (walks up to 20,000 entries, the rest in the background): $(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $AUDITOR" "http://127.0.0.1:$PORT/audit") s"
page "invoice status list" "$USER" "/invoices"
page "status list, rejected only (1 %)" "$USER" "/invoices?status=rejected"
page "status list, in processing (9 %)" "$USER" "/invoices?status=in_processing"
page "search by number" "$USER" "/invoices?q=BENCH-$(printf %09d "$MIDDLE")"
page "search by customer" "$USER" "/invoices?q=commune"
page "invoice page" "$USER" "/invoices/$MIDDLE"
page_random "invoice page, another invoice each time" "$USER" "/invoices/" "$INVOICES"
page "dashboard" "$USER" "/"
page "audit log, first page (verification)" "$AUDITOR" "/audit"
page "audit search (filters)" "$AUDITOR" "/audit?action=invoice.submitted&target_type=invoice&target_id=$((AUDIT / 10))"
page "audit search (free text)" "$AUDITOR" "/audit?q=user3%40seed.test"
# Rare: one entry among all (its JSON sequence number, the seeded details being
# {"amount":…,"note":…,"seq":N}); none: a word no entry holds. Both go through the full-text index.
page "audit search (free text, rare: 1 entry)" "$AUDITOR" "/audit?q=%22seq%22%3A$((AUDIT / 2))%7D"
page "audit search (free text, no entry)" "$AUDITOR" "/audit?q=Vezelay"
page "an invoice's audit history" "$AUDITOR" "/audit/targets/invoice/$((AUDIT / 10))"
echo "server peak RSS (VmHWM): $(awk '$1 == "VmHWM:" {print $2}' "/proc/$SERVER/status") KiB"
if [ "$BACKEND" = postgres ] && [ "${KEEP:-0}" != 1 ]; then
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
    psql "$PG" -qc "DROP DATABASE $NAME" >/dev/null; rm -f "$KEYFILE"
fi
