#!/usr/bin/env bash
# Speed and memory at a real model's size (issue 18): `launcher bench step` on SmolLM2-135M's shape
# (hidden 576, 30 layers, 9/3 heads, MLP 1536, vocabulary 49,152, tied; random weights), 8 prompts x
# G 8, at most 128 completion tokens, micro-batch 8, one thread, in four settings in one run: fp32
# and bf16, every weight trained and LoRA rank 16 on every linear layer; then `launcher bench gemm`
# on the same layer shapes, the bf16 rate the step is measured against. Prints each run's table and
# a summary with the ratios. BENCH_STEPS (timed steps after a warm-up, default 1) and
# BENCH_SETTINGS ("fp32:0 bf16:0 fp32:16 bf16:16", precision:lora-rank) override.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
launcher="$root/.build/release/launcher"
config="$root/Tests/EGPODistributedTests/Fixtures/smollm2/folder-config.json"
[ -x "$launcher" ] || { echo "bench-precision: build the release launcher first (make release)" >&2; exit 1; }
steps="${BENCH_STEPS:-1}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
summary=()
for setting in ${BENCH_SETTINGS:-fp32:0 bf16:0 fp32:16 bf16:16}; do
    precision="${setting%%:*}" rank="${setting##*:}"
    echo "== $precision, $([ "$rank" = 0 ] && echo "every weight trained" || echo "LoRA rank $rank")"
    "$launcher" bench step --model-config "$config" --prompts 8 --group 8 --max-tokens 128 --micro-batch 8 --threads 1 \
        --steps "$steps" --precision "$precision" --lora-rank "$rank" --json | tee "$out/$setting.json"
    summary+=("$setting")
done
echo "== bench gemm (the same layer shapes, this run)"
"$launcher" bench gemm --threads 1
python3 - "$out" "${summary[@]}" <<'PY'
import json, sys, os
out, settings = sys.argv[1], sys.argv[2:]
rows = {}
for s in settings:
    try:
        rows[s] = json.loads(open(os.path.join(out, s + ".json")).read().strip().splitlines()[-1])
    except Exception:
        pass
if not rows:
    sys.exit(0)
base = rows.get("fp32:0")
print("\nsummary (medians; ratio = fp32 full step / this step)")
print(f"{'setting':<12} {'step s':>8} {'sampling':>9} {'scoring':>8} {'reference':>10} {'backward':>9} {'tok/s':>7} {'peak GB':>8} {'ratio':>6}  logp gap")
for s, r in rows.items():
    ratio = base["step_seconds_median"] / r["step_seconds_median"] if base else float("nan")
    print(f"{s:<12} {r['step_seconds_median']:8.1f} {r['sampling_seconds']:9.1f} {r['scoring_seconds']:8.1f} {r['reference_seconds']:10.1f} "
          f"{r['backward_seconds']:9.1f} {r['tokens_per_second']:7.1f} {r['peak_rss_bytes_max'] / 1e9:8.2f} {ratio:6.2f}  {r['logp_gap_max']:.1e}")
PY
