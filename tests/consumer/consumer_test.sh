#!/usr/bin/env bash
# Installs convgen into a temporary prefix, moves the prefix (nothing may point back at the build
# tree or the install path), then builds and runs examples/consumer against it: C and C++ callers,
# a rebuild after touching an unrelated file (no regeneration) and after touching the spec
# (regeneration), the pkg-config route, and a cross build for aarch64 run under qemu.
# usage: consumer_test.sh BUILD_DIR SOURCE_DIR CMAKE
set -euo pipefail
build=$1 src=$2 cmake=$3
tmp=$(mktemp -d /tmp/convgen_consumer_XXXXXX)
trap 'rm -rf "$tmp"' EXIT
step() { echo "== $*"; }
fail() { echo "FAIL: $*"; echo "0 passed, 1 failed"; exit 1; }

step "install into a prefix, then move it"
"$cmake" --install "$build" --prefix "$tmp/stage" > "$tmp/install.log"
mv "$tmp/stage" "$tmp/prefix"
prefix=$tmp/prefix
if readelf -d "$prefix/bin/convgen" | grep -q "$build"; then fail "installed convgen refers to the build tree"; fi
"$prefix/bin/convgen" --version || fail "the installed convgen does not run from the moved prefix"

step "configure and build the consumer"
cp -r "$src/examples/consumer" "$tmp/consumer"
"$cmake" -S "$tmp/consumer" -B "$tmp/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/configure.log" ||
  { cat "$tmp/configure.log"; fail "configure"; }
"$cmake" --build "$tmp/build" > "$tmp/build.log" || { cat "$tmp/build.log"; fail "build"; }
"$tmp/build/consumer_c" || fail "consumer_c"
"$tmp/build/consumer_cpp" || fail "consumer_cpp"
"$tmp/build/consumer_tutorial" || fail "consumer_tutorial"

lib=$tmp/build/audio_kernels_convgen/libkernels.a
before=$(stat -c %.9Y "$lib")
step "touch an unrelated source: no regeneration"
sleep 1.1
touch "$tmp/consumer/main.c"
"$cmake" --build "$tmp/build" > "$tmp/rebuild1.log"
grep -q "convgen: generating" "$tmp/rebuild1.log" && fail "touching main.c regenerated the kernels"
[[ $(stat -c %.9Y "$lib") == "$before" ]] || fail "touching main.c rewrote $lib"
"$tmp/build/consumer_c" > /dev/null || fail "consumer_c after rebuild"

step "touch the spec: regeneration"
touch "$tmp/consumer/kernels.yaml"
"$cmake" --build "$tmp/build" > "$tmp/rebuild2.log"
grep -q "convgen: generating" "$tmp/rebuild2.log" || { cat "$tmp/rebuild2.log"; fail "touching the spec did not regenerate"; }
[[ $(stat -c %.9Y "$lib") != "$before" ]] || fail "touching the spec left $lib as it was"
"$tmp/build/consumer_c" > /dev/null || fail "consumer_c after regeneration"

step "a tuning database: DB regenerates with the tuned schedules, which still pass the checks"
"$prefix/bin/convgen" tune "$tmp/consumer/kernels.yaml" --db "$tmp/tuned.db" --trials 3 --min-time 0.01 \
  --length 1024 > "$tmp/tune.log" 2>&1 || { cat "$tmp/tune.log"; fail "convgen tune"; }
"$cmake" -S "$tmp/consumer" -B "$tmp/build" -DCONVGEN_TUNING_DB="$tmp/tuned.db" > "$tmp/configure-db.log" ||
  { cat "$tmp/configure-db.log"; fail "configure with CONVGEN_TUNING_DB"; }
"$cmake" --build "$tmp/build" > "$tmp/rebuild-db.log" || { cat "$tmp/rebuild-db.log"; fail "build with DB"; }
grep -q "convgen: generating" "$tmp/rebuild-db.log" || fail "adding DB did not regenerate"
grep -q '"schedule_source": "tuned: ' "$tmp/build/audio_kernels_convgen/manifest.json" ||
  fail "no kernel took a schedule from the tuning database"
"$tmp/build/consumer_c" > /dev/null || fail "consumer_c with tuned kernels"
"$cmake" -S "$tmp/consumer" -B "$tmp/build" -DCONVGEN_TUNING_DB= > /dev/null || fail "configure without DB again"

step "without CMake: pkg-config and a compiler command"
gen=$tmp/build/audio_kernels_convgen
if command -v pkg-config > /dev/null; then
  flags=$(PKG_CONFIG_PATH=$gen pkg-config --cflags --libs kernels)
  # shellcheck disable=SC2086
  cc -O2 "$tmp/consumer/tutorial.c" $flags -o "$tmp/tutorial_pc" || fail "compiling with pkg-config flags ($flags)"
  "$tmp/tutorial_pc" || fail "tutorial built with pkg-config"
else
  echo "pkg-config not installed: skipping that route"
fi

step "cross build for aarch64 (arm64 kernels without naming the target)"
if command -v aarch64-linux-gnu-gcc > /dev/null && command -v aarch64-linux-gnu-g++ > /dev/null &&
   command -v qemu-aarch64 > /dev/null; then
  "$cmake" -S "$tmp/consumer" -B "$tmp/build-arm64" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_TOOLCHAIN_FILE="$src/tests/consumer/aarch64-toolchain.cmake" > "$tmp/configure-arm64.log" ||
    { cat "$tmp/configure-arm64.log"; fail "configure for aarch64"; }
  "$cmake" --build "$tmp/build-arm64" > "$tmp/build-arm64.log" || { cat "$tmp/build-arm64.log"; fail "build for aarch64"; }
  [[ -f $tmp/build-arm64/audio_kernels_convgen/libkernels_arm64.a ]] || fail "no arm64 library generated"
  qemu-aarch64 -L /usr/aarch64-linux-gnu "$tmp/build-arm64/consumer_tutorial" || fail "aarch64 consumer under qemu"
else
  echo "aarch64 cross compiler or qemu-aarch64 not installed: skipping the cross build"
fi
echo "consumer: all steps passed"
