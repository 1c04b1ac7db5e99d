#!/usr/bin/env bash
# Installs what convgen needs on Debian 12 (run as root, or with sudo available), builds it, and runs
# the main job on an example spec: generate, verify, bench.
#   scripts/setup.sh            install + build + main job
#   scripts/setup.sh --build    install + build only (what scripts/test.sh uses)
#   scripts/setup.sh --peers    also install the benchmark peers (oneDNN, PyTorch, ONNX Runtime) and build
#                               convgen-bench with oneDNN (see README, Performance)
# Debian packages come from apt; Halide 21 (its official wheel: libHalide, headers, CMake package)
# and CMake >= 3.28 (Halide 21's CMake package needs it; Debian 12 has 3.25) come from PyPI into
# the virtual environment .venv (override with CONVGEN_VENV).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}

APT_PACKAGES=(build-essential ninja-build pkg-config python3 python3-venv python3-pip
              llvm-19-dev libgtest-dev libsqlite3-dev zlib1g-dev libzstd-dev libxml2-dev libedit-dev libffi-dev)
# For the arm64 tests (cross compiler and qemu-user); their tests are skipped, with a reason, when
# these cannot be installed.
APT_OPTIONAL=(g++-aarch64-linux-gnu qemu-user)
PIP_PACKAGES=("halide==21.0.0" "cmake>=3.28,<4")
VENV=${CONVGEN_VENV:-$PWD/.venv}

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
optional=()
for p in "${APT_OPTIONAL[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || optional+=("$p")
done
SUDO=; [[ $(id -u) -ne 0 ]] && SUDO=sudo
if ((${#missing[@]} + ${#optional[@]})); then
  $SUDO apt-get update -q
fi
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if ((${#optional[@]})); then
  echo "setup: installing Debian packages for the arm64 tests: ${optional[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${optional[@]}" ||
    echo "setup: WARNING: could not install ${optional[*]}: the arm64 tests will be skipped"
fi

if ! "$VENV/bin/python" -c "import halide" 2>/dev/null || [[ ! -x $VENV/bin/cmake ]]; then
  echo "setup: installing ${PIP_PACKAGES[*]} into $VENV"
  /usr/bin/python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "${PIP_PACKAGES[@]}"
fi

if [[ $mode == --peers ]]; then
  echo "setup: installing the benchmark peers: libdnnl-dev python3-torch (apt), onnxruntime onnx numpy (pip)"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends libdnnl-dev python3-torch
  "$VENV/bin/pip" install -q --disable-pip-version-check onnxruntime onnx numpy
  rm -f build/CMakeCache.txt  # find oneDNN again
  mode=--build
fi

HALIDE_DIR=$("$VENV/bin/python" -c "import halide, os; print(os.path.join(os.path.dirname(halide.__file__), 'lib64', 'cmake', 'Halide'))")
"$VENV/bin/cmake" -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DHalide_DIR="$HALIDE_DIR"
"$VENV/bin/cmake" --build build
[[ $mode == --build ]] && exit 0

spec=specs/whisper_encoder.yaml
echo; echo "setup: build/convgen generate $spec -o out/whisper_encoder"
build/convgen generate "$spec" -o out/whisper_encoder
echo; echo "setup: build/convgen verify $spec"
build/convgen verify "$spec"
echo; echo "setup: build/convgen bench $spec --length 3000"
build/convgen bench "$spec" --length 3000
