#!/usr/bin/env python3
"""Greedy references for SmolLM2-135M-Instruct on BFCL prompts in `launcher eval --format bfcl`
form (Tests/EGPODistributedTests/SmolLM2BFCLGreedyTests.swift).

The conversations are Tests/FunctionCallingTests/Fixtures/bfcl-prompting/messages.jsonl (27 BFCL
tasks, every single-turn category, as BFCL's own code builds them). Each is rendered with the
chat template transformers reads from the cached GGUF (`apply_chat_template(...,
add_generation_prompt=True)`: a system message first, so SmolLM2's default one is not written)
and tokenized with SmolLM2's own pipeline (smollm2_reference.py's `tokenizers` rebuild, which the
import equals); transformers' `generate` then decodes greedily in float32
(`AutoModelForCausalLM.from_pretrained(dir, gguf_file=name, dtype=torch.float32)`, do_sample=False)
until <|im_end|> or --max-new-tokens. Writes Tests/EGPODistributedTests/Fixtures/smollm2/bfcl_greedy.jsonl:
per task the prompt text, its ids, the generated ids and, per generated step, the gap between the
largest and second-largest logit (to tell a float tie from a real difference where the import parts).

Run from the repository root: `VENV/bin/python scripts/smollm2_bfcl_greedy.py`
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
sys.path.insert(0, HERE)
from smollm2_reference import GGUF, smollm_reference_tokenizer  # noqa: E402

MESSAGES = os.path.join(ROOT, "Tests", "FunctionCallingTests", "Fixtures", "bfcl-prompting", "messages.jsonl")
OUT = os.path.join(ROOT, "Tests", "EGPODistributedTests", "Fixtures", "smollm2", "bfcl_greedy.jsonl")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf", default=os.path.join(os.environ.get("EGPO_CACHE", os.path.expanduser("~/.cache/egpo")), "smollm2", GGUF))
    ap.add_argument("--max-new-tokens", type=int, default=96)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    with tempfile.TemporaryDirectory() as tmp:
        os.symlink(os.path.abspath(args.gguf), os.path.join(tmp, GGUF))
        hf_tok = AutoTokenizer.from_pretrained(tmp, gguf_file=GGUF)
        model = AutoModelForCausalLM.from_pretrained(tmp, gguf_file=GGUF, dtype=torch.float32)
    model.eval()
    ref = smollm_reference_tokenizer(args.gguf)
    eos = ref.token_to_id("<|im_end|>")

    rows = []
    with open(MESSAGES, encoding="utf-8") as f:
        tasks = [json.loads(line) for line in f if line.strip()]
    for task in tasks:
        text = hf_tok.apply_chat_template(task["messages"], add_generation_prompt=True, tokenize=False)
        ids = ref.encode(text, add_special_tokens=False).ids
        with torch.no_grad():
            out = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long), do_sample=False,
                                 max_new_tokens=args.max_new_tokens, eos_token_id=eos, pad_token_id=eos,
                                 output_logits=True, return_dict_in_generate=True)
        generated = out.sequences[0, len(ids):].tolist()
        gaps = []
        for step in out.logits:
            top = torch.topk(step[0].float(), 2).values
            gaps.append(float(top[0] - top[1]))
        rows.append({"id": task["id"], "prompt": text, "prompt_ids": ids, "generated": generated, "top2_gap": gaps})
        print(f"{task['id']}: prompt {len(ids)} tokens, generated {len(generated)}, smallest top-2 gap {min(gaps):.2e}", flush=True)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{OUT}: {len(rows)} prompts, {sum(len(r['generated']) for r in rows)} generated tokens")


if __name__ == "__main__":
    main()
