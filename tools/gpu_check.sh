#!/usr/bin/env bash
# Verifies and times convgen's CUDA kernels on an NVIDIA GPU, next to PyTorch's F.conv1d (cuDNN).
#
#   tools/gpu_check.sh prepare [BUNDLE]   on a machine with convgen built (no GPU needed): generates
#                                         CUDA kernels for every spec in specs/ and for the suite in
#                                         ../shared/bench/shapes.csv, and builds the check program
#                                         into BUNDLE (default build/gpu_bundle)
#   tools/gpu_check.sh run [BUNDLE]       on the GPU machine (CUDA driver; Halide not needed):
#                                         checks each kernel against the reference, times it, and
#                                         compares with PyTorch when python3 has torch with CUDA
#
# The bundle is self-contained (static libraries, headers, the runtime sources, a prebuilt
# check program); `run` rebuilds the program with the local C compiler when there is one, so a
# different glibc on the GPU machine does not matter. It finishes in about a minute on an H100.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-}
bundle=${2:-$root/build/gpu_bundle}

build_program() {  # $1: C compiler
  "$1" -O2 -std=c11 -D_GNU_SOURCE -I"$bundle/gen" -I"$bundle" -I"$bundle/runtime/include" \
    "$bundle/gpu_check.c" "$bundle"/runtime/src/*.c "$bundle"/gen/lib*_cuda.a -lpthread -ldl -lm -o "$bundle/gpu_check"
}

case "$cmd" in
prepare)
  convgen=${CONVGEN:-$root/build/convgen}
  [[ -x $convgen ]] || { echo "gpu_check: build convgen first (scripts/setup.sh --build)" >&2; exit 1; }
  suite_csv=${SUITE:-$root/../shared/bench/shapes.csv}
  rm -rf "$bundle"; mkdir -p "$bundle/gen"
  specs=("$root"/specs/*.yaml)
  if [[ -f $suite_csv ]]; then
    python3 "$root/tools/shapes_to_spec.py" "$suite_csv" "$bundle/suite.yaml"
    specs+=("$bundle/suite.yaml")
  else
    echo "gpu_check: $suite_csv not found: checking specs/ only" >&2
  fi
  "$convgen" generate "${specs[@]}" -o "$bundle/gen" --target cuda
  {
    echo "/* Written by tools/gpu_check.sh prepare. */"
    xm=""
    for s in "${specs[@]}"; do
      stem=$(basename "$s" .yaml)
      echo "#include \"${stem}_cuda.h\""
      xm+=" CONVGEN_KERNELS_$(echo "${stem}_cuda" | tr '[:lower:]' '[:upper:]' | tr -c 'A-Z0-9_\n' '_')(X)"
    done
    echo "#define GPU_REGISTER_ALL(X)$xm"
  } > "$bundle/gpu_kernels.h"
  cp "$root/tools/gpu_check/gpu_check.c" "$root/tools/gpu_check/torch_conv1d.py" "$bundle/"
  mkdir -p "$bundle/runtime"; cp -r "$root/runtime/include" "$root/runtime/src" "$bundle/runtime/"
  build_program "${CC:-cc}"
  echo "gpu_check: bundle ready in $bundle ($(ls "$bundle"/gen/lib*_cuda.a | wc -l) libraries)"
  ;;
run)
  [[ -d $bundle ]] || { echo "gpu_check: no bundle at $bundle: run 'tools/gpu_check.sh prepare' first" >&2; exit 1; }
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  if command -v cc >/dev/null || command -v gcc >/dev/null; then
    build_program "$(command -v cc || command -v gcc)" || echo "gpu_check: local build failed, using the prebuilt program"
  fi
  status=0
  "$bundle/gpu_check" "$bundle/results.jsonl" || status=$?
  if [[ -s $bundle/results.jsonl ]]; then
    echo
    python3 "$bundle/torch_conv1d.py" "$bundle/results.jsonl" || echo "gpu_check: PyTorch comparison failed"
  fi
  exit $status
  ;;
*)
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  [[ $cmd == -h || $cmd == --help ]] && exit 0 || exit 2
  ;;
esac
