#!/usr/bin/env bash
# Builds the libFuzzer harnesses in fuzz/ with clang (AddressSanitizer + UndefinedBehaviorSanitizer)
# and runs each on its seed corpus (fuzz/corpus/<name>) with a fixed seed for a fixed number of
# executions (FUZZ_RUNS, default 20000) bounded by SECONDS; fails on any crash or sanitizer report.
# The fixed seed and count make the CI run reproducible. Prints each fuzzer's executions per second.
#   scripts/fuzz.sh [SECONDS_PER_FUZZER]      (default 30)
#   FUZZ_RUNS=-1 scripts/fuzz.sh 600          (a longer, open-ended search)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-30}"
PACKAGES=(clang libclang-common-14-dev libtomlplusplus-dev nlohmann-json3-dev libsqlite3-dev libmatio-dev libeigen3-dev)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
out="${FUZZ_BUILD_DIR:-build-fuzz}"
mkdir -p "$out"
# -DNDEBUG as in the Release build: toml++ asserts on some malformed input in debug builds only.
FLAGS=(-std=c++20 -g -O1 -DNDEBUG -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc -I/usr/include/eigen3)
S=src/plast
declare -A SOURCES=(
  [config]="$S/io/config.cpp $S/io/key_doc.cpp $S/io/config_keys.cpp $S/toy/config_keys.cpp $S/spiking/config_keys.cpp $S/memory/config_keys.cpp $S/infer/config_keys.cpp $S/e2l/config_keys.cpp $S/cgp/config_keys.cpp $S/search/config_keys.cpp $S/io/csv.cpp $S/core/error.cpp"
  [expr]="$S/expr/parser.cpp $S/expr/tape.cpp $S/io/csv.cpp $S/core/error.cpp"
  [csv]="$S/io/csv_table.cpp $S/infer/fly_data.cpp $S/rate/two_odor_task.cpp $S/rate/behaviour_network.cpp $S/rules/differentiable_rule.cpp $S/rules/rule_family.cpp $S/io/csv.cpp $S/core/error.cpp $S/core/rng.cpp"
  [mat]="$S/infer/fly_data.cpp $S/rate/two_odor_task.cpp $S/rate/behaviour_network.cpp $S/rules/differentiable_rule.cpp $S/rules/rule_family.cpp $S/io/csv.cpp $S/core/error.cpp $S/core/rng.cpp"
  [archive]="$S/search/archive.cpp $S/core/version.cpp $S/core/error.cpp"
)
LIBS=(-lsqlite3 -lmatio)
status=0
# libmatio asks for several GiB for some corrupted headers that plast's own size checks do not catch: not
# a crash but a memory-use finding. The .mat harness therefore runs with allocations above 1 GiB
# failing (returning NULL, as under a memory limit); libmatio reports them as read errors and plast
# turns those into a clean error, which is what the harness checks.
for name in ${FUZZERS:-config expr csv mat archive}; do
  fuzz_env=()
  [ "$name" = mat ] && fuzz_env=(ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=1024)
  # shellcheck disable=SC2086
  clang++ "${FLAGS[@]}" "fuzz/fuzz_$name.cpp" ${SOURCES[$name]} "${LIBS[@]}" -o "$out/fuzz_$name"
  corpus="$out/corpus_$name"
  rm -rf "$corpus"; cp -r "fuzz/corpus/$name" "$corpus"
  log="$out/fuzz_$name.log"
  if env "${fuzz_env[@]}" "$out/fuzz_$name" "$corpus" -seed=1 -runs="${FUZZ_RUNS:-20000}" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
       -print_final_stats=1 -artifact_prefix="$out/crash_${name}_" > "$log" 2>&1; then
    execs=$(grep -m1 "stat::number_of_executed_units" "$log" | awk '{print $2}')
    rate=$(grep -m1 "stat::average_exec_per_sec" "$log" | awk '{print $2}')
    echo "fuzz $name: $execs executions ($rate per second), no crash"
  else
    echo "fuzz $name: FAILED (see $log)"; tail -40 "$log"; status=1
  fi
done
exit $status
