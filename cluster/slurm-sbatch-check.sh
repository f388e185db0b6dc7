#!/usr/bin/env bash
# Checks cluster/slurm.sbatch without SLURM, run by run-multirank-tests.sh: `srun` and `scontrol`
# are stand-ins on PATH (srun starts the ranks with cluster/mpirun.sh, which like srun passes a
# SIGTERM it receives on to every rank; scontrol records its arguments), and the script runs as
# SLURM would run it, with SLURM_JOB_ID, SLURM_NTASKS and SLURM_SUBMIT_DIR set.
#   1. `sft` without --run-dir is refused with a one-line reason, before anything starts.
#   2. SIGTERM to the batch script (--signal=B:TERM): the ranks save and exit 0, the script
#      requeues the job (scontrol requeue JOBID) and exits 0.
#   3. The requeued job (the same command) adds --resume latest, finishes the run and does not
#      requeue again; its result is bitwise that of an uninterrupted run.
# Usage: slurm-sbatch-check.sh LAUNCHER
set -uo pipefail
# shellcheck source=multirank-lib.sh
source "$(dirname "$0")/multirank-lib.sh" "$1"
repo=$(cd "$(dirname "$0")/.." && pwd)
tiny+=(--set data.trainTasks=64 --set sft.optimizer.schedule=cosine)

mkdir -p "$tmp/bin"
cat > "$tmp/bin/srun" <<STUB
#!/usr/bin/env bash
echo "srun \$*" >> "$tmp/srun.calls"
while [ "\${1#-}" != "\$1" ]; do shift; done
LAUNCHER=\$1; shift
LAUNCHER=\$LAUNCHER exec "$repo/cluster/mpirun.sh" -n "\$SLURM_NTASKS" -- "\$@"
STUB
printf '#!/bin/sh\necho "scontrol $*" >> "%s"\n' "$tmp/scontrol.calls" > "$tmp/bin/scontrol"
chmod +x "$tmp/bin/srun" "$tmp/bin/scontrol"
touch "$tmp/srun.calls" "$tmp/scontrol.calls"

# sbatch NAME ARGS...: the batch script as SLURM runs it (log $tmp/NAME.log, its pid in $tmp/NAME.pid).
sbatch() {
    local name=$1; shift
    # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
    PATH="$tmp/bin:$PATH" SLURM_JOB_ID=4242 SLURM_NTASKS=2 SLURM_SUBMIT_DIR="$repo" LAUNCHER="$launcher" \
        bash -c 'echo $$ > "$0"; exec bash "$1/cluster/slurm.sbatch" "${@:2}"' "$tmp/$name.pid" "$repo" "$@" >> "$tmp/$name.log" 2>&1
}

echo "== slurm.sbatch sft without --run-dir"
if sbatch no-run-dir sft "${tiny[@]}" --steps 2; then
    fail "sbatch-needs-run-dir" "exit 0"
elif [ -s "$tmp/srun.calls" ] || ! grep -q -- "sft needs --run-dir" "$tmp/no-run-dir.log"; then
    fail "sbatch-needs-run-dir" "$(tr '\n' ' ' < "$tmp/no-run-dir.log"); srun calls: $(wc -l < "$tmp/srun.calls")"
else
    pass "sbatch-needs-run-dir ($(cat "$tmp/no-run-dir.log"))"
fi

echo "== slurm.sbatch sft, SIGTERM to the batch script, then the requeued job"
steps=(--steps 20)
$MPIRUN -n 2 "$launcher" sft "${tiny[@]}" "${steps[@]}" --run-dir "$tmp/straight" > "$tmp/straight.log" 2>&1 || fail straight "exit $?"
sbatch job sft "${tiny[@]}" "${steps[@]}" --run-dir "$tmp/run" &
job=$!
for _ in $(seq 1 600); do
    [ -s "$tmp/run/metrics.jsonl" ] && [ -s "$tmp/job.pid" ] && break
    sleep 0.05
done
kill -TERM "$(cat "$tmp/job.pid")"
wait "$job"; code=$?
stopped=$(grep -o 'stopped by SIGUSR1 after step [0-9]*' "$tmp/job.log" | grep -o '[0-9]*$')
if [ "$code" -eq 0 ] && [ -n "$stopped" ] && [ "$stopped" -lt 20 ] && grep -qx "scontrol requeue 4242" "$tmp/scontrol.calls" \
    && [ ! -f "$tmp/run/checkpoints/final.h5" ]; then
    pass "sbatch-sigterm-saves-and-requeues (stopped after step $stopped of 20; $(cat "$tmp/scontrol.calls"))"
else
    fail "sbatch-sigterm-saves-and-requeues" "exit $code, stopped after '${stopped}', scontrol: '$(tr '\n' ' ' < "$tmp/scontrol.calls")': $(tail -3 "$tmp/job.log" | tr '\n' ' ')"
fi
: > "$tmp/job.log"
SLURM_RESTART_COUNT=1 sbatch job sft "${tiny[@]}" "${steps[@]}" --run-dir "$tmp/run"; code=$?
if [ "$code" -eq 0 ] && grep -q "adding --resume latest" "$tmp/job.log" && grep -q "^resume: from .*step-0000" "$tmp/job.log" \
    && [ "$(grep -c requeue "$tmp/scontrol.calls")" -eq 1 ] && tail -1 "$tmp/srun.calls" | grep -q -- "--resume latest$"; then
    pass "sbatch-requeued-job-resumes ($(grep -m1 '^resume: from' "$tmp/job.log" | cut -c1-100))"
else
    fail "sbatch-requeued-job-resumes" "exit $code: $(grep -E 'slurm.sbatch|resume' "$tmp/job.log" | tr '\n' ' ') scontrol: $(tr '\n' ' ' < "$tmp/scontrol.calls")"
fi
if out=$("$launcher" compare-models "$tmp/straight/checkpoints/final.h5" "$tmp/run/checkpoints/final.h5" --tolerance 0 2>&1); then
    pass "sbatch-requeued-equals-straight ($(tr '\n' ' ' <<< "$out"))"
else
    fail "sbatch-requeued-equals-straight" "$(tr '\n' ' ' <<< "$out")"
fi
exit "$failures"
