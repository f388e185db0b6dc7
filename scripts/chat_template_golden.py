#!/usr/bin/env python3
"""Golden prompts for the chat templates (Tests/FunctionCallingTests/ChatTemplateGoldenTests.swift).

Renders real BFCL tasks with each model family's real chat template through transformers'
`apply_chat_template(messages, tools=tools, add_generation_prompt=True, tokenize=False)` and
writes Tests/FunctionCallingTests/Fixtures/chat-templates/goldens.json.

Run from the repository root with the project's Python environment:

    .venv/bin/python scripts/chat_template_golden.py --templates DIR [--bfcl ../shared/bfcl]

DIR holds the real templates as qwen2.5.jinja, qwen3.jinja, llama3.1.jinja and llama3.2.jinja:
the `chat_template` string of each model's tokenizer_config.json (Qwen/Qwen2.5-7B-Instruct,
Qwen/Qwen3-0.6B, meta-llama/Llama-3.1-8B-Instruct, meta-llama/Llama-3.2-3B-Instruct), e.g.
`python -c "import json,sys; print(json.load(open(sys.argv[1]))['chat_template'], end='')" tokenizer_config.json > DIR/qwen3.jinja`.
They are the model publishers' text and are not part of this repository; only the rendered
goldens are.

The tokenizer is built offline: a one-token `tokenizers.Tokenizer` wrapped in
PreTrainedTokenizerFast with the family's bos/eos tokens and `chat_template` set, so the text
comes from transformers' own Jinja environment (trim_blocks, lstrip_blocks, its `tojson`).

Tools are built from BFCL function docs exactly as Sources/FunctionCalling/ChatTemplate+Tools.swift
does: `{"type": "function", "function": doc}` where `doc` is the function doc in the key order
BFCLFormat.json writes it (name, description, parameters{type, properties, required, extras};
each parameter schema: type, description, enum, default, items, properties, required, extras) and
every schema's BFCL type is mapped to JSON Schema: dict -> object, float -> number,
tuple -> array, any -> no "type" key; other names are kept.
"""
import argparse
import json
import os

import jinja2
import tokenizers
import transformers
from tokenizers.models import WordLevel
from transformers import PreTrainedTokenizerFast

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = None  # --templates
FIXTURES = os.path.join(HERE, "..", "Tests", "FunctionCallingTests", "Fixtures", "chat-templates")

FAMILIES = {
    # name: (template file, bos, eos, extra apply_chat_template kwargs)
    "qwen2.5": ("qwen2.5.jinja", None, "<|im_end|>", {}),
    "qwen3": ("qwen3.jinja", None, "<|im_end|>", {}),
    "qwen3-no-thinking": ("qwen3.jinja", None, "<|im_end|>", {"enable_thinking": False}),
    "llama3.1": ("llama3.1.jinja", "<|begin_of_text|>", "<|eot_id|>", {}),
    # Llama 3.2's template defaults the date to strftime_now (today); the golden fixes it.
    "llama3.2": ("llama3.2.jinja", "<|begin_of_text|>", "<|eot_id|>", {"date_string": "02 Dec 2026"}),
}
END_OF_TURN = {"qwen2.5": "<|im_end|>\n", "qwen3": "<|im_end|>\n", "llama3.1": "<|eot_id|>", "llama3.2": "<|eot_id|>"}

TYPE_MAP = {"dict": "object", "float": "number", "tuple": "array"}


def schema_type(t):
    return TYPE_MAP.get(t, t)


