#!/usr/bin/env python3
"""Independent float64 PyTorch reference of the EGPO objective (docs: shared EGPO.md), and the
generator of egpo_loss_cases.json, the golden cases the Swift EGPO loss is tested against.

What it computes, for one batch of P groups of G completions (group-major: group k is
completions[k*G ..< (k+1)*G]; completion i has T_i >= 1 tokens):

1. Advantages from the rewards r_i (scaleRewards), mean_k the group mean:
     group: A_i = (r_i - mean_k) / (std_k + 1e-6), std_k the POPULATION std of the group;
     batch: A_i = (r_i - mean_k) / (std_batch + 1e-6), std_batch the population std of all
            rewards of the batch;
     none:  A_i = r_i - mean_k.
   A group whose rewards are all exactly equal is a zero-std group (counted in zeroStdGroups);
   its A_i is set to exactly 0. G = 1 is allowed: every group is zero-std, A = 0.
   skipZeroStdGroups = true leaves the completions of zero-std groups out of everything below
   (loss, every denominator, every metric); their gradient is 0.

2. Sequence entropy H_i (from the per-token sampling entropies H_{i,t}, no gradient):
     closedThink and >= 1 think-masked token: mean of H_{i,t} over the think-masked tokens;
     closedThink and no think-masked token (empty think block): 0;
     not closedThink: mean of H_{i,t} over ALL its tokens (thinkMask is ignored).

3. Shaped (token-level) advantages A'_{i,t} = A_i + bonus, with cap = |A_i| / alpha:
     bonusPlacement outside: bonus = lambda * min(E, cap);  inside: bonus = min(lambda * E, cap);
     bonusGranularity sequence: E = H_i on every token of completion i;
     bonusGranularity token: E = H_{i,t} on tokens with thinkMask = 1 of a completion with
       closedThink = true; bonus = 0 on every other token (so no bonus anywhere in a completion
       without a closed think block, whatever its thinkMask says).
   bonusCapHitFraction = hits / units, units = the "bonus sites" with A_i != 0: non-skipped
   completions (sequence granularity), or think-masked tokens of non-skipped closed-think
   completions (token granularity). A unit is a hit when the cap lowered its bonus, i.e. the
   uncapped bonus lambda * E is STRICTLY larger than the bonus:
     outside: lambda > 0 and cap < E;   inside: cap < lambda * E.
   (So lambda = 0 gives 0 hits; completions with H_i = 0 never hit.) 0 when there is no unit.

4. Per-token loss, ratio = exp(logp - logpOld):
     clip = -min(ratio * A', clamp(ratio, 1 - epsLow, 1 + epsHigh) * A')
     kl   = exp(logpRef - logp) - (logpRef - logp) - 1                 (k3)
     L_t  = clip + beta * kl;   beta = 0: no KL term at all, logpRef is null in the JSON.
   Pinned gradient (what autograd gives here, the min evaluated as "unclipped if
   ratio*A' <= clamp(ratio)*A' else clipped"):
     d clip / d logp_t = -ratio * A'  when the unclipped term is taken, else 0;
     d kl / d logp_t   = 1 - exp(logpRef - logp).
   The generated inputs keep every ratio at least 1e-4 away from 1 - epsLow and 1 + epsHigh,
   and every cap at least 1e-3 (relative) away from its entropy term, so Float32 arithmetic
   cannot flip a branch.

5. Aggregation over the non-skipped completions (N of them, with T total tokens):
     tokenMean:             sum_{i,t} L / T
     sequenceMeanTokenMean: (1/N) sum_i (1/T_i) sum_t L_{i,t}
     tokenSumNorm:          sum_{i,t} L / (N * maxCompletionTokens)
   If every completion is skipped: loss = 0, gradient 0, every metric 0.

Metrics (over the non-skipped tokens, token means, 0 when there are none):
     kl = mean of k3 (0 when beta = 0); clipLowFraction = fraction of tokens with
     ratio < 1 - epsLow and A' < 0; clipHighFraction = ratio > 1 + epsHigh and A' > 0
     (A' is the token-level shaped advantage).
dLossDLogp: d loss / d logp_t per token, by autograd in float64; 0 for skipped completions.

Inputs are rounded to float32 first (the Swift side computes in Float32 from the very same
values), then everything is computed in float64. The real-valued config entries (lambda, alpha,
epsLow, epsHigh, beta) are written as short decimals (0.4) but computed with their float32
rounding, i.e. exactly the value Swift's Float("0.4") holds; the 1e-6 of the std is a float64
constant. Numbers are written with repr (shortest
round-trip) precision. The random inputs come from Python's random.Random with fixed seeds (its
random() sequence is stable across Python versions), so the output is deterministic.

Regenerate (from the repository root):

    scripts/python-env.sh        # once: ./.venv with CPU torch (and transformers, trl)
    .venv/bin/python Tests/EGPODistributedTests/Fixtures/egpo_loss/egpo_loss_reference.py

It writes egpo_loss_cases.json next to this file. trl_grpo_loss.py (same folder) imports the
functions below to check them against TRL's own GRPO loss.
"""

