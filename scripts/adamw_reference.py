#!/usr/bin/env python3
"""Golden values for the Swift AdamW, gradient clipping included, from torch.optim.AdamW.

Two parameter tensors (a 4x6 matrix with weight decay 0.1, a 7-vector with none, flattened in
that order into one 31-element buffer), deterministic initial values and per-step gradients,
six steps with a changing learning rate; before each step torch.nn.utils.clip_grad_norm_ with
max_norm 1 (the gradient scales make it clip on some steps and not on others). Writes the
inputs, the norm and clip coefficient of each step, the parameters after each step, and the
final moments to Tests/EGPODistributedTests/Fixtures/adamw-golden.json for AdamWGoldenTests.

Regenerate (from the repository root):

    scripts/python-env.sh                  # once: ./.venv with CPU torch (and the rest)
    .venv/bin/python scripts/adamw_reference.py
"""

import json
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "EGPODistributedTests", "Fixtures", "adamw-golden.json")

BETAS = (0.9, 0.95)
EPS = 1e-8
WEIGHT_DECAY = 0.1
MAX_NORM = 1.0
LRS = [1e-3, 2e-3, 3e-2, 2.5e-3, 1e-3, 5e-4]
GRAD_SCALES = [3.0, 0.05, 1.5, 0.2, 5.0, 0.01]


def main():
    import torch

    torch.set_num_threads(1)
    n = 31
    initial = torch.tensor([math.sin(0.37 * i + 0.1) * 0.5 for i in range(n)], dtype=torch.float32)
    w = torch.nn.Parameter(initial[:24].clone().reshape(4, 6))
    b = torch.nn.Parameter(initial[24:].clone())
    opt = torch.optim.AdamW([
        {"params": [w], "weight_decay": WEIGHT_DECAY},
        {"params": [b], "weight_decay": 0.0},
    ], lr=LRS[0], betas=BETAS, eps=EPS, foreach=False)

    steps = []
    for s, (lr, scale) in enumerate(zip(LRS, GRAD_SCALES)):
        grad = torch.tensor([math.sin(1.3 * i + 0.7 * s) * scale for i in range(n)], dtype=torch.float32)
        w.grad = grad[:24].clone().reshape(4, 6)
        b.grad = grad[24:].clone()
        totalNorm = float(torch.nn.utils.clip_grad_norm_([w, b], MAX_NORM))
        clipCoef = min(1.0, MAX_NORM / (totalNorm + 1e-6))
        for group in opt.param_groups:
            group["lr"] = lr
        opt.step()
        after = torch.cat([w.detach().reshape(-1), b.detach()])
        steps.append({"lr": lr, "grad": grad.tolist(), "total_norm": totalNorm, "clip_coef": clipCoef,
                      "params_after": after.tolist()})

    exp_avg = torch.cat([opt.state[w]["exp_avg"].reshape(-1), opt.state[b]["exp_avg"]])
    exp_avg_sq = torch.cat([opt.state[w]["exp_avg_sq"].reshape(-1), opt.state[b]["exp_avg_sq"]])
    fixture = {
        "generator": "scripts/adamw_reference.py",
        "torch_version": torch.__version__,
        "beta1": BETAS[0], "beta2": BETAS[1], "eps": EPS, "weight_decay": WEIGHT_DECAY,
        "decayed_count": 24, "max_norm": MAX_NORM,
        "initial": initial.tolist(),
        "steps": steps,
        "final_step": int(opt.state[w]["step"]),
        "final_exp_avg": exp_avg.tolist(),
        "final_exp_avg_sq": exp_avg_sq.tolist(),
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {len(steps)} steps to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
