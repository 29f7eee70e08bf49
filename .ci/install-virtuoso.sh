#!/usr/bin/env bash
# Install Virtuoso Open Source 7 (Debian package virtuoso-opensource) for the integration tests.
# Idempotent: does nothing but print the version when virtuoso-t and isql-vt are already there; runs
# `apt-get update` only when the package is not installable from the current lists. Noninteractive.
# The tests start their own private, loopback-only server (tests/virtuoso.py); the package's own service is
# neither needed nor used (if the system starts it, it sits on the default ports 1111/8890, which the tests
# do not use).
set -euo pipefail

have() { command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; }

if ! have; then
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
      echo "install-virtuoso: need root (or sudo) to apt-get install virtuoso-opensource" >&2; exit 1
    fi
  else
    SUDO=()
  fi
  # apt-get update only if the package lists do not know the package yet
  if ! apt-cache show virtuoso-opensource >/dev/null 2>&1 \
     || [ -z "$(apt-cache policy virtuoso-opensource 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '(none)')" ]; then
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  fi
  # policy-rc.d-less machines may start the packaged service on install; that is harmless (other ports)
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null
  have || { echo "install-virtuoso: virtuoso-t / isql-vt still missing after install" >&2; exit 1; }
fi

help=$(virtuoso-t --help 2>&1 || true)   # prints its version in the usage text
echo "virtuoso-t version: $(printf '%s\n' "$help" | sed -n 's/^Version //p' | head -n 1)" 
