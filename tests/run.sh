#!/usr/bin/env bash
# Every test of precheck: ruff, mypy, then pytest. On a fresh Debian machine it first installs
# what the tests need (system packages when run as root, then precheck itself into .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  iproute2 libgl1 libglib2.0-0 mpack postgresql chromium chromium-driver fonts-noto-cjk
)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev,office]'

.venv/bin/ruff check precheck tests bench
.venv/bin/ruff format --check precheck tests bench
.venv/bin/mypy
.venv/bin/pytest "$@"
