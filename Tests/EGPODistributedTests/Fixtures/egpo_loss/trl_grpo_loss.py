#!/usr/bin/env python3
"""Golden GRPO losses from TRL's OWN loss code (trl 1.16.0, GRPOTrainer._compute_loss), and a
check that egpo_loss_reference.py (lambda = 0) agrees with it. Writes trl_grpo_cases.json.

How TRL's code is run: a GRPOTrainer is made with object.__new__ (no model, no dataset), and
the attributes _compute_loss reads are set from a real GRPOConfig the way GRPOTrainer.__init__
sets them (a missing one raises AttributeError, so the list below is complete). The model
forward, _get_per_token_logps_and_entropies, is replaced on the instance by a function that
returns our logp tensor (B x Tmax, float64, a leaf with requires_grad). Then TRL's own
_compute_loss does all the loss arithmetic (ratio, two-sided clip, k3 KL, masking, the
loss_type's aggregation, the metrics), and d loss / d logp comes from autograd.
The accelerator is a real accelerate.Accelerator(cpu=True) (one process).

Inputs given to TRL, and why (our semantics in EGPO.md / egpo_loss_reference.py):
  - advantages: given directly, one per completion (TRL computes them in
    _generate_and_score_completions, which is not what is compared here); lambda = 0, so our
    shaped advantage A' equals A on every token.
  - old_per_token_logps = our logpOld (B x Tmax). For the on-policy cases it is left out
    (None), which is TRL's mu = 1 path (per_token_logps.detach()); there our logpOld == logp.
  - ref_per_token_logps = our logpRef when beta != 0 (absent when beta == 0, as TRL requires).
  - completion_mask: 1 on the T_i real tokens of each row, right-padded with 0 to the longest
    completion (padding logp = logpOld = logpRef = 0); prompt: one dummy token.
  - importance_sampling_level = "token", delta = None (plain two-sided PPO clip),
    top_entropy_quantile = 1.0, off_policy_mask_threshold = None, entropy_coef = 0, no vLLM
    (so no importance-sampling correction), no tool mask, no MoE aux loss.
  - use_bias_correction_kl = False. TRL 1.16's DEFAULT is True, which multiplies the k3 term by
    the (differentiable) ratio exp(logp - logpOld): per_token_kl = k3 * ratio. That is not our
    convention (L = clip + beta * k3); the script measures the difference and records it in
    "notes" (it changes the gradient even on-policy, where ratio == 1 in value).
  - mode "train", current_gradient_accumulation_steps = 1, steps_per_generation = 1,
    num_items_in_batch = total number of completion tokens, one process.
  - epsilon = epsLow, epsilon_high = epsHigh, beta, max_completion_length =
    maxCompletionTokens; the real-valued ones as their float32 rounding, like the reference.

loss_type <-> our aggregation (TRL 1.16 source, _compute_loss):
  "bnpo":    sum(L * mask) / mask.sum()                          == tokenMean (local batch)
  "dapo":    sum(L * mask) / num_items_in_batch (global count)   == tokenMean (TRL's default)
  "grpo":    mean_i( sum_t(L * mask) / T_i )                     == sequenceMeanTokenMean
  "dr_grpo": sum(L * mask) / (B * max_completion_length)         == tokenSumNorm
  (luspo, sum over tokens then mean over sequences, has no EGPO counterpart; cispo, sapo,
  vespo are other surrogates.) B is every row TRL is given: TRL has no skipZeroStdGroups.

Regenerate (from the repository root; needs trl==1.16.0 in the venv, scripts/python-env.sh):

    .venv/bin/python Tests/EGPODistributedTests/Fixtures/egpo_loss/trl_grpo_loss.py
"""

import json
import os
import random
import sys
import warnings
from collections import defaultdict
from types import SimpleNamespace

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import egpo_loss_reference as ref  # noqa: E402

OUT = os.path.join(HERE, "trl_grpo_cases.json")
F64 = torch.float64
TRL_VERSION = "1.16.0"

LOSS_TYPES = [  # (TRL loss_type, our aggregation)
    ("dapo", "tokenMean"),
    ("bnpo", "tokenMean"),
    ("grpo", "sequenceMeanTokenMean"),
    ("dr_grpo", "tokenSumNorm"),
]


