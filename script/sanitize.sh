#!/usr/bin/env bash
# sanitize.sh [SUITE...] — builds build-sanitize/ with AddressSanitizer and UndefinedBehaviorSanitizer
# (no GUI) and runs the given meson test suites there (default: engine). Any sanitizer report fails
# the test. Not part of CI (slow); see README.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. script/lib.sh
build="build-sanitize"

script/install.sh </dev/null
# b_lundef=false: the sanitizer runtimes resolve some symbols only at load time.
ob_configure "$build" -Dgui=disabled -Db_sanitize=address,undefined -Db_lundef=false
ob_build "$build"

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# allocator_may_return_null: the engine tests ask for absurd sizes on purpose and expect an error value.
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
# fontconfig keeps its caches for the life of the process (plot and figure suites load it).
export LSAN_OPTIONS="suppressions=$root/script/lsan.supp:print_suppressions=0"
args=()
for suite in "${@:-engine}"; do args+=(--suite "$suite"); done
# Instrumented code runs several times slower: allow ten times meson's 30 s per test.
ob_say "meson test -C $build --no-rebuild --print-errorlogs --timeout-multiplier 10 ${args[*]}"
meson test -C "$build" --no-rebuild --print-errorlogs --timeout-multiplier 10 "${args[@]}" </dev/null
