#!/usr/bin/env bash
# Speed and memory at a real model's size (issue 18): `launcher bench step` on SmolLM2-135M's shape
# (hidden 576, 30 layers, 9/3 heads, MLP 1536, vocabulary 49,152, tied; random weights), 8 prompts x
# G 8 (BFCL simple_python prompts in its ChatML template when `make smollm2` has run; see
# scripts/bench-real-shape.sh), at most 128 completion tokens, micro-batch 8, one thread, in four settings in one run: fp32
# and bf16, every weight trained and LoRA rank 16 on every linear layer; then `launcher bench gemm`
# on the same layer shapes, the bf16 rate the step is measured against. Prints each run's table and
# a summary with the ratios. BENCH_STEPS (timed steps after a warm-up, default 1) and
# BENCH_SETTINGS ("fp32:0 bf16:0 fp32:16 bf16:16", precision:lora-rank) override; BENCH_GROUP and
# BENCH_MAX_TOKENS shrink it for a quick check; BENCH_OUT keeps the raw JSON in that folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
launcher="$root/.build/release/launcher"
[ -x "$launcher" ] || { echo "bench-precision: build the release launcher first (make release)" >&2; exit 1; }
source "$root/scripts/bench-real-shape.sh"
steps="${BENCH_STEPS:-1}"
if [ -n "${BENCH_OUT:-}" ]; then out="$BENCH_OUT"; mkdir -p "$out"; else out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT; fi
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
summary=()
for setting in ${BENCH_SETTINGS:-fp32:0 bf16:0 fp32:16 bf16:16}; do
    precision="${setting%%:*}" rank="${setting##*:}"
    echo "== $precision, $([ "$rank" = 0 ] && echo "every weight trained" || echo "LoRA rank $rank")"
    "$launcher" bench step "${shape[@]}" --prompts 8 --group "${BENCH_GROUP:-8}" --max-tokens "${BENCH_MAX_TOKENS:-128}" --micro-batch 8 --threads 1 \
        --steps "$steps" --precision "$precision" --lora-rank "$rank" --json | tee "$out/$setting.json"
    summary+=("$setting")
done
echo "== bench gemm (the same layer shapes, this run)"
"$launcher" bench gemm --threads 1 --json | tee "$out/gemm.json"
python3 - "$out" "${summary[@]}" <<'PY'
import json, sys, os
out, settings = sys.argv[1], sys.argv[2:]
gemm = [json.loads(l) for l in open(os.path.join(out, "gemm.json")) if l.startswith("{")]
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

# The products' achieved rate against `bench gemm`'s rate in this run for the precision the step
# computed in (its JSON's "precision": bf16, or fp32 for fp32 settings and for bf16 asked on a CPU
# without bf16 instructions): bf16 with the rounding of x, as layers do, or fp32 sgemm. The
# training forward (scoring) and backward at 512-row shapes, sampling at 64 rows.
# FLOPs are the linear maps' and the head's (matmul_flop_per_token per token; attention's own
# products not counted): the forward runs each prompt once per group plus every completion token;
# the backward twice that with every weight trained, once with a frozen base (LoRA: input
# gradients only); sampling runs the prompts once and every completion token, 64 rows a step.
def rate(rows, precision):
    column = "bf16_with_rounding_gflops" if precision == "bf16" else "fp32_gflops"
    xs = [g[column] for g in gemm if g["rows"] == rows]
    return sum(xs) / len(xs) if xs else float("nan")
# The second line of each setting counts attention's products too (q k^T and the weights times v
# over the causal pairs: each prompt's own, and each completion token against its prompt and the
# completion before it; the backward's four products are twice the forward's), as model-FLOPs
# utilisation usually does: the step spends their time in the same kernels.
print(f"\nproducts against the GEMM rate of this run in the step's precision (GFLOP/s at 512 and 64 rows)")
print(f"{'setting':<12} {'computed in':>11} {'rates':>11} {'FLOPs':>10} {'forward TFLOP':>13} {'scoring':>8} {'backward':>9} {'sampling (decode bound)':>24}")
for s, r in rows.items():
    if "matmul_flop_per_token" not in r:
        continue
    train_rate, decode_rate = rate(512, r["precision"]), rate(64, r["precision"])
    L, G, n = r["completion_tokens_mean"], r["group"], r["prompts"]
    tokens = r["prompt_tokens"] + n * G * L
    linear = tokens * r["matmul_flop_per_token"]
    pairs = r.get("prompt_causal_pairs", 0) + G * (L * r["prompt_tokens"] + n * L * (L + 1) / 2)
    attention = pairs * r.get("attention_flop_per_key", 0)
    linear_backward = linear * (1 if r["lora_rank"] > 0 else 2)
    counted = [("linear", linear, linear_backward)]
    if attention > 0:
        counted.append(("+attention", linear + attention, linear_backward + 2 * attention))
    for label, flop, backward in counted:
        f_score = flop / 1e9 / r["scoring_seconds"] / train_rate
        f_back = backward / 1e9 / r["backward_seconds"] / train_rate
        f_sample = flop / 1e9 / decode_rate / r["sampling_seconds"]
        print(f"{s:<12} {r['precision']:>11} {train_rate:5.0f}/{decode_rate:<5.0f} {label:>10} {flop / 1e12:13.2f} {f_score:8.2f} {f_back:9.2f} {f_sample:24.2f}")
PY