def parameter_schema(s):
    """BFCLFormat.parameterSchema then BFCLFormat.json(ParameterSchema), with the type mapped."""
    known, extras = {}, []
    for k, v in s.items():
        if k == "type" and isinstance(v, str): known["type"] = v
        elif k == "description" and isinstance(v, str): known["description"] = v
        elif k == "enum" and isinstance(v, list): known["enum"] = v
        elif k == "default": known["default"] = v
        elif k == "items": known["items"] = parameter_schema(v)
        elif k == "properties": known["properties"] = {n: parameter_schema(p) for n, p in v.items()}
        elif k == "required" and isinstance(v, list): known["required"] = v
        else: extras.append((k, v))
    out = {}
    if known["type"] != "any":
        out["type"] = schema_type(known["type"])
    for k in ["description", "enum", "default", "items", "properties", "required"]:
        if k in known: out[k] = known[k]
    for k, v in extras: out[k] = v
    return out


def tool(doc):
    params = doc.get("parameters", {})
    p = {"type": schema_type(params.get("type", "dict")),
         "properties": {n: parameter_schema(s) for n, s in params.get("properties", {}).items()},
         "required": params.get("required", [])}
    for k, v in params.items():
        if k not in ("type", "properties", "required"): p[k] = v
    f = {"name": doc["name"], "description": doc.get("description", "") if isinstance(doc.get("description"), str) else "",
         "parameters": p}
    for k, v in doc.items():
        if k not in ("name", "description", "parameters"): f[k] = v
    return {"type": "function", "function": f}


def tokenizer_for(family):
    file, bos, eos, _ = FAMILIES[family]
    specials = [t for t in (bos, eos) if t]
    tok = tokenizers.Tokenizer(WordLevel({"x": 0, **{t: i + 1 for i, t in enumerate(specials)}}, unk_token="x"))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=bos, eos_token=eos, unk_token="x")
    with open(os.path.join(TEMPLATES, file), encoding="utf-8") as f:
        fast.chat_template = f.read()
    return fast


def load_bfcl(root):
    tasks, answers = {}, {}
    for sub, into in (("data", tasks), ("possible_answer", answers)):
        for name in sorted(os.listdir(os.path.join(root, sub))):
            if "java" in name: continue
            with open(os.path.join(root, sub, name), encoding="utf-8") as f:
                for line in f:
                    e = json.loads(line)
                    into[e["id"]] = e
    return tasks, answers


def first_alternatives(params):
    """For each key, the first accepted alternative ("" = may be omitted, so left out); dict
    values inside possible answers list alternatives per key again, so the choice recurses."""
    out = {}
    for p, alternatives in params.items():
        chosen = next((a for a in alternatives if a != ""), None)
        if chosen is not None: out[p] = concrete(chosen)
    return out


def concrete(v):
    if isinstance(v, dict): return first_alternatives(v)
    if isinstance(v, list): return [concrete(x) for x in v]
    return v


def first_calls(answer):
    """One right answer of a possible answer, in answer order."""
    calls = []
    for call in answer["ground_truth"]:
        (name, params), = call.items()
        calls.append({"name": name, "arguments": first_alternatives(params)})
    return calls


