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
echo "raw outputs in $out"
