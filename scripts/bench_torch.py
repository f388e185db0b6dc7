#!/usr/bin/env python3
"""PyTorch CPU reference for `launcher bench model --json` (issue 3, item 9).

Builds transformers' LlamaForCausalLM on the bench config (hidden 512, 4 layers, 8 heads, 8 kv
heads, intermediate 1408, vocabulary 264), then in one process measures:

- sgemm_gflops: torch.mm on a 4096x512 by 512x512 product (the same shape the Swift bench uses);
- train_step_seconds: forward, cross-entropy loss, backward and an AdamW step on 16 sequences of
  256 tokens (median of several steps after warm-up);
- train_gflops and train_vs_sgemm (formula below);
- generate_tokens_per_s_b{1,8,64}: `generate` with its KV cache from a 256-token context, greedy,
  exactly --new-tokens new tokens per sequence; tokens/s = batch * new_tokens / seconds of the
  whole `generate` call (prompt pass included, as a user of generate sees it);
- decode_tokens_per_s_b{1,8,64}: the incremental steps alone, batch * (new_tokens - 1) /
  (time of the whole call - time of a call that makes one token, i.e. the prompt pass), to
  compare with the Swift sampler's decode-only rate like for like.

Prints one JSON object whose keys match the Swift bench.

Environment: scripts/python-env.sh creates ./.venv with CPU torch, transformers, h5py, numpy and
tokenizers; then run `.venv/bin/python scripts/bench_torch.py --threads 1`.
"""

import argparse
import json
import statistics
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    p.add_argument("--train-steps", type=int, default=5, help="timed training steps (median)")
    p.add_argument("--decode-repeats", type=int, default=3, help="timed generate calls per batch size (median)")
    p.add_argument("--new-tokens", type=int, default=64, help="tokens generated per sequence")
    p.add_argument("--batches", default="1,8,64", help="decode batch sizes, comma separated")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


def main():
    args = parse_args()
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    hidden, layers, heads, kvHeads, inter, vocab = 512, 4, 8, 8, 1408, 264
    batch, seqLen = 16, 256
    config = LlamaConfig(
        vocab_size=vocab, hidden_size=hidden, intermediate_size=inter, num_hidden_layers=layers,
        num_attention_heads=heads, num_key_value_heads=kvHeads, max_position_embeddings=1024,
        rms_norm_eps=1e-5, tie_word_embeddings=False, attention_bias=False,
        bos_token_id=None, eos_token_id=None, pad_token_id=None,
    )
    model = LlamaForCausalLM(config).float()
    # Eager attention is what the Swift side computes; sdpa would also be fair but is not
    # always the faster one on CPU, so take whichever transformers picks by default.

    # sgemm: C[4096,512] = A[4096,512] @ B[512,512]
    a = torch.randn(4096, 512)
    b = torch.randn(512, 512)
    for _ in range(3):
        torch.mm(a, b)
    reps = 20
    samples = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b)
        samples.append((time.perf_counter() - t0) / reps)
    # Best of five: the rate the machine reaches when nothing else runs (the machine is shared).
    sgemmGflops = 2 * 4096 * 512 * 512 / min(samples) / 1e9

    # Training step: forward, cross-entropy (transformers shifts labels inside), backward, AdamW.
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.1)
    tokens = torch.randint(0, vocab, (batch, seqLen))
    model.train()

    def trainStep():
        optimizer.zero_grad(set_to_none=True)
        out = model(input_ids=tokens, labels=tokens)
        out.loss.backward()
        optimizer.step()

    trainStep()  # warm-up: allocations, AdamW state
    stepTimes = []
    for _ in range(args.train_steps):
        t0 = time.perf_counter()
        trainStep()
        stepTimes.append(time.perf_counter() - t0)
    trainSeconds = statistics.median(stepTimes)

    # FLOPs of one training step:
    #   6 * P * N                    (P = parameters that take part in matmuls: every projection,
    #                                 the MLP and the LM head; the embedding table is a gather and
    #                                 the norm weights are elementwise, so they are left out;
    #                                 N = batch * seqLen tokens; 2 for forward, 4 for backward)
    # + 6 * L * B * T^2 * hidden     (causal attention: QK^T and AV are 2*T*T*hidden each in the
    #                                 forward without the mask, halved for causal: 2*T^2*hidden;
    #                                 times 3 for forward plus backward)
    matmulParams = sum(p.numel() for n, p in model.named_parameters()
                       if n.endswith(".weight") and "norm" not in n and "embed_tokens" not in n)
    flops = 6 * matmulParams * batch * seqLen + 6 * layers * batch * seqLen * seqLen * hidden
    trainGflops = flops / trainSeconds / 1e9

    # Decoding: greedy generate with its KV cache, exactly new_tokens per sequence.
    model.eval()
    decode, generate = {}, {}
    with torch.inference_mode():
        for bs in [int(x) for x in args.batches.split(",")]:
            prompt = torch.randint(0, vocab, (bs, seqLen))
            mask = torch.ones_like(prompt)

            def gen():
                return model.generate(input_ids=prompt, attention_mask=mask, do_sample=False,
                                      max_new_tokens=args.new_tokens, min_new_tokens=args.new_tokens,
                                      use_cache=True, pad_token_id=0)

            out = gen()  # warm-up
            assert out.shape == (bs, seqLen + args.new_tokens), out.shape

            def prefillOnly():
                return model.generate(input_ids=prompt, attention_mask=mask, do_sample=False,
                                      max_new_tokens=1, min_new_tokens=1, use_cache=True, pad_token_id=0)

            times, prefillTimes = [], []
            for _ in range(args.decode_repeats):
                t0 = time.perf_counter()
                gen()
                times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                prefillOnly()
                prefillTimes.append(time.perf_counter() - t0)
            whole, prefill = statistics.median(times), statistics.median(prefillTimes)
            generate[bs] = bs * args.new_tokens / whole
            decode[bs] = bs * (args.new_tokens - 1) / max(whole - prefill, 1e-9)

    result = {
        "implementation": "pytorch",
        "torch_version": torch.__version__,
        "threads": args.threads,
        "parameters": sum(p.numel() for p in model.parameters()),
        "matmul_parameters": matmulParams,
        "train_flops": flops,
        "sgemm_gflops": round(sgemmGflops, 2),
        "train_step_seconds": round(trainSeconds, 4),
        "train_step_samples": [round(t, 4) for t in stepTimes],
        "train_gflops": round(trainGflops, 2),
        "train_vs_sgemm": round(trainGflops / sgemmGflops, 4),
        "decode_new_tokens": args.new_tokens,
        "decode_context": seqLen,
    }
    for bs in decode:
        result[f"decode_tokens_per_s_b{bs}"] = round(decode[bs], 2)
        result[f"generate_tokens_per_s_b{bs}"] = round(generate[bs], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
