#!/usr/bin/env python3
"""Fixtures for HFTokenizerGoldenTests: two small tokenizers in the real models' configurations.

Builds, with Hugging Face's `tokenizers` library, a byte-level BPE of a few hundred merges in
exactly the pipeline the real models' tokenizer.json files use, and writes golden ids for a
varied corpus:

- qwen2-tokenizer.json (Qwen2, Qwen2.5, Qwen3): normalizer NFC; pre_tokenizer Sequence of
  Split(Qwen2's regex, \\p{N} one digit at a time, Isolated) and ByteLevel(use_regex false);
  BPE with ignore_merges false; ByteLevel post_processor and decoder; added tokens
  <|endoftext|>, <|im_start|>, <|im_end|> (special) and <tool_call>, </tool_call>, <think>,
  </think> (not special), all normalized false, ids after the BPE vocabulary.
- llama3-tokenizer.json (Llama-3.x): no normalizer; the same Split with \\p{N}{1,3};
  BPE with ignore_merges true (a pre-token found whole in the vocabulary is that token, even
  when the merges would split it: one such token is added to the vocabulary so the golden ids
  depend on it); post_processor Sequence(ByteLevel, TemplateProcessing adding
  <|begin_of_text|>); added tokens <|begin_of_text|>, <|end_of_text|>, header and eot tokens,
  reserved tokens.

The pipeline settings are the ones in Qwen/Qwen2.5-7B-Instruct's and
meta-llama/Llama-3.2-3B-Instruct's tokenizer.json. Golden ids are
`encode(text, add_special_tokens=False)`: the trainer writes BOS through the chat template, not
through the post-processor (as transformers' apply_chat_template does). `decoded` is
`decode(ids, skip_special_tokens=False)`; for a text NFC changes it is the NFC form.

Regenerate (from the repository root; needs only `tokenizers`):

    .venv/bin/python scripts/hf_tokenizer_golden.py

Writes Tests/EGPODistributedTests/Fixtures/hf-tokenizer/{qwen2,llama3}-tokenizer.json and
golden.json ({"qwen2": [{text, ids, decoded}], "llama3": [...]}), golden-wide.json (the same for
random strings over many Unicode blocks), and qwen2-flags.json: added
tokens with lstrip, rstrip, normalized and single_word set (the real files leave them off) to append to the
Qwen2 fixture's, with their own cases.

    .venv/bin/python scripts/hf_tokenizer_golden.py --check FILE qwen2|llama3

checks another tokenizer.json against the goldens: the file `BPETokenizer.jsonText` writes for a
fixture (the model file's `tokenizer` attribute after `launcher import`, or the tokenizer.json
`launcher export` writes for a model initialised with `launcher init --tokenizer FIXTURE`).
"""

import json
import os
import random
import sys
import unicodedata

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "EGPODistributedTests", "Fixtures", "hf-tokenizer")

QWEN2_PATTERN = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
LLAMA3_PATTERN = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"

# Training text: enough of each kind that merges exist for code, JSON, CJK, Arabic and digits.
TRAINING = [
    "The quick brown fox jumps over the lazy dog. What's the weather like in Paris today?",
    "I'm sure they've gone; we'll see. You're right, I'd say. DON'T SHOUT, it's fine.",
    "def get_weather(city: str, unit: str = 'celsius') -> dict:\n    return {\"city\": city, \"unit\": unit}\n",
    "for (int i = 0; i < 100; i++) {\n\tsum += values[i] * 2;\n}\n",
    '{"name": "get_weather", "arguments": {"city": "San Francisco", "days": 7, "unit": "fahrenheit"}}',
    '[{"type": "function", "function": {"name": "book_flight", "parameters": {"type": "object"}}}]',
    "请帮我查询北京的天气，温度单位是摄氏度。今天北京的天气很好。",
    "東京タワーは333メートルです。ありがとうございます。",
    "مرحبا بالعالم، كيف حالك اليوم؟ الطقس جميل في القاهرة.",
    "Zürich, Kraków, São Paulo, Ελληνικά, русский язык, हिन्दी, café, naïve, résumé.",
    "Order 12345 shipped on 2024-05-17 at 09:30; total $1,299.99 (tax 19%).",
    "numbers: 1 22 333 4444 55555 666666 3.14159 2.71828 0x1F 1e-5",
    "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"query\": \"weather\"}}\n</tool_call>",
    "    if x is None:\n        raise ValueError(\"x must be set\")\n\n",
]

