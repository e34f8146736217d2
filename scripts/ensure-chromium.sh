#!/usr/bin/env bash
# Installs Debian's Chromium when it is missing: the dashboard's browser tests drive it through
# playwright-core at /usr/bin/chromium (playwright's own browser download cannot run offline).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium
