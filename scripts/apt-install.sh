#!/usr/bin/env bash
# Installs Debian/Ubuntu packages for the build scripts: as root here and in .ci/run, through
# sudo on a GitHub runner (whose user is not root but has password-less sudo).
# Usage: scripts/apt-install.sh PACKAGE...
set -euo pipefail
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