CORPUS = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "What's the weather like in Paris? I'd say they've gone; we'll see, you're right, I'm sure.",
    "CAPS'S DON'T 'RE 're 'S 's''s I'LL WE'VE",
    "long s folds to s: it'ſ x'ſt 'ſſx 'ﬆ",
    "get_weather(city=\"San Francisco\", unit='celsius', days=7)",
    '{"name": "book_flight", "arguments": {"from": "BER", "to": "NRT", "passengers": 2, "ok": true, "x": null}}',
    '[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}]',
    "    def f(x: int) -> int:\n        return x ** 2  # square\n",
    "for (int i = 0; i < 100; i++) {\n\tsum += values[i] * 2;\n}\n",
    "a = [1, 2, 3.14159, -42, 1e-5, 0x1F]; b = a[::2]",
    "请帮我查询北京的天气，温度单位是摄氏度。",
    "東京タワーは333メートルです。",
    "مرحبا بالعالم، كيف حالك اليوم؟ ١٢٣٤٥ ٣٤٥",
    "Zürich, Kraków, São Paulo, Ελληνικά, русский язык, العربية, हिन्दी",
    "Emoji: 🙂👍🏽 👨‍👩‍👧‍👦 🇩🇪 ✈️ done",
    "digits 1 12 123 1234 12345 123456 1234567 and 3.14159265358979",
    "numbers 123 ٣٤٥ Ⅻ ² ½ 一二三 ①②",
    "combining (NFC composes): cafe\u0301 n\u0303 a\u030a A\u030a \u1100\u1161\u11a8 e\u0301\u0301",
    "already composed: café ñ å Å 각",
    "old jamo stay apart: \u1113\u1166 \u1113\u1161 \u1100\u1166 \u1100\u1161\u11a8 \u0958 \u2adc a\u0323\u0307",
    "Ω ohm sign \u2126 and angstrom \u212b (NFC maps them)",
    "spaces:  two   three    four     five",
    "tabs\tand\t\tnewlines\n\n\nend",
    "mixed \t \n \t\n  \r\n\r\n  x",
    "trailing spaces   ",
    "   leading spaces",
    "\n\n",
    " ",
    "",
    "windows\r\nline\r\nendings\r\n",
    "lone\rcarriage\rreturns\r",
    "nbsp\u00a0here, ideographic\u3000space, thin\u2009space, zwsp\u200bhere",
    "nel\u0085x vt\u000bx ff\u000cx ls\u2028x ps\u2029x ogham\u1680x mvs\u180ex \u000b\n\u0085\r\n",
    "punctuation!!! ??? ... --- ::: ;;; \"\"\" '''",
    " (a) [b] {c} <d> 'e' \"f\"\n",
    "x  = 1\n\n\n    y=2",
]


def special_cases(added):
    """Texts that use the added tokens, including ones that look like them but are not."""
    names = [t for t, _ in added]
    a, b, c = names[0], names[1], names[2]
    return [
        f"{a}Call get_weather for Paris.{b}",
        f"{b}system\nYou are helpful.{c}\n{b}user\nHi!{c}\n",
        f"x{a}y{a}{a}z  {b} {c}\n",
        f"not added: {a[:-1]} <{b}> {c[1:]}",
        "<think>plan</think><tool_call>{\"name\": \"f\"}</tool_call>" if "<think>" in names else "<|python_tag|>f()<|eom_id|>",
        f"  {a}  \n",
    ]


def random_cases(seed, count, added):
    """Random strings over pieces that stress the split: contractions in any case, CR/LF runs,
    digit runs, combining marks NFC composes, non-Latin letters and numbers, added tokens."""
    rng = random.Random(seed)
    alphabet = list("abcXYZ019 \t\n\r'.,;:!?()[]{}\"-_/\\") + [
        "é", "e\u0301", "A\u030a", "\u1100\u1161", "\u2126", "中", "文", "ب", "ي", "🙂", "👍🏽", "\u00a0", "\u3000",
        "٣", "²", "Ⅻ", "ß", "İ", "'S", "'re", "'LL", "'d", "\r\n", "\n\n", "  ", "\t\t", "12345", "3.14", "\u200b",
    ] + [t for t, _ in added[:3]]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(count)]


# Blocks for the wide random strings: scripts, combining marks, jamo, spaces, numbers of every
# kind, presentation forms, math letters, emoji.
WIDE_BLOCKS = [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF),
               (0x900, 0x97F), (0xE00, 0xE7F), (0x1100, 0x11FF), (0x1E00, 0x1FFF), (0x2000, 0x206F),
               (0x2070, 0x218F), (0x2460, 0x24FF), (0x3000, 0x30FF), (0x4E00, 0x4E80), (0xAC00, 0xAC80),
               (0xFB00, 0xFB4F), (0xFF00, 0xFFEF), (0x10400, 0x1044F), (0x1D400, 0x1D7FF), (0x1F300, 0x1F64F),
               (0x9, 0xD)]


