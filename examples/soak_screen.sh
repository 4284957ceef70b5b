#!/usr/bin/env bash
# Soak test of interrupt and resume (an example, not a unit test): runs a screen once without
# interruption, then again with SIGKILL / SIGTERM / SIGINT at random times and resumes until it is done,
# and checks that both archives hold exactly the same candidates.
#
#   examples/soak_screen.sh [CONFIG] [KILLS]      (defaults: a 2,000-candidate spiking screen at scale 0.1, 30 kills)
#
# Needs build/plast and sqlite3. Prints each kill and the final comparison; exit 0 when identical.
set -euo pipefail
cd "$(dirname "$0")/.."
PLAST=${PLAST:-build/plast}
KILLS=${2:-30}
work=$(mktemp -d)
cfg=${1:-$work/soak.toml}
if [ -z "${1:-}" ]; then
  cat > "$cfg" <<'TOML'
seed = 21
[screen]
task = "fsbi"
chunk = 8
[network]
scale = 0.1
warmup = 2.0
score = 1.0
[[round]]
proposal = "prior"
candidates = 1000
[[round]]
proposal = "setpoint"
candidates = 1000
TOML
fi
dump() { sqlite3 "$1/archive.sqlite" "SELECT * FROM candidates ORDER BY round, idx" | cut -d'|' -f1-8,10-; }

echo "soak: uninterrupted run"
"$PLAST" screen "$cfg" --out "$work/ref" -q --no-report
echo "soak: interrupted run ($KILLS kills)"
"$PLAST" screen "$cfg" --out "$work/soak" -q --no-report & pid=$!
sigs=(KILL TERM INT)
for ((k = 1; k <= KILLS; k++)); do
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.3 + 2.5 * r / 32768 }')"
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sig=${sigs[$((RANDOM % 3))]}
  kill -"$sig" "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  n=$(sqlite3 "$work/soak/archive.sqlite" "SELECT COUNT(*) FROM candidates" 2>/dev/null || echo "?")
  echo "soak: kill $k with SIG$sig, $n candidates archived; resuming"
  "$PLAST" screen --resume "$work/soak" -q --no-report & pid=$!
done
wait "$pid"
if diff <(dump "$work/ref") <(dump "$work/soak") > /dev/null; then
  echo "soak: identical archives ($(sqlite3 "$work/ref/archive.sqlite" "SELECT COUNT(*) FROM candidates") candidates) after $((k - 1)) kills"
  rm -rf "$work"
else
  echo "soak: archives differ; kept in $work" >&2
  exit 1
fi
