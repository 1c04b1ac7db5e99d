#!/usr/bin/env bash
# Installs what is missing, builds convgen, and runs the whole test suite through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --build
VENV=${CONVGEN_VENV:-$PWD/.venv}
"$VENV/bin/ctest" --test-dir build -j "$(nproc)" --output-on-failure --timeout 900
