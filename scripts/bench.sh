#!/usr/bin/env bash
# `make bench`: communicator, model and tokenizer benchmarks of the release build, the same
# training step and decoding in PyTorch (transformers' LlamaForCausalLM, CPU) with the same
# thread count, and the speed ratios. Parts whose subcommand is not built yet are skipped with
# a message. Env: MPIRUN (set by the Makefile), BENCH_THREADS (default 1), BENCH_OUT (directory
# for the raw outputs, default a temporary one).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
launcher=.build/release/launcher
mpirun=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}
threads=${BENCH_THREADS:-1}
out=${BENCH_OUT:-$(mktemp -d /tmp/egpo-bench.XXXXXX)}
mkdir -p "$out"
[ -x "$launcher" ] || { echo "bench: $launcher missing; run 'swift build -c release' (make bench does)" >&2; exit 1; }

# True when `launcher WORD...` exists: each word must be listed among the subcommands of the
# previous level's help (ArgumentParser answers `--help` with exit 0 even after unknown words).
has() {
    local command=("$launcher") word
    for word in "$@"; do
        "${command[@]}" --help 2>/dev/null | grep -qE "^  +$word( |$)" || return 1
        command+=("$word")
    done
}

echo "== communicator (bench comm)"
if has bench comm; then
    for n in 2 4 8; do
        echo "-- $n ranks"
        OPENBLAS_NUM_THREADS=1 $mpirun -n "$n" "$launcher" bench comm || echo "bench comm with $n ranks failed (exit $?)"
    done
else
    echo "skipped: 'launcher bench comm' is not built yet"
fi

