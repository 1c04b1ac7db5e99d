#!/usr/bin/env bash
# Installs what convgen needs on Debian 12 (as root), builds it, and optionally runs the main job.
#   scripts/setup.sh            install + build + generate/verify/bench an example spec
#   scripts/setup.sh --deps     install only
#   scripts/setup.sh --build    install + build
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}

APT_PACKAGES=(build-essential cmake ninja-build pkg-config git python3 python3-venv python3-numpy
              llvm-19-dev libgtest-dev zlib1g-dev libzstd-dev libxml2-dev libedit-dev libffi-dev)
HALIDE_VERSION=21.0.0
VENV=${CONVGEN_VENV:-$PWD/.venv}

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c "import halide, sys; sys.exit(halide.__version__ != '$HALIDE_VERSION' if hasattr(halide,'__version__') else 0)" 2>/dev/null; then
  echo "setup: creating $VENV with halide==$HALIDE_VERSION"
  /usr/bin/python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "halide==$HALIDE_VERSION"
fi
[[ $mode == --deps ]] && exit 0

HALIDE_DIR=$("$VENV/bin/python" -c "import halide, os; print(os.path.join(os.path.dirname(halide.__file__), 'lib64', 'cmake', 'Halide'))")
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DHalide_DIR="$HALIDE_DIR" \
      -DHalideHelpers_DIR="${HALIDE_DIR%/Halide}/HalideHelpers" -DLLVM_DIR=/usr/lib/llvm-19/lib/cmake/llvm
cmake --build build
[[ $mode == --build ]] && exit 0

spec=specs/whisper_encoder.yaml
echo "setup: convgen generate $spec"
build/convgen generate "$spec" -o out/whisper_encoder
echo "setup: convgen verify $spec"
build/convgen verify "$spec"
echo "setup: convgen bench $spec"
build/convgen bench "$spec"
