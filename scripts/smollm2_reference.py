#!/usr/bin/env python3
"""References for the imported SmolLM2-135M-Instruct (Tests/EGPODistributedTests/SmolLM2ReferenceTests.swift).

Loads the cached GGUF (`make smollm2` puts it in ${EGPO_CACHE:-~/.cache/egpo}/smollm2/) with
transformers, as an independent reader and dequantiser of the same file, and writes
Tests/EGPODistributedTests/Fixtures/smollm2/:

- logprobs.json: token sequences (ids of a BFCL chat prompt with an answer, Python code, Swift
  code, non-ASCII prose) and transformers' float32 log p(tokens[i+1] | tokens[..i]) for each,
  from `AutoModelForCausalLM.from_pretrained(dir, gguf_file=name, dtype=torch.float32)`.
- tokens.jsonl: a corpus (BFCL prompts from every category rendered with the model's chat
  template and BFCL's function list in the system message, code from this repository, non-ASCII
  text) with, per text, the ids of two references:
    `ids`: the `tokenizers` library with SmolLM2's own tokenizer.json pipeline
      (Digits(individual_digits=True) then ByteLevel with GPT-2's regex, no unk token, the 17
      control tokens added) on the GGUF's vocabulary and merges; llama.cpp's `pre = smollm`
      names the same split. This is what the import must equal.
    `transformers` (stored only where it differs from `ids`): transformers' tokenizer built from the GGUF (AutoTokenizer with gguf_file),
      which ignores `tokenizer.ggml.pre` for this model and runs GPT-2's regex alone: it parts from
      the model's own pipeline where whitespace meets a digit (e.g. "x  1").

Run from the repository root: `.venv/bin/python scripts/smollm2_reference.py`
(`--bfcl DIR` defaults to ../shared/bfcl; `--per-category N` BFCL prompts per category, 1;
`--out FILE` writes only the tokens of a larger corpus to FILE, for measuring agreement on more
text than is stored: EGPO_SMOLLM2_TOKENS=FILE swift test --filter SmolLM2Reference).
"""
import argparse
import glob
import json
import os
import shutil
import tempfile

import torch
import tokenizers
from tokenizers import pre_tokenizers, AddedToken
from transformers import AutoModelForCausalLM, AutoTokenizer
from gguf import GGUFReader

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
OUT = os.path.join(ROOT, "Tests", "EGPODistributedTests", "Fixtures", "smollm2")
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"

NON_ASCII = [
    "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, na\u00efve fa\u00e7ade, \u00fcber Stra\u00dfe.",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3068\u4e2d\u6587\u6587\u672c\u3002",
    "\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439, \u043c\u0438\u0440! \u0393\u03b5\u03b9\u03ac \u03c3\u03bf\u03c5 \u03ba\u03cc\u03c3\u03bc\u03b5.",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 \u05e9\u05dc\u05d5\u05dd \u0928\u092e\u0938\u094d\u0924\u0947 \u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35",
    "Emoji \U0001F600\U0001F680\U0001F1EB\U0001F1F7 and \u00bd \u0663\u0664 \u2167 digits, \u00f5\u00ff\u00c0\u00c1 bytes.",
    "Controls \x04\x06\x13\x14\x16\x1d vanish; tabs\t\tand  spaces   1  22   333.",
]


def smollm_reference_tokenizer(path):
    r = GGUFReader(path)
    tokens = [str(bytes(r.fields["tokenizer.ggml.tokens"].parts[i]), "utf-8") for i in r.fields["tokenizer.ggml.tokens"].data]
    merges = [str(bytes(r.fields["tokenizer.ggml.merges"].parts[i]), "utf-8") for i in r.fields["tokenizer.ggml.merges"].data]
    types = [int(r.fields["tokenizer.ggml.token_type"].parts[i][0]) for i in r.fields["tokenizer.ggml.token_type"].data]
    bpe = tokenizers.models.BPE({t: i for i, t in enumerate(tokens)}, [tuple(m.split(" ")) for m in merges], unk_token=None)
    tok = tokenizers.Tokenizer(bpe)
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                                 pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t, k in zip(tokens, types) if k == 3])
    return tok


