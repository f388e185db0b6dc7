#!/usr/bin/env bash
# Runs the launcher under mpirun with the flags this project needs: one BLAS thread per rank,
# root allowed (containers), oversubscription allowed (more ranks than cores on a laptop/CI box).
# Usage: cluster/mpirun.sh [mpirun options...] -- LAUNCHER-ARGS...
#   cluster/mpirun.sh -n 8 -- selftest
#   cluster/mpirun.sh --hostfile cluster/hostfile.example -n 16 -- train
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
launcher=${LAUNCHER:-$here/.build/release/launcher}
[ -x "$launcher" ] || { echo "mpirun.sh: $launcher not found; run 'make release' first" >&2; exit 1; }

mpi_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do mpi_args+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift

root_flag=()
[ "$(id -u)" -eq 0 ] && root_flag=(--allow-run-as-root)
exec mpirun "${root_flag[@]}" --oversubscribe -x OPENBLAS_NUM_THREADS=1 "${mpi_args[@]}" "$launcher" "$@"
