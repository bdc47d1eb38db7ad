#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, when missing:
#  - Debian's chromium, for the end-to-end tests (playwright-core drives it; it cannot download
#    its own browser on these machines);
#  - fonts-noto-cjk, so that Chinese pages render as text in screenshots (not empty boxes).
# Go (to build FerretDB once) is expected on the machine; the test harness says so clearly if not.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "ensure-test-deps: installing ${missing[*]} for the end-to-end tests…" >&2
if [ "$(id -u)" = "0" ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "ensure-test-deps: ${missing[*]} missing and I cannot install it (not root, no sudo)." >&2
  echo "Install it with: apt-get install ${missing[*]}" >&2
  exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
/usr/bin/chromium --version >&2