def make_trainer(loss_type, cfg, use_bias_correction_kl=False):
    """A GRPOTrainer shell with exactly what _compute_loss needs, set as __init__ sets it."""
    from accelerate import Accelerator
    from trl import GRPOConfig, GRPOTrainer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        args = GRPOConfig(
            output_dir="/tmp/trl_grpo_loss_out", report_to="none", use_cpu=True,
            loss_type=loss_type, beta=cfg["beta"], epsilon=cfg["epsLow"], epsilon_high=cfg["epsHigh"],
            max_completion_length=cfg["maxCompletionTokens"], importance_sampling_level="token",
            use_bias_correction_kl=use_bias_correction_kl, num_generations=cfg["groupSize"],
            per_device_train_batch_size=cfg["groupSize"], gradient_accumulation_steps=1,
            steps_per_generation=1, scale_rewards=cfg["scaleRewards"],
        )
    assert args.delta is None and args.top_entropy_quantile == 1.0 and args.off_policy_mask_threshold is None
    assert args.entropy_coef == 0.0 and not args.use_adaptive_entropy and not args.use_vllm
    t = object.__new__(GRPOTrainer)
    t.args = args
    t.accelerator = Accelerator(cpu=True)
    t.model = SimpleNamespace(training=True)
    t.current_gradient_accumulation_steps = 1
    t._metrics = {"train": defaultdict(list), "eval": defaultdict(list)}
    # as in GRPOTrainer.__init__ (trl 1.16.0)
    t.max_completion_length = args.max_completion_length
    t.use_vllm = args.use_vllm
    t.vllm_importance_sampling_correction = args.vllm_importance_sampling_correction
    t.loss_type = args.loss_type
    t.router_aux_loss_coef = 0.0
    t.aux_loss_enabled = False  # no MoE router logits
    t.importance_sampling_level = args.importance_sampling_level
    t.off_policy_mask_threshold = args.off_policy_mask_threshold
    t.top_entropy_quantile = args.top_entropy_quantile
    t.entropy_coef = args.entropy_coef
    t.use_adaptive_entropy = args.use_adaptive_entropy
    t._entropy_bonus_enabled = t.entropy_coef != 0.0 or t.use_adaptive_entropy
    t.epsilon_low = args.epsilon
    t.epsilon_high = args.epsilon_high if args.epsilon_high is not None else args.epsilon
    t.beta = args.beta
    return t


def pad(rows, width, value=0.0, dtype=F64):
    return torch.tensor([list(r) + [value] * (width - len(r)) for r in rows], dtype=dtype)


def run_trl(loss_type, cfg, comps, give_old=True, use_bias_correction_kl=False):
    """TRL's _compute_loss on our tensors. Returns loss, per-token grads (unpadded), metrics."""
    t = make_trainer(loss_type, cfg, use_bias_correction_kl)
    lens = [len(c["logp"]) for c in comps]
    width, b = max(lens), len(comps)
    logp = pad([c["logp"] for c in comps], width).requires_grad_(True)
    entropies = torch.zeros(b, width, dtype=F64)

    def fake_logps_and_entropies(model, input_ids, attention_mask, logits_to_keep, **kw):
        assert logits_to_keep == width and input_ids.shape == (b, 1 + width)
        return logp, entropies, None

    t._get_per_token_logps_and_entropies = fake_logps_and_entropies
    mask = torch.tensor([[1] * n + [0] * (width - n) for n in lens], dtype=torch.long)
    inputs = {
        "prompt_ids": torch.zeros(b, 1, dtype=torch.long),
        "prompt_mask": torch.ones(b, 1, dtype=torch.long),
        "completion_ids": torch.zeros(b, width, dtype=torch.long),
        "completion_mask": mask,
        "advantages": torch.tensor([c["advantage"] for c in comps], dtype=F64),
        "num_items_in_batch": mask.sum(),
    }
    if give_old:
        inputs["old_per_token_logps"] = pad([c["logpOld"] for c in comps], width)
    if cfg["beta"] != 0.0:
        inputs["ref_per_token_logps"] = pad([c["logpRef"] for c in comps], width)
    loss = t._compute_loss(None, inputs)
    loss.backward()
    grad = logp.grad
    m = t._metrics["train"]
    metrics = {
        "kl": m["kl"][-1] if cfg["beta"] != 0.0 else 0.0,
        "clipLowFraction": m["clip_ratio/low_mean"][-1],
        "clipHighFraction": m["clip_ratio/high_mean"][-1],
    }
    assert float(grad[mask == 0].abs().max()) == 0.0 if (mask == 0).any() else True
    return loss.item(), [grad[i, :n].tolist() for i, n in enumerate(lens)], metrics


def build_inputs(seed, off_policy, avoid, with_ref):
    """P=3, G=4, lengths 1..12; group-scaled binary-reward advantages, rounded to float32."""
    lengths = [7, 1, 12, 4, 9, 3, 11, 2, 5, 10, 6, 8]
    rewards = [1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0]
    adv, _, _ = ref.compute_advantages(rewards, 4, "group")
    rng = random.Random(seed)
    comps = []
    for a, n in zip(adv, lengths):
        c = ref.make_completion(rng, 0.0, n, "unclosed", off_policy=off_policy, avoid=avoid, with_ref=with_ref)
        comps.append({"advantage": ref.f32(a), "logp": c["logp"], "logpOld": c["logpOld"], "logpRef": c["logpRef"]})
    return comps


def reference(cfg, comps):
    c32 = ref.config_f32(cfg)
    refs = [c["logpRef"] for c in comps]
    return ref.policy_loss(
        [[c["advantage"]] * len(c["logp"]) for c in comps], [c["logp"] for c in comps],
        [c["logpOld"] for c in comps], None if refs[0] is None else refs,
        eps_low=c32["epsLow"], eps_high=c32["epsHigh"], beta=c32["beta"],
        aggregation=c32["aggregation"], max_completion_tokens=c32["maxCompletionTokens"],
        check_margin=True)


