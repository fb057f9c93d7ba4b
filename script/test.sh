#!/usr/bin/env bash
# test.sh — installs what is missing, configures and builds build/, runs every test suite (the
# 'display' suite under Xvfb and a private session bus), and ends with one line
# `N passed, M failed[, K skipped]` counting individual test cases (TAP subtests) over all suites.
# Exits non-zero when a test failed or something before the tests did.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
. script/lib.sh
build=build

# A failure before any test ran still ends with the summary line, counted as one failed case.
setup_failed() {
  ob_say "$1; no test ran."
  echo "0 passed, 1 failed"
  exit 1
}
script/install.sh </dev/null || setup_failed "installing the packages failed"
ob_configure "$build" || setup_failed "meson setup failed"
ob_build "$build" || setup_failed "the build failed"

suites=$(meson introspect "$build" --tests | python3 -c '
import json, sys
print("\n".join(sorted({s.split(":")[-1] for t in json.load(sys.stdin) for s in t["suite"]})))') ||
  setup_failed "meson introspect failed"
ob_say "suites: ${suites//$'\n'/ }"

logs="$build/meson-logs"
rm -f "$logs/testlog.json" "$logs/testlog-display.json"
meson_failed=0

ob_say "meson test -C $build --no-rebuild --print-errorlogs --no-suite display"
meson test -C "$build" --no-rebuild --print-errorlogs --no-suite display </dev/null || meson_failed=1

if grep -qx display <<<"$suites"; then
  # Display tests get a fresh X server, session bus and XDG directories, and no user settings.
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  mkdir -m 700 "$scratch/runtime" "$scratch/config" "$scratch/data" "$scratch/cache" "$scratch/state"
  ob_say "xvfb-run -a dbus-run-session -- meson test -C $build --no-rebuild --print-errorlogs --suite display"
  env GSK_RENDERER=cairo GSETTINGS_BACKEND=memory G_DEBUG=fatal-criticals \
      XDG_RUNTIME_DIR="$scratch/runtime" XDG_CONFIG_HOME="$scratch/config" \
      XDG_DATA_HOME="$scratch/data" XDG_CACHE_HOME="$scratch/cache" XDG_STATE_HOME="$scratch/state" \
      xvfb-run -a dbus-run-session -- \
      meson test -C "$build" --no-rebuild --print-errorlogs --suite display --logbase testlog-display \
      </dev/null || meson_failed=1
else
  ob_say "no 'display' suite yet: nothing to run under Xvfb."
fi

# Count test cases from the logs meson wrote: each TAP "ok"/"not ok" line is one case ("# SKIP" is
# skipped, "not ok # TODO" is GLib's g_test_incomplete, counted as skipped); planned cases that a
# crash kept from running count as failed, so the total does not shrink when a test dies; a test
# without TAP output is one case, and so is a wholly skipped one or one that failed without saying
# which case.
python3 - "$meson_failed" "$logs/testlog.json" "$logs/testlog-display.json" <<'PY'
import json, re, sys
passed = failed = skipped = 0
case = re.compile(r'(ok|not ok)\b([^#]*)(#\s*(\w+))?')
plan = re.compile(r'1\.\.(\d+)')
for path in sys.argv[2:]:
    try:
        lines = open(path, encoding='utf-8', errors='replace').read().splitlines()
    except FileNotFoundError:
        continue
    for line in lines:
        if not line.strip():
            continue
        test = json.loads(line)
        result = test.get('result', 'ERROR')
        out = (test.get('stdout') or '').splitlines()
        plans = [int(m.group(1)) for m in map(plan.match, out) if m]
        p = f = s = 0
        if plans:
            for l in out:
                m = case.match(l)  # top-level lines only: indented ones are nested subtests
                if not m:
                    continue
                directive = (m.group(4) or '').upper()
                if directive == 'SKIP' or (directive == 'TODO' and m.group(1) == 'not ok'):
                    s += 1
                elif m.group(1) == 'ok':
                    p += 1
                else:
                    f += 1
            f += max(0, plans[0] - (p + f + s))
        elif result in ('OK', 'EXPECTEDFAIL'):
            p = 1
        if result == 'SKIP' and p + f + s == 0:
            s = 1
        if result not in ('OK', 'EXPECTEDFAIL', 'SKIP') and f == 0:
            f = 1
        passed += p; failed += f; skipped += s
if sys.argv[1] == '1' and failed == 0:
    failed = 1  # meson test itself failed without a failing case in its log
summary = '%d passed, %d failed' % (passed, failed)
if skipped:
    summary += ', %d skipped' % skipped
print(summary)
sys.exit(1 if failed else 0)
PY