import json
import math
import os
import random
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "egpo_loss_cases.json")

STD_EPS = 1e-6
F64 = torch.float64

DEFAULT_CONFIG = {
    "groupSize": 4,
    "scaleRewards": "group",
    "lambda": 0.4,
    "alpha": 2.0,
    "bonusPlacement": "outside",
    "bonusGranularity": "sequence",
    "epsLow": 0.2,
    "epsHigh": 0.2,
    "beta": 0.001,
    "aggregation": "tokenMean",
    "maxCompletionTokens": 16,
    "skipZeroStdGroups": False,
}


def f32(x):
    """Round a Python float to the nearest float32 value (returned as a Python float)."""
    return struct.unpack("<f", struct.pack("<f", float(x)))[0]


# ----------------------------------------------------------------------------------------------
# The reference itself
# ----------------------------------------------------------------------------------------------


def config_f32(cfg):
    """The config with its real-valued entries rounded to float32 (what Float(...) parses)."""
    return {k: (f32(v) if isinstance(v, float) else v) for k, v in cfg.items()}


def compute_advantages(rewards, group_size, scale):
    """Returns (advantages, zero_std_flag per completion, zeroStdGroups)."""
    n = len(rewards)
    assert group_size >= 1 and n % group_size == 0, "batch must be whole groups"
    r = torch.tensor(rewards, dtype=F64)
    groups = r.view(-1, group_size)
    mean = groups.mean(dim=1, keepdim=True)
    centred = groups - mean
    if scale == "group":
        std = groups.std(dim=1, unbiased=False, keepdim=True)
        adv = centred / (std + STD_EPS)
    elif scale == "batch":
        std = r.std(unbiased=False)
        adv = centred / (std + STD_EPS)
    elif scale == "none":
        adv = centred
    else:
        raise ValueError(scale)
    zero_std_group = (groups == groups[:, :1]).all(dim=1)  # all rewards exactly equal
    adv = torch.where(zero_std_group.unsqueeze(1), torch.zeros_like(adv), adv)
    flags = zero_std_group.repeat_interleave(group_size).tolist()
    return adv.reshape(-1).tolist(), flags, int(zero_std_group.sum().item())


def sequence_entropy(entropies, think_mask, closed_think):
    e = torch.tensor(entropies, dtype=F64)
    if not closed_think:
        return e.mean().item()
    m = torch.tensor(think_mask, dtype=torch.bool)
    if not bool(m.any()):
        return 0.0
    return e[m].mean().item()


