#!/usr/bin/env python3
"""Prints the speed ratios (ours / PyTorch) of two bench JSON objects: `launcher bench model
--json` and scripts/bench_torch.py. Standard library only. Usage: bench_compare.py OURS TORCH
(files holding the output; the last line starting with '{' is taken)."""

import json
import sys


def lastObject(path):
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if l.strip().startswith("{")]
    if not lines:
        raise SystemExit(f"bench_compare: no JSON object in {path}")
    return json.loads(lines[-1])


def main():
    ours, torch = lastObject(sys.argv[1]), lastObject(sys.argv[2])
    # Speed ratio: > 1 means ours is faster. Time for the training step, tokens/s for decoding.
    # decode_*: incremental steps only (both sides measure it); generate_*: prompt pass included.
    rows = [("train step (s)", "train_step_seconds", True, 1.0),
            ("decode b1 (tok/s)", "decode_tokens_per_s_b1", False, 3.0),
            ("decode b8 (tok/s)", "decode_tokens_per_s_b8", False, None),
            ("decode b64 (tok/s)", "decode_tokens_per_s_b64", False, 5.0),
            # Whole generate calls, prompt pass included: at batch 64 the 16k-token prompt pass is
            # sgemm-bound in both, which caps this ratio whatever decoding does.
            ("generate b1 (tok/s)", "generate_tokens_per_s_b1", False, None),
            ("generate b8 (tok/s)", "generate_tokens_per_s_b8", False, None),
            ("generate b64 (tok/s)", "generate_tokens_per_s_b64", False, None)]
    print(f"{'':22}{'ours':>12}{'pytorch':>12}{'ours/torch':>12}  target")
    for label, key, lowerIsBetter, target in rows:
        a, b = ours.get(key), torch.get(key)
        if a is None or b is None:
            print(f"{label:22}{str(a):>12}{str(b):>12}{'-':>12}")
            continue
        ratio = (b / a) if lowerIsBetter else (a / b)
        mark = "" if target is None else (f">= {target:g}x " + ("ok" if ratio >= target else "MISSED"))
        print(f"{label:22}{a:>12.4g}{b:>12.4g}{ratio:>11.2f}x  {mark}")
    for key in ("sgemm_gflops", "train_gflops", "train_vs_sgemm"):
        a, b = ours.get(key), torch.get(key)
        print(f"{key:22}{str(a):>12}{str(b):>12}")
    tvs = ours.get("train_vs_sgemm")
    if tvs is not None:
        print(f"train_vs_sgemm target >= 0.75: {'ok' if tvs >= 0.75 else 'MISSED'}")


if __name__ == "__main__":
    main()
