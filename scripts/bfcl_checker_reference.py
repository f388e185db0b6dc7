#!/usr/bin/env python3
"""BFCL's own verdicts on model outputs, for checking this project's decoder and checker.

Imports BFCL's checker from a gorilla checkout (ShishirPatil/gorilla, commit 6ea57973; pass its
`berkeley-function-call-leaderboard` folder as --gorilla): `default_decode_ast_prompting`
(model_handler/utils.py), `is_function_calling_format_output` and `is_empty_output` (utils.py),
`ast_checker` (eval_checker/ast_eval/ast_checker.py, with its tree-sitter Java and JavaScript
parsers: tree_sitter==0.21.3, tree-sitter-java==0.21.0, tree-sitter-javascript==0.21.4), and
repeats eval_runner.py's per-entry glue (`_evaluate_single_ast_entry`,
`_evaluate_single_relevance_entry`) for a prompting model (no underscore_to_dot). The model
registry that ast_checker imports is replaced by a stub: only `underscore_to_dot` is read.

Two uses:
  --results FILE...: BFCL result files (`{"id", "result"}` lines, as `launcher eval` writes them);
      writes `{"id", "category", "result", "valid", "error_type"}` lines to --out.
  --vectors: writes Tests/FunctionCallingTests/Fixtures/bfcl-prompting/java_js_conformance.jsonl,
      BFCL's verdicts on Java and JavaScript outputs built from every ground truth (natural
      renderings, then mutations: wrong name, missing and extra arguments, wrong values, no `;`,
      prose, fences, positional arguments), plus any --results given.

    python scripts/bfcl_checker_reference.py --gorilla DIR --vectors [--results runs/*/BFCL_v4_simple_j*_result.json]
"""
import argparse
import json
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
VECTORS = os.path.join(ROOT, "Tests", "FunctionCallingTests", "Fixtures", "bfcl-prompting", "java_js_conformance.jsonl")


def load_bfcl(gorilla):
    sys.path.insert(0, os.path.abspath(gorilla))
    registry = types.ModuleType("bfcl_eval.constants.model_config")

    class Config:
        underscore_to_dot = False

    class Registry(dict):
        def __missing__(self, key):
            return Config()

    registry.MODEL_CONFIG_MAPPING = Registry()
    sys.modules["bfcl_eval.constants.model_config"] = registry
    from bfcl_eval.constants.enums import Language, ReturnFormat
    from bfcl_eval.eval_checker.ast_eval.ast_checker import ast_checker
    from bfcl_eval.model_handler.utils import default_decode_ast_prompting
    from bfcl_eval import utils
    return Language, ReturnFormat, ast_checker, default_decode_ast_prompting, utils


class Checker:
    def __init__(self, gorilla, bfcl):
        self.Language, self.ReturnFormat, self.ast_checker, self.decode, self.utils = load_bfcl(gorilla)
        self.prompts, self.answers = {}, {}
        for folder, target in (("data", self.prompts), ("possible_answer", self.answers)):
            for name in os.listdir(os.path.join(bfcl, folder)):
                with open(os.path.join(bfcl, folder, name), encoding="utf-8") as f:
                    for line in f:
                        if line.strip():
                            entry = json.loads(line)
                            target[entry["id"]] = entry

    def verdict(self, entry_id, result):
        category = entry_id.rsplit("_", 1)[0]
        if "relevance" in category:
            try:
                decoded = self.decode(result, language=self.ReturnFormat.PYTHON, has_tool_call_tag=False)
                contains = not self.utils.is_empty_output(decoded)
            except Exception:
                contains = False
            ok = (not contains) if "irrelevance" in category else contains
            if ok:
                return True, ""
            return False, "irrelevance_error:decoder_success" if "irrelevance" in category else "relevance_error:decoder_failed"
        if "javascript" in category:
            language, return_format = self.Language.JAVASCRIPT, self.ReturnFormat.JAVASCRIPT
        elif "java" in category:
            language, return_format = self.Language.JAVA, self.ReturnFormat.JAVA
        else:
            language, return_format = self.Language.PYTHON, self.ReturnFormat.PYTHON
        try:
            decoded = self.decode(result, return_format, False)
        except Exception:
            return False, "ast_decoder:decoder_failed"
        if not self.utils.is_function_calling_format_output(decoded):
            return False, "ast_decoder:decoder_wrong_output_format"
        r = self.ast_checker(self.prompts[entry_id]["function"], decoded, self.answers[entry_id]["ground_truth"], language, category, "stub")
        return r["valid"], "" if r["valid"] else r["error_type"]


