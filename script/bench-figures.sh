#!/bin/sh
# bench-figures.sh [--runs N] [--format png|svg|pdf] [--dpi N] — figure export speed: times
# `optbench export-figures --only grad_is_normal_to_level_sets,steepest_descent_unit_circle`
# (build/src/optbench, or $OPTBENCH) against the matplotlib reference for the same two figures
# (script/bench_figures_matplotlib.py under Debian's python3-matplotlib, /usr/bin/python3 or
# $MPL_PYTHON), run alternately in the same session, same format and DPI, each a fresh process,
# writing into a scratch folder that is removed afterwards. Prints the median wall time of each,
# the fastest run, the median CPU time (user + system: what is left of the comparison on a busy
# machine) and the ratios matplotlib/optbench (above 1: optbench is faster). Without matplotlib it says so
# and exits 0: nothing to compare with.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
exe=${OPTBENCH:-$root/build/src/optbench}
python=${MPL_PYTHON:-/usr/bin/python3}
runs=9
format=png
dpi=200
while [ $# -gt 0 ]; do
  case $1 in
    --runs|--format|--dpi)
      [ $# -ge 2 ] || { echo "bench-figures.sh: $1 needs a value" >&2; exit 2; }
      case $1 in --runs) runs=$2 ;; --format) format=$2 ;; --dpi) dpi=$2 ;; esac
      shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-figures.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
case $exe in /*) ;; *) exe=$PWD/$exe ;; esac
if [ ! -x "$exe" ]; then
  echo "bench-figures.sh: $exe is not built (run script/run.sh --version, or set OPTBENCH)" >&2
  exit 2
fi
if ! "$python" -c 'import matplotlib' 2>/dev/null; then
  echo "bench-figures.sh: NOTE: $python has no matplotlib, so there is nothing to compare with."
  echo "  Install Debian's python3-matplotlib (sudo apt-get install python3-matplotlib) and run again."
  exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The timing loop is Python's (perf_counter around each child process); the two commands alternate
# so that a noisy neighbour slows both alike.
"$python" - "$exe" "$root/script/bench_figures_matplotlib.py" "$scratch" "$runs" "$format" "$dpi" <<'EOF'
import os, statistics, subprocess, sys, time

exe, mpl_script, scratch, runs, fmt, dpi = sys.argv[1:7]
runs = int(runs)
names = "grad_is_normal_to_level_sets,steepest_descent_unit_circle"
ours = [exe, "export-figures", os.path.join(scratch, "optbench"), "--only", names, "--format", fmt, "--dpi", dpi]
theirs = [sys.executable, mpl_script, os.path.join(scratch, "matplotlib"), "--only", names, "--format", fmt,
          "--dpi", dpi]


def timed(cmd):
    """Wall time and CPU time (user + system, the child's own) of one run."""
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"bench-figures.sh: {cmd[0]} failed with status {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


# One warm-up each (page cache, font cache), not counted.
timed(ours)
timed(theirs)
t_ours, t_theirs, c_ours, c_theirs = [], [], [], []
for _ in range(runs):
    w, c = timed(ours)
    t_ours.append(w)
    c_ours.append(c)
    w, c = timed(theirs)
    t_theirs.append(w)
    c_theirs.append(c)
for d in ("optbench", "matplotlib"):
    for n in names.split(","):
        path = os.path.join(scratch, d, f"{n}.{fmt}")
        if not os.path.getsize(path):
            sys.exit(f"bench-figures.sh: {path} is empty")
mo, mt = statistics.median(t_ours), statistics.median(t_theirs)
co, ct = statistics.median(c_ours), statistics.median(c_theirs)
print(f"figures 3.1 and 3.2, {fmt} at {dpi} dpi, median of {runs} runs (each a fresh process):")
print(f"                            {'wall':>9}      {'(min)':>8}   {'CPU':>9}")
print(f"  optbench export-figures   {mo * 1e3:9.1f} ms {min(t_ours) * 1e3:8.1f} ms {co * 1e3:9.1f} ms")
print(f"  matplotlib reference      {mt * 1e3:9.1f} ms {min(t_theirs) * 1e3:8.1f} ms {ct * 1e3:9.1f} ms")
print(f"  ratio matplotlib/optbench {mt / mo:9.1f}x   {min(t_theirs) / min(t_ours):8.1f}x   {ct / co:8.1f}x")
# On a busy machine wall times mostly measure waiting for a CPU; CPU time is the work itself.
print(f"  load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
EOF
