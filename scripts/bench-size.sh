#!/usr/bin/env bash
# What one EGPO step of a Qwen2.5-0.5B-shaped policy (its real config.json, random weights)
# costs on this machine: `launcher bench step --model-config` at 1 rank, and at 2 ranks with and
# without ZeRO-1, each printing seconds per phase, tokens/s and every rank's peak resident
# memory next to the launcher's estimate. A configuration the estimate says cannot fit is
# refused before anything is allocated, and that refusal is part of the result.
# Env: MPIRUN, SIZE_PROMPTS (2), SIZE_GROUP (4), SIZE_TOKENS (32), SIZE_MICRO (4), SIZE_STEPS (1),
#      SIZE_CONFIG (scripts/bench/qwen2.5-0.5b-config.json), SIZE_OUT (a temporary folder).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
launcher=.build/release/launcher
mpirun=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}
config=${SIZE_CONFIG:-scripts/bench/qwen2.5-0.5b-config.json}
out=${SIZE_OUT:-$(mktemp -d /tmp/egpo-size.XXXXXX)}
mkdir -p "$out"
[ -x "$launcher" ] || { echo "bench-size: $launcher missing; run 'swift build -c release'" >&2; exit 1; }
args=(bench step --model-config "$config" --prompts "${SIZE_PROMPTS:-2}" --group "${SIZE_GROUP:-4}"
      --max-tokens "${SIZE_TOKENS:-32}" --micro-batch "${SIZE_MICRO:-4}" --steps "${SIZE_STEPS:-1}" --beta 0.001)
echo "bench-size: $config, ${SIZE_PROMPTS:-2} prompts x ${SIZE_GROUP:-4} completions of <= ${SIZE_TOKENS:-32} tokens, micro-batch ${SIZE_MICRO:-4}; $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB"
for run in "1 0" "2 0" "2 1"; do
    set -- $run
    echo "== $1 rank(s), zero $2"
    OPENBLAS_NUM_THREADS=1 $mpirun -n "$1" "$launcher" "${args[@]}" --zero "$2" 2>&1 | tee "$out/ranks$1-zero$2.txt" | grep -v '^\[' 
done
echo "bench-size: raw outputs in $out"
