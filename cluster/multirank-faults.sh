#!/usr/bin/env bash
# Faults under mpirun on one host, run by run-multirank-tests.sh. Each prints "PASS name" or
# "FAIL name: why"; the exit code is the number of failures.
#   1. A collective one rank never joins: the watchdog (EGPO_COLLECTIVE_TIMEOUT) aborts the job
#      within 30 s, naming the rank and the MPI call.
#   2. A rank SIGKILLed mid-run: every rank is gone and mpirun exits non-zero within 30 s, and
#      its message names the lost rank; --resume latest then finishes the run.
#   3. SIGKILL of rank 0 while a checkpoint is complete in its temporary file but not renamed:
#      the previous checkpoint still loads, and --resume latest removes the leftover temporary
#      file and finishes the run.
#   4. A NaN gradient on one rank (EGPO_DEBUG_NAN_GRADIENT): SFT and EGPO skip those steps on
#      every rank and count them; run.maxNonFiniteSteps of them in a row end the run naming the
#      steps, and --resume latest continues from the last checkpoint.
#   5. The disk filling up (a 2 MB tmpfs, root only): a checkpoint write stops the run naming the
#      folder, the earlier checkpoints load, and --resume latest finishes once there is room; an
#      output file (init --out) and an output folder (data generate --out) fail the same way and
#      leave what was there before.
# Usage: multirank-faults.sh LAUNCHER
set -uo pipefail
# shellcheck source=multirank-lib.sh
source "$(dirname "$0")/multirank-lib.sh" "$1"
tiny+=(--set data.trainTasks=26)

echo "== a collective that one rank never joins aborts the job, naming the call"
start=$(date +%s)
EGPO_COLLECTIVE_TIMEOUT=3 $MPIRUN -n 2 "$launcher" debug-stall --rank 1 --seconds 120 > "$tmp/stall.log" 2>&1
code=$?; took=$(( $(date +%s) - start ))
if [ "$code" -ne 0 ] && [ "$took" -le 30 ] && grep -q "rank 0: MPI_Allreduce of 1 x Float did not complete within 3 s" "$tmp/stall.log"; then
    pass "collective-timeout-names-the-call (exit $code after ${took} s)"
else
    fail "collective-timeout-names-the-call" "exit $code after ${took} s: $(head -3 "$tmp/stall.log" | tr '\n' ' ')"
fi

# ranks_of MPIRUN_PID: the launcher processes mpirun started (its children, here on one host).
ranks_of() { pgrep -P "$1" -x launcher; }
# wait_for FILE: up to 120 s for FILE to exist.
wait_for() { for _ in $(seq 1 1200); do [ -e "$1" ] && return 0; sleep 0.1; done; return 1; }

long=(--steps 40 --set run.saveEvery=1 --set run.keepCheckpoints=2)

echo "== a rank killed mid-run ends the job within 30 s, naming it; --resume latest finishes"
$MPIRUN -n 2 "$launcher" sft "${tiny[@]}" "${long[@]}" --run-dir "$tmp/killed" > "$tmp/killed.log" 2>&1 &
job=$!
wait_for "$tmp/killed/checkpoints/step-000002.h5" || true
victim=$(ranks_of "$job" | tail -1)
start=$(date +%s)
kill -KILL "$victim" 2>/dev/null
wait $job; code=$?; took=$(( $(date +%s) - start ))
left=$(pgrep -f "$tmp/killed" | wc -l)
if [ "$code" -ne 0 ] && [ "$took" -le 30 ] && [ "$left" -eq 0 ] && grep -Eq "rank [0-9]+ with PID $victim .*signal 9|rank 1.*(signal 9|Killed)" "$tmp/killed.log"; then
    pass "lost-rank-ends-the-job (exit $code after ${took} s: $(grep -Em1 "signal 9|Killed" "$tmp/killed.log" | sed -E 's/ +/ /g'))"
else
    fail "lost-rank-ends-the-job" "exit $code after ${took} s, $left process(es) left: $(tail -4 "$tmp/killed.log" | tr '\n' ' ')"
fi
if $MPIRUN -n 2 "$launcher" sft "${tiny[@]}" "${long[@]}" --run-dir "$tmp/killed" --resume latest >> "$tmp/killed.log" 2>&1 \
    && [ -s "$tmp/killed/checkpoints/final.h5" ]; then
    pass "lost-rank-then-resume-latest-finishes"
