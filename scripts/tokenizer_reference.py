#!/usr/bin/env python3
"""Golden token ids for the Swift BPE tokenizer, from Hugging Face's `tokenizers` library.

Loads a tokenizer.json written by `launcher tokenizer train` with `tokenizers.Tokenizer.from_file`
(an independent implementation: Rust, Oniguruma's regex for the GPT-2 split) and encodes a fixed
set of strings: ASCII prose, contractions, code-like function calls, JSON, Chinese and other
scripts, emoji (with ZWJ sequences), whitespace runs of every kind, special tokens inside text,
plus seeded random strings over a mixed alphabet. Writes the texts and ids as a JSON fixture that
TokenizerGoldenTests compares against.

Regenerate (from the repository root):

    scripts/python-env.sh          # once: ./.venv with tokenizers, torch CPU, transformers, ...
    .build/release/launcher tokenizer train \\
        --corpus Tests/EGPODistributedTests/Fixtures/tokenizer-corpus.txt \\
        --vocab-size 600 --out Tests/EGPODistributedTests/Fixtures/tokenizer-bpe600.json
    .venv/bin/python scripts/tokenizer_reference.py

Only `tokenizers` is needed (`pip install tokenizers`). With --check-ids FILE (a JSON array of
ids) and --text-file, compares a whole-corpus encoding instead of writing the fixture.
"""

import argparse
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "EGPODistributedTests", "Fixtures")

CASES = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "What's the weather like in Paris? I'd say they've gone; we'll see, you're right, I'm sure.",
    "CAPS'S DON'T 'RE 're 'S 's''s",
    "get_weather(city=\"San Francisco\", unit='celsius', days=7)",
    '{"name": "book_flight", "parameters": {"from": "BER", "to": "NRT", "passengers": 2}}',
    "    def f(x: int) -> int:\n        return x ** 2  # square\n",
    "a = [1, 2, 3.14159, -42, 1e-5, 0x1F]; b = a[::2]",
    "请帮我查询北京的天气，温度单位是摄氏度。",
    "東京タワーは333メートルです。",
    "Zürich, Kraków, São Paulo, Ελληνικά, русский язык, العربية, हिन्दी",
    "Emoji: 🙂👍🏽 👨‍👩‍👧‍👦 🇩🇪 ✈️ done",
    "numbers 123 ٣٤٥ Ⅻ ² ½ 一二三",
    "combining: e\u0301 n\u0303 a\u030a",
    "spaces:  two   three    four     five",
    "tabs\tand\t\tnewlines\n\n\nend",
    "trailing spaces   ",
    "   leading spaces",
    "\n\n",
    " ",
    "",
    "windows\r\nline\r\nendings",
    "nbsp\u00a0here, ideographic\u3000space, nel\u0085x, thin\u2009space, zwsp\u200bhere",
    "<|bos|><|user|>Call get_weather for Paris.<|eos|>",
    "<|assistant|><think>The user wants the weather.</think><tool_call>get_weather(city=\"Paris\")</tool_call><|eos|>",
    "<answer>book_flight(from='BER', to='NRT')</answer>",
    "not special: <think <|bos| <|eos|>> <<|pad|>> </tool_call >",
    "x<think>y</think>z  <answer> </answer>\n<|system|>",
    "mixed中文English混合123数字 and more",
    "!!!??? ... --- *** ### @@@ $$$ %%% ^^^ &&& ((( ))) ___",
]

ALPHABET = (
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    + list(" " * 10) + list("\t\n\r") + list("'\"()[]{},.:;=_-+*/\\<>|!?#@$%^&~`")
    + list("中文字北京天气你好") + list("éüßçñ") + ["\u0301", "\u00a0", "\u3000", "\u2028", "\u200b"]
    + ["🙂", "👍", "🏽", "\u200d", "✈", "\ufe0f"] + list("٣Ⅻ²½")
    + ["'s", "'re", "'ll", "<|bos|>", "<|eos|>", "<think>", "</tool_call>", "get_weather(", "city="]
)


def randomCases(count, seed=1234):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        n = rng.randint(1, 40)
        out.append("".join(rng.choice(ALPHABET) for _ in range(n)))
    return out


def main():
    p = argparse.ArgumentParser(description="Golden ids from HF tokenizers for the Swift BPE tokenizer.")
    p.add_argument("--tokenizer", default=os.path.join(FIXTURES, "tokenizer-bpe600.json"))
    p.add_argument("--out", default=os.path.join(FIXTURES, "tokenizer-golden.json"))
    p.add_argument("--text-file", help="with --check-ids: a text file encoded by the Swift side")
    p.add_argument("--check-ids", help="JSON array of the Swift ids for --text-file")
    args = p.parse_args()

    import tokenizers
    tok = tokenizers.Tokenizer.from_file(args.tokenizer)

    if args.check_ids:
        text = open(args.text_file, encoding="utf-8").read()
        want = tok.encode(text, add_special_tokens=False).ids
        got = json.load(open(args.check_ids))
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), None)
        print(json.dumps({"hf_tokens": len(want), "swift_tokens": len(got), "identical": got == want,
                          "first_difference": first}))
        return 0 if got == want else 1

    cases = []
    for text in CASES + randomCases(60):
        ids = tok.encode(text, add_special_tokens=False).ids
        # The decode must give the text back exactly: byte-level BPE loses nothing.
        assert tok.decode(ids, skip_special_tokens=False) == text, (text, ids)
        cases.append({"text": text, "ids": ids})
    special = {name: tok.token_to_id(name) for name in
               ["<|bos|>", "<|eos|>", "<|pad|>", "<|system|>", "<|user|>", "<|assistant|>",
                "<think>", "</think>", "<answer>", "</answer>", "<tool_call>", "</tool_call>"]}
    fixture = {
        "generator": "scripts/tokenizer_reference.py",
        "tokenizers_version": tokenizers.__version__,
        "tokenizer": os.path.basename(args.tokenizer),
        "vocab_size": tok.get_vocab_size(with_added_tokens=True),
        "special_ids": special,
        "cases": cases,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