# (case name, BFCL id, extra messages appended after the task's own, think text)
CASES = [
    ("simple", "simple_python_0", [], "Base 10, height 5: one call."),
    ("enum-float", "simple_python_64", [], "Allele 0.3, genotype AA."),
    ("tuple-float", "simple_python_83", [], "Two coordinates, miles."),
    ("system-message", "live_multiple_30-10-0", [], "The user wants a search."),
    ("nested-default-any-system", "live_multiple_57-22-4", [], "Check stock for the product."),
    ("non-ascii", "live_simple_26-6-0", [], "Khách muốn Uber Plus, chờ tối đa 10 phút."),
    ("system-non-ascii", "live_simple_165-98-0", [], "Extract name and age."),
    ("multiple-functions", "multiple_181", [], "No fitting function."),
    ("parallel", "parallel_133", [], "Three legs of the trip."),
    ("irrelevance", "irrelevance_0", [], "None of the functions computes a triangle's area."),
    ("multi-turn", "simple_python_0",
     [{"role": "assistant", "content": "<think>\nNeed the unit first.\n</think>\n\nWhich unit should the area be in?"},
      {"role": "user", "content": "  Units, s'il vous plaît — « units ».  \n"}],
     "The user confirmed units."),
    ("multi-turn-system", "live_multiple_30-10-0",
     [{"role": "assistant", "content": "I can only multiply or add numbers."},
      {"role": "user", "content": "Then add 3 and 4 — 三加四."}],
     "Add 3 and 4."),
    # Tool results (role "tool", and a user turn that only wraps one): Qwen groups them into one
    # user turn, Qwen3 keeps the reasoning of turns after the last real query, Llama writes them
    # under the ipython header through tojson.
    ("tool-results", "simple_python_0",
     [{"role": "assistant", "content": "<think>\nFirst try.\n</think>\n\nCalling it."},
      {"role": "tool", "content": "{\"area\": 25}"},
      {"role": "tool", "content": "unit: units — ok"},
      {"role": "assistant", "content": "<think>Check once more.</think>Checking."},
      {"role": "user", "content": "<tool_response>\n25\n</tool_response>"}],
     "Confirmed: 25."),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bfcl", default=os.path.join(HERE, "..", "..", "shared", "bfcl"))
    ap.add_argument("--templates", required=True, help="folder with <family>.jinja, each a model's tokenizer_config.json chat_template")
    args = ap.parse_args()
    global TEMPLATES
    TEMPLATES = args.templates
    tasks, answers = load_bfcl(args.bfcl)
    toks = {f: tokenizer_for(f) for f in FAMILIES}
    cases = []
    specs = [(n, i, extra, think, True) for n, i, extra, think in CASES]
    # The same conversations without tools: the templates' no-tool branches.
    specs += [("no-tools-" + n, i, extra, think, False) for n, i, extra, think in CASES
              if n in ("simple", "system-message", "multi-turn", "multi-turn-system")]
    for name, task_id, extra, think, with_tools in specs:
        entry = tasks[task_id]
        messages = [dict(m) for m in entry["question"][0]] + extra
        functions = entry["function"] if with_tools else []
        tools = [tool(d) for d in functions] or None
        calls = first_calls(answers[task_id]) if task_id in answers else []
        case = {"name": name, "id": task_id, "messages": messages, "functions": functions, "tools": tools,
                "think": think, "calls": calls,
                "groundTruth": answers[task_id]["ground_truth"] if task_id in answers else None,
                "prompts": {}, "completions": {}}
        for family, (_, _, _, kwargs) in FAMILIES.items():
            tok = toks[family]
            prompt = tok.apply_chat_template(messages, tools=tools, add_generation_prompt=True, tokenize=False, **kwargs)
            case["prompts"][family] = prompt
            base = family.replace("-no-thinking", "")
            if family != base or not with_tools: continue
            if base.startswith("llama") and len(calls) != 1: continue  # the Llama templates take one call only
            # The completion: the conversation with the assistant's answer, minus the prompt and the end of turn.
            answer = {"role": "assistant", "content": "<think>" + think + "</think>",
                      "tool_calls": [{"type": "function", "function": c} for c in calls]}
            if not calls: del answer["tool_calls"]
            full = tok.apply_chat_template(messages + [answer], tools=tools, add_generation_prompt=False, tokenize=False, **kwargs)
            assert full.startswith(prompt), (name, family)
            rest = full[len(prompt):]
            assert rest.endswith(END_OF_TURN[base]), (name, family, rest[-20:])
            case["completions"][family] = rest[: -len(END_OF_TURN[base])]
        cases.append(case)
    out = {"generator": "scripts/chat_template_golden.py", "transformers": transformers.__version__,
           "jinja2": jinja2.__version__, "llama3.2DateString": FAMILIES["llama3.2"][3]["date_string"], "cases": cases}
    path = os.path.join(FIXTURES, "goldens.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(path)}")


if __name__ == "__main__":
    main()
