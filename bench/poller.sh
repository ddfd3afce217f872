#!/usr/bin/env bash
# The poller with many invoices in flight on the simulator: seeds INVOICES (default 100,000)
# deposited invoices as the poller follows them (one in ten awaiting its flux's integration, the
# others integrated and followed by the organisation's lifecycle cycle), starts a simulator holding
# the same invoices (made available an hour ago), then measures:
#   - the integration checks: every awaiting flux looked at (one flux report each);
#   - CYCLES lifecycle cycles (default 3): a catch-up cycle that walks every status, cycles after
#     one invoice in CHANGE_EVERY got paid on the simulator, and a last quiet one.
# Prints, for each, the Chorus Pro calls by endpoint, the time, the database time and the peak RSS.
#
#   bench/poller.sh
#   BACKEND=postgres PG=postgres://postgres@127.0.0.1:5432/postgres bench/poller.sh
#   INVOICES=10000 CYCLES=2 bench/poller.sh
set -euo pipefail

BACKEND=${BACKEND:-sqlite}
INVOICES=${INVOICES:-100000}
CYCLES=${CYCLES:-3}
CHANGE_EVERY=${CHANGE_EVERY:-100}
MAX_SECONDS=${MAX_SECONDS:-600} # a cycle stops there even if not every invoice was looked at
SIM_PORT=${SIM_PORT:-18092}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SIRET=41234567000019 # an attached supplier of the simulator's built-in directory

cd "$ROOT"
[ "${BUILD:-1}" = 0 ] || cargo build -j2 --release --bin chorus-desk >&2
BIN="$TARGET/release/chorus-desk"

WORK=$(mktemp -d)
SIMULATOR=""
cleanup() {
    if [ -n "$SIMULATOR" ]; then kill "$SIMULATOR" 2>/dev/null || true; wait "$SIMULATOR" 2>/dev/null || true; fi
    if [ "$BACKEND" = postgres ] && [ -n "${NAME:-}" ]; then psql "$PG" -qc "DROP DATABASE IF EXISTS $NAME" >/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

case "$BACKEND" in
    sqlite) export DATABASE_URL="sqlite://$WORK/bench.db" ;;
    postgres)
        PG=${PG:?set PG=postgres://USER@HOST:PORT/DB (a server where a database may be created)}
        NAME="cd_poller_$$"
        psql "$PG" -qc "CREATE DATABASE $NAME" >/dev/null
        export DATABASE_URL="${PG%/*}/$NAME"
        ;;
    *) echo "BACKEND must be sqlite or postgres" >&2; exit 2 ;;
esac
export CHORUS_DESK_SECRET_KEY
CHORUS_DESK_SECRET_KEY=$(head -c 48 /dev/urandom | base64 -w0)
export CHORUS_DESK_ADMIN_PASSWORD="bench first admin passphrase"
export CHORUS_DESK_SCHEDULER=off RUST_LOG=warn
export CHORUS_DESK_SIMULATOR_URL="http://127.0.0.1:$SIM_PORT"
# The simulator's admin hooks (paying invoices each cycle) answer only to this bearer token.
export CHORUS_SIM_ADMIN_TOKEN
CHORUS_SIM_ADMIN_TOKEN=$(head -c 24 /dev/urandom | base64 -w0 | tr '+/' '-_')

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM, load $(cut -d' ' -f1-3 /proc/loadavg); backend $BACKEND"
"$BIN" migrate >/dev/null
"$BIN" org add --name "Atelier Exemple" --siret "$SIRET" >/dev/null
echo "bench admin passphrase 2026" | "$BIN" user add --email admin@bench.test --role admin --org "$SIRET" --password-stdin >/dev/null
/usr/bin/time -f "seed: %e s" "$BIN" bench seed --org "$SIRET" --invoices "$INVOICES" --audit 0 --in-flight

"$BIN" bench simulator --bind "127.0.0.1:$SIM_PORT" --supplier "$SIRET" --invoices "$INVOICES" 2>"$WORK/simulator.log" &
SIMULATOR=$!
for _ in $(seq 1 300); do
    curl -s -o /dev/null -H "Authorization: Bearer $CHORUS_SIM_ADMIN_TOKEN" "http://127.0.0.1:$SIM_PORT/simulator-admin/deposits" && break
    sleep 0.1
done
grep -m1 "made available" "$WORK/simulator.log" || true

/usr/bin/time -f "poller process: %e s, peak RSS %M KiB" \
    "$BIN" bench poller --org "$SIRET" --invoices "$INVOICES" --cycles "$CYCLES" --change-every "$CHANGE_EVERY" --max-seconds "$MAX_SECONDS"
echo "simulator peak RSS (VmHWM): $(awk '$1 == "VmHWM:" {print $2}' "/proc/$SIMULATOR/status") KiB"
