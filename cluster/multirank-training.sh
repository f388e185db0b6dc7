#!/usr/bin/env bash
# Multi-rank training checks, run by run-multirank-tests.sh. Each check prints "PASS name" or
# "FAIL name: why"; the exit code is the number of failures.
#   1. SFT from scratch (tiny model) on 1, 2 and 4 ranks reaches the same parameters after 3 steps.
#   2. EGPO from the shipped SFT checkpoint on 1, 2 and 4 ranks, same global batch and seed, reaches
#      the same parameters after 3 steps (and the parameters did move; rewards were mixed).
#   3. A rank that fails mid-run ends the whole job within the timeout, and the message names it.
# Tolerance: max |a - b| <= 1e-5 x the largest parameter (launcher compare-models).
# Usage: multirank-training.sh LAUNCHER
set -uo pipefail
# shellcheck source=multirank-lib.sh
source "$(dirname "$0")/multirank-lib.sh" "$1"
tiny+=(--set data.trainTasks=64)
# run_on_1_2_4 NAME SUBCOMMAND ARGS...: the same run on 1, 2 and 4 ranks, into $tmp/NAME-<n>.
run_on_1_2_4() {
    local name=$1 n; shift
    for n in 1 2 4; do
        echo "== mpirun -n $n launcher $1 ($name, 3 steps)"
        # shellcheck disable=SC2086
        $MPIRUN -n $n "$launcher" "$@" --steps 3 --run-dir "$tmp/$name-$n" > "$tmp/$name-$n.log" 2>&1 \
            || fail "$name-$n-ranks" "exit $? ($(tail -1 "$tmp/$name-$n.log"))"
    done
}

# compare_to_one NAME: the 2- and 4-rank results against the 1-rank one.
compare_to_one() {
    local name=$1 n out
    for n in 2 4; do
        if out=$("$launcher" compare-models "$tmp/$name-1/checkpoints/final.h5" "$tmp/$name-$n/checkpoints/final.h5" 2>&1); then
            pass "$name-1-vs-$n-ranks ($out)"
        else
            fail "$name-1-vs-$n-ranks" "$out"
        fi
    done
}

run_on_1_2_4 sft sft "${tiny[@]}"
compare_to_one sft

start=$(dirname "$launcher")/EGPOTrainer_EGPODistributed.resources/Resources/sft-demo.h5
if [ -f "$start" ]; then
    # Adam's eps is 1e-6 here, not the default 1e-8: GRPO's advantages sum to zero over a group,
    # so the head rows of tokens no completion uses get gradients that cancel to ~1e-8, and
    # with eps 1e-8 Adam scales their rounding noise (which differs with the order of the
    # cross-rank sum) up to a sizeable fraction of lr. Measured with this config: 1 vs 2 ranks
    # differ by 1.2e-5 of the largest parameter at eps 1e-8, 1.5e-7 at eps 1e-6.
    egpo=(--set optimizer.eps=1e-6 --set rollout.prompts=4 --set rollout.groupSize=4 --set rollout.maxCompletionTokens=160 --set rollout.microBatch=4
          --set data.trainTasks=64 --set eval.before=false --set eval.after=false --set egpo.mu=2
          --set optimizer.learningRate=1e-4)
    run_on_1_2_4 egpo train "${egpo[@]}"
    if "$launcher" compare-models "$start" "$tmp/egpo-1/checkpoints/final.h5" --tolerance 0 > /dev/null 2>&1; then
        fail "egpo-moved" "3 EGPO steps left the parameters unchanged (a vacuous comparison)"
    else
        pass "egpo-moved (rewards: $(grep -o '"reward_mean": [0-9.e-]*' "$tmp/egpo-1/metrics.jsonl" | cut -d' ' -f2 | tr '\n' ' '))"
    fi
    compare_to_one egpo
else
    echo "SKIP egpo-equality: no shipped SFT checkpoint at $start (make sft-checkpoint)"
fi

echo "== mpirun -n 2 launcher sft with rank 1 failing at step 2"
started=$(date +%s)
# shellcheck disable=SC2086
timeout 60 $MPIRUN -n 2 "$launcher" sft --steps 5 --run-dir "$tmp/fault" "${tiny[@]}" --fail-on-rank 1 --fail-at-step 2 > "$tmp/fault.log" 2>&1
code=$?
elapsed=$(( $(date +%s) - started ))
if [ "$code" -eq 124 ]; then
    fail "failing-rank-ends-job" "the job hung (killed by the 60 s timeout)"
elif [ "$code" -eq 0 ]; then
    fail "failing-rank-ends-job" "the job exited 0 although rank 1 failed"
elif ! grep -q "rank 1 of 2.*injected failure" "$tmp/fault.log"; then
    fail "failing-rank-ends-job" "no message naming rank 1: $(tail -3 "$tmp/fault.log")"
else
    pass "failing-rank-ends-job (exit $code after ${elapsed} s: $(grep -m1 'rank 1 of 2.*injected' "$tmp/fault.log"))"
fi
exit "$failures"
