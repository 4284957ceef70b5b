#!/usr/bin/env bash
# Idempotent set-up: installs the Debian packages plast needs (when missing) and builds it in Release.
#   scripts/setup.sh            -> build/ (Release)
#   BUILD_DIR=... BUILD_TYPE=... CMAKE_ARGS=... scripts/setup.sh
# The default build also puts build/python on /usr/bin/python3's path (a plast.pth file in the user
# site-packages), so `import plast` works after it; PLAST_NO_PTH=1 skips that.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build git pkg-config
  libeigen3-dev nlohmann-json3-dev libtomlplusplus-dev librandom123-dev libcli11-dev
  libsqlite3-dev libmatio-dev libnlopt-cxx-dev libboost-math-dev libopenmpi-dev openmpi-bin
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-numpy python3-matplotlib python3-scipy python3-pytest python3-brian
  python3-dev pybind11-dev python3-pybind11 python3-pandas python3-sympy
  python3-nbclient python3-ipykernel python3-nbformat
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

BUILD_DIR="${BUILD_DIR:-build}"
BUILD_TYPE="${BUILD_TYPE:-Release}"
JOBS="${JOBS:-$(nproc)}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${CMAKE_ARGS:-} >&2
cmake --build "$BUILD_DIR" -j "$JOBS" >&2

# `import plast` from /usr/bin/python3: the build assembled the package in $BUILD_DIR/python/plast.
if [ "$BUILD_DIR" = build ] && [ -z "${PLAST_NO_PTH:-}" ] && compgen -G "$BUILD_DIR/python/plast/_core*.so" > /dev/null; then
  site="$(/usr/bin/python3 -m site --user-site)"
  mkdir -p "$site"
  echo "$PWD/$BUILD_DIR/python" > "$site/plast.pth"
  echo "setup: import plast -> $PWD/$BUILD_DIR/python (written to $site/plast.pth)" >&2
fi
