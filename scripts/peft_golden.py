#!/usr/bin/env python3
"""Golden log-probabilities for LoRA adapters exported as a PEFT folder (PEFTExportTests).

For each fixture folder, Tests/EGPODistributedTests/Fixtures/peft and peft-tokens, reads base (a tiny
LlamaForCausalLM as `launcher export` writes it) and adapter (LoRA as `launcher export --format peft`
writes it: rank 4 on every linear layer of an untied model; rank 2 on q and v of a tied model with
two trained token rows, `trainable_token_indices`), loads them the way a user would, with
transformers and peft:

    base = AutoModelForCausalLM.from_pretrained(base_dir, torch_dtype=float32)
    model = PeftModel.from_pretrained(base, adapter_dir)

and writes <folder>/golden.json with, for fixed token sequences, the log-probability of each next
token under the adapted model (`peft_logprobs`), under `model.merge_and_unload()`
(`merged_logprobs`) and under the base alone (`base_logprobs`), computed in float64 from the
float32 weights. Regenerate the folders first (see PEFTExportTests), then run from the repository
root: .venv/bin/python scripts/peft_golden.py
"""
import json
import os

import peft
import torch
import transformers
from peft import PeftModel
from transformers import AutoModelForCausalLM

fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "EGPODistributedTests", "Fixtures")
sequences = [[1, 5, 9, 2, 30, 7, 7, 3], [4, 17, 0, 22, 11], [31, 2, 8, 8, 16, 25, 3, 19, 12, 6], [30, 31, 30, 5, 31]]


def logprobs(model):
    out = []
    with torch.no_grad():
        for s in sequences:
            ids = torch.tensor([s])
            logits = model(input_ids=ids).logits[0].double()
            lp = torch.log_softmax(logits, dim=-1)
            out.append([lp[i, s[i + 1]].item() for i in range(len(s) - 1)])
    return out


for folder in ["peft", "peft-tokens"]:
    root = os.path.join(fixtures, folder)
    base_dir, adapter_dir = os.path.join(root, "base"), os.path.join(root, "adapter")

    def load_base():
        return AutoModelForCausalLM.from_pretrained(base_dir, torch_dtype=torch.float32).double()

    base = load_base()
    base_lp = logprobs(base)
    adapted = PeftModel.from_pretrained(load_base(), adapter_dir)
    adapted.eval()
    peft_lp = logprobs(adapted)
    merged_lp = logprobs(adapted.merge_and_unload())

    golden = {
        "about": "log p(token[i+1] | tokens[..i]) per sequence; transformers " + transformers.__version__ + ", peft " + peft.__version__
                 + ", torch " + torch.__version__ + "; float64 forward of the float32 folders",
        "sequences": sequences,
        "peft_logprobs": peft_lp,
        "merged_logprobs": merged_lp,
        "base_logprobs": base_lp,
    }
    with open(os.path.join(root, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    diff = max(abs(a - b) for ra, rb in zip(peft_lp, merged_lp) for a, b in zip(ra, rb))
    spread = max(abs(a - b) for ra, rb in zip(peft_lp, base_lp) for a, b in zip(ra, rb))
    print(f"peft_golden {folder}: {sum(len(s) - 1 for s in sequences)} log-probs; adapted vs merged max |diff| {diff:.2e}; "
          f"adapted vs base max {spread:.3f}")