def _bonus_and_hit(a, e, lam, alpha, placement):
    """bonus for advantage a and entropy term e, and whether the cap lowered it.

    hit: the cap argument of the min is strictly smaller than the entropy argument AND that
    changes the bonus, i.e. the uncapped bonus lambda*e is strictly larger than the bonus.
    outside: lambda > 0 and cap < e;  inside: cap < lambda * e (false when lambda = 0).
    Returns (bonus, hit, cap, entropy argument or None when there is no branch to pin)."""
    cap = abs(a) / alpha
    if placement == "outside":
        bonus = lam * min(e, cap)
        if lam == 0.0:
            return bonus, False, cap, None
        return bonus, cap < e, cap, e
    if placement == "inside":
        bonus = min(lam * e, cap)
        return bonus, cap < lam * e, cap, lam * e
    raise ValueError(placement)


def shaped_advantages(adv, seq_h, completions, cfg, include, check_margin=False):
    """Token-level A' per completion and bonusCapHitFraction."""
    lam, alpha = cfg["lambda"], cfg["alpha"]
    placement, gran = cfg["bonusPlacement"], cfg["bonusGranularity"]
    shaped, hits, units = [], 0, 0

    def margin_ok(cap, ent_arg):
        if ent_arg is None:
            return True
        return abs(cap - ent_arg) > 1e-3 * max(abs(cap), abs(ent_arg), 1e-3)

    for i, c in enumerate(completions):
        a = adv[i]
        t_len = len(c["logp"])
        if gran == "sequence":
            bonus, hit, cap, ent_arg = _bonus_and_hit(a, seq_h[i], lam, alpha, placement)
            shaped.append([a + bonus] * t_len)
            if include[i] and a != 0.0:
                units += 1
                hits += int(hit)
                if check_margin:
                    assert margin_ok(cap, ent_arg), ("cap tie", i, cap, ent_arg)
        elif gran == "token":
            row = []
            for t in range(t_len):
                if c["closedThink"] and c["thinkMask"][t] == 1:
                    bonus, hit, cap, ent_arg = _bonus_and_hit(a, c["entropies"][t], lam, alpha, placement)
                    row.append(a + bonus)
                    if include[i] and a != 0.0:
                        units += 1
                        hits += int(hit)
                        if check_margin:
                            assert margin_ok(cap, ent_arg), ("cap tie", i, t, cap, ent_arg)
                else:
                    row.append(a)
            shaped.append(row)
        else:
            raise ValueError(gran)
    return shaped, (hits / units if units else 0.0)


def policy_loss(token_adv, logp, logp_old, logp_ref, *, eps_low, eps_high, beta, aggregation,
                max_completion_tokens, include=None, check_margin=False):
    """Clipped surrogate + k3 KL, aggregated. Returns dict(loss, dLossDLogp, kl, clipLow, clipHigh).

    token_adv, logp, logp_old, logp_ref: lists (one per completion) of per-token lists; logp_ref
    may be None when beta == 0. include: per-completion bools (False = skipped)."""
    n = len(logp)
    include = [True] * n if include is None else include
    leaves = [torch.tensor(row, dtype=F64, requires_grad=True) for row in logp]
    kept = [i for i in range(n) if include[i]]
    zero_grads = [[0.0] * len(row) for row in logp]
    if not kept:
        return {"loss": 0.0, "dLossDLogp": zero_grads, "kl": 0.0,
                "clipLowFraction": 0.0, "clipHighFraction": 0.0}
    if beta != 0.0:
        assert logp_ref is not None, "beta != 0 needs logpRef"

    lo, hi = 1.0 - eps_low, 1.0 + eps_high
    seq_sums, seq_lens = [], []
    kl_sum, n_low, n_high, n_tok = 0.0, 0, 0, 0
    for i in kept:
        lp = leaves[i]
        old = torch.tensor(logp_old[i], dtype=F64)
        a = torch.tensor(token_adv[i], dtype=F64)
        ratio = torch.exp(lp - old)
        unclipped = ratio * a
        clipped = torch.clamp(ratio, lo, hi) * a
        per_token = -torch.where(unclipped <= clipped, unclipped, clipped)
        if beta != 0.0:
            ref = torch.tensor(logp_ref[i], dtype=F64)
            d = ref - lp
            kl = torch.exp(d) - d - 1.0
            per_token = per_token + beta * kl
            kl_sum += kl.detach().sum().item()
        r = ratio.detach()
        n_low += int(((r < lo) & (a < 0)).sum().item())
        n_high += int(((r > hi) & (a > 0)).sum().item())
        if check_margin:
            assert bool(((r - lo).abs() > 1e-4).all()) and bool(((r - hi).abs() > 1e-4).all()), \
                ("ratio too close to a clip bound", i, r.tolist())
        seq_sums.append(per_token.sum())
        seq_lens.append(len(logp[i]))
        n_tok += len(logp[i])

    n_kept = len(kept)
    if aggregation == "tokenMean":
        loss = torch.stack(seq_sums).sum() / n_tok
    elif aggregation == "sequenceMeanTokenMean":
        loss = torch.stack([s / t for s, t in zip(seq_sums, seq_lens)]).sum() / n_kept
    elif aggregation == "tokenSumNorm":
        loss = torch.stack(seq_sums).sum() / (n_kept * max_completion_tokens)
    else:
        raise ValueError(aggregation)
    loss.backward()
    grads = [leaves[i].grad.tolist() if include[i] else zero_grads[i] for i in range(n)]
    return {"loss": loss.item(), "dLossDLogp": grads,
            "kl": kl_sum / n_tok if beta != 0.0 else 0.0,
            "clipLowFraction": n_low / n_tok, "clipHighFraction": n_high / n_tok}


