#!/usr/bin/env python3
"""Golden BFCL prompting-mode conversations for Tests/FunctionCallingTests/BFCLPromptingTests.swift.

Runs BFCL's own code from a gorilla checkout (ShishirPatil/gorilla, commit 6ea57973; pass its
`berkeley-function-call-leaderboard` folder as --gorilla) on the data in ../shared/bfcl:
`_func_doc_language_specific_pre_processing` (what `load_dataset_entry` applies) and then
`system_prompt_pre_processing_chat_model`, the two steps that build the conversation a prompting
model is sent. Writes Tests/FunctionCallingTests/Fixtures/bfcl-prompting/messages.jsonl: for the
first task of every single-turn category, up to two tasks with a system message among the first
40 and the first task with non-ASCII function docs of each file, `{"id", "messages"}`.

Only BFCL's prompt-building modules are imported (model_handler/utils.py and bfcl_eval/utils.py);
their imports of tree_sitter, tenacity and filelock are satisfied by stubs when those packages are
missing, since the functions used here do not touch them.

    python scripts/bfcl_prompt_golden.py --gorilla /path/to/gorilla/berkeley-function-call-leaderboard
"""
import argparse
import copy
import glob
import json
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
OUT = os.path.join(ROOT, "Tests", "FunctionCallingTests", "Fixtures", "bfcl-prompting", "messages.jsonl")


class Anything:
    """Stands for any object of a stubbed module: callable, with every attribute."""
    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return Anything()

    def __getattr__(self, name):
        return Anything()


def stub_missing(names):
    for name in names:
        try:
            __import__(name)
        except ImportError:
            module = types.ModuleType(name)
            module.__getattr__ = lambda attr: Anything()
            sys.modules[name] = module


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gorilla", required=True, help="gorilla's berkeley-function-call-leaderboard folder")
    ap.add_argument("--bfcl", default=os.path.join(ROOT, "..", "shared", "bfcl"))
    args = ap.parse_args()
    sys.path.insert(0, os.path.abspath(args.gorilla))
    stub_missing(["tree_sitter", "tree_sitter_java", "tree_sitter_javascript", "tenacity", "filelock"])
    from bfcl_eval.model_handler import utils as handler_utils
    from bfcl_eval import utils as bfcl_utils

    rows = []
    for path in sorted(glob.glob(os.path.join(args.bfcl, "data", "BFCL_v4_*.json"))):
        with open(path, encoding="utf-8") as f:
            entries = [json.loads(line) for line in f if line.strip()]
        picked = [entries[0]] + [e for e in entries[1:40] if e["question"][0][0]["role"] == "system"][:2]
        # One whose function docs hold non-ASCII text (escaped by json.dumps), where a file has one.
        picked += [e for e in entries[1:] if any(ord(c) > 127 for c in json.dumps(e["function"], ensure_ascii=False))][:1]
        for entry in picked:
            entry = copy.deepcopy(entry)
            category = bfcl_utils.extract_test_category_from_id(entry["id"])
            functions = bfcl_utils._func_doc_language_specific_pre_processing(entry["function"], category)
            messages = handler_utils.system_prompt_pre_processing_chat_model(entry["question"][0], functions, entry["id"])
            rows.append({"id": entry["id"], "messages": messages})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{OUT}: {len(rows)} conversations")


if __name__ == "__main__":
    main()