else
    fail "lost-rank-then-resume-latest-finishes" "$(tail -2 "$tmp/killed.log" | tr '\n' ' ')"
fi

echo "== SIGKILL during a checkpoint write leaves the previous one; --resume latest finishes"
EGPO_DEBUG_KILL_DURING_SAVE=3 $MPIRUN -n 2 "$launcher" sft "${tiny[@]}" "${long[@]}" --run-dir "$tmp/midsave" > "$tmp/midsave.log" 2>&1
code=$?
temporaries=$(find "$tmp/midsave/checkpoints" -name '.*.tmp-*' | wc -l)
if [ "$code" -ne 0 ] && [ "$temporaries" -ge 1 ] && [ ! -e "$tmp/midsave/checkpoints/step-000003.h5" ] \
    && "$launcher" inspect "$tmp/midsave/checkpoints/step-000002.h5" > /dev/null 2>&1; then
    pass "kill-mid-save-keeps-previous (exit $code; step 2 loads; $temporaries leftover temporary file)"
else
    fail "kill-mid-save-keeps-previous" "exit $code, $temporaries temporaries: $(ls -a "$tmp/midsave/checkpoints" | tr '\n' ' ')"
fi
if $MPIRUN -n 2 "$launcher" sft "${tiny[@]}" "${long[@]}" --run-dir "$tmp/midsave" --resume latest >> "$tmp/midsave.log" 2>&1 \
    && [ -s "$tmp/midsave/checkpoints/final.h5" ] && [ "$(find "$tmp/midsave/checkpoints" -name '.*.tmp-*' | wc -l)" -eq 0 ]; then
    pass "kill-mid-save-then-resume-latest-finishes (temporary removed)"
else
    fail "kill-mid-save-then-resume-latest-finishes" "$(tail -2 "$tmp/midsave.log" | tr '\n' ' ')"
fi

echo "== a NaN gradient on one rank: every rank skips the step and counts it; N in a row end the run"
for kind in sft train; do
    extra=(); [ "$kind" = train ] && extra=(--set rollout.prompts=2 --set rollout.groupSize=2 --set rollout.maxCompletionTokens=8 --set eval.tasks=0)
    EGPO_DEBUG_NAN_GRADIENT=1:2,3 $MPIRUN -n 2 "$launcher" "$kind" "${tiny[@]}" "${extra[@]}" --steps 5 --set run.saveEvery=1 \
        --run-dir "$tmp/nan-$kind" > "$tmp/nan-$kind.log" 2>&1
    code=$?
    skipped=$(grep -c '"skipped_nonfinite": 1' "$tmp/nan-$kind/metrics.jsonl" 2>/dev/null)
    if [ "$code" -eq 0 ] && [ "$skipped" -eq 2 ] && grep -q "^$( [ "$kind" = sft ] && echo sft || echo egpo ) 2/5  skipped: the loss or gradient is NaN" "$tmp/nan-$kind.log" \
        && "$launcher" inspect "$tmp/nan-$kind/checkpoints/final.h5" > /dev/null 2>&1; then
        pass "nan-gradient-skipped-$kind (2 of 5 steps skipped, run finished)"
    else
        fail "nan-gradient-skipped-$kind" "exit $code, $skipped skipped: $(tail -3 "$tmp/nan-$kind.log" | tr '\n' ' ')"
    fi
done
EGPO_DEBUG_NAN_GRADIENT=1:2,3,4 $MPIRUN -n 2 "$launcher" sft "${tiny[@]}" --steps 6 --set run.saveEvery=1 --set run.maxNonFiniteSteps=3 \
    --run-dir "$tmp/nan-abort" > "$tmp/nan-abort.log" 2>&1
code=$?
if [ "$code" -ne 0 ] && grep -q "steps 2-4: the loss or gradient was NaN or infinite in 3 steps in a row (run.maxNonFiniteSteps 3)" "$tmp/nan-abort.log" \
    && [ ! -e "$tmp/nan-abort/checkpoints/step-000004.h5" ] && "$launcher" inspect "$tmp/nan-abort/checkpoints/step-000003.h5" > /dev/null 2>&1; then
    pass "nan-gradient-in-a-row-ends-the-run (exit $code: $(grep -om1 "steps 2-4: [^;]*" "$tmp/nan-abort.log"))"
else
    fail "nan-gradient-in-a-row-ends-the-run" "exit $code: $(grep -v '^sft\|^checkpoint' "$tmp/nan-abort.log" | tail -3 | tr '\n' ' ')"
