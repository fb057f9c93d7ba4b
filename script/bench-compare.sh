#!/bin/sh
# bench-compare.sh [--only NAME,...] [--repeat N] [--rounds N] — the engine's benchmarks beside PyTorch's.
#
# For each workload, runs `optbench bench --json --only NAME` (build/src/optbench, or $OPTBENCH) and
# then script/bench_torch.py (the same workload in Debian's PyTorch, /usr/bin/python3, 2 threads)
# right after it, so that both see the same load on a shared machine; with --rounds N the whole
# sequence runs N times. Prints one table: workload, engine time, PyTorch time (medians over the
# rounds), the ratio PyTorch/engine (the median of the rounds' ratios; above 1: the engine is
# faster) with its range, plus the Python-loop checks (`optbench run` against CPython + PyTorch).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
exe=${OPTBENCH:-$root/build/src/optbench}
python=${TORCH_PYTHON:-/usr/bin/python3}
repeat=""
only=""
rounds=1
while [ $# -gt 0 ]; do
  case $1 in
    --only|--repeat|--rounds)
      [ $# -ge 2 ] || { echo "bench-compare.sh: $1 needs a value" >&2; exit 2; }
      case $1 in --only) only=$2 ;; --repeat) repeat=$2 ;; --rounds) rounds=$2 ;; esac
      shift 2 ;;
    --only=*) only=${1#--only=}; shift ;;
    --repeat=*) repeat=${1#--repeat=}; shift ;;
    --rounds=*) rounds=${1#--rounds=}; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-compare.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
case $rounds in ''|*[!0-9]*|0) echo "bench-compare.sh: --rounds needs a whole number >= 1" >&2; exit 2 ;; esac
if [ ! -x "$exe" ]; then
  echo "bench-compare.sh: $exe is not built (run script/run.sh --version, or set OPTBENCH)" >&2
  exit 2
fi
if ! "$python" -c 'import torch' 2>/dev/null; then
  echo "bench-compare.sh: $python has no torch (sudo apt-get install python3-torch)" >&2
  exit 2
fi
rep_args=""
[ -n "$repeat" ] && rep_args="--repeat $repeat"
# the workloads: those named, else every one that is not opt-in
if [ -n "$only" ]; then
  names=$(echo "$only" | tr ',' ' ')
else
  names=$("$exe" bench --list | grep -v '(opt-in' | cut -f1)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
r=1
while [ "$r" -le "$rounds" ]; do
  for name in $names; do
    # shellcheck disable=SC2086 # $rep_args is a list of words
    "$exe" bench --json --only "$name" $rep_args >"$tmp/engine.$r.$name.json" || rc=$?
    # shellcheck disable=SC2086
    "$python" "$root/script/bench_torch.py" --json --threads 2 --only "$name" $rep_args \
      >"$tmp/torch.$r.$name.json" || rc=$?
  done
  # the same workloads as Python loops: the engine's interpreter (optbench run) against CPython
  for loop in small_add tiny_graph train_step; do
    case ",$only," in
      ,,|*,$loop,*|*,${loop}_*) ;;
      *) continue ;;
    esac
    "$exe" run "$root/script/bench_${loop}_loop.py" >"$tmp/loop-engine.$r.$loop.txt" || rc=$?
    "$python" "$root/script/bench_${loop}_loop.py" >"$tmp/loop-torch.$r.$loop.txt" || rc=$?
  done
  r=$((r + 1))
done
"$python" - "$tmp" "$rounds" $names <<'PY'
import json, os, statistics, sys
tmp, rounds, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]

def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None

def fmt(s):
    if s is None:
        return "-"
    if s < 1e-6:
        return "%.1f ns" % (s * 1e9)
    if s < 1e-3:
        return "%.2f us" % (s * 1e6)
    if s < 1:
        return "%.3f ms" % (s * 1e3)
    return "%.3f s" % s

