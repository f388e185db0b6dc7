#!/usr/bin/env python3
"""Tables and curves for docs/results.md from the run folders scripts/results.sh writes.

Reads OUT/{egpo,grpo}-seed{1,2,3}/ (summary.json, eval/after/scores.json, metrics.jsonl) and the
SFT-alone evaluation OUT/egpo-seed1/eval/before/scores.json; prints markdown tables (per category:
accuracy of each seed, the mean over seeds, and the binomial standard error of one run) and writes
OUT/curves.svg (reward, entropy of think tokens, KL against step, mean over seeds). Standard
library only. Usage: scripts/results_table.py OUT
"""
import json
import math
import os
import sys

out = sys.argv[1]
seeds = [1, 2, 3]
methods = ["grpo", "egpo"]


def load(path):
    with open(path) as f:
        return json.load(f)


def metrics(run):
    rows = []
    with open(os.path.join(out, run, "metrics.jsonl")) as f:
        for line in f:
            rows.append(json.loads(line))
    return rows


before = load(os.path.join(out, "egpo-seed1", "eval", "before", "scores.json"))
# Runs that finished (a run folder without eval/after is left out and named).
after = {}
for m in methods:
    for s in seeds:
        path = os.path.join(out, f"{m}-seed{s}", "eval", "after", "scores.json")
        if os.path.exists(path):
            after[(m, s)] = load(path)
        else:
            print(f"(missing: {m}-seed{s} has no eval/after/scores.json)")
done = lambda m: [s for s in seeds if (m, s) in after]
categories = sorted(before["categories"].keys())


def cell(score):
    return f"{score['accuracy']:.3f}"


print("| category | n | SFT alone | " + " | ".join(f"{m.upper()} seeds {' / '.join(map(str, done(m)))} (mean)" for m in methods) + " |")
print("|---|---|---|" + "---|" * len(methods))
for c in categories + ["overall"]:
    b = before["overall"] if c == "overall" else before["categories"][c]
    row = [c if c != "overall" else "**overall**", str(b["n"]), f"{b['accuracy']:.3f} ± {b['stderr']:.3f}"]
    for m in methods:
        accs = [(after[(m, s)]["overall"] if c == "overall" else after[(m, s)]["categories"][c])["accuracy"] for s in done(m)]
        row.append(" / ".join(f"{a:.3f}" for a in accs) + f" ({sum(accs) / len(accs):.3f})" if accs else "-")
    print("| " + " | ".join(row) + " |")

print()
print("| run | held-out accuracy after | change vs SFT | paired SE of the change | final KL | think entropy (first / last 10 steps) | seconds |")
print("|---|---|---|---|---|---|---|")
for m in methods:
    for s in done(m):
        run = f"{m}-seed{s}"
        summ = load(os.path.join(out, run, "summary.json"))
        rows = metrics(run)
        a = after[(m, s)]["overall"]
        # Paired standard error of (after - before) over the same tasks, from the outcome files.
        def passed(path):
            with open(path) as f:
                return {o["id"]: o["passed"] for o in map(json.loads, f)}
        pb = passed(os.path.join(out, "egpo-seed1", "eval", "before", "outcomes.jsonl"))
        pa = passed(os.path.join(out, run, "eval", "after", "outcomes.jsonl"))
        d = [int(pa[i]) - int(pb[i]) for i in pa if i in pb]
        mean = sum(d) / len(d)
        se = math.sqrt(sum((x - mean) ** 2 for x in d) / (len(d) - 1) / len(d))
        h0 = sum(r["entropy_think"] for r in rows[:10]) / 10
        h1 = sum(r["entropy_think"] for r in rows[-10:]) / 10
        kl = sum(r["kl"] for r in rows[-10:]) / 10
        print(f"| {run} | {a['accuracy']:.3f} ± {a['stderr']:.3f} | {a['accuracy'] - before['overall']['accuracy']:+.3f} | {se:.3f} "
              f"| {kl:.2e} | {h0:.3f} / {h1:.3f} | {summ['seconds']:.0f} |")


def svg(panels, path):
    """Minimal line charts: panels of (title, {label: [(x, y)]})."""
    w, h, cols = 420, 240, 3
    colors = {"grpo": "#1f77b4", "egpo": "#d62728"}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w * cols}" height="{h + 30}" font-family="sans-serif" font-size="11">',
             '<rect width="100%" height="100%" fill="white"/>',
             f'<text x="{w * cols / 2}" y="18" text-anchor="middle" font-size="14">GRPO vs EGPO from the SFT checkpoint, mean of seeds 1-3</text>']
    for i, (title, series) in enumerate(panels):
        x0, y0 = i * w + 55, 50
        pw, ph = w - 75, h - 60
        xs = [x for pts in series.values() for x, _ in pts]
        ys = [y for pts in series.values() for _, y in pts]
        lo, hi = min(ys), max(ys)
        if hi - lo < 1e-12:
            lo, hi = lo - 0.5, hi + 0.5
        xl, xh = min(xs), max(xs)
        px = lambda x: x0 + (x - xl) / (xh - xl) * pw
        py = lambda y: y0 + ph - (y - lo) / (hi - lo) * ph
        parts.append(f'<text x="{x0 + pw / 2}" y="{y0 - 10}" text-anchor="middle" font-size="12">{title}</text>')
        parts.append(f'<rect x="{x0}" y="{y0}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
        for k in range(5):
            v = lo + (hi - lo) * k / 4
            parts.append(f'<text x="{x0 - 4}" y="{py(v) + 4}" text-anchor="end">{v:.3g}</text>')
            xv = xl + (xh - xl) * k / 4
            parts.append(f'<text x="{px(xv)}" y="{y0 + ph + 14}" text-anchor="middle">{xv:.0f}</text>')
        for j, (label, pts) in enumerate(series.items()):
            points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
            parts.append(f'<polyline fill="none" stroke="{colors[label]}" stroke-width="1.5" points="{points}"/>')
            parts.append(f'<text x="{x0 + 10}" y="{y0 + 14 + 13 * j}" fill="{colors[label]}">{label.upper()}</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def mean_curve(method, key):
    runs = [metrics(f"{method}-seed{s}") for s in done(method)]
    n = min(len(r) for r in runs)
    return [(i + 1, sum(r[i][key] for r in runs) / len(runs)) for i in range(n)]


svg([(t, {m: mean_curve(m, k) for m in methods if done(m)}) for t, k in
     [("batch reward", "reward_mean"), ("think-token entropy (nats)", "entropy_think"), ("KL to the reference (k3)", "kl")]],
    os.path.join(out, "curves.svg"))
print(f"\nwrote {os.path.join(out, 'curves.svg')}")
