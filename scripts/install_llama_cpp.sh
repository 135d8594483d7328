#!/usr/bin/env bash
# Installs llama-cpp-python into the venv from a wheel built with portable CPU flags, cached by version + flags.
#
# Why: llama.cpp's default build is GGML_NATIVE=ON, which compiles for the build machine's CPU. On a
# Sapphire-Rapids-class CPU that turns on AVX-512 and AMX code that dies with a general protection fault under
# some kernels (and a wheel built on one machine may not run on another). pip's own wheel cache does not key on
# CMAKE_ARGS, so a wheel from an earlier native build would be reused silently: we never let pip build or cache
# this package; we build it once per (version, flags) into our own folder and install from there.
#
# Usage: install_llama_cpp.sh PIP VERSION     (env: LLAMA_WHEEL_CACHE overrides the cache folder)
set -euo pipefail
PIP=${1:?pip path}
VERSION=${2:?llama-cpp-python version}

# x86-64-v3 (AVX2, FMA, F16C, BMI2): every x86-64 server of the last decade; no AVX-512, no AVX-VNNI, no AMX.
# GGML_NATIVE=OFF stops -march=native; each wider instruction set is switched off by name so that a newer
# llama.cpp that changes a default cannot bring it back. OpenMP off: the wheel must not need libgomp at run time.
FLAGS="-DGGML_NATIVE=OFF -DGGML_CPU_ALL_VARIANTS=OFF -DGGML_BACKEND_DL=OFF \
-DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
-DGGML_AVX_VNNI=OFF -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF \
-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DGGML_OPENMP=OFF -DGGML_BLAS=OFF -DGGML_CUDA=OFF"
FLAGS=$(echo "$FLAGS" | tr -s ' ')
PYTAG=$("$(dirname "$PIP")/python" -c 'import sys, sysconfig; print(f"cp{sys.version_info[0]}{sys.version_info[1]}-{sysconfig.get_platform()}")')
KEY=$(printf '%s\n%s\n%s\n' "$VERSION" "$FLAGS" "$PYTAG" | sha256sum | cut -c1-16)
CACHE=${LLAMA_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tro-ly-ao/wheels}
DIR="$CACHE/llama-cpp-python-$VERSION-$KEY"
VENV_STAMP="$(dirname "$(dirname "$PIP")")/.llama-cpp-$KEY"

if [ -f "$VENV_STAMP" ]; then
  echo "llama-cpp-python $VERSION (portable build $KEY) already installed"
  exit 0
fi
if ! ls "$DIR"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python $VERSION with portable flags (key $KEY; ~8 min on 2 cores, once per machine)"
  TMP=$(mktemp -d "$CACHE.tmp.XXXXXX" 2>/dev/null || { mkdir -p "$CACHE"; mktemp -d "$CACHE.tmp.XXXXXX"; })
  trap 'rm -rf "$TMP"' EXIT
  CMAKE_ARGS="$FLAGS" CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) FORCE_CMAKE=1 \
    "$PIP" wheel -q --no-deps --no-cache-dir --no-binary llama-cpp-python -w "$TMP" "llama-cpp-python==$VERSION"
  printf 'version=%s\nflags=%s\npython=%s\n' "$VERSION" "$FLAGS" "$PYTAG" > "$TMP/BUILD-FLAGS.txt"
  mkdir -p "$CACHE"
  rm -rf "$DIR"
  mv "$TMP" "$DIR"   # atomic: a half-built folder never looks like a finished one
  trap - EXIT
fi
# --force-reinstall replaces a llama-cpp-python from any earlier (native) build; --only-binary keeps pip from
# building (or taking from its cache) anything but our wheel.
"$PIP" install -q --force-reinstall --no-deps "$DIR"/llama_cpp_python-*.whl
"$PIP" install -q --find-links "$DIR" --only-binary llama-cpp-python "llama-cpp-python[server]==$VERSION"
rm -f "$(dirname "$(dirname "$PIP")")"/.llama-cpp-*
touch "$VENV_STAMP"
echo "llama-cpp-python $VERSION installed from $DIR"
