#!/usr/bin/env bash
# `make bench-eval`: the evaluation's sampling of SmolLM2-135M-Instruct on BFCL prompts against
# transformers' `generate` on the same prompt ids, in one run, back to back, at the same thread
# count; prints both and the ratio, and ours against the weight-read bound. Skips (saying why)
# when the cached model or the Python environment is missing.
# Env: BENCH_THREADS (default 1), BENCH_TASKS (default 20), BENCH_MAX_TOKENS (64), BENCH_BATCH (16),
# BENCH_PRECISION (fp32, or bf16: ours with --precision bf16 against transformers in bfloat16),
# BENCH_DATA (bfcl:simple_python), BENCH_FLAGS (more `launcher bench eval` flags, e.g.
# --no-shared-prefix), BENCH_OUT (directory for the raw outputs, default a temporary
# one), EGPO_CACHE (default ~/.cache/egpo), PYTHON (an interpreter with torch, transformers and
# gguf; default: scripts/python-env.sh's).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
launcher=.build/release/launcher
threads=${BENCH_THREADS:-1}
tasks=${BENCH_TASKS:-20}
maxTokens=${BENCH_MAX_TOKENS:-64}
batch=${BENCH_BATCH:-16}
data=${BENCH_DATA:-bfcl:simple_python}
cache="${EGPO_CACHE:-$HOME/.cache/egpo}/smollm2"
model="$cache/SmolLM2-135M-Instruct.h5"
gguf="$cache/SmolLM2-135M-Instruct.Q4_1.gguf"
out=${BENCH_OUT:-$(mktemp -d /tmp/egpo-bench-eval.XXXXXX)}
mkdir -p "$out"
[ -x "$launcher" ] || { echo "bench-eval: $launcher missing; run 'swift build -c release' (make bench-eval does)" >&2; exit 1; }

echo "== evaluation sampling: SmolLM2-135M-Instruct, $data, $tasks tasks, <= $maxTokens new tokens, $threads thread(s), ${BENCH_PRECISION:-fp32}"
if [ ! -f "$model" ] || [ ! -f "$gguf" ]; then
    echo "skipped: needs $model and $gguf ('make smollm2' fetches and imports them)"
    exit 0
fi
uptime
OPENBLAS_NUM_THREADS=$threads "$launcher" bench eval --checkpoint "$model" --data "$data" --limit "$tasks" \
    --max-tokens "$maxTokens" --batch "$batch" --threads "$threads" --precision "${BENCH_PRECISION:-fp32}" ${BENCH_FLAGS:-} --export "$out/prompts.jsonl" --json | tee "$out/ours.json" \
    || { echo "bench eval failed"; exit 1; }

python=${PYTHON:-}
if [ -z "$python" ] && ! python=$(scripts/python-env.sh); then
    echo "skipped transformers: no Python environment with torch, transformers and gguf (scripts/python-env.sh said why)"
    exit 0
fi
# transformers' progress bars go to a file; shown only if the script fails.
torchFlags=()
[ "${BENCH_PRECISION:-fp32}" = bf16 ] && torchFlags+=(--bf16)
OMP_NUM_THREADS=$threads "$python" scripts/bench_eval_torch.py --gguf "$gguf" --prompts "$out/prompts.jsonl" --threads "$threads" "${torchFlags[@]}" \
    2>"$out/transformers.err" | tee "$out/transformers.json"
[ "${PIPESTATUS[0]}" = 0 ] || { tail -20 "$out/transformers.err"; echo "bench_eval_torch.py failed"; exit 1; }
uptime

"$python" - "$out/ours.json" "$out/transformers.json" <<'PY'
import json, sys
ours, theirs = (json.loads(open(p).read().strip().splitlines()[-1]) for p in sys.argv[1:3])
r = ours["tokens_per_second"] / theirs["tokens_per_second"]
rc = theirs["cpu_seconds"] / ours["cpu_seconds"]
print(f"ours:         {ours['completion_tokens']} completion tokens in {ours['seconds']:.2f} s = {ours['tokens_per_second']:.1f} tokens/s "
      f"(prefill {ours['prefill_seconds']:.2f} s for {ours['prompt_tokens']} prompt tokens, decode {ours['decode_seconds']:.2f} s; median of {ours['repeats']})")
print(f"transformers: {theirs['completion_tokens']} completion tokens in {theirs['seconds']:.2f} s = {theirs['tokens_per_second']:.1f} tokens/s "
      f"(torch {theirs['torch']}, {theirs.get('dtype', 'float32')}, batch 1)")
print(f"CPU seconds: ours {ours['cpu_seconds']:.2f}, transformers {theirs['cpu_seconds']:.2f}: {rc:.2f}x "
      "(the machine is shared: CPU time is the steadier comparison when neighbours come and go)")
print(f"ratio: {r:.2f}x transformers in wall time (target >= 5x: {'met' if r >= 5 else 'MISSED'}); "
      f"same completions: {theirs['same_completions']} of {theirs['tasks']}"
      + (f", first difference {theirs['first_difference']}" if theirs['first_difference'] else ""))
print(f"weight-read bound: {ours['weight_bytes'] / 1e6:.0f} MB at {ours['read_bandwidth_bytes_per_second'] / 1e9:.1f} GB/s = "
      f"{ours['bound_steps_per_second']:.1f} decode steps/s; ours {ours['decode_steps_per_second']:.1f} steps/s "
      f"({100 * ours['decode_steps_per_second'] / ours['bound_steps_per_second']:.0f}%), {ours['decode_tokens_per_second']:.1f} decode tokens/s "
      f"over batches of up to {ours['batch']}")
PY
echo "raw outputs in $out"