def wide_cases(seed, count, added):
    """Random strings over assigned characters of WIDE_BLOCKS (Python's Unicode database), with
    contractions, CR/LF, digit runs and added tokens mixed in: a differential run of 3,000 such
    strings is what found the long-s contraction and Foundation's jamo composition."""
    rng = random.Random(seed)
    extras = ["'s", "'S", "'ſ", "'ll", "\r\n", "  ", "123456"] + [t for t, _ in added[:2]]

    def char():
        while True:
            a, b = rng.choice(WIDE_BLOCKS)
            c = chr(rng.randint(a, b))
            if unicodedata.category(c) not in ("Cn", "Cs", "Co"):
                return c
    return ["".join(char() if rng.random() < 0.8 else rng.choice(extras) for _ in range(rng.randint(1, 30)))
            for _ in range(count)]


def build(pattern, normalizer, byte_level_trim, merges_count, added, special_flags):
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=byte_level_trim, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=256 + merges_count, min_frequency=1, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), special_tokens=[])
    tok.train_from_iterator(TRAINING * 3, trainer=trainer)
    return tok


def add_tokens(tok, added):
    from tokenizers import AddedToken
    for content, special in added:
        tok.add_tokens([AddedToken(content, single_word=False, lstrip=False, rstrip=False, normalized=False, special=special)])


def write(name, tree):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tree, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return path


def qwen2():
    added = [("<|endoftext|>", True), ("<|im_start|>", True), ("<|im_end|>", True),
             ("<tool_call>", False), ("</tool_call>", False), ("<think>", False), ("</think>", False)]
    tok = build(QWEN2_PATTERN, normalizers.NFC(), False, 400, added, None)
    add_tokens(tok, added)
    tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    tree = json.loads(tok.to_str())
    # The decoder and model options as Qwen2.5's file writes them.
    tree["decoder"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    tree["model"]["continuing_subword_prefix"] = ""
    tree["model"]["end_of_word_suffix"] = ""
    tree["model"]["ignore_merges"] = False
    return tree, added


def llama3():
    added = [("<|begin_of_text|>", True), ("<|end_of_text|>", True), ("<|reserved_special_token_0|>", True),
             ("<|start_header_id|>", True), ("<|end_header_id|>", True), ("<|eom_id|>", True), ("<|eot_id|>", True),
             ("<|python_tag|>", True)]
    tok = build(LLAMA3_PATTERN, None, True, 400, added, None)
    tree = json.loads(tok.to_str())
    model = tree["model"]
    model["ignore_merges"] = True
    # A token the merges cannot build ("Ġweather" + "day" is never merged), as real Llama-3
    # vocabularies have: with ignore_merges the pre-token " weatherday" is this one id.
    vocab = model["vocab"]
    whole = "Ġweatherday"
    assert whole not in vocab
    vocab[whole] = len(vocab)
    tree["decoder"] = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True}
    tok = Tokenizer.from_str(json.dumps(tree))
    add_tokens(tok, added)
    bos = tok.token_to_id("<|begin_of_text|>")
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(add_prefix_space=True, trim_offsets=False, use_regex=True),
        processors.TemplateProcessing(single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|> $B:1",
                                      special_tokens=[("<|begin_of_text|>", bos)]),
    ])
    return json.loads(tok.to_str()), added


def check(path, name):
    """Encodes the golden texts with another tokenizer.json (one BPETokenizer.jsonText wrote, or
    one `launcher export` wrote) and reports any case whose ids or decoded text differ."""
    golden = json.load(open(os.path.join(OUT, "golden.json"), encoding="utf-8"))[name]
    tok = Tokenizer.from_file(path)
    bad = [c["text"] for c in golden
           if tok.encode(c["text"], add_special_tokens=False).ids != c["ids"] or tok.decode(c["ids"], skip_special_tokens=False) != c["decoded"]]
    print(f"{path}: {len(golden) - len(bad)} of {len(golden)} {name} cases match" + (f"; first differing: {bad[0]!r}" if bad else ""))
    return not bad


