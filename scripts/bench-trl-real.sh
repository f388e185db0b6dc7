#!/usr/bin/env bash
# TRL's GRPOTrainer on the shape scripts/bench-precision.sh measures (SmolLM2-135M: random
# weights, the same 8 prompts x G 8, at most 128 completion tokens, micro-batch 8 (gradient
# accumulation over the 64; with all 64 at once TRL's bf16 LoRA step was killed by the OOM killer at
# 24.3 GB on this 24 GB machine), one thread): fp32, bf16
# (GRPOConfig(bf16=True)) and bf16 with a peft LoRA of rank 16 on every linear layer, TRL's fastest
# CPU configuration here. `launcher bench step --export` writes the config, tokenizer and prompts;
# scripts/bench_trl.py runs TRL on them. Needs the reference venv (scripts/python-env.sh); skips,
# saying so, without it. BENCH_STEPS (timed steps after one warm-up, default 1) and
# TRL_SETTINGS ("fp32:0 bf16:0 bf16:16") override.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
launcher="$root/.build/release/launcher"
[ -x "$launcher" ] || { echo "bench-trl-real: build the release launcher first (make release)" >&2; exit 1; }
source "$root/scripts/bench-real-shape.sh"
python="${PYTHON:-}"
if [ -z "$python" ]; then
    python="$("$root/scripts/python-env.sh" 2>/dev/null)" || { echo "SKIP bench-trl-real: no reference venv (scripts/python-env.sh failed)"; exit 0; }
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# The export only needs the prompts and shapes: one short step writes them.
"$launcher" bench step "${shape[@]}" --prompts 8 --group 8 --max-tokens 1 --micro-batch 8 --threads 1 --steps 1 \
    --export "$out" > /dev/null
for setting in ${TRL_SETTINGS:-fp32:0 bf16:0 bf16:16}; do
    precision="${setting%%:*}" rank="${setting##*:}"
    flags=(--lora-rank "$rank")
    [ "$precision" = bf16 ] && flags+=(--bf16)
    echo "== TRL GRPOTrainer, $precision, $([ "$rank" = 0 ] && echo "every weight trained" || echo "peft LoRA rank $rank")"
    "$python" "$root/scripts/bench_trl.py" --config "$out/config.json" --tokenizer "$out/tokenizer.json" --prompts "$out/prompts.jsonl" \
        --steps "${BENCH_STEPS:-1}" --warmup 1 --threads 1 --micro-batch 8 --json "${flags[@]}" "${trlTokens[@]}" 2>"$out/trl-$setting.log" \
        | tee "$out/trl-$setting.json" || { echo "bench_trl failed:"; tail -5 "$out/trl-$setting.log"; }
done
