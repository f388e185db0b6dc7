#!/usr/bin/env bash
# The recipe of issue 19: SmolLM2-135M-Instruct trained for BFCL on generated tasks (never BFCL's),
# then EGPO and GRPO from the same SFT checkpoint, then BFCL's categories evaluated as training
# rendered them. `make smollm2-bfcl` runs every stage; `scripts/smollm2-bfcl.sh STAGE` one of them.
# Each stage is one launcher command (printed before it runs), skips what is already done, and the
# long ones are resumable: SFT and RL run in slices with STOP_AFTER=N (`--stop-after N`) and
# continue with `--resume latest` on the next call, so a later session or a SLURM allocation picks
# them up where they stopped.
#
# Stages (in order): base data sft sft-eval filter rl eval
#   base      SmolLM2-135M-Instruct with <think> and </think> added (the embedding grows by two mean rows)
#   data      generated tasks (1,139 functions in 40 domains): SFT set, RL pool, dev set; stage-1 rules
#   sft       LoRA 16 + the markers' rows, bf16, configs/smollm2-sft.yaml
#   sft-eval  the SFT model on the dev set (its own format)
#   filter    stage 2: the RL pool's tasks the SFT model solves sometimes but not always (k = 8)
#   rl        EGPO (lambda 0.4) and GRPO (lambda 0) for each seed in SEEDS, configs/smollm2-egpo.yaml
#   eval      BFCL categories with --format bfcl-think (EVAL_SAMPLE tasks per category) for the
#             SFT checkpoint and every finished RL run; with EVAL_BASE=1 also the base in BFCL's
#             plain prompting mode
#
# Environment: RUN (folder, default runs/smollm2-bfcl), RANKS (mpirun -n, default 2), SEEDS
# (default "1 2"), STOP_AFTER (steps per call of sft/rl; default: to the end), EVAL_SAMPLE
# (default 50), EVAL_CATEGORIES, EGPO_CACHE.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
launcher="${LAUNCHER:-$root/.build/release/launcher}"
run="${RUN:-$root/runs/smollm2-bfcl}"
ranks="${RANKS:-2}"
seeds="${SEEDS:-1 2}"
sample="${EVAL_SAMPLE:-50}"
categories="${EVAL_CATEGORIES:-simple_python simple_java simple_javascript multiple parallel parallel_multiple irrelevance live_simple live_multiple live_parallel live_parallel_multiple live_irrelevance}"
cache="${EGPO_CACHE:-$HOME/.cache/egpo}/smollm2"
gguf="$cache/SmolLM2-135M-Instruct.Q4_1.gguf"
base="$cache/SmolLM2-135M-Instruct-think.h5"
mpirun=(mpirun --allow-run-as-root --oversubscribe -n "$ranks")
mix="0.25,0.2,0.12,0.12,0.13,0.04,0.07,0.07"
export OPENBLAS_NUM_THREADS=1

say() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
die() { echo "smollm2-bfcl: $*" >&2; exit 1; }
[ -x "$launcher" ] || die "$launcher not found; run make release first"
mkdir -p "$run"

# A resumable launcher run: resumes when the folder has a checkpoint, stops after STOP_AFTER steps.
sliced() {
    local dir="$1"; shift
    local args=("$@" --run-dir "$dir")
    [ -n "${STOP_AFTER:-}" ] && args+=(--stop-after "$STOP_AFTER")
    if [ -f "$dir/checkpoints/final.h5" ]; then echo "done already: $dir/checkpoints/final.h5"; return 0; fi
    if ls "$dir"/checkpoints/step-*.h5 > /dev/null 2>&1; then args+=(--resume latest); fi
    show "${mpirun[@]}" "$launcher" "${args[@]}"   # a --stop-after stop exits 0 with a resumable checkpoint
}

stage_base() {
    say "base: SmolLM2-135M-Instruct with the think markers"
    [ -f "$gguf" ] || die "$gguf is missing: run make smollm2 first"
    if [ -f "$base" ]; then echo "have $base"; else
        show "$launcher" import --from "$gguf" --out "$base" --add-token '<think>' --add-token '</think>'
    fi
}

