#!/usr/bin/env bash
# gpu-check.sh — on the GPU machine (see DESIGN.md: CUDA, meson, OpenBLAS, PyTorch; no GLib, GTK or
# Xvfb): builds the engine, the runner and the CUDA module with the GUI and the GLib tests off, runs
# the CUDA checks (every kernel against the CPU backend) and the GPU benchmarks beside PyTorch's,
# prints the ratios (PyTorch time / ours), and runs `optbench bench --device cuda` (the lecture's
# CPU-sized workloads on the device). Meant to finish well under 5 minutes.
#   script/gpu-check.sh [BUILD_DIR]       (default build-gpu)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-gpu}
export PATH="$PATH:/usr/local/cuda/bin"
start=$(date +%s)

echo "== configure and build ($build)"
if [ ! -d "$build" ]; then
  meson setup "$build" -Dgui=disabled -Dtests=disabled -Dcuda=enabled --buildtype=release
fi
ninja -C "$build"
echo "   built in $(( $(date +%s) - start )) s"

echo "== nvidia-smi"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true

echo "== CUDA checks and benchmarks (ours)"
set +e
"$build/engine/cuda-check" --bench | tee "$build/cuda-check.txt"
status=${PIPESTATUS[0]}
set -e

echo "== a runner program on the GPU"
cat > "$build/gpu-snippet.py" <<'PY'
import torch
print(torch.cuda.is_available(), torch.cuda.device_count())
x = torch.arange(6.0, device="cuda").reshape(2, 3)
w = torch.ones(3, device="cuda", requires_grad=True)
y = (x @ w).sum()
y.backward()
print(x)
print(y)
print(w.grad)
print(w.grad.cpu())
PY
"$build/src/optbench" run "$build/gpu-snippet.py" || status=1

echo "== PyTorch code on the GPU against the CPU (tests/cuda/devices.py)"
"$build/src/optbench" run tests/cuda/devices.py || status=1

echo "== the lecture's workloads on the GPU (optbench bench --device cuda)"
timeout 120 "$build/src/optbench" bench --device cuda --repeat 5 || status=1
if command -v python3 >/dev/null && python3 -c 'import torch' 2>/dev/null; then
  echo "-- the same under PyTorch"
  python3 "$build/gpu-snippet.py" || true
  echo "== PyTorch's side of the benchmarks"
  python3 script/bench_cuda_torch.py | tee "$build/cuda-torch.txt"
  echo "== ratios (PyTorch time / ours; above 1: we are faster)"
  awk '/^# bench/ { if (FILENAME == ARGV[1]) ours[$3] = $4; else theirs[$3] = $4 }
       END { for (k in ours) if (k in theirs && ours[k] > 0) printf "%-16s ours %9.3f ms  torch %9.3f ms  ratio %.2f\n", k, ours[k], theirs[k], theirs[k] / ours[k] }' \
    "$build/cuda-check.txt" "$build/cuda-torch.txt"
else
  echo "(no PyTorch here: ratios not computed)"
fi
echo "== done in $(( $(date +%s) - start )) s, status $status"
exit "$status"
