#!/usr/bin/env python3
"""Golden Hugging Face model folders for `launcher import` and the Qwen2/Qwen3/RoPE-scaling
transformer: tiny LlamaForCausalLM, Qwen2ForCausalLM and Qwen3ForCausalLM made by transformers
itself (random weights, float64 forward), saved with save_pretrained as safetensors folders, with
the logits and every gradient of the mean cross-entropy on a fixed batch.

For each variant it writes Tests/EGPODistributedTests/Fixtures/hf/<variant>/ (config.json,
model.safetensors or shards + index, generation_config.json) and hf/<variant>-expected.h5 with:
  tokens (B, T) int64 right-padded with 0; lengths (B,)
  logits (P, V) float64, rows of sequences back to back as TokenBatch orders them
  logprobs (P,), loss (), grad/<name> for every parameter (lm_head.weight absent when tied)
The saved weights are the float64 model rounded to the saved dtype; the expected values are
computed from those rounded weights in float64, so the Swift import of the folder must match.

  --check-export DIR VARIANT   load an exported folder with transformers and compare its logits
                               with the Swift-exported logits DIR/swift-logits.npy (by-hand check)

Regenerate (from the repository root): /work/main/.venv/bin/python scripts/hf_golden.py
"""
import json
import os
import shutil
import sys

import h5py
import numpy as np
import torch
from transformers import (LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM, Qwen3Config,
                          Qwen3ForCausalLM)

OUT = "Tests/EGPODistributedTests/Fixtures/hf"
SEQUENCES = [
    [5, 17, 100, 3, 99, 42, 7, 120, 1, 64, 11, 33],
    [126, 8, 8, 15, 77, 2, 90],
    [31, 4, 59, 26, 53, 58, 97, 93, 23],
]
# vocab 300: above the project's 268-id byte tokenizer, so an imported model file loads.
COMMON = dict(vocab_size=300, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
              num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64, rms_norm_eps=1e-6)

VARIANTS = {
    # Llama 3.x shape: llama3 RoPE scaling (original context 16 so the tiny head's frequencies
    # fall into all three bands), untied, fp32 file.
    "llama3-untied": (LlamaConfig, LlamaForCausalLM, dict(
        COMMON, rope_theta=500000.0, tie_word_embeddings=False,
        rope_scaling=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                          original_max_position_embeddings=16)), torch.float32, None),
    # Qwen2.5 shape: q/k/v biases, tied head, bf16 file.
    "qwen2-tied-bf16": (Qwen2Config, Qwen2ForCausalLM, dict(COMMON, rope_theta=1000000.0, tie_word_embeddings=True),
                        torch.bfloat16, None),
    # Qwen3 shape: explicit head_dim 16 (H*D = 64 != hidden 32), q/k norm, untied, fp16, two shards.
    "qwen3-headdim-fp16-sharded": (Qwen3Config, Qwen3ForCausalLM, dict(COMMON, head_dim=16, rope_theta=1000000.0,
                                   tie_word_embeddings=False), torch.float16, "50KB"),
    # Llama with linear scaling, tied, fp32.
    "llama-linear-tied": (LlamaConfig, LlamaForCausalLM, dict(
        COMMON, rope_theta=10000.0, tie_word_embeddings=True, rope_scaling=dict(rope_type="linear", factor=2.0)),
        torch.float32, None),
}


def batch():
    lengths = [len(s) for s in SEQUENCES]
    tokens = np.zeros((len(SEQUENCES), max(lengths)), dtype=np.int64)
    mask = np.zeros_like(tokens)
    for b, s in enumerate(SEQUENCES):
        tokens[b, : len(s)] = s
        mask[b, : len(s)] = 1
    return tokens, mask, lengths


def rows_of(logits, tokens, lengths):
    rows, targets = [], []
    ids = torch.from_numpy(tokens)
    for b, n in enumerate(lengths):
        rows.append(logits[b, : n - 1])
        targets.append(ids[b, 1:n])
    return torch.cat(rows), torch.cat(targets)


def make(name, config_class, model_class, kwargs, dtype, shard):
    torch.manual_seed(sum(map(ord, name)))
    config = config_class(**kwargs)
    config._attn_implementation = "eager"
    model = model_class(config)
    # Larger weights than the 0.02 init so every nonlinearity matters; norms away from 1.
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if pname.endswith("norm.weight"):
                p.copy_(1 + 0.3 * torch.randn_like(p))
            else:
                p.copy_(0.3 * torch.randn_like(p))
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    model.to(dtype)
    model.save_pretrained(folder, max_shard_size=shard or "50GB")
    # Expected values from the folder as transformers loads it, in float64 (not the in-memory
    # model: `.to(bfloat16)` also rounds the rotary inv_freq buffer, which loading recomputes).
    model = model_class.from_pretrained(folder, dtype=torch.float64, attn_implementation="eager")
    tokens, mask, lengths = batch()
    logits = model(input_ids=torch.from_numpy(tokens), attention_mask=torch.from_numpy(mask)).logits
    rows, targets = rows_of(logits, tokens, lengths)
    logprobs = torch.log_softmax(rows, dim=-1).gather(1, targets[:, None])[:, 0]
    loss = -logprobs.mean()
    loss.backward()
    with h5py.File(os.path.join(OUT, f"{name}-expected.h5"), "w") as out:
        out["tokens"] = tokens
        out["lengths"] = np.array(lengths, dtype=np.int64)
        out["logits"] = rows.detach().numpy()
        out["logprobs"] = logprobs.detach().numpy()
        out["loss"] = loss.detach().numpy()
        for pname, p in model.named_parameters():
            out[f"grad/{pname}"] = p.grad.numpy()
        out.attrs["source"] = f"transformers {model_class.__name__} float64 from {name} ({dtype})"
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    print(f"{name}: loss {loss.item():.6f}, {len(os.listdir(folder))} files, {size} bytes")


def check_export(folder, swift_logits_path):
    """Loads an exported folder with transformers (AutoModelForCausalLM) and prints the largest
    logit difference against the Swift model's logits of the same batch."""
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float64, attn_implementation="eager")
    tokens, mask, lengths = batch()
    logits = model(input_ids=torch.from_numpy(tokens), attention_mask=torch.from_numpy(mask)).logits
    rows, _ = rows_of(logits, tokens, lengths)
    with h5py.File(swift_logits_path, "r") as f:
        swift = np.array(f["logits"])
    ref = rows.detach().numpy()
    diff = np.abs(ref - swift).max()
    scale = np.abs(ref).max()
    ok = diff <= 1e-4 * scale
    print(f"{'PASS' if ok else 'FAIL'} export {folder}: max |logit diff| {diff:.3g}, scale {scale:.3g}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--check-export":
        check_export(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 1:
        os.makedirs(OUT, exist_ok=True)
        for name, spec in VARIANTS.items():
            make(name, *spec)
    else:
        sys.exit(__doc__)