echo "== tokenizer (tokenizer bench)"
bfcl="$root/../shared/bfcl/data"
if has tokenizer bench && [ -d "$bfcl" ]; then
    cat "$bfcl"/*.json > "$out/corpus.txt"
    "$launcher" tokenizer train --corpus "$out/corpus.txt" --vocab-size 2048 --out "$out/tokenizer.json"
    "$launcher" tokenizer bench --tokenizer "$out/tokenizer.json" --corpus "$out/corpus.txt" --repeats 5
else
    echo "skipped: needs 'launcher tokenizer bench' and ../shared/bfcl/data for a corpus"
fi

echo "== model (bench model --json, $threads thread(s))"
ours=""
if has bench model; then
    if OPENBLAS_NUM_THREADS=$threads "$launcher" bench model --json | tee "$out/ours.json"; then
        ours="$out/ours.json"
    else
        echo "bench model failed"
    fi
else
    echo "skipped: 'launcher bench model' is not built yet"
fi

echo "== PyTorch reference (scripts/bench_torch.py, $threads thread(s))"
theirs=""
if python=$(scripts/python-env.sh); then
    if OMP_NUM_THREADS=$threads "$python" scripts/bench_torch.py --threads "$threads" | tee "$out/torch.json"; then
        theirs="$out/torch.json"
    else
        echo "bench_torch.py failed"
    fi
else
    echo "skipped: no Python environment with torch (scripts/python-env.sh said why)"
fi

echo "== ratios (ours / PyTorch; > 1 is faster)"
if [ -n "$ours" ] && [ -n "$theirs" ]; then
    "${python:-python3}" scripts/bench_compare.py "$ours" "$theirs"
else
    echo "skipped: needs both the model bench and the PyTorch bench"
fi
echo "== EGPO step (bench step): 8 prompts x 8 completions, <= 128 tokens, demo model"
step1=""; step2=""; step8=""
if has bench step; then
    OPENBLAS_NUM_THREADS=1 "$launcher" bench step --json --threads 1 --export "$out/trl-shape" | tee "$out/step-1rank.json" && step1="$out/step-1rank.json"
    echo "-- 2 ranks, twice the global batch (16 prompts)"
    OPENBLAS_NUM_THREADS=1 $mpirun -n 2 "$launcher" bench step --json --prompts 16 | tee "$out/step-2ranks.json" && step2="$out/step-2ranks.json"
    echo "-- 8 ranks on the demo batch (gradient communication share)"
    OPENBLAS_NUM_THREADS=1 $mpirun -n 8 "$launcher" bench step --json | tee "$out/step-8ranks.json" && step8="$out/step-8ranks.json"
else
    echo "skipped: 'launcher bench step' is not built yet"
fi

echo "== ZeRO-1 (bench step): optimizer memory per rank and step time of each gradient path"
if has bench step; then
    for n in 2 8; do
        for mode in "--zero 0" "--zero 1 --gradient-path allreduce" "--zero 1 --gradient-path reducescatter"; do
            echo "-- $n ranks, $mode"
            # shellcheck disable=SC2086
            OPENBLAS_NUM_THREADS=1 $mpirun -n "$n" "$launcher" bench step --json $mode | tee -a "$out/zero.jsonl" \
                || echo "bench step $mode on $n ranks failed"
        done
    done
    "${python:-python3}" - "$out/zero.jsonl" <<'PY'
import json, sys
print(f"{'ranks':>5}  {'update':<22} {'step s':>7} {'comm s':>7} {'optim s':>7} {'Adam MB/rank':>12} {'ckpt MB':>8} {'ckpt s':>7}")
for line in open(sys.argv[1]):
    if not line.startswith("{"): continue
    d = json.loads(line)
    print(f"{d['ranks']:>5}  {d['update']:<22} {d['step_seconds_median']:>7.2f} {d['communication_seconds']:>7.3f} "
          f"{d['optimizer_seconds']:>7.3f} {d['optimizer_bytes_per_rank'] / 1e6:>12.1f} {d['checkpoint_bytes'] / 1e6:>8.1f} {d['checkpoint_seconds']:>7.2f}")
PY
fi

echo "== TRL GRPOTrainer on the same shape (scripts/bench_trl.py, 1 thread)"
trl=""
if [ -n "$step1" ] && [ -n "${python:-}" ]; then
    "$python" scripts/bench_trl.py --config "$out/trl-shape/config.json" --tokenizer "$out/trl-shape/tokenizer.json" \
        --prompts "$out/trl-shape/prompts.jsonl" --threads 1 --steps 3 --json | tee "$out/trl.json" && trl="$out/trl.json"
else
    echo "skipped: needs bench step's exported shape and the Python environment"
fi

echo "== EGPO step ratios"
if [ -n "$step1" ]; then
    "${python:-python3}" - "$step1" "${step2:-}" "${step8:-}" "${trl:-}" <<'PY'
import json, sys
load = lambda p: json.loads(open(p).read().strip().splitlines()[-1]) if p else None
one, two, eight, trl = (load(p) for p in sys.argv[1:5])
s1 = one["step_seconds_median"]
print(f"ours, 1 rank, 1 thread: {s1:.2f} s per step (sampling {one['sampling_seconds']:.2f}, scoring {one['scoring_seconds']:.2f}, "
      f"reference {one['reference_seconds']:.2f}, backward {one['backward_seconds']:.2f}, optimizer {one['optimizer_seconds']:.3f})")
if trl:
    t = trl["step_seconds_median"]
    verdict = "met" if t / s1 >= 3 else "MISSED"
    print(f"TRL {trl.get('trl')}, 1 thread: {t:.2f} s per step; ours is {t / s1:.2f}x faster (target >= 3x: {verdict})")
if two:
    r = two["step_seconds_median"] / s1
    print(f"2 ranks, 16 prompts: {two['step_seconds_median']:.2f} s = {r:.2f}x the 1-rank 8-prompt step (target <= 1.15x: {'met' if r <= 1.15 else 'MISSED'})")
if eight:
    c = eight["communication_seconds"] / eight["step_seconds_median"]
    print(f"8 ranks, 8 prompts: {eight['step_seconds_median']:.2f} s per step, gradient all-reduce {eight['communication_seconds']:.3f} s = {100 * c:.1f}% "
          f"(target <= 10%: {'met' if c <= 0.10 else 'MISSED'}); waiting for the slowest rank's backward {eight['waiting_seconds']:.3f} s")
PY
fi
echo "raw outputs in $out"