def compute_expected(cfg, completions, check_margin=False):
    """The whole EGPO objective for one case (cfg and completions as in the JSON)."""
    cfg = config_f32(cfg)
    for c in completions:
        t_len = len(c["logp"])
        assert t_len >= 1
        for key in ("thinkMask", "entropies", "logpOld"):
            assert len(c[key]) == t_len, key
        if c["logpRef"] is not None:
            assert len(c["logpRef"]) == t_len
    adv, zero_flags, zero_groups = compute_advantages(
        [c["reward"] for c in completions], cfg["groupSize"], cfg["scaleRewards"])
    include = [not (cfg["skipZeroStdGroups"] and z) for z in zero_flags]
    seq_h = [sequence_entropy(c["entropies"], c["thinkMask"], c["closedThink"]) for c in completions]
    shaped, cap_hit = shaped_advantages(adv, seq_h, completions, cfg, include, check_margin)
    refs = [c["logpRef"] for c in completions]
    pl = policy_loss(
        shaped, [c["logp"] for c in completions], [c["logpOld"] for c in completions],
        None if any(r is None for r in refs) else refs,
        eps_low=cfg["epsLow"], eps_high=cfg["epsHigh"], beta=cfg["beta"],
        aggregation=cfg["aggregation"], max_completion_tokens=cfg["maxCompletionTokens"],
        include=include, check_margin=check_margin)
    return {
        "advantages": adv,
        "sequenceEntropy": seq_h,
        "shapedAdvantages": shaped,
        "zeroStdGroups": zero_groups,
        "loss": pl["loss"],
        "dLossDLogp": pl["dLossDLogp"],
        "kl": pl["kl"],
        "clipLowFraction": pl["clipLowFraction"],
        "clipHighFraction": pl["clipHighFraction"],
        "bonusCapHitFraction": cap_hit,
    }


# ----------------------------------------------------------------------------------------------
# Case generation
# ----------------------------------------------------------------------------------------------


