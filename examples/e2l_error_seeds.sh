#!/bin/sh
# Six error-task evolutions (the paper's seeds 12..17) and a summary: which champions equal
# c * (v - u) * sbar (summary key delta_rule_factor). About 30-40 s per run (one thread).
#   sh examples/e2l_error_seeds.sh [PLAST] [OUTDIR] [SEEDS...]
# The example config uses the hal-cgp 0.1.0 mutation of the published runs (5 of these 6 exact
# rediscoveries here); DOCUMENTED=1 switches to the per-gene mutation of hal-cgp >= 0.1.1 (0 of 9).
set -e
PLAST=${1:-plast}
OUT=${2:-runs/e2l_error_seeds}
shift 2 2>/dev/null || true
SEEDS=${*:-"12 13 14 15 16 17"}
DIR=$(dirname "$0")
mkdir -p "$OUT"
for s in $SEEDS; do
    if [ "${DOCUMENTED:-0}" = 1 ]; then
        "$PLAST" evolve "$DIR/e2l_error.toml" --seed "$s" --set ea.legacy_mutation_0_1_0=false --out "$OUT/seed$s" --force --no-report -q
    else
        "$PLAST" evolve "$DIR/e2l_error.toml" --seed "$s" --out "$OUT/seed$s" --force --no-report -q
    fi
done
/usr/bin/python3 - "$OUT" $SEEDS <<'PY'
import json, sys
out, seeds = sys.argv[1], sys.argv[2:]
found = 0
for s in seeds:
    d = json.load(open(f"{out}/seed{s}/run.json"))["summary"]
    c = d.get("delta_rule_factor")
    found += c is not None
    print(f"seed {s}: F = {d['champion_fitness']:.4g}  {d['champion']}" + (f"   == {c:.4g} (v - u) sbar" if c is not None else ""))
print(f"{found} of {len(seeds)} runs found c (v - u) sbar")
PY