stage_data() {
    say "data: generated tasks (not BFCL), then the stage-1 rules"
    local d="$run/data"
    mkdir -p "$d"
    [ -d "$d/sft-raw" ] || show "$launcher" data generate --catalog generated --out "$d/sft-raw" --count 4000 --seed 11 --mix "$mix"
    [ -d "$d/sft" ] || show "$launcher" data validate --data-dir "$d/sft-raw" --out "$d/sft"
    [ -d "$d/rl-pool" ] || show "$launcher" data generate --catalog generated --out "$d/rl-pool" --count 600 --seed 13 --mix "$mix"
    [ -d "$d/dev" ] || show "$launcher" data generate --catalog generated --out "$d/dev" --count 300 --seed 12 --mix "$mix"
    show "$launcher" data stats --data-dir "$d/sft" --model "$base" --chat-template chatml --prompt-style bfcl-think
}

stage_sft() {
    say "sft: LoRA 16 and the think markers' rows, bf16, BFCL's prompt with a think block"
    sliced "$run/sft" sft --config "$root/configs/smollm2-sft.yaml" --set "model.checkpoint=$base" --set "data.train=$run/data/sft"
}

stage_sft_eval() {
    say "sft-eval: the SFT model on the generated dev set"
    [ -f "$run/eval/sft-dev/scores.json" ] && { echo "done already"; return 0; }
    show "${mpirun[@]}" "$launcher" eval --checkpoint "$run/sft/checkpoints/final.h5" --data "$run/data/dev" --out "$run/eval/sft-dev" \
        --max-tokens 320 --precision bf16
}

stage_filter() {
    say "filter: the RL pool's tasks the SFT model solves sometimes but not always"
    [ -d "$run/data/rl" ] && { echo "done already: $run/data/rl"; return 0; }
    show "${mpirun[@]}" "$launcher" data filter --checkpoint "$run/sft/checkpoints/final.h5" --data-dir "$run/data/rl-pool" --k 8 \
        --temperature 0.7 --max-tokens 256 --out "$run/data/rl"
}

stage_rl() {
    for seed in $seeds; do
        for method in egpo grpo; do
            local lambda=0.4
            [ "$method" = grpo ] && lambda=0
            say "rl: $method seed $seed (egpo.lambda $lambda)"
            sliced "$run/$method-s$seed" train --config "$root/configs/smollm2-egpo.yaml" \
                --set "model.checkpoint=$run/sft/checkpoints/final.h5" --set "data.train=$run/data/rl" \
                --set "data.heldOut=$run/data/dev" --set "run.seed=$seed" --set "egpo.lambda=$lambda"
        done
    done
}

# One BFCL evaluation: $1 name, $2 checkpoint, $3 format (bfcl-think or bfcl).
evaluate() {
    local name="$1" checkpoint="$2" format="$3" category
    for category in $categories; do
        local out="$run/eval/$name/$category"
        [ -f "$out/scores.json" ] && continue
        show "${mpirun[@]}" "$launcher" eval --checkpoint "$checkpoint" --data "bfcl:$category" --format "$format" \
            --chat-template chatml --sample "$sample" --sample-seed 0 --max-tokens 320 --precision bf16 --out "$out"
    done
}

stage_eval() {
    say "eval: BFCL categories, $sample tasks each (seed 0), as training rendered them"
    # The base in BFCL's plain prompting mode (docs/results.md has it on more tasks): EVAL_BASE=1.
    [ "${EVAL_BASE:-0}" = 1 ] && evaluate base-plain "$base" bfcl
    [ -f "$run/sft/checkpoints/final.h5" ] && evaluate sft "$run/sft/checkpoints/final.h5" bfcl-think
    for seed in $seeds; do
        for method in egpo grpo; do
            local final="$run/$method-s$seed/checkpoints/final.h5"
            [ -f "$final" ] && evaluate "$method-s$seed" "$final" bfcl-think
        done
    done
}

stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(base data sft sft-eval filter rl eval)
for s in "${stages[@]}"; do
    case "$s" in
        base|data|sft|sft-eval|filter|rl|eval) "stage_${s//-/_}" ;;
        *) die "unknown stage $s (stages: base data sft sft-eval filter rl eval)" ;;
    esac
done
