#!/bin/sh
# bench-frames.sh [BUILDDIR] — frame times of the live lessons: runs BUILDDIR/tests/bench-frames
# (default build/) under Xvfb with the cairo renderer, as the display tests do. It drags across
# every interactive plot, sweeps a slider where a lesson has no pointer input, and samples running
# animations, then prints per lesson the median and 95th percentile of the plot's build and render
# times and of the frame interval, in milliseconds. Numbers from a shared machine are noisy: run it
# twice and compare. BENCH_LESSONS=id,id limits it to those lessons (for profiling one).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
exe=$build/tests/bench-frames
if [ ! -x "$exe" ]; then
  echo "bench-frames.sh: $exe is not built (ninja -C $build tests/bench-frames)" >&2
  exit 2
fi
# The harness's own diagnostics start with '#': only the table is kept.
xvfb-run -a -s "-screen 0 1600x1000x24" dbus-run-session -- \
  env GSK_RENDERER="${GSK_RENDERER:-cairo}" GSETTINGS_BACKEND=memory "$exe" 2>/dev/null | grep -v '^#'
