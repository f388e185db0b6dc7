#!/usr/bin/env python3
"""SmolLM2-135M-Instruct as a Hugging Face safetensors folder, made the way a user makes one, and
the references `launcher import --from FOLDER` is checked against (issue 17 item 2).

transformers loads the cached GGUF (`make smollm2`) and dequantises it, but refuses to save that
model ("The model is quantized with gguf and is not serializable"). So, as a user would, this
script copies its weights into a fresh `LlamaForCausalLM` built from the loaded config and
`save_pretrained`s it with the tokenizer. Nothing in the saved files is edited: whatever
transformers writes (config keys such as `unk_token_id` and a gguf `quantization_config`, a
tokenizer.json whose pre-tokenizer is plain ByteLevel, chat_template.jinja) is what the importer
has to take.

Modes (run from the repository root with the reference venv, scripts/python-env.sh):

  .venv/bin/python scripts/smollm2_folder.py [--dtype float32|bfloat16] [--out DIR]
      writes the folder, by default ${EGPO_CACHE:-~/.cache/egpo}/smollm2/SmolLM2-135M-Instruct-hf
      (float32; SmolLM2FolderTests' full-size check looks for it there). `make smollm2-folder`.

  .venv/bin/python scripts/smollm2_folder.py --goldens
      also writes Tests/EGPODistributedTests/Fixtures/smollm2/:
      folder-config.json   the config.json transformers saved;
      folder-tokens.jsonl  per text of the stored corpus (Fixtures/smollm2/tokens.jsonl, by source),
                           the ids the `tokenizers` library gives with the saved tokenizer.json;
      folder-logprobs.json transformers' float32 log p(tokens[i+1] | tokens[..i]) with the saved
                           folder loaded by `AutoModelForCausalLM.from_pretrained(folder)`, on the
                           sequences of Fixtures/smollm2/logprobs.json.

  .venv/bin/python scripts/smollm2_folder.py --tiny
      writes Tests/EGPODistributedTests/Fixtures/smollm2-tiny/: a 2-layer model with SmolLM2's
      config keys and tokenizer layout, in bfloat16 (the saved tokenizer.json cut to its first 512 ids: the 17
      control tokens, the 235 byte tokens SmolLM2 has, the merges among them), and vocab_size equal
      to the tokenizer's ids (no spare rows, as SmolLM2), saved by transformers; hub/config.json and
      hub/tokenizer.json, the same model written as SmolLM2's hub folders write it (nanotron's
      keys is_llama_config, rope_interleaved, pretraining_tp, rope_theta at the top; the
      [Digits, ByteLevel] pre-tokenizer); tokens.jsonl (a corpus with `ids` from `tokenizers` on
      the saved tokenizer.json and `hub_ids` on the hub one) and logprobs.json (transformers on
      the tiny folder).
"""
import argparse
import copy
import json
import os
import shutil
import tempfile

import torch
import tokenizers
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, LlamaForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
FIXTURES = os.path.join(ROOT, "Tests", "EGPODistributedTests", "Fixtures")
CACHE = os.path.join(os.environ.get("EGPO_CACHE", os.path.expanduser("~/.cache/egpo")), "smollm2")
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
TINY_IDS = 512

# The pre-tokenizer, post-processor and decoder of SmolLM2's tokenizer.json on the hub
# (HuggingFaceTB/SmolLM2-135M-Instruct): digits split one by one, then GPT-2's byte-level regex.
HUB_PRE_TOKENIZER = {"type": "Sequence", "pretokenizers": [
    {"type": "Digits", "individual_digits": True},
    {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]}
HUB_POST_PROCESSOR = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True}
HUB_DECODER = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True}

EXTRA_TEXTS = [
    "x  1\t\t22 and   333\n\n  4444 5,678.9",
    "<|im_start|>assistant\n<think>\nThe user wants the area.</think>\n<tool_call>\n"
    '{"name": "calculate_area", "arguments": {"base": 10, "height": 5}}\n</tool_call><|im_end|>\n',
    "def f(x):\n    return [g(y=1), h(z='\u00e9')]  # \u65e5\u672c\n",
]


def save_user_folder(gguf, out, dtype):
    """The user's recipe: load the GGUF, copy into a fresh LlamaForCausalLM, save with the tokenizer."""
    with tempfile.TemporaryDirectory() as tmp:
        os.symlink(os.path.abspath(gguf), os.path.join(tmp, GGUF))
        loaded = AutoModelForCausalLM.from_pretrained(tmp, gguf_file=GGUF, dtype=torch.float32)
        tokenizer = AutoTokenizer.from_pretrained(tmp, gguf_file=GGUF)
    fresh = LlamaForCausalLM(loaded.config)
    missing = fresh.load_state_dict(loaded.state_dict(), strict=True)
    assert not missing.missing_keys and not missing.unexpected_keys, missing
    fresh = fresh.to(dtype)
    if os.path.exists(out):
        shutil.rmtree(out)
    fresh.save_pretrained(out)
    tokenizer.save_pretrained(out)
    print(f"saved {out}: {sorted(os.listdir(out))}")
    return loaded


