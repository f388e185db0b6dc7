#!/usr/bin/env bash
# The Hugging Face round trip, run by `make test`: import a tiny Qwen3 folder saved by
# transformers (bf16, its tokenizer has the Qwen3 chat template's tokens), train two SFT steps
# on references written in the qwen3 chat template (an EGPO step of an untrained model earns no
# reward, so it would not move the weights; one runs separately), export it (the checkpoint
# carries the folder's tokenizer and generation files), and check that
#   1. importing the export gives back the trained checkpoint's log-probabilities exactly;
#   2. transformers' log-probabilities of the exported model (float64, stored by --refresh in
#      Tests/EGPODistributedTests/Fixtures/hf/qwen3-chat-roundtrip.jsonl) match the trainer's
#      within 1e-4;
#   3. with .venv present (scripts/python-env.sh), transformers loads this run's export live and
#      matches within 1e-4 (skipped, saying so, without it).
# Prints PASS/FAIL lines; exit code = failures. Usage: hf-roundtrip-check.sh LAUNCHER [--refresh]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
launcher=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
refresh=${2:-}
fixture="$root/Tests/EGPODistributedTests/Fixtures/hf/qwen3-chat"
golden="$root/Tests/EGPODistributedTests/Fixtures/hf/qwen3-chat-roundtrip.jsonl"
python="$root/.venv/bin/python"
tmp=$(mktemp -d /tmp/egpo-hf-roundtrip.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export OPENBLAS_NUM_THREADS=1
failures=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

"$launcher" import --from "$fixture" --out "$tmp/model.h5" > "$tmp/log" 2>&1 \
 && "$launcher" sft --set model.checkpoint="$tmp/model.h5" --set model.chatTemplate=qwen3 --set sft.batchSize=4 \
        --set sft.optimizer.warmupSteps=0 --set data.trainTasks=20 --set run.seed=3 --steps 2 --run-dir "$tmp/run" >> "$tmp/log" 2>&1 \
 && "$launcher" export --checkpoint "$tmp/run/checkpoints/final.h5" --out "$tmp/exported" >> "$tmp/log" 2>&1 \
 && "$launcher" import --from "$tmp/exported" --out "$tmp/reimported.h5" >> "$tmp/log" 2>&1
code=$?
if [ "$code" -ne 0 ]; then
    fail "hf-import-train-export" "exit $code: $(tail -3 "$tmp/log" | tr '\n' ' ')"
    exit "$failures"
fi
pass "hf-import-train-export (Qwen3 bf16 folder -> 2 SFT steps in the qwen3 chat template -> safetensors folder: $(ls "$tmp/exported" | tr '\n' ' '))"

# Fixed sequences over the whole vocabulary, the template's tokens (657-662) among them.
printf '%s\n' '{"tokens": [657, 84, 301, 22, 658, 10, 657, 5, 661, 17, 662, 659, 40, 660]}' \
    '{"tokens": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 655, 656]}' \
    '{"tokens": [600, 450, 300, 150, 75, 30, 12, 640, 641, 642, 643, 644, 645, 646, 647, 648]}' > "$tmp/tokens.jsonl"
"$launcher" score --checkpoint "$tmp/run/checkpoints/final.h5" --input "$tmp/tokens.jsonl" > "$tmp/trained.jsonl"
"$launcher" score --checkpoint "$tmp/reimported.h5" --input "$tmp/tokens.jsonl" > "$tmp/reimported.jsonl"
"$launcher" score --checkpoint "$tmp/model.h5" --input "$tmp/tokens.jsonl" > "$tmp/imported.jsonl"
if cmp -s "$tmp/trained.jsonl" "$tmp/imported.jsonl"; then
    fail "hf-training-changed-the-model" "the trained checkpoint scores exactly as the imported model"
else
    pass "hf-training-changed-the-model"
fi
# eval of the trained checkpoint takes its template from the checkpoint's run config.
if "$launcher" eval --checkpoint "$tmp/run/checkpoints/final.h5" --data bfcl:simple_python --limit 2 --max-tokens 8 --out "$tmp/eval" > "$tmp/eval.log" 2>&1 \
    && grep -q "eval: chat template qwen3, from the checkpoint's run config" "$tmp/eval.log"; then
    pass "hf-eval-uses-the-checkpoints-template"
else
    fail "hf-eval-uses-the-checkpoints-template" "$(tail -2 "$tmp/eval.log" | tr '\n' ' ')"
fi
# EGPO on the imported model in its chat template: prompts, sampling, reward and update run.
if "$launcher" train --set model.checkpoint="$tmp/run/checkpoints/final.h5" --set model.chatTemplate=qwen3 --set rollout.prompts=2 \
        --set rollout.groupSize=2 --set rollout.maxCompletionTokens=8 --set eval.tasks=0 --set data.trainTasks=20 \
        --steps 1 --run-dir "$tmp/egpo" > "$tmp/egpo.log" 2>&1 && grep -q '"step": 1' "$tmp/egpo/metrics.jsonl"; then
    pass "hf-egpo-step-in-the-qwen3-template"
else
    fail "hf-egpo-step-in-the-qwen3-template" "$(tail -2 "$tmp/egpo.log" | tr '\n' ' ')"
fi
if cmp -s "$tmp/trained.jsonl" "$tmp/reimported.jsonl" && [ -s "$tmp/trained.jsonl" ]; then
    pass "hf-export-reimports-exactly (identical log-probabilities)"
else
    fail "hf-export-reimports-exactly" "$(diff "$tmp/trained.jsonl" "$tmp/reimported.jsonl" | head -2 | tr '\n' ' ')"
fi

# compare A B: the largest absolute log-probability difference, with awk (no Python needed).
compare() {
    paste -d'\n' <(grep -o '"logprobs": *\[[^]]*\]' "$1") <(grep -o '"logprobs": *\[[^]]*\]' "$2") | awk '
        { gsub(/"logprobs": *\[|\]/, ""); n = split($0, v, ","); if (NR % 2) { m = n; for (i = 1; i <= n; i++) a[i] = v[i] }
          else { if (n != m) bad = 1; for (i = 1; i <= n; i++) { d = a[i] - v[i]; if (d < 0) d = -d; if (d > worst) worst = d } } }
        END { if (bad || NR == 0) print "mismatch"; else printf "%.3g\n", worst }'
}
if [ "$refresh" = "--refresh" ]; then
    "$python" "$root/scripts/hf_roundtrip.py" logprobs "$tmp/exported" "$tmp/tokens.jsonl" "$golden" && echo "wrote $golden"
fi
# expect_close NAME FILE [LABEL]: PASS when the trainer's log-probabilities are within 1e-4 of FILE's.
expect_close() {
    local worst
    worst=$(compare "$tmp/trained.jsonl" "$2")
    if [ "$worst" != mismatch ] && awk -v w="$worst" 'BEGIN { exit !(w <= 1e-4) }'; then
        pass "$1 (${3:+$3, }largest difference $worst)"
    else
        fail "$1" "largest difference $worst (tolerance 1e-4)"
    fi
}
if [ -s "$golden" ]; then
    expect_close hf-export-matches-stored-transformers "$golden"
else
    fail "hf-export-matches-stored-transformers" "$golden missing (run with --refresh)"
fi
if [ -x "$python" ] && "$python" -c "import torch, transformers" 2> /dev/null; then
    if "$python" "$root/scripts/hf_roundtrip.py" logprobs "$tmp/exported" "$tmp/tokens.jsonl" "$tmp/live.jsonl" 2> "$tmp/py.log"; then
        expect_close hf-export-loads-in-transformers "$tmp/live.jsonl" live
    else
        fail "hf-export-loads-in-transformers" "$(tail -2 "$tmp/py.log" | tr '\n' ' ')"
    fi
else
    echo "SKIP hf-export-loads-in-transformers (live): no .venv with torch and transformers (scripts/python-env.sh makes one); the stored comparison above stands"
fi
exit "$failures"