def med(v):
    return statistics.median(v) if v else None

header = None
bws, pks = [], []
rows = []
for name in names:
    e_t, t_t, ratios, fracs, notes = [], [], [], [], set()
    for r in range(1, rounds + 1):
        eng = load(os.path.join(tmp, "engine.%d.%s.json" % (r, name)))
        tor = load(os.path.join(tmp, "torch.%d.%s.json" % (r, name)))
        if eng and header is None:
            header = (eng, tor)
        if eng:
            m = eng["machine"]
            if m.get("copy_bandwidth_gbs"):
                bws.append(m["copy_bandwidth_gbs"])
            if m.get("sgemm_peak_gflops"):
                pks.append(m["sgemm_peak_gflops"])
        w = eng["workloads"][0] if eng and eng["workloads"] else {}
        t = tor["workloads"][0] if tor and tor["workloads"] else {}
        if w and not w.get("ok"):
            notes.add("engine FAILED: " + (w.get("error") or ""))
        if t and not t.get("ok"):
            notes.add("PyTorch FAILED: " + (t.get("error") or ""))
        if not t:
            notes.add("no PyTorch run")
        e, p = w.get("median_s"), t.get("median_s")
        if e:
            e_t.append(e)
        if p:
            t_t.append(p)
        if e and p:
            ratios.append(p / e)
        if w.get("fraction_of_limit") is not None:
            fracs.append(w["fraction_of_limit"])
    rr = "%.2fx" % med(ratios) if ratios else "-"
    spread = "%.2f-%.2f" % (min(ratios), max(ratios)) if len(ratios) > 1 else ""
    lim = "%.0f%%" % (100 * med(fracs)) if fracs else "-"
    rows.append((name, fmt(med(e_t)), fmt(med(t_t)), rr, spread, lim, "; ".join(sorted(notes))))

if header:
    eng, tor = header
    print("engine: %s, BLAS threads %s, engine threads %s; PyTorch %s, %s threads; median of %s samples; %d round(s)"
          % (eng["engine"], eng["threads"]["blas"], eng["threads"]["engine"], tor["torch"] if tor else "-",
             tor["threads"] if tor else "-", eng["repeat"], rounds))
print("measured copy bandwidth: %s    SGEMM peak (engine matmul): %s" % (
    "%.2f GB/s" % med(bws) if bws else "-", "%.2f GFLOP/s" % med(pks) if pks else "-"))
print()
print("%-26s %12s %12s %9s %12s %9s  %s" % ("workload", "engine", "PyTorch", "ratio", "range", "of limit", "notes"))
for row in rows:
    print("%-26s %12s %12s %9s %12s %9s  %s" % row)
for loop, label in (("small_add", "small_add"), ("tiny_graph", "tiny_graph_backward"), ("train_step", "train_step_mlp")):
    le, lt, ratios = [], [], []
    for r in range(1, rounds + 1):
        try:
            a = float(open(os.path.join(tmp, "loop-engine.%d.%s.txt" % (r, loop))).read()) * 1e-9
            b = float(open(os.path.join(tmp, "loop-torch.%d.%s.txt" % (r, loop))).read()) * 1e-9
        except (OSError, ValueError):
            continue
        le.append(a)
        lt.append(b)
        ratios.append(b / a)
    if ratios:
        spread = "%.2f-%.2f" % (min(ratios), max(ratios)) if len(ratios) > 1 else ""
        print("%-26s %12s %12s %9s %12s %9s  %s" % (label + " (run)", fmt(med(le)), fmt(med(lt)),
                                                   "%.2fx" % med(ratios), spread, "-",
                                                   "optbench run vs python3, per iteration"))
print()
print("ratio = PyTorch time / engine time (> 1: the engine is faster), the median over the rounds;")
print("of limit = the engine's throughput against the measured copy bandwidth (bandwidth-bound) or")
print("SGEMM peak (compute-bound).")
PY
exit $rc
