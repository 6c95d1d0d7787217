#!/usr/bin/env bash
# Installs kcat (Debian package) when it is missing, so the kcat integration tests run on a
# fresh machine. Prints the path of kcat.
set -euo pipefail
if ! command -v kcat >/dev/null 2>&1; then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq kcat >/dev/null
fi
command -v kcat