def make_completion(rng, reward, length, think, *, ent_range=(0.05, 2.0), off_policy=0.0,
                    with_ref=True, ref_spread=0.3, avoid=()):
    """One completion. think: 'closed' (>= 1 token strictly inside), 'empty' (closed, nothing
    inside), 'unclosed' (thinkMask all 0, or 'unclosedMasked': 1s after the first token as a
    naive masker of a truncated think block would give, which the reference ignores).
    off_policy: |logp - logpOld| drawn uniformly up to this (0: logpOld == logp).
    avoid: ratio values to keep at least 1e-3 away from (clip bounds)."""
    if think == "closed":
        assert length >= 3
        inner = rng.randint(1, length - 2)
        mask = [0] + [1] * inner + [0] * (length - 1 - inner)
        closed = True
    elif think == "empty":
        assert length >= 2
        mask, closed = [0] * length, True
    elif think == "unclosed":
        mask, closed = [0] * length, False
    elif think == "unclosedMasked":
        mask, closed = [0] + [1] * (length - 1), False
    else:
        raise ValueError(think)
    ents = [f32(rng.uniform(*ent_range)) for _ in range(length)]
    logp = [f32(-rng.uniform(0.02, 3.0)) for _ in range(length)]
    old = []
    for lp in logp:
        if off_policy == 0.0:
            old.append(lp)
            continue
        while True:
            cand = f32(lp - rng.uniform(-off_policy, off_policy))
            ratio = math.exp(lp - cand)
            if all(abs(ratio - b) > 1e-3 for b in avoid):
                break
        old.append(cand)
    ref = [f32(lp + rng.uniform(-ref_spread, ref_spread)) for lp in logp] if with_ref else None
    return {"reward": f32(reward), "thinkMask": mask, "closedThink": closed, "entropies": ents,
            "logp": logp, "logpOld": old, "logpRef": ref}


def make_batch(seed, rewards, lengths, thinks, **kw):
    rng = random.Random(seed)
    return [make_completion(rng, r, t, k, **kw) for r, t, k in zip(rewards, lengths, thinks)]


def default_thinks(lengths, rng_seed):
    """closed where possible, with a few empty / unclosed ones mixed in."""
    rng = random.Random(rng_seed)
    out = []
    for t in lengths:
        if t == 1:
            out.append("unclosed")
        elif t == 2:
            out.append("empty")
        else:
            u = rng.random()
            out.append("unclosed" if u < 0.15 else "empty" if u < 0.25 else "closed")
    return out


def cfg_with(**over):
    cfg = dict(DEFAULT_CONFIG)
    for k, v in over.items():
        cfg["lambda" if k == "lam" else k] = v
    return cfg


