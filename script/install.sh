#!/bin/sh
# install.sh — installs the Debian/Ubuntu packages optbench needs to build, run and test, and only
# those that are missing: a second call changes nothing and says so.
# Supported: Debian 12, Ubuntu 24.04. Not installed here: python3-torch (only the golden-data
# generators under tests/golden/ need it; see README.md).
set -eu

packages="gcc libc6-dev meson ninja-build pkg-config
libopenblas-dev libglib2.0-dev libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev
libcairo2-dev libpango1.0-dev fonts-dejavu-core
xvfb xauth dbus gettext desktop-file-utils appstream python3"

say() { printf 'install.sh: %s\n' "$*"; }

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  say "no dpkg/apt-get here (not Debian or Ubuntu): install the equivalents of these yourself:"
  # shellcheck disable=SC2086  # one package a line
  printf '  %s\n' $packages
  exit 0
fi

missing=""
for p in $packages; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *" installed") ;;
    *) missing="$missing $p" ;;
  esac
done

if [ -z "$missing" ]; then
  # shellcheck disable=SC2086
  say "all $(echo $packages | wc -w) packages are installed; nothing to do."
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  # Without a terminal (CI), fail at once instead of waiting for a password nobody types.
  if [ -t 0 ]; then sudo="sudo"; else sudo="sudo -n"; fi
else
  say "missing:$missing"
  say "not root and no sudo: install them as root with: apt-get install$missing"
  exit 1
fi

say "missing:$missing"
say "running: ${sudo:+$sudo }apt-get update"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
say "running: ${sudo:+$sudo }apt-get install -y$missing"
# shellcheck disable=SC2086  # word splitting of the package list is intended
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
say "done."
