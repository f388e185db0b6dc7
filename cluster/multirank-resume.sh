#!/usr/bin/env bash
# Training-state checks under mpirun, run by run-multirank-tests.sh. Each prints "PASS name" or
# "FAIL name: why"; the exit code is the number of failures.
#   1. Same world size (2 ranks): N steps straight and k steps (--stop-after k, the plan of N
#      steps kept, as a pre-emption would) + resume + (N - k) steps give
#      bitwise-identical parameters, Adam moments and metrics (timing fields aside): SFT resumed
#      exactly at an epoch boundary, SFT with ZeRO-1 resumed mid-epoch, EGPO with and without ZeRO-1.
#   2. Another world size: 2 ranks then 4, and 4 then 1, match the uninterrupted run within 1e-5
#      of the largest parameter (and of the largest moment).
#   3. Determinism: two identical 2-rank runs write byte-identical metrics (timing aside) and
#      identical checkpoints.
#   4. SIGTERM to the ranks mid-run saves a checkpoint and exits 0; --resume latest then finishes
#      the run, equal to the uninterrupted one.
#   5. A checkpoint with a flipped byte is refused by --resume and by inspect, naming the tensor;
#      --resume latest skips it for the previous good one.
# Usage: multirank-resume.sh LAUNCHER
set -uo pipefail
# shellcheck source=multirank-lib.sh
source "$(dirname "$0")/multirank-lib.sh" "$1"

# 26 tasks (24 that fit 1,024 positions) in batches of 8: an epoch is 3 steps, so a resume after step 3 sits on its boundary.
tiny+=(--set data.trainTasks=26 --set sft.optimizer.weightDecay=0.1)

# run NAME RANKS ARGS...: mpirun -n RANKS launcher ARGS... --run-dir $tmp/NAME (log in $tmp/NAME.log).
run() {
    local name=$1 n=$2; shift 2
    # shellcheck disable=SC2086
    $MPIRUN -n "$n" "$launcher" "$@" --run-dir "$tmp/$name" >> "$tmp/$name.log" 2>&1
}
# Metrics without the timing fields.
untimed() { sed -E 's/"(seconds_[a-z_]+|tokens_per_second)": [^,}]*(, )?//g; s/, }/}/g' "$1"; }

# same NAME A B TOLERANCE: final checkpoints of runs A and B agree (0: bitwise, moments included),
# and with tolerance 0 their metrics are identical too.
same() {
    local name=$1 a=$2 b=$3 tol=$4 out
    if ! out=$("$launcher" compare-models "$tmp/$a/checkpoints/final.h5" "$tmp/$b/checkpoints/final.h5" --tolerance "$tol" 2>&1); then
        fail "$name" "$(tr '\n' ' ' <<< "$out")"; return
    fi
    if [ "$tol" = 0 ] && ! cmp -s <(untimed "$tmp/$a/metrics.jsonl") <(untimed "$tmp/$b/metrics.jsonl"); then
        fail "$name" "metrics differ: $(diff <(untimed "$tmp/$a/metrics.jsonl") <(untimed "$tmp/$b/metrics.jsonl") | head -3 | tr '\n' ' ')"; return
    fi
    pass "$name ($(tr '\n' ' ' <<< "$out"))"
}

echo "== SFT, 2 ranks: 6 steps straight, and 3 + resume at the epoch boundary + 3"
run sft-straight 2 sft "${tiny[@]}" --steps 6 --save-every 3 || fail sft-straight "exit $? ($(tail -1 "$tmp/sft-straight.log"))"
e3=$(sed -n 3p "$tmp/sft-straight/metrics.jsonl" | grep -o '"epoch": [0-9]*'); e4=$(sed -n 4p "$tmp/sft-straight/metrics.jsonl" | grep -o '"epoch": [0-9]*')
if [ "$e3" = '"epoch": 0' ] && [ "$e4" = '"epoch": 1' ]; then pass "sft-epoch-boundary-at-step-3"; else fail "sft-epoch-boundary-at-step-3" "step 3 $e3, step 4 $e4"; fi
run sft-resumed 2 sft "${tiny[@]}" --steps 6 --stop-after 3 && run sft-resumed 2 sft "${tiny[@]}" --steps 6 --resume latest \
    || fail sft-resumed "exit $? ($(tail -1 "$tmp/sft-resumed.log"))"
same sft-resume-at-epoch-boundary-bitwise sft-straight sft-resumed 0

