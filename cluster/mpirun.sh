#!/usr/bin/env bash
# Starts a run under mpirun, on one machine or across hosts, with the flags this project needs:
# one BLAS thread per rank (exported to every host with -x), root allowed (containers),
# oversubscription allowed (more ranks than cores on a laptop or CI box).
# Usage: cluster/mpirun.sh [mpirun options...] -- LAUNCHER-ARGS...
#   cluster/mpirun.sh -n 8 -- selftest
#   cluster/mpirun.sh --hostfile cluster/hostfile.example -n 16 --map-by core --bind-to core -- train --run-dir /shared/runs/a
# LAUNCHER overrides the binary (default .build/release/launcher; the same path on every host).
#
# Signals: the first SIGTERM or SIGINT this script receives becomes a SIGUSR1 for mpirun, which
# forwards SIGUSR1 to every rank on every host; the trainer treats it like SIGTERM (finish the
# step, save a checkpoint, exit 0). mpirun itself cannot do that with SIGTERM: OpenMPI 4.1
# refuses to forward it (ess_base_forward_signals) and instead kills the job, SIGTERM to the ranks
# then SIGKILL one second later (odls_base_sigkill_timeout), and exits 1. A second SIGTERM or
# SIGINT is passed to mpirun as SIGTERM: abort now. mpirun runs in its own session so a terminal's
# Ctrl-C reaches only this script (the graceful path).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
launcher=${LAUNCHER:-$here/.build/release/launcher}
[ -x "$launcher" ] || { echo "mpirun.sh: $launcher not found; run 'make release' first" >&2; exit 1; }

mpi_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do mpi_args+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift

root_flag=()
[ "$(id -u)" -eq 0 ] && root_flag=(--allow-run-as-root)

setsid mpirun "${root_flag[@]}" --oversubscribe -x OPENBLAS_NUM_THREADS=1 "${mpi_args[@]}" "$launcher" "$@" &
mpirun_pid=$!
signals=0
on_signal() {
    signals=$((signals + 1))
    if [ "$signals" -eq 1 ]; then
        echo "mpirun.sh: $1: asking every rank to stop after its step and save (SIGUSR1 to mpirun); again to abort" >&2
        kill -USR1 "$mpirun_pid" 2>/dev/null || true
    else
        echo "mpirun.sh: $1 again: aborting the job (SIGTERM to mpirun)" >&2
        kill -TERM "$mpirun_pid" 2>/dev/null || true
    fi
}
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGINT' INT
# `wait` returns early when a trapped signal arrives; wait again until mpirun has exited.
while true; do
    code=0
    wait "$mpirun_pid" || code=$?
    kill -0 "$mpirun_pid" 2>/dev/null || exit "$code"
done
