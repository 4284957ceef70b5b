#!/usr/bin/env bash
# The main job on its embedded default: set-up, build, then `plast demo`; prints the path of report.html.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec build/plast demo "$@"
