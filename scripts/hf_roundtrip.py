#!/usr/bin/env python3
"""The Hugging Face round trip of cluster/hf-roundtrip.sh: import a model folder, train it, export
it, and check that transformers computes what the trainer computes on the result.

  make-fixture   writes Tests/EGPODistributedTests/Fixtures/hf/qwen3-chat/: a tiny Qwen3ForCausalLM
                 saved by transformers (random weights, bf16, so import converts) with the
                 Qwen2-style tokenizer of Fixtures/hf-tokenizer/qwen2-tokenizer.json, which has the
                 Qwen3 chat template's tokens (<|im_start|>, <|im_end|>, <think>, <tool_call>, ...).
  logprobs DIR TOKENS.jsonl OUT.json
                 loads DIR with transformers (float64) and writes, for each {"tokens": [...]} line,
                 log p(tokens[i+1] | tokens[..i]) in the layout `launcher score` prints.

cluster/hf-roundtrip.sh stores the transformers log-probabilities of the exported model as
Tests/EGPODistributedTests/Fixtures/hf/qwen3-chat-roundtrip.json (`--refresh`), so `make test`
compares without Python; with .venv present it also runs transformers live.
"""
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Tests", "EGPODistributedTests", "Fixtures")


def make_fixture():
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM
    source = os.path.join(FIXTURES, "hf-tokenizer", "qwen2-tokenizer.json")
    tokenizer = json.load(open(source, encoding="utf-8"))
    vocab = 1 + max([*tokenizer["model"]["vocab"].values(), *(t["id"] for t in tokenizer["added_tokens"])])
    config = Qwen3Config(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                         num_key_value_heads=1, head_dim=16, max_position_embeddings=4096, rope_theta=1000000.0,
                         rms_norm_eps=1e-6, tie_word_embeddings=False, bos_token_id=None, eos_token_id=658)
    torch.manual_seed(5)
    model = Qwen3ForCausalLM(config).to(torch.bfloat16)
    folder = os.path.join(FIXTURES, "hf", "qwen3-chat")
    shutil.rmtree(folder, ignore_errors=True)
    model.save_pretrained(folder)
    shutil.copy(source, os.path.join(folder, "tokenizer.json"))
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump({"tokenizer_class": "Qwen2Tokenizer", "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
                   "model_max_length": 4096}, f, indent=2)
    print(f"wrote {folder} ({vocab} ids)")


def logprobs(folder, tokens_path, out_path):
    import torch
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float64, attn_implementation="eager")
    rows = []
    for line in open(tokens_path, encoding="utf-8"):
        ids = json.loads(line)["tokens"]
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([ids])).logits[0]
        lp = torch.log_softmax(logits[:-1], dim=-1).gather(1, torch.tensor(ids[1:])[:, None])[:, 0]
        rows.append({"tokens": ids, "logprobs": lp.tolist()})
    with open(out_path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "make-fixture":
        make_fixture()
    elif command == "logprobs":
        logprobs(*sys.argv[2:5])
    else:
        sys.exit(__doc__)
