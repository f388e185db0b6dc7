#!/usr/bin/env python3
"""Per-category BFCL accuracy of several evaluated models, with paired comparisons.

Reads <run>/eval/<model>/<category>/outcomes.jsonl as scripts/smollm2-bfcl.sh writes them
(`launcher eval --format bfcl-think --sample N --sample-seed S`, one folder per category), and
prints a Markdown table: for each category, n, each model's accuracy with its binomial standard
error, and each later model's difference from the first with the paired standard error
(the standard error of the mean of per-task differences, on the tasks both models saw). Then
BFCL's aggregates as eval_runner_helper.py computes them: simple = mean of simple_python,
simple_java, simple_javascript; non-live = mean of simple, multiple, parallel, parallel_multiple;
live = live_simple, live_multiple, live_parallel, live_parallel_multiple weighted by n;
irrelevance detection = mean of irrelevance and live_irrelevance. Aggregate standard errors are
propagated assuming independent categories; aggregate differences use the per-category paired
errors the same way.

Usage: scripts/bfcl_compare.py RUN_DIR MODEL [MODEL ...]   (the first model is the baseline)
"""
import json
import math
import os
import sys

CATEGORIES = ["simple_python", "simple_java", "simple_javascript", "multiple", "parallel", "parallel_multiple", "irrelevance",
              "live_simple", "live_multiple", "live_parallel", "live_parallel_multiple", "live_irrelevance", "live_relevance"]
LIVE_AST = ["live_simple", "live_multiple", "live_parallel", "live_parallel_multiple"]


def outcomes(run, model, category):
    path = os.path.join(run, "eval", model, category, "outcomes.jsonl")
    if not os.path.exists(path):
        return None
    result = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                result[o["id"]] = 1.0 if o["passed"] else 0.0
    return result


def mean_se(values):
    n = len(values)
    if n == 0:
        return float("nan"), float("nan")
    p = sum(values) / n
    return p, math.sqrt(p * (1 - p) / n)


def paired(a, b):
    ids = sorted(set(a) & set(b))
    d = [b[i] - a[i] for i in ids]
    n = len(d)
    if n < 2:
        return float("nan"), float("nan"), n
    m = sum(d) / n
    var = sum((x - m) ** 2 for x in d) / (n - 1)
    return m, math.sqrt(var / n), n


def combine(parts, weights):
    """Weighted mean of (value, se) pairs, se propagated as independent."""
    total = sum(weights)
    value = sum(w * v for (v, _), w in zip(parts, weights)) / total
    se = math.sqrt(sum((w * s) ** 2 for (_, s), w in zip(parts, weights))) / total
    return value, se


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    run, models = sys.argv[1], sys.argv[2:]
    data = {m: {c: outcomes(run, m, c) for c in CATEGORIES} for m in models}
    header = "| category | n | " + " | ".join(models) + "".join(f" | {m} - {models[0]} (paired SE)" for m in models[1:]) + " |"
    print(header)
    print("|" + "---|" * (2 + len(models) + len(models) - 1))
    stats = {m: {} for m in models}
    diffs = {m: {} for m in models[1:]}
    for c in CATEGORIES:
        if all(data[m][c] is None for m in models):
            continue
        cells, n = [], 0
        for m in models:
            o = data[m][c]
            if o is None:
                cells.append("-")
                continue
            p, se = mean_se(list(o.values()))
            stats[m][c] = (p, se, len(o))
            n = max(n, len(o))
            cells.append(f"{100 * p:.1f} ± {100 * se:.1f}")
        for m in models[1:]:
            a, b = data[models[0]][c], data[m][c]
            if a is None or b is None:
                cells.append("-")
                continue
            d, se, k = paired(a, b)
            diffs[m][c] = (d, se, k)
            cells.append(f"{100 * d:+.1f} ± {100 * se:.1f}")
        print(f"| {c} | {n} | " + " | ".join(cells) + " |")

    def aggregate(table, name):
        simple = [c for c in ["simple_python", "simple_java", "simple_javascript"]]
        out = {}
        if all(c in table for c in simple):
            out["simple"] = combine([table[c][:2] for c in simple], [1, 1, 1])
        four = ["simple", "multiple", "parallel", "parallel_multiple"]
        parts = [out.get("simple")] + [table[c][:2] if c in table else None for c in four[1:]]
        if all(p is not None for p in parts):
            out["non_live"] = combine(parts, [1, 1, 1, 1])
        if all(c in table for c in LIVE_AST):
            out["live"] = combine([table[c][:2] for c in LIVE_AST], [table[c][2] for c in LIVE_AST])
        if "irrelevance" in table and "live_irrelevance" in table:
            out["irrelevance_detection"] = combine([table["irrelevance"][:2], table["live_irrelevance"][:2]], [1, 1])
        return out

    aggregates = {m: aggregate(stats[m], m) for m in models}
    paired_aggregates = {m: aggregate(diffs[m], m) for m in models[1:]}
    for key, label in [("simple", "simple (mean of python, java, javascript)"),
                       ("non_live", "**non-live AST** (mean of simple, multiple, parallel, parallel_multiple)"),
                       ("live", "**live AST** (weighted by n)"),
                       ("irrelevance_detection", "irrelevance detection (mean of irrelevance, live_irrelevance)")]:
        cells = []
        for m in models:
            v = aggregates[m].get(key)
            cells.append(f"{100 * v[0]:.1f} ± {100 * v[1]:.1f}" if v else "-")
        for m in models[1:]:
            v = paired_aggregates[m].get(key)
            cells.append(f"{100 * v[0]:+.1f} ± {100 * v[1]:.1f}" if v else "-")
        print(f"| {label} | | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