def render(value, schema, language):
    """A natural rendering of an answer value in Java or JavaScript."""
    t = (schema or {}).get("type")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value}L" if t == "long" else str(value)
    if isinstance(value, float):
        return f"{value}f" if (language == "java" and t == "float") else repr(value)
    if isinstance(value, str):
        if language == "javascript":
            return '"' + value + '"' if "'" in value else "'" + value + "'"
        if t == "String" or (not value.startswith("new ") and "::" not in value and not all(c.isalnum() or c in "_." for c in value)):
            return '"' + value + '"'
        return value
    if isinstance(value, list):
        items = (schema or {}).get("items") or {}
        inner = ", ".join(render(v, items, language) for v in value)
        if language == "java":
            return f"new ArrayList<>(Arrays.asList({inner}))" if t == "ArrayList" else f"new {items.get('type', 'Object')}[]{{{inner}}}"
        return "[" + inner + "]"
    if isinstance(value, dict):
        if language == "java":
            return "new HashMap<String, Object>() {{ " + " ".join(f'put("{k}", {render(v[0] if isinstance(v, list) else v, None, language)});' for k, v in value.items()) + " }}"
        return "{" + ", ".join(f"{k}: {render(v[0] if isinstance(v, list) else v, None, language)}" for k, v in value.items()) + "}"
    return str(value)


def vectors(checker):
    out = []
    for entry_id, prompt in sorted(checker.prompts.items()):
        category = entry_id.rsplit("_", 1)[0]
        if category not in ("simple_java", "simple_javascript"):
            continue
        language = "javascript" if "javascript" in category else "java"
        truth = checker.answers[entry_id]["ground_truth"][0]
        name, params = next(iter(truth.items()))
        props = prompt["function"][0]["parameters"]["properties"]
        args = [(k, render(next(a for a in alts if a != ""), props.get(k), language)) for k, alts in params.items() if any(a != "" for a in alts)]
        call = lambda name, args: f"{name}(" + ", ".join(f"{k}={v}" for k, v in args) + ")"
        good = call(name, args)
        outputs = [good + ";", good, f"[{good};]", f"```\n{good};\n```", "  " + good + ";\n",
                   call(name + "X", args) + ";", f"Here is the call: {good};", "I cannot answer that.", ""]
        if args:
            outputs += [call(name, args[1:]) + ";", call(name, args + [("extra", "1")]) + ";",
                        call(name, [(args[0][0], "wrongValue123")] + args[1:]) + ";", f"{name}({args[0][1]});"]
        for o in outputs:
            valid, error_type = checker.verdict(entry_id, o)
            out.append({"id": entry_id, "category": category, "result": o, "valid": valid, "error_type": error_type})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gorilla", required=True)
    ap.add_argument("--bfcl", default=os.path.join(ROOT, "..", "shared", "bfcl"))
    ap.add_argument("--results", nargs="*", default=[])
    ap.add_argument("--vectors", action="store_true")
    ap.add_argument("--out")
    args = ap.parse_args()
    checker = Checker(args.gorilla, args.bfcl)
    rows = vectors(checker) if args.vectors else []
    for path in args.results:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    valid, error_type = checker.verdict(r["id"], r["result"])
                    rows.append({"id": r["id"], "category": r["id"].rsplit("_", 1)[0], "result": r["result"], "valid": valid, "error_type": error_type})
    target = args.out or VECTORS
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    with open(target, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{target}: {len(rows)} verdicts, {sum(r['valid'] for r in rows)} valid")


if __name__ == "__main__":
    main()
