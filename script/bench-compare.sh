#!/bin/sh
# bench-compare.sh [--only NAME,...] [--repeat N] — the engine's benchmarks beside PyTorch's.
#
# Runs `optbench bench --json` (build/src/optbench, or $OPTBENCH) and script/bench_torch.py (the
# same workloads in Debian's PyTorch, /usr/bin/python3, 2 threads) one after the other, then
# prints one table: workload, engine time, PyTorch time, and the ratio PyTorch/engine (above 1:
# the engine is faster), plus the copy bandwidth and SGEMM peak the engine's run measured.
# Ratios, not absolute times, are what to report: the machine may be shared and noisy.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
exe=${OPTBENCH:-$root/build/src/optbench}
python=${TORCH_PYTHON:-/usr/bin/python3}
args=""
only=""
while [ $# -gt 0 ]; do
  case $1 in
    --only|--repeat) [ $# -ge 2 ] || { echo "bench-compare.sh: $1 needs a value" >&2; exit 2; }
                     [ "$1" = --only ] && only=$2
                     args="$args $1 $2"; shift 2 ;;
    --only=*) only=${1#--only=}; args="$args $1"; shift ;;
    --repeat=*) args="$args $1"; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-compare.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [ ! -x "$exe" ]; then
  echo "bench-compare.sh: $exe is not built (run script/run.sh --version, or set OPTBENCH)" >&2
  exit 2
fi
if ! "$python" -c 'import torch' 2>/dev/null; then
  echo "bench-compare.sh: $python has no torch (sudo apt-get install python3-torch)" >&2
  exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
# shellcheck disable=SC2086 # $args is a list of words
"$exe" bench --json $args >"$tmp/engine.json" || rc=$?
# shellcheck disable=SC2086
"$python" "$root/script/bench_torch.py" --json --threads 2 $args >"$tmp/torch.json" || rc=$?
# small_add once more as a Python loop: the engine's interpreter (optbench run) against CPython.
case ",$only," in
  ,,|*,small_add,*)
    "$exe" run "$root/script/bench_small_add_loop.py" >"$tmp/loop-engine.txt" || rc=$?
    "$python" "$root/script/bench_small_add_loop.py" >"$tmp/loop-torch.txt" || rc=$? ;;
esac
"$python" - "$tmp/engine.json" "$tmp/torch.json" "$tmp/loop-engine.txt" "$tmp/loop-torch.txt" <<'PY'
import json, sys
eng = json.load(open(sys.argv[1]))
tor = json.load(open(sys.argv[2]))
tw = {w["name"]: w for w in tor["workloads"]}

def fmt(s, latency):
    if s is None:
        return "-"
    if s < 1e-6:
        return "%.1f ns" % (s * 1e9)
    if s < 1e-3:
        return "%.2f us" % (s * 1e6)
    if s < 1:
        return "%.3f ms" % (s * 1e3)
    return "%.3f s" % s

m = eng["machine"]
print("engine: %s, BLAS threads %s, engine threads %s; PyTorch %s, %d threads; median of %d samples"
      % (eng["engine"], eng["threads"]["blas"], eng["threads"]["engine"], tor["torch"], tor["threads"],
         eng["repeat"]))
bw, pk = m["copy_bandwidth_gbs"], m["sgemm_peak_gflops"]
print("measured copy bandwidth: %s    SGEMM peak (engine matmul): %s" % (
    "%.2f GB/s" % bw if bw else "-", "%.2f GFLOP/s" % pk if pk else "-"))
print()
print("%-20s %12s %12s %9s %10s  %s" % ("workload", "engine", "PyTorch", "ratio", "of limit", "notes"))
for w in eng["workloads"]:
    t = tw.get(w["name"], {})
    e, p = w.get("median_s"), t.get("median_s")
    ratio = "%.2fx" % (p / e) if e and p else "-"
    lim = "%.0f%%" % (100 * w["fraction_of_limit"]) if w.get("fraction_of_limit") is not None else "-"
    notes = []
    if not w["ok"]:
        notes.append("engine FAILED: " + (w["error"] or ""))
    if t and not t.get("ok"):
        notes.append("PyTorch FAILED: " + (t.get("error") or ""))
    if not t:
        notes.append("no PyTorch run")
    print("%-20s %12s %12s %9s %10s  %s" % (w["name"], fmt(e, False), fmt(p, False), ratio, lim, "; ".join(notes)))
try:
    le = float(open(sys.argv[3]).read()) * 1e-9
    lt = float(open(sys.argv[4]).read()) * 1e-9
    print("%-20s %12s %12s %9s %10s  %s" % ("small_add (run loop)", fmt(le, True), fmt(lt, True),
                                           "%.2fx" % (lt / le), "-", "optbench run vs python3, per a + b"))
except (OSError, ValueError):
    pass
print()
print("ratio = PyTorch time / engine time (> 1: the engine is faster); of limit = the engine's")
print("throughput against the measured copy bandwidth (bandwidth-bound) or SGEMM peak (compute-bound).")
PY
exit $rc
