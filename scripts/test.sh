#!/usr/bin/env bash
# Runs every test: set-up and Release build, the GoogleTest suite through ctest, the same suite built
# with AddressSanitizer + UndefinedBehaviorSanitizer, the libFuzzer harnesses for a bounded time, and the
# Python tests (CLI and reports).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

scripts/setup.sh

echo "== unit tests (Release)"
ctest --test-dir build --output-on-failure -j "$(nproc)"

echo "== unit tests (address + undefined sanitizers)"
BUILD_DIR=build-asan BUILD_TYPE=RelWithDebInfo CMAKE_ARGS="-DPLAST_SANITIZE=ON -DPLAST_BUILD_BENCH=OFF -DPLAST_PYTHON=OFF" scripts/setup.sh
# Tests labelled slow in Release are skipped under the sanitizers (they only repeat long simulations).
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -E "${PLAST_ASAN_EXCLUDE:-Slow}"

echo "== fuzzing (libFuzzer under ASan + UBSan, 20 s per harness)"
scripts/fuzz.sh "${PLAST_FUZZ_SECONDS:-20}"

echo "== Python tests (CLI end to end, reports)"
PLAST_CLI="$root/build/plast" PYTHONPATH="$root/python" /usr/bin/python3 -m pytest -q python/tests
