#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, when missing:
#  - Debian's chromium, for the end-to-end tests (playwright-core drives it; it cannot download
#    its own browser on these machines).
# Go (to build FerretDB once) is expected on the machine; the test harness says so clearly if not.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "ensure-test-deps: installing Debian's chromium for the end-to-end tests…" >&2
if [ "$(id -u)" = "0" ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "ensure-test-deps: chromium is missing and I cannot install it (not root, no sudo)." >&2
  echo "Install it with: apt-get install chromium" >&2
  exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version >&2
