#!/usr/bin/env python3
"""The markdown table of a `launcher eval --format bfcl` (or `launcher bfcl score`) scores.json,
as docs/results.md shows it: per category n, accuracy and standard error in percent, then BFCL's
summary scores. Standard library only.

    python3 scripts/bfcl_scores_table.py results/scores.json
"""
import json
import sys

CATEGORIES = ["simple_python", "simple_java", "simple_javascript", "multiple", "parallel", "parallel_multiple", "irrelevance",
              "live_simple", "live_multiple", "live_parallel", "live_parallel_multiple", "live_irrelevance", "live_relevance"]
AGGREGATES = [("simple", "simple (mean of python, java, javascript)"), ("non_live", "**non-live AST** (mean of simple, multiple, parallel, parallel_multiple)"),
              ("live", "**live AST** (live simple, multiple, parallel, parallel_multiple weighted by n)"),
              ("irrelevance_detection", "irrelevance detection (mean of irrelevance, live_irrelevance)"), ("relevance_detection", "relevance detection (live_relevance)")]


def pct(x):
    return f"{100 * x:.1f}"


def main():
    scores = json.load(open(sys.argv[1]))
    print("| category | n | accuracy (%) | standard error | truncated at the token limit |")
    print("|---|---|---|---|---|")
    for c in CATEGORIES:
        s = scores["categories"].get(c)
        if s:
            print(f"| {c} | {s['n']} | {pct(s['accuracy'])} | {pct(s['stderr'])} | {s['truncated']} |")
    for key, label in AGGREGATES:
        a = scores.get("aggregates", {}).get(key)
        if a:
            missing = f" (missing, counted 0: {', '.join(a['missing'])})" if a["missing"] else ""
            print(f"| {label}{missing} | {a['n']} | {pct(a['accuracy'])} | {pct(a['stderr'])} | |")


if __name__ == "__main__":
    main()
