#!/usr/bin/env bash
# run.sh [ARGS] — installs what is missing, configures and builds build/ when needed, then runs
# build/src/optbench ARGS from the current directory (so relative paths in ARGS work).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/script/lib.sh"

# Which commands open a window (DESIGN.md, "Command line"): none for the subcommands and
# --version/--help; a screenshot needs a display but not a screen, so it can run under Xvfb.
needs=window
case "${1-}" in
  run|export-figures|bench|lessons|--version|-V|--help|-h) needs=none ;;
  *)
    for a in "$@"; do
      case "$a" in --screenshot|--screenshot=*) needs=xvfb ;; esac
    done
    if [ "$needs" = window ] && [ $# -gt 0 ]; then
      needs=none  # unknown arguments: let optbench itself say what is wrong with them
      for a in "$@"; do
        case "$a" in --lesson|--lesson=*|--presentation) needs=window ;; esac
      done
    fi
    ;;
esac
has_display=no
if [ -n "${DISPLAY-}" ] || [ -n "${WAYLAND_DISPLAY-}" ]; then has_display=yes; fi
if [ "$needs" = window ] && [ "$has_display" = no ]; then
  echo "run.sh: there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the workbench window cannot open; try 'script/run.sh export-figures' to write the lecture's figures instead." >&2
  exit 1
fi

"$root/script/install.sh" >&2 </dev/null
ob_configure "$root/build"
ob_build "$root/build" src/optbench  # the tests are test.sh's business

exe="$root/build/src/optbench"
if [ "$needs" = xvfb ] && [ "$has_display" = no ]; then
  ob_say "no display: rendering under xvfb-run"
  exec xvfb-run -a dbus-run-session -- env GSK_RENDERER=cairo "$exe" "$@"
fi
exec "$exe" "$@"