echo "== SFT with ZeRO-1 (reduce-scatter), 2 ranks: 6 straight, and 4 + resume mid-epoch + 2"
zero=(--set sft.optimizer.zero=1 --set sft.optimizer.gradientPath=reducescatter)
run zero-straight 2 sft "${tiny[@]}" "${zero[@]}" --steps 6 || fail zero-straight "exit $? ($(tail -1 "$tmp/zero-straight.log"))"
run zero-resumed 2 sft "${tiny[@]}" "${zero[@]}" --steps 6 --stop-after 4 && run zero-resumed 2 sft "${tiny[@]}" "${zero[@]}" --steps 6 --resume latest \
    || fail zero-resumed "exit $? ($(tail -1 "$tmp/zero-resumed.log"))"
same sft-zero1-resume-mid-epoch-bitwise zero-straight zero-resumed 0
same sft-zero1-vs-replicated sft-straight zero-straight 1e-5

echo "== SFT across world sizes: 2 ranks then 4, 4 ranks then 1"
run sft-2-4 2 sft "${tiny[@]}" --steps 6 --stop-after 4 && run sft-2-4 4 sft "${tiny[@]}" --steps 6 --resume latest \
    || fail sft-2-then-4 "exit $? ($(tail -1 "$tmp/sft-2-4.log"))"
same sft-2-then-4-ranks sft-straight sft-2-4 1e-5
run sft4-straight 4 sft "${tiny[@]}" --steps 6 || fail sft4-straight "exit $?"
run sft-4-1 4 sft "${tiny[@]}" --steps 6 --stop-after 3 && run sft-4-1 1 sft "${tiny[@]}" --steps 6 --resume latest \
    || fail sft-4-then-1 "exit $? ($(tail -1 "$tmp/sft-4-1.log"))"
same sft-4-then-1-rank sft4-straight sft-4-1 1e-5

echo "== determinism: the same 2-rank SFT run twice"
run sft-again 2 sft "${tiny[@]}" --steps 6 --save-every 3 || fail sft-again "exit $?"
same sft-deterministic sft-straight sft-again 0
if "$launcher" compare-models "$tmp/sft-straight/checkpoints/step-000003.h5" "$tmp/sft-again/checkpoints/step-000003.h5" --tolerance 0 > /dev/null 2>&1; then
    pass "sft-deterministic-step-checkpoint"
else
    fail "sft-deterministic-step-checkpoint" "step-000003.h5 differs between two identical runs"
fi

start=$(dirname "$launcher")/EGPOTrainer_EGPODistributed.resources/Resources/sft-demo.h5
if [ -f "$start" ]; then
    echo "== EGPO, 2 ranks: 4 steps straight (twice), and 2 + resume + 2"
    # Adam eps 1e-6 for the ZeRO-1 vs replicated comparison (why: multirank-training.sh).
    egpo=(--set optimizer.eps=1e-6 --set rollout.prompts=4 --set rollout.groupSize=4 --set rollout.maxCompletionTokens=96 --set rollout.microBatch=4
          --set data.trainTasks=64 --set eval.before=false --set eval.after=false --set egpo.mu=2 --set optimizer.learningRate=1e-4)
    run egpo-straight 2 train "${egpo[@]}" --steps 4 || fail egpo-straight "exit $? ($(tail -1 "$tmp/egpo-straight.log"))"
    run egpo-again 2 train "${egpo[@]}" --steps 4 || fail egpo-again "exit $?"
    same egpo-deterministic egpo-straight egpo-again 0
    run egpo-resumed 2 train "${egpo[@]}" --steps 4 --stop-after 2 && run egpo-resumed 2 train "${egpo[@]}" --steps 4 --resume latest \
        || fail egpo-resumed "exit $? ($(tail -1 "$tmp/egpo-resumed.log"))"
    same egpo-resume-bitwise egpo-straight egpo-resumed 0
    echo "== EGPO with ZeRO-1 (reduce-scatter), 2 ranks: 4 straight, and 2 + resume + 2"
    ez=(--set optimizer.zero=1 --set optimizer.gradientPath=reducescatter)
    run egpo-zero-straight 2 train "${egpo[@]}" "${ez[@]}" --steps 4 || fail egpo-zero-straight "exit $? ($(tail -1 "$tmp/egpo-zero-straight.log"))"
    run egpo-zero-resumed 2 train "${egpo[@]}" "${ez[@]}" --steps 4 --stop-after 2 \
        && run egpo-zero-resumed 2 train "${egpo[@]}" "${ez[@]}" --steps 4 --resume latest \
        || fail egpo-zero-resumed "exit $? ($(tail -1 "$tmp/egpo-zero-resumed.log"))"
    same egpo-zero1-resume-bitwise egpo-zero-straight egpo-zero-resumed 0
    same egpo-zero1-vs-replicated egpo-straight egpo-zero-straight 1e-5
    echo "== EGPO in bf16 with LoRA (rank 8, ZeRO-1), 2 ranks: 4 straight, and 2 + resume + 2"
    bl=(--set model.precision=bf16 --set model.lora.rank=8 --set optimizer.zero=1 --set optimizer.learningRate=1e-3)
    run egpo-bf16-straight 2 train "${egpo[@]}" "${bl[@]}" --steps 4 || fail egpo-bf16-straight "exit $? ($(tail -1 "$tmp/egpo-bf16-straight.log"))"
    run egpo-bf16-resumed 2 train "${egpo[@]}" "${bl[@]}" --steps 4 --stop-after 2 \
        && run egpo-bf16-resumed 2 train "${egpo[@]}" "${bl[@]}" --steps 4 --resume latest \
        || fail egpo-bf16-resumed "exit $? ($(tail -1 "$tmp/egpo-bf16-resumed.log"))"
    same egpo-bf16-lora-resume-bitwise egpo-bf16-straight egpo-bf16-resumed 0
