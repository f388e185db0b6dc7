# Sourced by scripts/bench-precision.sh and scripts/bench-trl-real.sh: the policy and prompts of the
# real-size step benchmark, in the array `shape` (flags for `launcher bench step`), and the
# tokenizer's special tokens for scripts/bench_trl.py in `trlTokens`.
# With SmolLM2-135M-Instruct in the cache (`make smollm2`): its architecture and tokenizer with the
# think markers added (SmolLM2-135M-Instruct-think.h5, imported here once from the cached GGUF),
# random weights, and the first bfcl:simple_python prompts in its ChatML template, as a training run
# renders them (225-376 tokens). Without it: its config.json (the test fixture) and FunctionWorld
# prompts with the demo tokenizer (83-193 tokens), said so.
cache="${EGPO_CACHE:-$HOME/.cache/egpo}/smollm2"
gguf="$cache/SmolLM2-135M-Instruct.Q4_1.gguf"
think="$cache/SmolLM2-135M-Instruct-think.h5"
if [ -f "$gguf" ]; then
    if [ ! -f "$think" ]; then
        "$launcher" import --from "$gguf" --out "$think" --add-token '<think>' --add-token '</think>' > /dev/null
    fi
    shape=(--model "$think" --data bfcl:simple_python --chat-template chatml)
    trlTokens=(--special-tokens "<|im_start|>,<|im_end|>,<|endoftext|>" --reward-token "</think>")
    echo "shape: SmolLM2-135M-Instruct's architecture and tokenizer ($think), random weights; bfcl:simple_python prompts in ChatML"
else
    shape=(--model-config "$root/Tests/EGPODistributedTests/Fixtures/smollm2/folder-config.json")
    trlTokens=()
    echo "shape: SmolLM2-135M's config.json, FunctionWorld prompts and the demo tokenizer ($gguf is missing: 'make smollm2' fetches it for BFCL prompts)"
fi
