#!/usr/bin/env bash
# bench-runner.sh — the `optbench run` speed checks of the runner issue, side by side with CPython +
# Debian's PyTorch (/usr/bin/python3 with python3-torch), in one run. Prints two ratios:
#   1. per-element Python loop over a tensor: CPython+PyTorch time per iteration / optbench run's
#      (target: >= 3, i.e. ours costs at most a third);
#   2. start-up: `python3 -c "import torch"` / `optbench run` of a small file (target: > 1, i.e.
#      our whole run ends before PyTorch has even been imported).
# Timings on a shared machine are noisy: run it twice. No test asserts these numbers.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
exe="${OPTBENCH:-$root/build/src/optbench}"
python=/usr/bin/python3
if [ ! -x "$exe" ]; then
  echo "bench-runner.sh: $exe is not built; run script/test.sh (or ninja -C build) first" >&2
  exit 2
fi
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "bench-runner.sh: $python cannot import torch; apt-get install python3-torch" >&2
  exit 2
fi

loop_ours=$("$exe" run "$root/script/bench_element_loop.py")
loop_torch=$("$python" "$root/script/bench_element_loop.py")

"$python" - "$loop_ours" "$loop_torch" "$exe" "$root/script/bench_startup.py" <<'PY'
import subprocess, sys, time

def median_time(cmd, runs=7):
    """Median wall time of a command, in seconds."""
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - t0)
    return sorted(samples)[runs // 2]

lo, lt = float(sys.argv[1]), float(sys.argv[2])
so = median_time([sys.argv[3], "run", sys.argv[4]])
st = median_time([sys.executable, "-c", "import torch"])
print("%-34s %14s %14s %8s  %s" % ("check", "optbench run", "CPython+torch", "ratio", "target"))
print("%-34s %11.0f ns %11.0f ns %7.2fx  %s" % ("per-element loop, per iteration", lo, lt, lt / lo, ">= 3x"))
print("%-34s %12.3f s %12.3f s %7.2fx  %s" % ("start-up (small file / import torch)", so, st, st / so, "> 1x"))
PY