def build_cases():
    cases = []

    def add(name, cfg, comps):
        if cfg["beta"] == 0.0:
            for c in comps:
                c["logpRef"] = None
        cases.append({"name": name, "config": cfg, "completions": comps})

    # The standard P=3, G=4 batch: lengths a permutation of 1..12, one zero-std group.
    lengths12 = [7, 1, 12, 4, 9, 3, 11, 2, 5, 10, 6, 8]
    rewards12 = [1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0]
    thinks12 = default_thinks(lengths12, 11)
    assert "unclosed" in thinks12 and "empty" in thinks12 and "closed" in thinks12

    def std_batch(seed=100, **kw):
        return make_batch(seed, rewards12, lengths12, thinks12, **kw)

    add("defaults", cfg_with(), std_batch())
    add("defaults_off_policy", cfg_with(), std_batch(off_policy=0.15, avoid=(0.8, 1.2)))
    add("scale_batch", cfg_with(scaleRewards="batch"), std_batch())
    add("scale_none", cfg_with(scaleRewards="none"), std_batch())
    add("agg_sequenceMeanTokenMean", cfg_with(aggregation="sequenceMeanTokenMean"),
        std_batch(off_policy=0.15, avoid=(0.8, 1.2)))
    add("agg_tokenSumNorm", cfg_with(aggregation="tokenSumNorm", maxCompletionTokens=16),
        std_batch(off_policy=0.15, avoid=(0.8, 1.2)))
    add("inside_placement", cfg_with(bonusPlacement="inside"), std_batch())
    add("token_granularity", cfg_with(bonusGranularity="token"), std_batch())
    add("token_granularity_inside", cfg_with(bonusGranularity="token", bonusPlacement="inside"),
        std_batch(seed=101))
    add("lambda0", cfg_with(lam=0.0), std_batch())
    add("beta0_no_ref", cfg_with(beta=0.0), std_batch(off_policy=0.15, avoid=(0.8, 1.2)))

    # Asymmetric clipping with large ratio spread: both clip sides are hit.
    clip_rewards = [1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0]
    clip_cfg = cfg_with(epsLow=0.2, epsHigh=0.28)
    add("clip_asymmetric", clip_cfg,
        make_batch(200, clip_rewards, lengths12, thinks12, off_policy=0.6, avoid=(0.8, 1.28)))
    add("clip_asymmetric_sequenceMean", cfg_with(epsLow=0.2, epsHigh=0.28, aggregation="sequenceMeanTokenMean"),
        make_batch(201, clip_rewards, lengths12, thinks12, off_policy=0.6, avoid=(0.8, 1.28)))
    add("clip_asymmetric_tokenSumNorm_token_granularity",
        cfg_with(epsLow=0.2, epsHigh=0.28, aggregation="tokenSumNorm", maxCompletionTokens=12,
                 bonusGranularity="token"),
        make_batch(202, clip_rewards, lengths12, thinks12, off_policy=0.6, avoid=(0.8, 1.28)))

    # skipZeroStdGroups with one zero-std group (group 2: all 0), under each aggregation.
    for agg in ("tokenMean", "sequenceMeanTokenMean", "tokenSumNorm"):
        add(f"skip_zero_std_{agg}", cfg_with(skipZeroStdGroups=True, aggregation=agg),
            std_batch(seed=300, off_policy=0.3, avoid=(0.8, 1.2)))

    # G = 1: every group zero-std, A = 0 (loss is the KL term alone); and all skipped.
    g1_lengths, g1_rewards = [3, 1, 5, 8, 2], [1, 0, 1, 0, 0.5]
    g1_thinks = ["closed", "unclosed", "closed", "closed", "empty"]
    add("group_size_1", cfg_with(groupSize=1),
        make_batch(400, g1_rewards, g1_lengths, g1_thinks, off_policy=0.1))
    add("group_size_1_skip_all", cfg_with(groupSize=1, skipZeroStdGroups=True),
        make_batch(401, g1_rewards, g1_lengths, g1_thinks, off_policy=0.1))

    # All rewards equal in every group.
    eq_rewards = [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1]
    add("all_equal_rewards", cfg_with(),
        make_batch(500, eq_rewards, lengths12, thinks12, off_policy=0.1))
    add("all_equal_rewards_skip", cfg_with(skipZeroStdGroups=True),
        make_batch(501, eq_rewards, lengths12, thinks12, off_policy=0.1))
    add("all_equal_rewards_scale_batch", cfg_with(scaleRewards="batch"),
        make_batch(502, eq_rewards, lengths12, thinks12))

    # No closed think block / closed empty think block, P=2, G=3.
    nt_lengths = [5, 6, 4, 7, 3, 9]
    nt_rewards = [0, 1, 0, 1, 0, 0]
    add("no_closed_think", cfg_with(groupSize=3),
        make_batch(600, nt_rewards, nt_lengths, ["unclosed", "closed", "unclosed", "closed", "unclosed", "closed"]))
    add("no_closed_think_masked_token_granularity", cfg_with(groupSize=3, bonusGranularity="token"),
        make_batch(601, nt_rewards, nt_lengths,
                   ["unclosedMasked", "closed", "unclosedMasked", "closed", "unclosed", "closed"]))
    add("empty_think", cfg_with(groupSize=3),
        make_batch(602, nt_rewards, nt_lengths, ["empty", "closed", "empty", "closed", "empty", "empty"]))
    add("empty_think_token_granularity", cfg_with(groupSize=3, bonusGranularity="token"),
        make_batch(603, nt_rewards, nt_lengths, ["empty", "closed", "empty", "closed", "empty", "empty"]))

    # Large entropies (the cap binds everywhere) and small ones (it never does).
    add("large_entropy_cap_binds", cfg_with(),
        std_batch(seed=700, ent_range=(3.0, 6.0)))
    add("large_entropy_cap_binds_inside", cfg_with(bonusPlacement="inside"),
        std_batch(seed=701, ent_range=(5.0, 9.0)))
    add("small_entropy_cap_free", cfg_with(),
        std_batch(seed=702, ent_range=(0.001, 0.05)))
    add("small_entropy_cap_free_token_granularity", cfg_with(bonusGranularity="token"),
        std_batch(seed=703, ent_range=(0.001, 0.05)))

    # Non-binary rewards.
    nb_rewards = [0.5, 1, 0, 0.25, 0.5, 0.5, 0.5, 1, 0.75, 0.75, 0, 0.5]
    add("non_binary_rewards", cfg_with(),
        make_batch(800, nb_rewards, lengths12, thinks12, off_policy=0.15, avoid=(0.8, 1.2)))
    add("non_binary_rewards_scale_batch_inside", cfg_with(scaleRewards="batch", bonusPlacement="inside"),
        make_batch(801, nb_rewards, lengths12, thinks12, off_policy=0.15, avoid=(0.8, 1.2)))
    add("non_binary_rewards_scale_none_token_granularity",
        cfg_with(scaleRewards="none", bonusGranularity="token", lam=0.8, alpha=1.5),
        make_batch(802, nb_rewards, lengths12, thinks12, off_policy=0.15, avoid=(0.8, 1.2)))
    return cases


