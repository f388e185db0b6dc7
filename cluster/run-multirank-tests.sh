#!/usr/bin/env bash
# Runs every multi-rank test under mpirun for each world size given, one BLAS thread per rank,
# and ends with a plain "N passed, N failed" line. Usage: run-multirank-tests.sh LAUNCHER N...
set -uo pipefail
launcher=${1:?usage: run-multirank-tests.sh LAUNCHER N...}
shift
MPIRUN=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}
export OPENBLAS_NUM_THREADS=1

# Each entry: a launcher subcommand line that must pass on every world size.
suites=("selftest")

passed=0; failed=0; failures=()
for n in "$@"; do
    for suite in "${suites[@]}"; do
        echo "== mpirun -n $n launcher $suite"
        # shellcheck disable=SC2086
        if $MPIRUN -n "$n" "$launcher" $suite; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1)); failures+=("-n $n $suite")
        fi
    done
done
# check SCRIPT TITLE: runs a multi-rank check script (it compares several world sizes itself, so
# it runs once) and counts its PASS and FAIL lines.
check() {
    local out p f
    echo "== $1 ($2)"
    out=$(MPIRUN="$MPIRUN" "$(dirname "$0")/$1" "$launcher" 2>&1)
    echo "$out"
    p=$(grep -c '^PASS' <<< "$out"); f=$(grep -c '^FAIL' <<< "$out")
    passed=$((passed + p)); failed=$((failed + f))
    while read -r line; do failures+=("$line"); done < <(grep '^FAIL' <<< "$out")
}
check multirank-training.sh "SFT and EGPO equality over 1, 2, 4 ranks; a failing rank"
check multirank-resume.sh "checkpoints, exact resume at the same and other world sizes, ZeRO-1, determinism, SIGTERM"
check slurm-sbatch-check.sh "slurm.sbatch with stand-in srun and scontrol: SIGTERM saves and requeues, the requeued job resumes"
check multirank-faults.sh "faults: a collective timeout, a rank SIGKILLed mid-run, SIGKILL during a checkpoint write, NaN gradients, a full disk; --resume latest after each"

for f in "${failures[@]+"${failures[@]}"}"; do echo "FAILED: mpirun $f"; done
echo "multirank: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