def bfcl_prompts(bfcl, per_category, hf_tok):
    """Each task's question with BFCL's function list in the system message, through the chat template."""
    texts = []
    for path in sorted(glob.glob(os.path.join(bfcl, "data", "BFCL_v4_*.json"))):
        with open(path) as f:
            lines = [json.loads(l) for l in f if l.strip()]
        step = max(1, len(lines) // per_category)
        for task in lines[::step][:per_category]:
            system = "Here is a list of functions in JSON format that you can invoke.\n" + json.dumps(task.get("function", []), ensure_ascii=False)
            messages = [{"role": "system", "content": system}] + task["question"][0]
            texts.append({"source": f"{os.path.basename(path)}:{task['id']}",
                          "text": hf_tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)})
    return texts


def code_texts():
    files = ["scripts/gguf_fixtures.py", "scripts/tokenizer_reference.py", "Sources/EGPODistributed/GGUF/GGMLDequantize.swift",
             "Sources/EGPODistributed/Tokenizer/GPT2PreTokenizer.swift", "cluster/mpirun.sh", "Makefile"]
    out = []
    for name in files:
        path = os.path.join(ROOT, name)
        if os.path.exists(path):
            out.append({"source": name, "text": open(path, encoding="utf-8").read()[:1500]})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf", default=os.path.join(os.environ.get("EGPO_CACHE", os.path.expanduser("~/.cache/egpo")), "smollm2", GGUF))
    ap.add_argument("--bfcl", default=os.path.join(ROOT, "..", "shared", "bfcl"))
    ap.add_argument("--per-category", type=int, default=1)
    ap.add_argument("--out", help="write only the tokens of the corpus to this JSONL file")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.symlink(os.path.abspath(args.gguf), os.path.join(tmp, GGUF))
        hf_tok = AutoTokenizer.from_pretrained(tmp, gguf_file=GGUF)
        model = None if args.out else AutoModelForCausalLM.from_pretrained(tmp, gguf_file=GGUF, dtype=torch.float32)
    ref = smollm_reference_tokenizer(args.gguf)

    corpus = bfcl_prompts(args.bfcl, args.per_category, hf_tok) + code_texts() + [{"source": f"non-ascii-{i}", "text": t} for i, t in enumerate(NON_ASCII)]
    rows = []
    for c in corpus:
        ids, theirs = ref.encode(c["text"], add_special_tokens=False).ids, hf_tok.encode(c["text"], add_special_tokens=False)
        # transformers' ids are stored only where they part from the model's pipeline.
        rows.append(dict(c, ids=ids, **({"transformers": theirs} if theirs != ids else {})))
    differ = sum("transformers" in r for r in rows)
    print(f"corpus: {len(rows)} texts, {sum(len(r['ids']) for r in rows)} tokens; transformers' GGUF tokenizer differs from the model's pipeline on {differ}")
    target = args.out or os.path.join(OUT, "tokens.jsonl")
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    with open(target, "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    if args.out:
        return

    pick = [rows[0], next(r for r in rows if r["source"].endswith(".py")), next(r for r in rows if r["source"].endswith(".swift")),
            next(r for r in rows if r["source"] == "non-ascii-4")]
    answer = ref.encode("[calculate_area(base=10, height=5)]<|im_end|>\n", add_special_tokens=False).ids
    sequences = [(pick[0]["ids"] + answer)[-200:]] + [r["ids"][:160] for r in pick[1:]]
    model.eval()
    logprobs = []
    with torch.no_grad():
        for seq in sequences:
            lp = torch.log_softmax(model(torch.tensor([seq])).logits.float(), dim=-1)[0]
            logprobs.append([float(lp[i, seq[i + 1]]) for i in range(len(seq) - 1)])
    with open(os.path.join(OUT, "logprobs.json"), "w") as f:
        json.dump({"gguf": GGUF, "sources": [p["source"] for p in pick], "sequences": sequences, "logprobs": logprobs}, f)
        f.write("\n")
    for name in sorted(os.listdir(OUT)):
        print(f"{name}: {os.path.getsize(os.path.join(OUT, name))} bytes")


if __name__ == "__main__":
    main()
