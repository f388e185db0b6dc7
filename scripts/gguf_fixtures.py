#!/usr/bin/env python3
"""Small GGUF files and their expected values for the Swift GGUF reader's golden tests
(Tests/EGPODistributedTests/GGUF*Tests.swift), written with the `gguf` package (llama.cpp's
gguf-py: its own writer, quantisers and dequantisers are the independent reference).

Run from the repository root with the project's Python environment (scripts/python-env.sh):

    .venv/bin/python scripts/gguf_fixtures.py

It writes Tests/EGPODistributedTests/Fixtures/gguf/:

- types.gguf: version 3, `general.alignment` 64, metadata of every GGUF value type (arrays of
  numbers, strings, a nested array; the writer refuses empty arrays), and one small tensor of each supported type:
  F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1 quantised from random floats by gguf.quants, and
  Q4_K, Q5_K, Q6_K as random but valid block bytes (gguf-py has no K-quantiser; any bytes with
  finite fp16 scales are a valid block), a 3-D tensor among them.
- types-v2.gguf: the same bytes with version 2 (v3 only added big-endian files, so a v2 reader
  reads the v3 layout unchanged).
- types.expected.f32 / types.expected.json: gguf.quants.dequantize of every tensor, float32
  little-endian, concatenated in tensor order; the JSON gives each tensor's name, type, shape
  and offset into the .f32 file.
- tiny-llama.gguf: a 2-layer Llama (hidden 32, 4 heads, 2 KV heads, head size 8, MLP 64, tied
  embeddings) laid out as llama.cpp's converter writes one: q/k rows permuted per head
  (LlamaModel.permute in convert_hf_to_gguf.py), norms F32, embedding Q8_0, the rest Q4_1,
  Q5_0 and Q4_0; a byte-level BPE tokenizer (`gpt2`, pre `smollm`) learnt here from a small
  text, with control tokens and 21 byte tokens left out (as SmolLM2 lacks 21), and SmolLM2's
  ChatML chat template.
- tiny-llama.expected.json: what transformers (loading the GGUF with
  `AutoModelForCausalLM.from_pretrained(dir, gguf_file=...)`, float32) makes of it: per
  parameter the shape, sum and the first 16 values in Hugging Face order, and the
  log-probabilities of a few token sequences; token ids of a small corpus from the `tokenizers`
  library with SmolLM2's pipeline (Digits(individual_digits) then ByteLevel, the vocabulary and
  merges of the file, no unk token), and from transformers' tokenizer built from the GGUF; and
  prompts transformers' `apply_chat_template` renders with the file's chat template.
"""
import json
import os
import shutil
import tempfile

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T, GGUFValueType as V

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "EGPODistributedTests", "Fixtures", "gguf")
rng = np.random.default_rng(17)

