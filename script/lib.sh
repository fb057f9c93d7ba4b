# shellcheck shell=bash
# lib.sh — sourced by run.sh, test.sh and sanitize.sh: configure and build one meson build directory,
# doing only what is not done yet. Expects $root (the repository root). Messages go to stderr so
# that `script/run.sh run FILE.py > out` captures only what optbench prints.

: "${root:?lib.sh needs \$root, the repository root}"

ob_say() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }

# ob_configure BUILDDIR [MESON_OPTION...]: options apply when the directory is first set up.
ob_configure() {
  local dir=$1; shift
  if [ -f "$dir/meson-private/coredata.dat" ]; then
    local was now
    was=$(sed -n 's/.*"meson_version": *{ *"full": *"\([^"]*\)".*/\1/p' "$dir/meson-info/meson-info.json" 2>/dev/null || true)
    now=$(meson --version)
    if [ -n "$was" ] && [ "$was" != "$now" ]; then
      # Build directories are tied to the meson version that made them; --wipe keeps the options.
      ob_say "$dir was configured by meson $was, this is $now: meson setup --wipe $dir"
      meson setup --wipe "$dir" "$root" >&2 </dev/null
    elif [ -f "$dir/build.ninja" ]; then
      ob_say "$dir is configured (ninja re-runs meson itself when a meson.build changes)."
    else
      ob_say "$dir is half configured: meson setup --reconfigure $dir"
      meson setup --reconfigure "$dir" "$root" >&2 </dev/null
    fi
  else
    ob_say "meson setup $dir${*:+ $*}"
    meson setup "$dir" "$root" "$@" >&2 </dev/null
  fi
}

# ob_build BUILDDIR [TARGET...]: builds everything, or only TARGETs (ninja paths like src/optbench).
# OPTBENCH_JOBS=N limits ninja to N parallel jobs (default: ninja's own choice).
ob_build() {
  local dir=$1; shift
  ob_say "ninja -C $dir${OPTBENCH_JOBS:+ -j $OPTBENCH_JOBS}${*:+ $*}"
  ninja -C "$dir" ${OPTBENCH_JOBS:+-j "$OPTBENCH_JOBS"} "$@" >&2 </dev/null
}
