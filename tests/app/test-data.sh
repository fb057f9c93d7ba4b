#!/bin/sh
# test-data.sh SRCDIR BUILDDIR OPTBENCH — the installed data files (desktop file, AppStream
# metainfo, GSettings schema) pass their validators, po/POTFILES.in lists every file with
# user-visible text, and the lesson registry matches the folders under lessons/ (`optbench lessons`,
# `--lesson` with an unknown id). Emits TAP; a validator that is not installed makes its case a
# SKIP, saying so.
set -u
src=$1
build=$2
exe=$3
case "$exe" in /*) ;; *) exe=$PWD/$exe ;; esac # meson passes it relative to the build folder
app_id=io.github.optbench.Workbench
n=0
failures=0
echo "1..7"

report() { # report NAME STATUS OUTPUTFILE
  n=$((n + 1))
  if [ "$2" -eq 0 ]; then
    echo "ok $n $1"
  else
    echo "not ok $n $1"
    sed 's/^/# /' "$3"
    failures=$((failures + 1))
  fi
}
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$build/data/$app_id.desktop" >"$out" 2>&1
  st=$?
  # Hints are advice, not errors; anything else printed is.
  if [ "$st" -eq 0 ] && grep -v ': hint: ' "$out" | grep -q .; then st=1; fi
  report /data/desktop-file-validate "$st" "$out"
else
  skip /data/desktop-file-validate "desktop-file-validate is not installed (package desktop-file-utils)"
fi

if command -v appstreamcli >/dev/null 2>&1; then
  appstreamcli validate --no-net "$build/data/$app_id.metainfo.xml" >"$out" 2>&1
  report /data/appstreamcli-validate $? "$out"
else
  skip /data/appstreamcli-validate "appstreamcli is not installed (package appstream)"
fi

if command -v glib-compile-schemas >/dev/null 2>&1; then
  glib-compile-schemas --strict --dry-run "$src/data" >"$out" 2>&1
  report /data/glib-compile-schemas-strict $? "$out"
else
  skip /data/glib-compile-schemas-strict "glib-compile-schemas is not installed (package libglib2.0-bin)"
fi

# Every source, .ui or data file that has translatable text must be in POTFILES.in, or its strings
# never reach the translators.
: >"$out"
st=0
cd "$src" || exit 1
for f in $(grep -rlE '_\(|N_\(|translatable="yes"|^(Name|GenericName|Comment|Keywords)=|<summary>' \
    src/app lessons ui data 2>/dev/null | sort); do
  case "$f" in
    *.c | *.h | *.ui | *.in | *.xml) ;;
    *) continue ;;
  esac
  if ! grep -qx "$f" po/POTFILES.in; then
    echo "$f has user-visible text but is not listed in po/POTFILES.in" >>"$out"
    st=1
  fi
done
# And everything listed exists.
for f in $(grep -v '^#' po/POTFILES.in); do
  [ -f "$f" ] || { echo "po/POTFILES.in lists $f, which does not exist" >>"$out"; st=1; }
done
report /data/potfiles-complete "$st" "$out"

# `optbench lessons`: one id a line, each a folder lessons/ID with its ID.c, and every such folder
# listed (a folder left out of src/app/meson.build's list would be a lesson nobody sees).
: >"$out"
st=0
"$exe" lessons >"$out.ids" 2>>"$out" || { echo "optbench lessons failed" >>"$out"; st=1; }
grep -qx overview "$out.ids" || { echo "overview is not listed" >>"$out"; st=1; }
while read -r id; do
  [ -f "lessons/$id/$id.c" ] || { echo "listed lesson $id has no lessons/$id/$id.c" >>"$out"; st=1; }
done <"$out.ids"
for d in lessons/*/; do
  id=$(basename "$d")
  [ -f "$d$id.c" ] || continue
  grep -qx "$id" "$out.ids" || { echo "lessons/$id is not in the registry" >>"$out"; st=1; }
done
rm -f "$out.ids"
report /data/lessons-registry "$st" "$out"

# An unknown lesson is one clear error and exit status 2, before any window opens.
"$exe" --lesson no-such-lesson >"$out.stdout" 2>"$out"
st=$?
if [ "$st" -eq 2 ] && [ ! -s "$out.stdout" ] && [ "$(wc -l <"$out")" -eq 1 ] &&
    grep -q "no-such-lesson" "$out"; then st=0; else echo "exit status $st" >>"$out"; st=1; fi
rm -f "$out.stdout"
report /data/unknown-lesson-exits-2 "$st" "$out"

# Every lesson's example.py is a snippet of the differential corpus, byte-identical: the code
# pane shows what tests/snippets checks against real PyTorch's output.
: >"$out"
st=0
for f in lessons/*/example.py; do
  [ -f "$f" ] || continue
  id=$(basename "$(dirname "$f")")
  snippet=tests/snippets/lesson_$(echo "$id" | tr '-' '_').py
  if [ ! -f "$snippet" ]; then
    echo "$f has no copy $snippet in the snippet corpus" >>"$out"
    st=1
  elif ! cmp -s "$f" "$snippet"; then
    echo "$f and $snippet differ" >>"$out"
    st=1
  elif [ ! -f "${snippet%.py}.out" ]; then
    echo "$snippet has no expected output ${snippet%.py}.out (tests/snippets/regenerate.py)" >>"$out"
    st=1
  fi
done
report /data/lesson-examples-in-corpus "$st" "$out"

[ "$failures" -eq 0 ]
