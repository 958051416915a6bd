#!/usr/bin/env bash
# The browser tests drive the system Chromium through Playwright; no browser is downloaded.
# Installs Debian's chromium when running as root on Debian and none is found.
set -euo pipefail
for candidate in "${KOTACERDAS_CHROMIUM:-}" chromium chromium-browser google-chrome; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
    exit 0
  fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
cat >&2 <<'MSG'
The browser tests need Chromium, and none was found.
Install it with your system's package manager, for example:
  sudo apt-get install chromium        (Debian/Ubuntu)
or point KOTACERDAS_CHROMIUM at a Chromium or Chrome executable.
MSG
exit 1