fi
if $MPIRUN -n 2 "$launcher" sft "${tiny[@]}" --steps 6 --set run.saveEvery=1 --set run.maxNonFiniteSteps=3 \
    --run-dir "$tmp/nan-abort" --resume latest >> "$tmp/nan-abort.log" 2>&1 && [ -s "$tmp/nan-abort/checkpoints/final.h5" ]; then
    pass "nan-gradient-then-resume-latest-finishes"
else
    fail "nan-gradient-then-resume-latest-finishes" "$(tail -2 "$tmp/nan-abort.log" | tr '\n' ' ')"
fi

echo "== the disk filling up: the write names the folder, what was there survives, --resume latest finishes"
full="$tmp/full"
mkdir -p "$full"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=2m egpo-full "$full" 2> "$tmp/mount.log"; then
    echo "SKIP disk-full checks: mounting a 2 MB tmpfs needs root ($(id -un): $(head -1 "$tmp/mount.log" 2>/dev/null))"
else
    trap 'umount "$full" 2>/dev/null; rm -rf "$tmp"' EXIT
    full_run=(sft "${tiny[@]}" --steps 8 --set run.saveEvery=1 --set run.keepCheckpoints=0 --run-dir "$full/run")
    $MPIRUN -n 2 "$launcher" "${full_run[@]}" > "$tmp/full.log" 2>&1
    code=$?
    newest=$(find "$full/run/checkpoints" -name 'step-*.h5' | sort | tail -1)
    if [ "$code" -ne 0 ] && grep -q "not written: the file system holding $full/run/checkpoints is full" "$tmp/full.log" \
        && [ -n "$newest" ] && [ "$(find "$full/run/checkpoints" -name '.*.tmp-*' | wc -l)" -eq 0 ] \
        && "$launcher" inspect "$newest" > /dev/null 2>&1; then
        pass "disk-full-checkpoint-names-the-folder (exit $code; $(basename "$newest") loads; no partial file)"
    else
        fail "disk-full-checkpoint-names-the-folder" "exit $code: $(grep -m1 failed "$tmp/full.log") $(ls -a "$full/run/checkpoints" | tr '\n' ' ')"
    fi
    # An output file that exists keeps its bytes; a new output folder is refused the same way.
    rm -f "$newest"
    echo '{"vocab_size": 300, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 1}' > "$tmp/tiny.json"
    "$launcher" init --config "$tmp/tiny.json" --out "$full/model.h5" > /dev/null 2>&1
    before=$(sha256sum < "$full/model.h5" 2>/dev/null)
    head -c 4M /dev/zero > "$full/filler" 2>/dev/null
    "$launcher" init --config "$tmp/tiny.json" --seed 9 --out "$full/model.h5" > "$tmp/full-init.log" 2>&1
    code=$?
    if [ "$code" -ne 0 ] && [ -n "$before" ] && [ "$(sha256sum < "$full/model.h5")" = "$before" ] \
        && grep -q "the file system holding $full is full" "$tmp/full-init.log"; then
        pass "disk-full-output-file-keeps-the-old-one ($(head -1 "$tmp/full-init.log" | cut -c1-160))"
    else
        fail "disk-full-output-file-keeps-the-old-one" "exit $code: $(head -2 "$tmp/full-init.log" | tr '\n' ' ')"
    fi
    "$launcher" data generate --count 2000 --out "$full/data" > "$tmp/full-data.log" 2>&1
    code=$?
    if [ "$code" -ne 0 ] && grep -q "the file system holding $full/data/[a-z_]* is full" "$tmp/full-data.log"; then
        pass "disk-full-output-folder-names-it ($(head -1 "$tmp/full-data.log" | cut -c1-160))"
    else
        fail "disk-full-output-folder-names-it" "exit $code: $(head -2 "$tmp/full-data.log" | tr '\n' ' ')"
    fi
    rm -f "$full/filler" "$full/model.h5"; rm -rf "$full/data"
    mount -o remount,size=16m "$full"
    if $MPIRUN -n 2 "$launcher" "${full_run[@]}" --resume latest >> "$tmp/full.log" 2>&1 && [ -s "$full/run/checkpoints/final.h5" ]; then
        pass "disk-full-then-resume-latest-finishes"
    else
        fail "disk-full-then-resume-latest-finishes" "$(tail -2 "$tmp/full.log" | tr '\n' ' ')"
    fi
    umount "$full"
fi

exit "$failures"
