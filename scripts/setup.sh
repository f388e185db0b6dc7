#!/usr/bin/env bash
# Installs the system packages the build needs when any is missing: apt-get as root, otherwise
# prints the exact command to run and stops. Idempotent and quiet when everything is there.
set -euo pipefail

packages=(libopenmpi-dev openmpi-bin libopenblas-dev libhdf5-dev libdnnl-dev pkg-config)

have_all() {
    command -v pkg-config >/dev/null 2>&1 || return 1
    pkg-config --exists ompi-c openblas hdf5-serial || return 1
    command -v mpirun >/dev/null 2>&1 || return 1
    # oneDNN (bf16 products) ships no pkg-config file.
    [ -f /usr/include/oneapi/dnnl/dnnl.h ] || return 1
}

if have_all; then
    exit 0
fi

command -v swift >/dev/null 2>&1 || { echo "setup: swift is not on PATH; install a Swift 6 toolchain first" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing system packages. Run, then retry:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
    exit 1
fi

echo "setup: installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${packages[@]}" >/dev/null
have_all || { echo "setup: packages installed but pkg-config still misses ompi-c, openblas or hdf5-serial, or oneapi/dnnl/dnnl.h is missing" >&2; exit 1; }
echo "setup: done"
