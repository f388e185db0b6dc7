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

exit "$failures"