def main():
    torch.set_num_threads(1)
    cases = build_cases()
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    for case in cases:
        case["expected"] = compute_expected(case["config"], case["completions"], check_margin=True)
        e = case["expected"]
        for k in ("loss", "kl", "clipLowFraction", "clipHighFraction", "bonusCapHitFraction"):
            assert math.isfinite(e[k]), (case["name"], k)
    by = {c["name"]: c["expected"] for c in cases}
    # The coverage the cases are for.
    assert by["clip_asymmetric"]["clipLowFraction"] > 0 and by["clip_asymmetric"]["clipHighFraction"] > 0
    for name in ("large_entropy_cap_binds", "large_entropy_cap_binds_inside"):
        # every completion with A != 0 and a non-empty think block hits the cap (empty ones have H = 0)
        e = by[name]
        units = [(a, h) for a, h in zip(e["advantages"], e["sequenceEntropy"]) if a != 0.0]
        assert e["bonusCapHitFraction"] == sum(h > 0 for _, h in units) / len(units) > 0.5, name
    assert by["small_entropy_cap_free"]["bonusCapHitFraction"] == 0.0
    assert by["small_entropy_cap_free_token_granularity"]["bonusCapHitFraction"] == 0.0
    assert 0.0 < by["defaults"]["bonusCapHitFraction"] < 1.0
    assert by["group_size_1_skip_all"]["loss"] == 0.0 and by["all_equal_rewards_skip"]["loss"] == 0.0
    assert by["skip_zero_std_tokenMean"]["zeroStdGroups"] == 1
    assert by["all_equal_rewards"]["zeroStdGroups"] == 3
    # lambda = 0 is plain GRPO: A' = A on every token.
    assert by["lambda0"]["bonusCapHitFraction"] == 0.0
    c0 = next(c for c in cases if c["name"] == "lambda0")
    for a, row in zip(c0["expected"]["advantages"], c0["expected"]["shapedAdvantages"]):
        assert all(x == a for x in row)

    body = ",\n".join(json.dumps(c, allow_nan=False) for c in cases)
    with open(OUT, "w") as f:
        f.write('{"generator": "egpo_loss_reference.py", "torch": %s, "cases": [\n'
                % json.dumps(torch.__version__))
        f.write(body)
        f.write("\n]}\n")
    print(f"wrote {len(cases)} cases to {OUT}")
    for c in cases:
        e = c["expected"]
        print(f"  {c['name']:50s} loss={e['loss']:+.6e} zeroStd={e['zeroStdGroups']} "
              f"capHit={e['bonusCapHitFraction']:.3f} clipLo={e['clipLowFraction']:.3f} "
              f"clipHi={e['clipHighFraction']:.3f} kl={e['kl']:.3e}")


if __name__ == "__main__":
    main()
