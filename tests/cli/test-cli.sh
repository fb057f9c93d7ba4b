#!/bin/sh
# test-cli.sh OPTBENCH VERSION — the command-line forms that other tools and tests rely on
# (DESIGN.md, "Command line"), checked on the built executable. Emits TAP.
set -u
exe=$1
version=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failures=0

echo "1..4"

# A case: begin NAME; run optbench ARGS; expect COMMAND... (each must succeed); end.
begin() { name=$1; ok=1; n=$((n + 1)); }
run() {
  "$exe" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  rc=$?
}
expect() {
  "$@" || { ok=0; echo "# expected: $*"; }
}
end() {
  if [ "$ok" -eq 1 ]; then
    echo "ok $n $name"
  else
    echo "not ok $n $name"
    echo "# exit status $rc"
    sed 's/^/# stdout: /' "$tmp/out"
    sed 's/^/# stderr: /' "$tmp/err"
    failures=$((failures + 1))
  fi
}

begin /cli/version
run --version
expect test "$rc" -eq 0
expect test ! -s "$tmp/err"
expect test "$(wc -l <"$tmp/out")" -eq 1
# "optbench 0.1.0" then the end of the line or a space: 0.1.0 is meson's project version.
expect grep -Eq "^optbench $(printf '%s' "$version" | sed 's/[.]/[.]/g')( |\$)" "$tmp/out"
end

begin /cli/help-lists-every-form
run --help
expect test "$rc" -eq 0
expect test ! -s "$tmp/err"
for form in "--lesson ID" "--screenshot FILE.png" "--presentation" "optbench lessons" \
    "optbench run" "FILE.py | -" "optbench export-figures" "--format png|svg|pdf" "--dpi N" \
    "--only NAME" "optbench bench" "--json" "--device cpu|cuda" "--version" "--help"; do
  expect grep -qF -- "$form" "$tmp/out"
done
end

begin /cli/unknown-command-exits-2
run frobnicate
expect test "$rc" -eq 2
expect test ! -s "$tmp/out"
expect grep -q frobnicate "$tmp/err"
end

# The first word is the command: a later --version does not rescue an unknown one.
begin /cli/unknown-command-before-version-exits-2
run frobnicate --version
expect test "$rc" -eq 2
expect test ! -s "$tmp/out"
expect grep -q frobnicate "$tmp/err"
end

[ "$failures" -eq 0 ]
