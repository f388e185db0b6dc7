#!/usr/bin/env python3
"""Golden values for the Swift transformer from an independent implementation:
Hugging Face transformers' LlamaForCausalLM, in float64.

Reads a model file written by `launcher init` (HDF5: one dataset per parameter under its HF name,
root attribute `config` with LlamaConfig keys), builds LlamaForCausalLM from it, runs a fixed
right-padded batch, and writes an HDF5 fixture with:
  tokens            (B, T) int64, padded with 0;  lengths (B,) int64
  logits            (P, V) float64: row i of sequence s = the distribution of token i+1 given 0..i,
                    sequences back to back (P = sum(length - 1)), as the Swift TokenBatch orders them
  logprobs          (P,)   float64: log p(target)
  loss              ()     float64: mean cross-entropy over the P predictions
  grad/<name>       float64 gradient of loss for every parameter in the model file

Regenerate the committed fixtures (from the repository root, with torch, transformers, h5py):
  scripts/python-env.sh   scripts/setup.sh python            # or any Python with torch (CPU), transformers, h5py  scripts/setup.sh python            # or any Python with torch (CPU), transformers, h5py . .venv/bin/activate   # or any Python with torch (CPU), transformers, h5py
  for c in gqa_untied bias_tied; do
    .build/debug/launcher init --config Tests/EGPODistributedTests/Fixtures/golden-$c.json \
        --out Tests/EGPODistributedTests/Fixtures/golden-$c-model.h5 --seed 11
    python3 scripts/llama_golden.py Tests/EGPODistributedTests/Fixtures/golden-$c-model.h5 \
        Tests/EGPODistributedTests/Fixtures/golden-$c-expected.h5
  done
"""
import json
import sys

import h5py
import numpy as np
import torch
from transformers import LlamaConfig, LlamaForCausalLM

# A fixed batch: three sequences of different lengths (so padding and packing both matter).
SEQUENCES = [
    [5, 17, 200, 3, 99, 42, 7, 250, 1, 64, 128, 33],
    [260, 8, 8, 15, 77, 2, 190],
    [31, 4, 159, 26, 53, 58, 97, 93, 23],
]


def main(model_path: str, out_path: str) -> None:
    torch.manual_seed(0)
    with h5py.File(model_path, "r") as f:
        config_json = json.loads(f.attrs["config"])
        tensors = {name: np.array(f[name]) for name in f.keys() if isinstance(f[name], h5py.Dataset)}
    config = LlamaConfig(**config_json)
    config._attn_implementation = "eager"
    model = LlamaForCausalLM(config).double()
    state = {name: torch.from_numpy(value.astype(np.float64)) for name, value in tensors.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected, f"tensors the HF model does not have: {unexpected}"
    allowed_missing = {"lm_head.weight"} if config.tie_word_embeddings else set()
    assert set(missing) <= allowed_missing, f"tensors missing from the file: {missing}"
    if config.tie_word_embeddings:
        model.tie_weights()
        assert model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr()

    lengths = [len(s) for s in SEQUENCES]
    width = max(lengths)
    tokens = np.zeros((len(SEQUENCES), width), dtype=np.int64)
    mask = np.zeros((len(SEQUENCES), width), dtype=np.int64)
    for b, s in enumerate(SEQUENCES):
        tokens[b, : len(s)] = s
        mask[b, : len(s)] = 1
    input_ids = torch.from_numpy(tokens)
    # Right padding: positions are 0..len-1 for real tokens, as without padding.
    logits = model(input_ids=input_ids, attention_mask=torch.from_numpy(mask)).logits  # (B, T, V)

    rows, targets = [], []
    for b, n in enumerate(lengths):
        rows.append(logits[b, : n - 1])
        targets.append(input_ids[b, 1:n])
    rows = torch.cat(rows)          # (P, V)
    targets = torch.cat(targets)    # (P,)
    logprobs = torch.log_softmax(rows, dim=-1).gather(1, targets[:, None])[:, 0]
    loss = -logprobs.mean()
    loss.backward()

    named = dict(model.named_parameters())
    with h5py.File(out_path, "w") as out:
        out["tokens"] = tokens
        out["lengths"] = np.array(lengths, dtype=np.int64)
        out["logits"] = rows.detach().numpy()
        out["logprobs"] = logprobs.detach().numpy()
        out["loss"] = loss.detach().numpy()
        for name in tensors:
            out[f"grad/{name}"] = named[name].grad.numpy()
        out.attrs["source"] = f"transformers LlamaForCausalLM float64 on {model_path}"
    print(f"wrote {out_path}: loss {loss.item():.6f}, {len(tensors)} gradients, {rows.shape[0]} predictions")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
