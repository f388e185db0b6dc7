#!/usr/bin/env python3
"""transformers' `generate` on the prompts `launcher bench eval --export FILE` wrote (scripts/bench-eval.sh).

Loads the GGUF with `AutoModelForCausalLM.from_pretrained(dir, gguf_file=name, dtype=torch.float32)`
(transformers dequantises it to float32, as `launcher import` does; bfloat16 with --bf16), sets torch to --threads
intra-op threads, and for each exported prompt runs greedy `generate` on exactly its token ids
with the same stop token and the same maximum of new tokens, one prompt at a time (batch 1: no
padding, so each prompt is computed exactly as alone). Prints one JSON object: tasks, prompt and
completion tokens, seconds (the sum of the `generate` calls), completion tokens/s, the process's CPU seconds over the same calls, and how many
completions equal ours token for token (with the first differing task, if any).
"""
import argparse
import json
import os
import time


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gguf", required=True, help="the GGUF file the model file was imported from")
    p.add_argument("--prompts", required=True, help="JSON lines from `launcher bench eval --export`")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--bf16", action="store_true", help="load and run the model in bfloat16 (torch's bf16 matmuls, oneDNN on CPU)")
    args = p.parse_args()

    import torch
    from transformers import AutoModelForCausalLM
    torch.set_num_threads(args.threads)
    model = AutoModelForCausalLM.from_pretrained(os.path.dirname(os.path.abspath(args.gguf)), gguf_file=os.path.basename(args.gguf),
                                                 dtype=torch.bfloat16 if args.bf16 else torch.float32)
    model.eval()
    tasks = [json.loads(line) for line in open(args.prompts) if line.strip()]

    # One untimed call first, so one-off set-up (lazy initialisation, allocator growth) is not
    # charged to the first task.
    with torch.inference_mode():
        model.generate(torch.tensor([tasks[0]["prompt"][:32]]), max_new_tokens=2, do_sample=False,
                       eos_token_id=tasks[0]["stop"], pad_token_id=tasks[0]["stop"])

    seconds, cpu_seconds, completion_tokens, same, first_difference = 0.0, 0.0, 0, 0, None
    with torch.inference_mode():
        for t in tasks:
            ids = torch.tensor([t["prompt"]])
            start, cpu_start = time.perf_counter(), time.process_time()
            out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=t["max_new_tokens"], do_sample=False,
                                 eos_token_id=t["stop"], pad_token_id=t["stop"], top_p=None, top_k=None, temperature=None)
            seconds += time.perf_counter() - start
            cpu_seconds += time.process_time() - cpu_start
            new = out[0, ids.shape[1]:].tolist()
            completion_tokens += len(new)
            if new == t["completion"]:
                same += 1
            elif first_difference is None:
                at = next((i for i, (a, b) in enumerate(zip(new, t["completion"])) if a != b), min(len(new), len(t["completion"])))
                first_difference = {"id": t["id"], "index": at, "transformers": new[at:at + 5], "ours": t["completion"][at:at + 5]}

    print(json.dumps({
        "tasks": len(tasks), "threads": args.threads, "torch": torch.__version__, "dtype": "bfloat16" if args.bf16 else "float32",
        "prompt_tokens": sum(len(t["prompt"]) for t in tasks), "completion_tokens": completion_tokens,
        "seconds": seconds, "cpu_seconds": cpu_seconds, "tokens_per_second": completion_tokens / seconds,
        "same_completions": same, "first_difference": first_difference,
    }))


if __name__ == "__main__":
    main()
