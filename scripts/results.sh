#!/usr/bin/env bash
# docs/results.md's runs: GRPO (lambda 0) and EGPO (lambda 0.4) from the shipped SFT checkpoint,
# the same budget for both (STEPS, default 60, the demo; steps of 8 prompts x 8 completions), seeds 1, 2 and 3, each followed by
# the held-out evaluation (500 unseen tasks). The SFT-alone row is the runs' "before" evaluation
# (greedy, so the same for every seed). Runs on RANKS ranks (default 2): the parameters do not
# depend on the world size. Usage: scripts/results.sh [OUT_DIR]   (about 6 x 8 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/results}
ranks=${RANKS:-2}
steps=${STEPS:-60}
mpirun=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}
mkdir -p "$out"
for seed in 1 2 3; do
    for lambda in 0.4 0; do
        name=$([ "$lambda" = 0 ] && echo grpo || echo egpo)-seed$seed
        before=$([ "$seed" = 1 ] && [ "$lambda" = 0.4 ] && echo true || echo false)
        echo "== $name"
        OPENBLAS_NUM_THREADS=1 $mpirun -n "$ranks" .build/release/launcher train --seed "$seed" --steps "$steps" --run-dir "$out/$name" \
            --set egpo.lambda="$lambda" --set eval.before="$before" > "$out/$name.log" 2>&1
        tail -2 "$out/$name.log"
    done
done
.venv/bin/python scripts/results_table.py "$out"