def max_abs_diff(a, b):
    return max(abs(x - y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))


def main():
    import trl

    assert trl.__version__ == TRL_VERSION, f"needs trl=={TRL_VERSION}, found {trl.__version__}"
    torch.set_num_threads(1)
    variants = [  # (name, epsLow, epsHigh, beta, off_policy, give old logps to TRL, seed)
        ("offpolicy_asym_beta0.001", 0.2, 0.28, 0.001, 0.6, True, 10),
        ("offpolicy_asym_beta0", 0.2, 0.28, 0.0, 0.6, True, 11),
        ("onpolicy_beta0.001", 0.2, 0.2, 0.001, 0.0, False, 12),
        ("onpolicy_beta0", 0.2, 0.2, 0.0, 0.0, False, 13),
    ]
    cases, notes = [], []
    worst = worst_clip = 0.0
    for vname, eps_low, eps_high, beta, off, give_old, seed in variants:
        comps = build_inputs(seed, off, (1 - eps_low, 1 + eps_high) if off else (), beta != 0.0)
        for loss_type, agg in LOSS_TYPES:
            cfg = dict(ref.DEFAULT_CONFIG)
            cfg.update({"lambda": 0.0, "epsLow": eps_low, "epsHigh": eps_high, "beta": beta,
                        "aggregation": agg, "maxCompletionTokens": 16})
            c32 = ref.config_f32(cfg)
            loss, grads, metrics = run_trl(loss_type, c32, comps, give_old=give_old)
            mine = reference(cfg, comps)
            d_loss = abs(loss - mine["loss"])
            d_grad = max_abs_diff(grads, mine["dLossDLogp"])
            d_kl = abs(metrics["kl"] - mine["kl"])
            # TRL averages the clip indicators as float32 (is_low_clipped.float()): float32 precision
            d_clip = max(abs(metrics[k] - mine[k]) for k in ("clipLowFraction", "clipHighFraction"))
            worst = max(worst, d_loss, d_grad, d_kl)
            worst_clip = max(worst_clip, d_clip)
            assert d_loss <= 1e-10 and d_grad <= 1e-10 and d_kl <= 1e-10 and d_clip <= 1e-6, \
                (vname, loss_type, d_loss, d_grad, d_kl, d_clip)
            if off:
                assert metrics["clipLowFraction"] > 0 and metrics["clipHighFraction"] > 0
            if beta != 0.0:
                # TRL's default use_bias_correction_kl=True: k3 * ratio. Not our convention.
                loss_bc, grads_bc, _ = run_trl(loss_type, c32, comps, give_old=give_old,
                                               use_bias_correction_kl=True)
                dl, dg = abs(loss_bc - loss), max_abs_diff(grads_bc, grads)
                assert dg > 0.0
                notes.append(f"{vname}/{loss_type}: with TRL's default use_bias_correction_kl=True the loss "
                             f"differs by {dl:.3e} and dLossDLogp by up to {dg:.3e}")
            cases.append({
                "name": f"{vname}_{loss_type}",
                "lossType": loss_type,
                "ourAggregation": agg,
                "trl": trl.__version__,
                "config": cfg,
                "completions": comps,
                "maxCompletionTokens": cfg["maxCompletionTokens"],
                "trlSettings": {"use_bias_correction_kl": False, "importance_sampling_level": "token",
                                "old_per_token_logps": "given" if give_old else "None (on-policy path)",
                                "ref_per_token_logps": "given" if beta != 0.0 else "absent",
                                "num_items_in_batch": sum(len(c["logp"]) for c in comps),
                                "current_gradient_accumulation_steps": 1, "steps_per_generation": 1,
                                "num_processes": 1},
                "expected": {"loss": loss, "dLossDLogp": grads, **metrics},
            })
    notes.insert(0, "expected.kl / clipLowFraction / clipHighFraction are TRL's own metrics "
                    "(kl, clip_ratio/low_mean, clip_ratio/high_mean) from the same call; TRL averages the "
                    "clip indicators in float32, so those two carry float32 precision only.")
    notes.insert(1, "All cases were run with use_bias_correction_kl=False (TRL 1.16 default is True).")
    body = ",\n".join(json.dumps(c, allow_nan=False) for c in cases)
    with open(OUT, "w") as f:
        f.write('{"generator": "trl_grpo_loss.py", "trl": %s, "torch": %s, "notes": %s, "cases": [\n'
                % (json.dumps(trl.__version__), json.dumps(torch.__version__), json.dumps(notes)))
        f.write(body)
        f.write("\n]}\n")
    print(f"wrote {len(cases)} cases to {OUT}")
    print(f"reference vs TRL: max |difference| over loss, gradient, kl = {worst:.3e}; "
          f"clip fractions (TRL: float32) = {worst_clip:.3e}")
    for n in notes:
        print("  " + n)


if __name__ == "__main__":
    main()