SMOLLM2_TEMPLATE = ("{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
                    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
                    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
                    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")


def f16(values):
    return np.asarray(values, dtype=np.float16).view(np.uint8).reshape(-1, 2)


def k_blocks(qtype, n_blocks):
    """Random valid K-quant blocks: finite positive fp16 scales, every other byte random."""
    u8 = lambda n: rng.integers(0, 256, size=(n_blocks, n), dtype=np.uint8)
    d = f16(rng.uniform(0.002, 0.05, n_blocks))
    dmin = f16(rng.uniform(0.001, 0.03, n_blocks))
    if qtype == T.Q4_K:
        return np.concatenate([d, dmin, u8(12), u8(128)], axis=1)
    if qtype == T.Q5_K:
        return np.concatenate([d, dmin, u8(12), u8(32), u8(128)], axis=1)
    if qtype == T.Q6_K:
        return np.concatenate([u8(128), u8(64), u8(16), d], axis=1)
    raise ValueError(qtype)


def write_types():
    path = os.path.join(OUT, "types.gguf")
    w = gguf.GGUFWriter(path, "test")
    w.add_custom_alignment(64)
    w.add_uint8("test.uint8", 200)
    w.add_int8("test.int8", -5)
    w.add_uint16("test.uint16", 60000)
    w.add_int16("test.int16", -30000)
    w.add_uint32("test.uint32", 4000000000)
    w.add_int32("test.int32", -2000000000)
    w.add_float32("test.float32", 0.15625)
    w.add_bool("test.bool", True)
    w.add_string("test.string", "h\u00e9llo \U0001F600")
    w.add_uint64("test.uint64", 18000000000000000000)
    w.add_int64("test.int64", -9000000000000000000)
    w.add_float64("test.float64", -2.5e-300)
    w.add_array("test.array.strings", ["a", "", "\u00df"])
    w.add_key_value("test.array.int32", [1, -2, 3], V.ARRAY, sub_type=V.INT32)
    w.add_array("test.array.nested", [[1, 2], [3]])
    expected, offset = [], 0
    shapes = {T.F32: (2, 3, 32), T.F16: (2, 64), T.BF16: (2, 64), T.Q8_0: (2, 64), T.Q4_0: (2, 64), T.Q4_1: (2, 64),
              T.Q5_0: (2, 64), T.Q5_1: (2, 64), T.Q4_K: (2, 256), T.Q5_K: (1, 512), T.Q6_K: (2, 256)}
    for qtype, shape in shapes.items():
        name = "t." + qtype.name.lower()
        if qtype in (T.Q4_K, T.Q5_K, T.Q6_K):
            block, size = gguf.GGML_QUANT_SIZES[qtype]
            n_blocks = int(np.prod(shape)) // block
            raw = k_blocks(qtype, n_blocks).reshape(shape[:-1] + (shape[-1] // block * size,))
            w.add_tensor(name, raw, raw_dtype=qtype)
        else:
            x = rng.normal(0, 1, shape).astype(np.float32)
            x.flat[3] = 0.0
            if qtype == T.F32:
                raw = x
                w.add_tensor(name, raw)
            elif qtype == T.F16:
                raw = x.astype(np.float16)
                w.add_tensor(name, raw)
            else:
                raw = gguf.quants.quantize(x, qtype)
                w.add_tensor(name, raw, raw_dtype=qtype)
        values = gguf.quants.dequantize(np.asarray(raw).view(np.uint8) if qtype not in (T.F32, T.F16) else raw, qtype)
        values = np.asarray(values, dtype=np.float32).reshape(shape)
        expected.append({"name": name, "type": qtype.name, "shape": list(shape), "offset": offset, "count": int(values.size)})
        with open(os.path.join(OUT, "types.expected.f32"), "ab") as f:
            f.write(values.astype("<f4").tobytes())
        offset += int(values.size)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with open(os.path.join(OUT, "types.expected.json"), "w") as f:
        json.dump({"tensors": expected}, f, indent=1)
        f.write("\n")
    data = bytearray(open(path, "rb").read())
    assert data[4:8] == (3).to_bytes(4, "little")
    data[4:8] = (2).to_bytes(4, "little")
    open(os.path.join(OUT, "types-v2.gguf"), "wb").write(bytes(data))


# The tiny Llama ------------------------------------------------------------------------------

BYTE_TO_CHAR = {}
def _bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}
BYTE_TO_CHAR = _bytes_to_unicode()

# The 21 bytes SmolLM2's vocabulary lacks (REAL_MODELS.md / issue 17).
MISSING = [0x04, 0x06, 0x13, 0x14, 0x16, 0x1D, 0xC0, 0xC1, 0xF1, 0xF2] + list(range(0xF5, 0x100))
CONTROL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
TRAIN_TEXT = ("def add(a, b):\n    return a + b\n\nThe quick brown fox jumps over the lazy dog. "
              "the theory of the thing is that there then these. Caf\u00e9 na\u00efve r\u00e9sum\u00e9 12 345\n") * 3


def learn_bpe(text, merges_wanted=40):
    """A plain byte-level BPE learner on GPT-2-style pieces (letters with an optional leading
    space), enough to give the fixture real merges."""
    import re
    words = {}
    for piece in re.findall(r" ?[A-Za-z\u00c0-\u00ff]+| ?[0-9]| ?[^\sA-Za-z0-9]+|\s+", text):
        key = tuple(BYTE_TO_CHAR[b] for b in piece.encode("utf-8"))
        words[key] = words.get(key, 0) + 1
    merges = []
    for _ in range(merges_wanted):
        pairs = {}
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + c
        if not pairs:
            break
        best = max(sorted(pairs), key=lambda p: pairs[p])
        merges.append(best)
        new = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1]); i += 2
                else:
                    out.append(w[i]); i += 1
            new[tuple(out)] = new.get(tuple(out), 0) + c
        words = new
    return merges