def log_probs(model, sequences):
    model.eval()
    out = []
    with torch.no_grad():
        for seq in sequences:
            lp = torch.log_softmax(model(torch.tensor([seq])).logits.float(), dim=-1)[0]
            out.append([float(lp[i, seq[i + 1]]) for i in range(len(seq) - 1)])
    return out


def read_corpus():
    with open(os.path.join(FIXTURES, "smollm2", "tokens.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_goldens(folder, loaded):
    target = os.path.join(FIXTURES, "smollm2")
    shutil.copyfile(os.path.join(folder, "config.json"), os.path.join(target, "folder-config.json"))
    tok = tokenizers.Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    rows, differ = [], 0
    for r in read_corpus():
        ids = tok.encode(r["text"], add_special_tokens=False).ids
        differ += ids != r["ids"]
        rows.append({"source": r["source"], "ids": ids})
    with open(os.path.join(target, "folder-tokens.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print(f"folder tokenizer.json: {len(rows)} texts, {sum(len(r['ids']) for r in rows)} tokens; "
          f"{differ} differ from SmolLM2's own pipeline (the saved pre-tokenizer has no Digits step)")

    with open(os.path.join(target, "logprobs.json")) as f:
        gguf_golden = json.load(f)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    got = log_probs(model, gguf_golden["sequences"])
    worst = max(abs(a - b) for g, w in zip(got, gguf_golden["logprobs"]) for a, b in zip(g, w))
    direct = log_probs(loaded, gguf_golden["sequences"])
    worst_direct = max(abs(a - b) for g, w in zip(got, direct) for a, b in zip(g, w))
    print(f"transformers on the saved folder vs on the GGUF: max |d log p| {worst_direct} (this run), {worst} (stored logprobs.json)")
    with open(os.path.join(target, "folder-logprobs.json"), "w") as f:
        json.dump({"sources": gguf_golden["sources"], "sequences": gguf_golden["sequences"], "logprobs": got}, f)
        f.write("\n")


def tiny_tokenizer(full):
    """The saved tokenizer.json cut to ids < TINY_IDS, merges among the kept tokens only."""
    t = copy.deepcopy(full)
    vocab = {s: i for s, i in t["model"]["vocab"].items() if i < TINY_IDS}
    t["model"]["vocab"] = vocab
    t["model"]["merges"] = [m for m in t["model"]["merges"] if m[0] in vocab and m[1] in vocab and m[0] + m[1] in vocab]
    t["added_tokens"] = [a for a in t["added_tokens"] if a["id"] < TINY_IDS]
    return t


def write_tiny(folder):
    target = os.path.join(FIXTURES, "smollm2-tiny")
    if os.path.exists(target):
        shutil.rmtree(target)
    with open(os.path.join(folder, "config.json")) as f:
        saved = json.load(f)
    with open(os.path.join(folder, "tokenizer.json"), encoding="utf-8") as f:
        tokenizer = tiny_tokenizer(json.load(f))
    config = dict(saved, vocab_size=TINY_IDS, hidden_size=48, intermediate_size=96, num_hidden_layers=2,
                  num_attention_heads=3, num_key_value_heads=1, head_dim=16)
    for key in ["architectures", "transformers_version", "dtype"]:
        config.pop(key, None)
    torch.manual_seed(17)
    model = LlamaForCausalLM(LlamaConfig(**config))
    with torch.no_grad():
        # Larger than the default init so the log-probabilities are far from uniform.
        for name, p in model.named_parameters():
            p.copy_(1 + 0.1 * torch.randn_like(p) if "norm" in name else 0.35 * torch.randn_like(p))
    # bfloat16, as SmolLM2's hub weights are (and half the bytes).
    model.to(torch.bfloat16).save_pretrained(target)
    with open(os.path.join(target, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)
    for name in ["tokenizer_config.json", "chat_template.jinja"]:
        shutil.copyfile(os.path.join(folder, name), os.path.join(target, name))

    # The same model as SmolLM2's hub folder writes it.
    hub = os.path.join(target, "hub")
    os.makedirs(hub)
    hub_config = {
        "architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0, "bos_token_id": 1,
        "eos_token_id": 2, "head_dim": 16, "hidden_act": "silu", "hidden_size": 48, "initializer_range": 0.041666666666666664,
        "intermediate_size": 96, "is_llama_config": True, "max_position_embeddings": 8192, "mlp_bias": False, "model_type": "llama",
        "num_attention_heads": 3, "num_hidden_layers": 2, "num_key_value_heads": 1, "pad_token_id": 2, "pretraining_tp": 1,
        "rms_norm_eps": saved["rms_norm_eps"], "rope_interleaved": False, "rope_scaling": None,
        "rope_theta": saved["rope_parameters"]["rope_theta"], "tie_word_embeddings": True, "torch_dtype": "bfloat16",
        "transformers.js_config": {"kv_cache_dtype": {"q4f16": "float16", "fp16": "float16"}}, "transformers_version": "4.42.3",
        "use_cache": True, "vocab_size": TINY_IDS,
    }
    with open(os.path.join(hub, "config.json"), "w") as f:
        json.dump(hub_config, f, indent=2)
    hub_tokenizer = dict(tokenizer, pre_tokenizer=HUB_PRE_TOKENIZER, post_processor=HUB_POST_PROCESSOR, decoder=HUB_DECODER)
    hub_tokenizer["model"] = dict(tokenizer["model"], continuing_subword_prefix=None, end_of_word_suffix=None,
                                  merges=[" ".join(m) for m in tokenizer["model"]["merges"]])
    with open(os.path.join(hub, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(hub_tokenizer, f, ensure_ascii=False)

    # transformers reads the hub config to the same model.
    reloaded = AutoModelForCausalLM.from_pretrained(target, dtype=torch.float32)
    assert LlamaConfig(**hub_config).rope_parameters["rope_theta"] == reloaded.config.rope_parameters["rope_theta"]

    saved_tok = tokenizers.Tokenizer.from_file(os.path.join(target, "tokenizer.json"))
    hub_tok = tokenizers.Tokenizer.from_file(os.path.join(hub, "tokenizer.json"))
    corpus = read_corpus()
    picked = [r for r in corpus if r["source"].split(":")[-1] in ("irrelevance_0", "live_simple_0-0-0", "simple_java_0", "multiple_0")]
    picked += [r for r in corpus if r["source"] in ("scripts/gguf_fixtures.py", "Sources/EGPODistributed/Tokenizer/GPT2PreTokenizer.swift")]
    texts = [{"source": r["source"], "text": r["text"][:700]} for r in picked]
    texts += [{"source": r["source"], "text": r["text"]} for r in corpus if r["source"].startswith("non-ascii")]
    texts += [{"source": f"extra-{i}", "text": t} for i, t in enumerate(EXTRA_TEXTS)]
    rows = []
    for t in texts:
        rows.append(dict(t, ids=saved_tok.encode(t["text"], add_special_tokens=False).ids,
                         hub_ids=hub_tok.encode(t["text"], add_special_tokens=False).ids))
    with open(os.path.join(target, "tokens.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"tiny corpus: {len(rows)} texts, {sum(len(r['ids']) for r in rows)} tokens; hub pipeline differs on "
          f"{sum(r['ids'] != r['hub_ids'] for r in rows)}")

    sequences = [rows[0]["ids"][:96], rows[4]["ids"][:96], rows[-2]["ids"][:96]]
    with open(os.path.join(target, "logprobs.json"), "w") as f:
        json.dump({"sources": [rows[0]["source"], rows[4]["source"], rows[-2]["source"]], "sequences": sequences,
                   "logprobs": log_probs(reloaded, sequences)}, f)
        f.write("\n")
    for root, _, files in os.walk(target):
        for name in sorted(files):
            print(f"{os.path.relpath(os.path.join(root, name), FIXTURES)}: {os.path.getsize(os.path.join(root, name))} bytes")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gguf", default=os.path.join(CACHE, GGUF))
    ap.add_argument("--out", default=os.path.join(CACHE, "SmolLM2-135M-Instruct-hf"))
    ap.add_argument("--dtype", choices=["float32", "bfloat16"], default="float32")
    ap.add_argument("--goldens", action="store_true", help="write the full-size references under Fixtures/smollm2")
    ap.add_argument("--tiny", action="store_true", help="write the tiny SmolLM2-shaped fixture folder")
    args = ap.parse_args()
    if not os.path.exists(args.gguf):
        raise SystemExit(f"{args.gguf} not found: run `make smollm2` first")
    loaded = save_user_folder(args.gguf, args.out, getattr(torch, args.dtype))
    if args.goldens:
        write_goldens(args.out, loaded)
    if args.tiny:
        write_tiny(args.out)


if __name__ == "__main__":
    main()
