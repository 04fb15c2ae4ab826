#!/usr/bin/env bash
# Every test of precheck: ruff, mypy, then pytest. On a fresh Debian machine it first installs
# what the tests need (system packages when run as root, then precheck itself into .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  # report, booking, office service, dashboard pages
  iproute2 libgl1 libglib2.0-0 mpack postgresql chromium chromium-driver fonts-noto-cjk
  # firewall and antivirus: real rulesets in a private network namespace, real ClamAV
  nftables ufw iptables firewalld clamav clamav-daemon
  # file-sharing: real P2P clients from Debian
  transmission-daemon qbittorrent-nox deluged amule-daemon
  # browser check, desktop app under a virtual screen, load tests
  firefox-esr xvfb xdotool stress-ng
  # microphone (PortAudio for sounddevice), office reverse proxy
  libportaudio2 nginx
)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    # Daemons in these packages (P2P clients, clamd, nginx) must not start on install: the
    # tests start and stop the ones they use themselves.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
      chmod +x /usr/sbin/policy-rc.d
    fi
    # Another apt or dpkg (unattended-upgrades, a second run) may hold the lock: wait for it
    # up to ten minutes instead of failing with exit 100.
    apt-get -o DPkg::Lock::Timeout=600 update -q
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
      --no-install-recommends "${missing[@]}"
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev,office]'

# axe-core (the accessibility rules the app's page is tested against) from the npm registry, into
# a git-ignored folder; a fixed version so a new rule never fails an unchanged page by surprise.
# npm comes with a NodeSource nodejs where one is installed, else from Debian's npm package.
AXE_VERSION=4.14.1
if ! command -v npm >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm
fi
if command -v npm >/dev/null && ! grep -qs "\"version\": \"$AXE_VERSION\"" tests/.node/node_modules/axe-core/package.json; then
  npm install -q --prefix tests/.node --no-save --no-audit --no-fund --no-package-lock "axe-core@$AXE_VERSION"
fi

.venv/bin/ruff check precheck tests bench
.venv/bin/ruff format --check precheck tests bench
.venv/bin/mypy
status=0
.venv/bin/pytest "$@" || status=$?
if [ "$status" = 5 ]; then
  # pytest's "no tests were collected": a test command that tested nothing has not passed.
  echo "tests/run.sh: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