def permute(w, n_head):
    """llama.cpp's converter (convert_hf_to_gguf.py LlamaModel.permute): HF rotate-half rows to
    interleaved pairs, per head."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def write_tiny_llama():
    merges = learn_bpe(TRAIN_TEXT)
    tokens = CONTROL + [BYTE_TO_CHAR[b] for b in range(256) if b not in MISSING]
    for a, b in merges:
        if a + b not in tokens:
            tokens.append(a + b)
    token_types = [3] * len(CONTROL) + [1] * (len(tokens) - len(CONTROL))
    V_, C, L, H, KV, D, I = len(tokens), 32, 2, 4, 2, 8, 64
    path = os.path.join(OUT, "tiny-llama.gguf")
    w = gguf.GGUFWriter(path, "llama")
    w.add_name("tiny-llama fixture")
    w.add_block_count(L)
    w.add_context_length(256)
    w.add_embedding_length(C)
    w.add_feed_forward_length(I)
    w.add_head_count(H)
    w.add_head_count_kv(KV)
    w.add_rope_freq_base(100000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(V_)
    w.add_rope_dimension_count(D)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("smollm")
    w.add_token_list(tokens)
    w.add_token_types(token_types)
    w.add_token_merges([a + " " + b for a, b in merges])
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_pad_token_id(2)
    w.add_add_bos_token(False)
    w.add_chat_template(SMOLLM2_TEMPLATE)

    def normal(*shape, scale=0.3):
        return rng.normal(0, scale, shape).astype(np.float32)

    def add(name, x, qtype):
        if qtype == T.F32:
            w.add_tensor(name, x)
        else:
            w.add_tensor(name, gguf.quants.quantize(x, qtype), raw_dtype=qtype)

    add("token_embd.weight", normal(V_, C, scale=1.0), T.Q8_0)
    for l in range(L):
        p = f"blk.{l}."
        add(p + "attn_norm.weight", 1 + normal(C, scale=0.1), T.F32)
        add(p + "attn_q.weight", permute(normal(H * D, C), H), T.Q4_1)
        add(p + "attn_k.weight", permute(normal(KV * D, C), KV), T.Q5_0)
        add(p + "attn_v.weight", normal(KV * D, C), T.Q5_1)
        add(p + "attn_output.weight", normal(C, H * D), T.Q4_0)
        add(p + "ffn_norm.weight", 1 + normal(C, scale=0.1), T.F32)
        add(p + "ffn_gate.weight", normal(I, C), T.Q4_1)
        add(p + "ffn_up.weight", normal(I, C), T.Q8_0)
        add(p + "ffn_down.weight", normal(C, I), T.Q4_1)
    add("output_norm.weight", 1 + normal(C, scale=0.1), T.F32)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return tokens, merges


CORPUS = [
    "def add(a, b):\n    return a + b\n",
    "The quick brown fox, 12 345 and    7 spaces.",
    "x  1\t\t22\n\n333",
    "Caf\u00e9 na\u00efve \u00fcber \u65e5\u672c\u8a9e \U0001F600 \u00f5\u00ff",
    "bytes \x04\x06\x13 and \u00c0\u00c1 vanish",
    "<|im_start|>user\nhi there<|im_end|>\n<|im_start|>assistant\n",
]
SEQUENCES = [[1, 50, 60, 70, 80, 90, 2], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14], [100, 3, 250, 17, 17, 17]]


def expected_tiny_llama(tokens, merges):
    import torch
    import tokenizers
    from tokenizers import pre_tokenizers, AddedToken
    from transformers import AutoModelForCausalLM, AutoTokenizer

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(OUT, "tiny-llama.gguf"), tmp)
        model = AutoModelForCausalLM.from_pretrained(tmp, gguf_file="tiny-llama.gguf", dtype=torch.float32)
        hf_tok = AutoTokenizer.from_pretrained(tmp, gguf_file="tiny-llama.gguf")
    model.eval()
    parameters = {}
    for name, t in model.state_dict().items():
        if name == "lm_head.weight":
            continue
        v = t.detach().to(torch.float64).flatten()
        parameters[name] = {"shape": list(t.shape), "sum": float(v.sum()), "first": [float(x) for x in t.flatten()[:16]]}
    logprobs = []
    with torch.no_grad():
        for seq in SEQUENCES:
            ids = torch.tensor([seq])
            lp = torch.log_softmax(model(ids).logits.float(), dim=-1)[0]
            logprobs.append([float(lp[i, seq[i + 1]]) for i in range(len(seq) - 1)])

    # SmolLM2's own tokenizer.json pipeline on the file's vocabulary and merges.
    bpe = tokenizers.models.BPE({t: i for i, t in enumerate(tokens)}, [tuple(m) for m in merges], unk_token=None)
    ref = tokenizers.Tokenizer(bpe)
    ref.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                                 pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    ref.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in CONTROL])
    corpus = [{"text": s, "ids": ref.encode(s, add_special_tokens=False).ids,
               "transformersGGUF": hf_tok.encode(s, add_special_tokens=False)} for s in CORPUS]
    chats = [[{"role": "user", "content": "What is 2 + 2?"}],
             [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "Hi"},
              {"role": "assistant", "content": "Hello."}, {"role": "user", "content": "Caf\u00e9?"}]]
    chat = [{"messages": m, "prompt": hf_tok.apply_chat_template(m, add_generation_prompt=True, tokenize=False)} for m in chats]
    return {"parameters": parameters, "sequences": SEQUENCES, "logprobs": logprobs, "corpus": corpus, "chat": chat,
            "missingBytes": MISSING, "vocabularySize": len(tokens), "mergeCount": len(merges)}


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name in ["types.gguf", "types-v2.gguf", "types.expected.f32", "types.expected.json", "tiny-llama.gguf", "tiny-llama.expected.json"]:
        if os.path.exists(os.path.join(OUT, name)):
            os.remove(os.path.join(OUT, name))
    write_types()
    tokens, merges = write_tiny_llama()
    with open(os.path.join(OUT, "tiny-llama.expected.json"), "w") as f:
        json.dump(expected_tiny_llama(tokens, merges), f, indent=1, ensure_ascii=True)
        f.write("\n")
    for name in sorted(os.listdir(OUT)):
        print(f"{name}: {os.path.getsize(os.path.join(OUT, name))} bytes")