else
    echo "SKIP egpo-resume: no shipped SFT checkpoint at $start (make sft-checkpoint)"
fi

echo "== SIGTERM to the ranks mid-run: a checkpoint, exit 0, then --resume latest finishes the run"
long=(--steps 120 --set sft.optimizer.schedule=cosine)
run sft-long 2 sft "${tiny[@]}" "${long[@]}" || fail sft-long "exit $?"
run sft-term 2 sft "${tiny[@]}" "${long[@]}" &
job=$!
for _ in $(seq 1 600); do
    [ -s "$tmp/sft-term/metrics.jsonl" ] && break
    sleep 0.05
done
# The ranks are mpirun's children; signal them as a scheduler's pre-emption would.
launcher_mpirun=$(pgrep -P "$job" -x mpirun || pgrep -P "$(pgrep -P "$job" | head -1)" -x mpirun)
for pid in $(pgrep -P "$launcher_mpirun"); do kill -TERM "$pid" 2>/dev/null; done
wait $job; code=$?
saved=$(ls "$tmp/sft-term/checkpoints/" 2>/dev/null | grep -c '^step-')
stopped=$(grep -o 'stopped by SIGTERM after step [0-9]*' "$tmp/sft-term.log" | grep -o '[0-9]*$')
if [ "$code" -eq 0 ] && [ "$saved" -ge 1 ] && [ -n "$stopped" ] && [ "$stopped" -lt 120 ]; then
    pass "sigterm-saves-and-exits-0 (stopped after step $stopped of 120)"
else
    fail "sigterm-saves-and-exits-0" "exit $code, $saved step checkpoint(s): $(tail -2 "$tmp/sft-term.log" | tr '\n' ' ')"
fi
run sft-term 2 sft "${tiny[@]}" "${long[@]}" --resume latest || fail sigterm-resume "exit $? ($(tail -1 "$tmp/sft-term.log"))"
same sigterm-then-resume-equals-straight sft-long sft-term 0

echo "== a corrupted checkpoint is refused; --resume latest falls back to the previous one"
cp -r "$tmp/sft-straight" "$tmp/sft-corrupt"
rm -f "$tmp/sft-corrupt/checkpoints/final.h5"
cp "$tmp/sft-straight/checkpoints/final.h5" "$tmp/sft-corrupt/checkpoints/step-000006.h5"
# Flip one byte in the middle of the file (inside a tensor's data).
f="$tmp/sft-corrupt/checkpoints/step-000006.h5"
size=$(stat -c %s "$f"); at=$((size / 2))
byte=$(od -An -tu1 -j "$at" -N1 "$f" | tr -d ' ')
printf "$(printf '\\%03o' $(((byte + 1) % 256)))" | dd of="$f" bs=1 seek="$at" conv=notrunc status=none
if out=$("$launcher" inspect "$f" 2>&1); then
    fail "inspect-detects-corruption" "inspect exit 0 on a flipped byte"
else
    pass "inspect-detects-corruption ($(grep -m1 FAILED <<< "$out" | sed -E 's/ +/ /g' | cut -c1-120))"
fi
if "$launcher" sft "${tiny[@]}" --steps 6 --resume "$f" --run-dir "$tmp/sft-corrupt" > "$tmp/corrupt.log" 2>&1; then
    fail "resume-refuses-corruption" "resumed from a corrupted file"
else
    pass "resume-refuses-corruption ($(tail -1 "$tmp/corrupt.log" | cut -c1-160))"
fi
if run sft-corrupt 1 sft "${tiny[@]}" --steps 6 --resume latest && grep -q "resume: skipped .*step-000006.h5" "$tmp/sft-corrupt.log" \
    && grep -q "resume: from .*step-000003.h5" "$tmp/sft-corrupt.log"; then
    pass "resume-latest-skips-the-corrupted-one"
else
    fail "resume-latest-skips-the-corrupted-one" "$(grep 'resume:' "$tmp/sft-corrupt.log" | head -3 | tr '\n' ' ')"
fi

exit "$failures"