def flags_variant(qwen2_path):
    """The Qwen2 fixture plus added tokens with the flags the real files leave off: lstrip,
    rstrip, both, normalized ones (matched after NFC, in their NFC form) and single_word."""
    from tokenizers import AddedToken
    tok = Tokenizer.from_file(qwen2_path)
    before = len(json.loads(tok.to_str())["added_tokens"])
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True),
                            AddedToken("<|sep|>", lstrip=False, rstrip=True, normalized=False, special=True)])
    tok.add_tokens([AddedToken("<both>", lstrip=True, rstrip=True, normalized=False, special=False),
                    AddedToken("cafe\u0301", normalized=True, special=False),
                    AddedToken("<norm>", lstrip=True, normalized=True, special=False),
                    AddedToken("end", single_word=True, normalized=False, special=False),
                    AddedToken("<sw>", single_word=True, lstrip=True, normalized=False, special=False)])
    added = json.loads(tok.to_str())["added_tokens"][before:]
    texts = [
        "a <mask> b", "a  \t<mask>  b", "<mask>", "  <mask>", "x\n\n<mask>\n", "a <mask><mask> <mask>",
        "a <|sep|> b", "a<|sep|>  \t\n b", "<|sep|>", "<|sep|>   ", "x <|sep|><|sep|> y",
        "a <both> b", "  <both>  ", "<both><both>  <both>\n<both>", "a <mask> <|sep|> <both> z",
        "a café and cafe\u0301!", "  <norm>  x", "<|im_start|> <mask> <|im_end|>", "a\u00a0<mask>\u3000<|sep|>\u2009b",
        "cafe\u0301<mask> <norm><|sep|> ", "<think> <both> </think>",
        "the end", "append end ends _end end_ end. (end) é end 1end end2 endé", "end", "end\u0301 x\u200dend",
        "<sw>a <sw> a<sw> .<sw>. <sw><sw>", "  <sw>", "x  <sw> y", "中end中 ٣end",
    ]
    rng = random.Random(5)
    pieces = ["a", "b", "1", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "é", "e\u0301", "café", "cafe\u0301", "<mask>", "<|sep|>",
              "<both>", "<norm>", "<|im_start|>", "中", "!", "end", "<sw>", "_"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 20))) for _ in range(60)]
    cases = [{"text": t, "ids": tok.encode(t, add_special_tokens=False).ids,
              "decoded": tok.decode(tok.encode(t, add_special_tokens=False).ids, skip_special_tokens=False)} for t in texts]
    return {"added_tokens": added, "cases": cases}


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        sys.exit(0 if check(sys.argv[2], sys.argv[3]) else 1)
    os.makedirs(OUT, exist_ok=True)
    golden, wide = {}, {}
    for name, make in (("qwen2", qwen2), ("llama3", llama3)):
        tree, added = make()
        path = write(f"{name}-tokenizer.json", tree)
        tok = Tokenizer.from_file(path)
        texts = CORPUS + special_cases(added) + random_cases(7 if name == "qwen2" else 11, 120, added)
        if name == "llama3":
            texts += ["the weatherday is here", " weatherday weatherdays"]
        # Over 2048 bytes, so the Swift encoder's piece cache is on.
        texts.append("\n".join(CORPUS + special_cases(added)) * 3)
        cases = []
        for text in texts:
            ids = tok.encode(text, add_special_tokens=False).ids
            cases.append({"text": text, "ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False)})
        golden[name] = cases
        wide[name] = [{"text": t, "ids": tok.encode(t, add_special_tokens=False).ids,
                       "decoded": tok.decode(tok.encode(t, add_special_tokens=False).ids, skip_special_tokens=False)}
                      for t in wide_cases(13 if name == "qwen2" else 17, 150, added)]
        size = os.path.getsize(path)
        assert size < 200_000, f"{path} is {size} bytes"
        nfc_changed = sum(1 for t in texts if unicodedata.normalize("NFC", t) != t)
        print(f"{path}: {size} bytes, {len(tree['model']['vocab'])} vocab, {len(tree['model']['merges'])} merges, "
              f"{len(cases)} cases ({nfc_changed} changed by NFC)")
    # ignore_merges must matter: the same file with it off gives other ids for some case.
    tree = json.load(open(os.path.join(OUT, "llama3-tokenizer.json"), encoding="utf-8"))
    tree["model"]["ignore_merges"] = False
    off = Tokenizer.from_str(json.dumps(tree))
    differ = [c["text"] for c in golden["llama3"] if off.encode(c["text"], add_special_tokens=False).ids != c["ids"]]
    assert differ, "ignore_merges changes no golden case"
    print(f"ignore_merges changes {len(differ)} llama3 cases")
    flags = flags_variant(os.path.join(OUT, "qwen2-tokenizer.json"))
    with open(os.path.join(OUT, "qwen2-flags.json"), "w", encoding="utf-8") as f:
        f.write('{"added_tokens": ' + json.dumps(flags["added_tokens"], ensure_ascii=False) + ',\n "cases": [\n')
        f.write(",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in flags["cases"]))
        f.write("\n ]\n}\n")
    print(f"qwen2-flags.json: {len(flags['added_tokens'])} added tokens with flags, {len(flags['cases'])} cases")
    # One case per line: small, and a diff shows which case changed.
    for file, table in (("golden.json", golden), ("golden-wide.json", wide)):
        with open(os.path.join(OUT, file), "w", encoding="utf-8") as f:
            f.write("{\n")
            for k, (name, cases) in enumerate(table.items()):
                f.write(f' "{name}": [\n')
                f.write(",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases))
                f.write("\n ]" + (",\n" if k + 1 < len(table) else "\n"))
            f.write("}\n")
        size = os.path.getsize(os.path.join(OUT, file))
        assert size < 200_000, f"{file} is {size} bytes"


if __name__ == "__main__":
    main()
