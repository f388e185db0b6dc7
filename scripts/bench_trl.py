#!/usr/bin/env python3
"""TRL GRPOTrainer reference for `launcher bench step`: seconds per GRPO step on CPU, by phase.

What is measured. TRL's own `GRPOTrainer.train()` on one fixed shape, float32, CPU, no vLLM:
transformers' LlamaForCausalLM built from a config JSON with HF keys (e.g. vocab 2048, hidden
256, intermediate 704, 4 layers, 4 heads, 4 kv heads, untied head: about 4.26M parameters),
randomly initialised from --seed; a HF tokenizer.json wrapped as PreTrainedTokenizerFast with
bos "<|bos|>", eos "<|eos|>", pad "<|pad|>". One trainer step = sample num_generations (8)
completions for each of 8 prompts (64 completions, up to 128 new tokens, temperature 0.7), a
reference-model forward over them (beta 0.001 keeps TRL's reference model), then one policy
forward+backward over all 64 and one AdamW step (per_device_train_batch_size 64,
gradient_accumulation_steps 1, so steps_per_generation 1 and generation_batch_size 64;
num_iterations 1). The loss is TRL's default loss_type ("dapo" in TRL 1.16; the script reports
what the config holds). Gradient checkpointing is off by default (GRPOConfig's own default is
on; --gradient-checkpointing turns it back on), since our trainer keeps activations.

The 8 prompts are the same on every step (the dataset holds exactly 8 rows and TRL's sampler
takes 8 a step), so the padded prompt length is fixed. They are either the first 8 lines of
--prompts FILE (JSONL of {"id", "prompt"}, already rendered, ending with "<|assistant|>"; what
our launcher writes), or, without it, 8 FunctionWorld/BFCL tasks drawn with --seed from
--tasks DIR/data/BFCL_v4_*.json and rendered here in the compact prompt format of
docs/PROMPT_FORMAT.md (an approximation of PromptFormat.swift: signature lines, one-line
descriptions, described parameters). Prompts are plain strings (no chat template), tokenized
without special tokens.

The reward is a trivial Python function (1.0 if the completion's token ids contain "</answer>",
else 0.0; ids because TRL decodes with skip_special_tokens and "</answer>" is a special token).
Its cost is negligible and is not part of what is compared.

Timing. Steps are timed from one `on_step_end` callback to the next (the whole trainer loop
iteration: dataloader, generation, scoring, loss, backward, clipping, optimizer, scheduler,
logging); the first --warmup steps are not counted. Each phase wraps exactly:
  generation              policy `model.generate(...)` as called by TRL's regular (non-vLLM)
                          generation path in `_generate_single_turn` (prefill + sampled decode
                          with transformers' KV cache, 64 rows, left-padded prompts);
  reference_forward       `GRPOTrainer._get_per_token_logps_and_entropies` calls whose model is
                          the reference model (no_grad forward over prompt+completion, TRL's
                          fused LM head computing per-token log-probs of the completion);
  policy_forward_backward `GRPOTrainer.compute_loss` (the training forward with log-probs and
                          entropy, plus the loss arithmetic) plus `accelerator.backward(loss)`;
  optimizer               `Trainer._clip_grad_norm` (max_grad_norm 1.0) plus `optimizer.step()`
                          (between the on_pre_optimizer_step and on_optimizer_step callbacks);
  other                   the step time minus the four above: tokenization, decoding, reward,
                          advantages, padding/concatenation, the scheduler, zero_grad, logging
                          (and any policy old-log-prob forward, which this alignment skips:
                          reported separately under "details" if it ever happens).
The "details" object splits these further (forward vs backward, clip vs step, reward).

Run (the venv from scripts/python-env.sh plus `pip install trl==1.16.0`):
  .venv/bin/python scripts/bench_trl.py --config /tmp/demo-assets/model-config.json \
      --tokenizer /tmp/demo-assets/tokenizer.json --tasks /tmp/fw --threads 1 [--json]
  .venv/bin/python scripts/bench_trl.py --config CFG --tokenizer TOK --prompts prompts.jsonl \
      --threads 2 --steps 3 --warmup 1 --json
With --json it prints one JSON object on stdout (everything else, TRL's logs included, goes to
stderr); without it a readable table. Both print the TRL, transformers and torch versions.
"""

import argparse
import contextlib
import functools
import glob
import json
import os
import random
import statistics
import sys
import tempfile
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", required=True, help="model config JSON with HF LlamaConfig keys")
    p.add_argument("--tokenizer", required=True, help="HF tokenizer.json (byte-level BPE)")
    p.add_argument("--special-tokens", default="<|bos|>,<|eos|>,<|pad|>",
                   help="the tokenizer's bos,eos,pad tokens (default the demo tokenizer's; SmolLM2: <|im_start|>,<|im_end|>,<|endoftext|>)")
    p.add_argument("--reward-token", default="</answer>", help="a completion containing this token earns reward 1 (the timing does not depend on it)")
    p.add_argument("--prompts", help="JSONL of {\"id\", \"prompt\"}; the first --num-prompts lines are used")
    p.add_argument("--tasks", help="FunctionWorld/BFCL directory with data/BFCL_v4_*.json (used when --prompts is absent)")
    p.add_argument("--steps", type=int, default=3, help="timed trainer steps (default 3)")
    p.add_argument("--warmup", type=int, default=1, help="untimed steps first (default 1)")
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    p.add_argument("--seed", type=int, default=0, help="model init, prompt choice and sampling seed")
    p.add_argument("--num-prompts", type=int, default=8, help="prompts per step (default 8)")
    p.add_argument("--group", type=int, default=8, help="completions per prompt, num_generations (default 8)")
    p.add_argument("--max-completion-tokens", type=int, default=128, help="max_completion_length (default 128)")
    p.add_argument("--gradient-checkpointing", action="store_true",
                   help="keep GRPOConfig's default gradient checkpointing (off here by default)")
    p.add_argument("--micro-batch", type=int, default=0,
                   help="completions per forward/backward (per_device_train_batch_size, with gradient accumulation "
                        "over the batch: still one generation round and one optimizer step per trainer step); "
                        "default 0: the whole batch at once")
    p.add_argument("--bf16", action="store_true", help="GRPOConfig(bf16=True): TRL's mixed-precision CPU configuration")
    p.add_argument("--lora-rank", type=int, default=0,
                   help="a peft LoRA of this rank (alpha 2 x rank, dropout 0) on every linear layer; TRL then takes the "
                        "reference policy as the base with the adapter disabled (default 0: every weight trained)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = p.parse_args()
    if args.prompts is None and args.tasks is None:
        p.error("one of --prompts FILE or --tasks DIR is required")
    if args.prompts is not None and not os.path.exists(args.prompts):
        if args.tasks is None:
            p.error(f"--prompts {args.prompts} does not exist and no --tasks DIR to render from")
        print(f"bench_trl: {args.prompts} absent; rendering prompts from {args.tasks}", file=sys.stderr)
        args.prompts = None
    if args.steps < 1 or args.warmup < 0 or args.threads < 1:
        p.error("--steps must be >= 1, --warmup >= 0, --threads >= 1")
    return args


def set_thread_env(threads):
    # Before torch is imported, so OpenMP/MKL/OpenBLAS pools start at this size.
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


# ---------------------------------------------------------------------------------------------
# Prompts: the compact format of docs/PROMPT_FORMAT.md (approximation of PromptFormat.swift).

INSTRUCTION = "Reply <think>reasoning</think><answer>[func(arg=value, ...)]</answer>, [] if no function fits."


def py_literal(v):
    if isinstance(v, bool):
        return "True" if v else "False"
    if v is None:
        return "None"
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(py_literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{py_literal(k)}: {py_literal(x)}" for k, x in v.items()) + "}"
    return repr(v)


def type_text(s):
    enum = s.get("enum")
    t = s.get("type", "any")
    if enum and t != "array":
        return "|".join(py_literal(e) for e in enum)
    if t == "string":
        return "str"
    if t == "integer":
        return "int"
    if t == "boolean":
        return "bool"
    if t in ("array", "tuple"):
        name = "list" if t == "array" else "tuple"
        items = s.get("items")
        if items is None:
            return name
        inner = type_text(items)
        if t == "array" and enum:
            inner = "|".join(py_literal(e) for e in enum)
        return f"{name}[{inner}]"
    if t == "dict":
        props = s.get("properties") or {}
        if not props:
            return "dict"
        req = set(s.get("required") or [])
        return "dict{" + ", ".join(param_text(k, v, k in req) for k, v in props.items()) + "}"
    return t


def param_text(name, schema, required):
    out = name + (": " if required else "?: ") + type_text(schema)
    if "default" in schema:
        out += " = " + py_literal(schema["default"])
    return out


def one_line(text):
    return " ".join(text.split())


def describe(name, schema, out):
    d = schema.get("description")
    if d:
        out.append(f" {name}: {one_line(d)}\n")
    for k, v in (schema.get("properties") or {}).items():
        describe(f"{name}.{k}", v, out)
    items = schema.get("items")
    if items and items.get("type") == "dict":
        for k, v in (items.get("properties") or {}).items():
            describe(f"{name}[].{k}", v, out)


def render_prompt(task):
    functions = task.get("function") or []
    out = ["<|system|>"]
    if not functions:
        out.append("Functions: none\n")
    else:
        out.append("Functions:\n")
        for f in functions:
            params = (f.get("parameters") or {})
            props = params.get("properties") or {}
            req = set(params.get("required") or [])
            out.append(f["name"] + "(" + ", ".join(param_text(k, v, k in req) for k, v in props.items()) + ")\n")
            if f.get("description"):
                out.append(" " + one_line(f["description"]) + "\n")
            for k, v in props.items():
                describe(k, v, out)
    out.append(INSTRUCTION + "<|eos|>\n")
    markers = {"system": "<|system|>", "assistant": "<|assistant|>"}
    for turn in task["question"]:
        for m in turn:
            out.append(markers.get(m["role"], "<|user|>") + m["content"] + "<|eos|>\n")
    out.append("<|assistant|>")
    return "".join(out)


def load_prompts(args):
    n = args.num_prompts
    if args.prompts:
        rows = []
        with open(args.prompts) as f:
            for line in f:
                if line.strip():
                    rows.append(json.loads(line))
                if len(rows) == n:
                    break
        if len(rows) < n:
            sys.exit(f"bench_trl: {args.prompts} has {len(rows)} prompts, need {n}")
        return [(str(r["id"]), r["prompt"]) for r in rows], f"file {args.prompts}"
    files = sorted(glob.glob(os.path.join(args.tasks, "data", "BFCL_v4_*.json")))
    if not files:
        sys.exit(f"bench_trl: no data/BFCL_v4_*.json under {args.tasks}")
    tasks = []
    for path in files:
        with open(path) as f:
            tasks.extend(json.loads(line) for line in f if line.strip())
    if len(tasks) < n:
        sys.exit(f"bench_trl: {len(tasks)} tasks under {args.tasks}, need {n}")
    chosen = random.Random(args.seed).sample(tasks, n)
    return [(t["id"], render_prompt(t)) for t in chosen], f"rendered from {args.tasks} (seed {args.seed})"


# ---------------------------------------------------------------------------------------------

class Timers:
    def __init__(self):
        self.total = {}
        self.calls = {}

    def add(self, key, seconds):
        self.total[key] = self.total.get(key, 0.0) + seconds
        self.calls[key] = self.calls.get(key, 0) + 1

    def wrap(self, key_or_fn, fn):
        """Wrap fn so each call's wall time is added to a key (a string, or a function of the
        call's arguments returning the key)."""
        @functools.wraps(fn)
        def timed(*a, **kw):
            key = key_or_fn(*a, **kw) if callable(key_or_fn) else key_or_fn
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.add(key, time.perf_counter() - t0)
        return timed

    def snapshot(self):
        return dict(self.total)


def main():
    args = parse_args()
    set_thread_env(args.threads)

    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    try:
        import trl
        from trl import GRPOConfig, GRPOTrainer
    except ImportError as e:
        sys.exit(f"bench_trl: cannot import trl ({e}); install it into the venv: "
                 f"{sys.executable} -m pip install trl==1.16.0")
    import transformers
    from datasets import Dataset
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast, TrainerCallback

    transformers.logging.set_verbosity_error()

    with open(args.config) as f:
        cfg = json.load(f)
    specials = args.special_tokens.split(",")
    if len(specials) != 3:
        sys.exit(f"bench_trl: --special-tokens takes bos,eos,pad, got {args.special_tokens!r}")
    tok = PreTrainedTokenizerFast(tokenizer_file=args.tokenizer, bos_token=specials[0], eos_token=specials[1], pad_token=specials[2])
    for name, text in zip(("bos", "eos", "pad"), specials):
        token_id = getattr(tok, f"{name}_token_id")
        if token_id is None or token_id >= cfg["vocab_size"]:
            sys.exit(f"bench_trl: the tokenizer has no {name} token {text!r} in its vocabulary of {cfg['vocab_size']} (--special-tokens)")
    answer_close = tok.convert_tokens_to_ids(args.reward_token)

    prompts, prompt_source = load_prompts(args)
    prompt_lengths = []
    for _, text in prompts:
        plain = tok(text, add_special_tokens=False)["input_ids"]
        # TRL tokenizes with the tokenizer's defaults; make sure that adds nothing.
        if tok(text)["input_ids"] != plain:
            sys.exit("bench_trl: the tokenizer adds special tokens by default; prompts must be tokenized without")
        prompt_lengths.append(len(plain))

    config = LlamaConfig(**cfg)
    config.bos_token_id, config.eos_token_id, config.pad_token_id = tok.bos_token_id, tok.eos_token_id, tok.pad_token_id
    torch.manual_seed(args.seed)
    model = LlamaForCausalLM(config).float()
    params = sum(p.numel() for p in model.parameters())
    model.generation_config.bos_token_id = tok.bos_token_id
    model.generation_config.eos_token_id = tok.eos_token_id
    model.generation_config.pad_token_id = tok.pad_token_id

    # TRL builds the reference model with from_pretrained(config._name_or_path), so the policy must
    # exist on disk: save the random init and point the config there (the reference is a copy).
    tmp = tempfile.TemporaryDirectory(prefix="bench-trl-")
    model.save_pretrained(tmp.name)
    model.config._name_or_path = tmp.name

    completion_lengths = []  # per step: lengths of the 64 completions (EOS included, as TRL counts)

    def reward_has_answer(completions, completion_ids, **kwargs):
        completion_lengths.append([len(ids) for ids in completion_ids])
        return [1.0 if answer_close in ids else 0.0 for ids in completion_ids]

    batch = args.num_prompts * args.group
    micro = args.micro_batch or batch
    if batch % micro != 0:
        sys.exit(f"bench_trl: --micro-batch {micro} must divide the batch {batch}")
    total_steps = args.warmup + args.steps
    gc_on = bool(args.gradient_checkpointing)
    grpo_args = GRPOConfig(
        output_dir=os.path.join(tmp.name, "out"),
        use_cpu=True, bf16=bool(args.bf16), fp16=False,
        per_device_train_batch_size=micro, gradient_accumulation_steps=batch // micro,  # one generation per optimizer step
        num_generations=args.group, num_iterations=1,
        max_completion_length=args.max_completion_tokens, temperature=0.7,
        beta=0.001, learning_rate=1e-6, lr_scheduler_type="constant",
        max_steps=total_steps, logging_steps=1, save_strategy="no", report_to="none",
        dataloader_num_workers=0, dataloader_pin_memory=False,
        gradient_checkpointing=gc_on, seed=args.seed, data_seed=args.seed,
        use_vllm=False, log_completions=False, disable_tqdm=True,
    )
    if grpo_args.steps_per_generation != batch // micro or grpo_args.generation_batch_size != batch:
        sys.exit(f"bench_trl: expected steps_per_generation {batch // micro} and generation_batch_size {batch}, got "
                 f"{grpo_args.steps_per_generation} and {grpo_args.generation_batch_size}")

    dataset = Dataset.from_list([{"prompt": text, "id": pid} for pid, text in prompts])
    timers = Timers()
    step_ends = []
    step_cpu = []  # process CPU time (all threads) at the same instants: CPU/wall shows contention

    class StepClock(TrainerCallback):
        def __init__(self):
            self.t_opt = None
            self.snapshots = []

        def on_step_begin(self, a, state, control, **kw):
            if not step_ends:
                step_ends.append(time.perf_counter())  # start of the first step
                step_cpu.append(time.process_time())
                self.snapshots.append(timers.snapshot())

        def on_pre_optimizer_step(self, a, state, control, **kw):
            self.t_opt = time.perf_counter()

        def on_optimizer_step(self, a, state, control, **kw):
            timers.add("optimizer_step", time.perf_counter() - self.t_opt)

        def on_step_end(self, a, state, control, **kw):
            step_ends.append(time.perf_counter())
            step_cpu.append(time.process_time())
            self.snapshots.append(timers.snapshot())

    clock = StepClock()
    with contextlib.redirect_stdout(sys.stderr):
        peft_config = None
        if args.lora_rank > 0:
            from peft import LoraConfig
            peft_config = LoraConfig(r=args.lora_rank, lora_alpha=2 * args.lora_rank, lora_dropout=0.0, task_type="CAUSAL_LM",
                                     target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
        trainer = GRPOTrainer(model=model, reward_funcs=reward_has_answer, args=grpo_args,
                              train_dataset=dataset, processing_class=tok, callbacks=[clock], peft_config=peft_config)
        if trainer.ref_model is None and peft_config is None:
            sys.exit("bench_trl: TRL made no reference model (beta must be non-zero)")
        # Phase wrappers (see the docstring for exactly what each covers).
        policy = trainer.model
        prompt_padded = []
        generate = policy.generate

        def timed_generate(*a, **kw):
            ids = kw.get("input_ids", a[0] if a else None)
            if ids is not None:
                prompt_padded.append(int(ids.shape[1]))
            return generate(*a, **kw)
        policy.generate = timers.wrap("generation", timed_generate)
        ref = trainer.ref_model
        in_reference = [False]
        if peft_config is not None:
            # With peft, TRL's reference forward is the policy under `disable_adapter()`.
            disable = policy.disable_adapter

            @contextlib.contextmanager
            def marked_disable(*a, **kw):
                with disable(*a, **kw):
                    in_reference[0] = True
                    try:
                        yield
                    finally:
                        in_reference[0] = False
            policy.disable_adapter = marked_disable
        trainer._get_per_token_logps_and_entropies = timers.wrap(
            lambda m, *a, **kw: "reference_forward" if (m is ref and ref is not None) or in_reference[0] else
            ("policy_forward_in_loss" if torch.is_grad_enabled() else "policy_old_logps"),
            trainer._get_per_token_logps_and_entropies)
        trainer.compute_loss = timers.wrap("policy_forward", trainer.compute_loss)
        trainer.accelerator.backward = timers.wrap("policy_backward", trainer.accelerator.backward)
        trainer._clip_grad_norm = timers.wrap("grad_clip", trainer._clip_grad_norm)
        trainer.reward_funcs[0] = timers.wrap("reward", trainer.reward_funcs[0])
        trainer.train()
        optim_name = type(trainer.optimizer.optimizer if hasattr(trainer.optimizer, "optimizer")
                          else trainer.optimizer).__name__
    threads_seen = torch.get_num_threads()
    tmp.cleanup()

    if len(step_ends) != total_steps + 1:
        sys.exit(f"bench_trl: saw {len(step_ends) - 1} steps, expected {total_steps}")
    # One trainer step must be one generation round, the reference passes, one backward per
    # micro-batch and one update.
    accumulation = batch // micro
    for key, per_step in (("generation", 1), ("policy_backward", accumulation), ("optimizer_step", 1)):
        if timers.calls.get(key, 0) != per_step * total_steps:
            sys.exit(f"bench_trl: {key} ran {timers.calls.get(key, 0)} times in {total_steps} steps (expected {per_step} a step)")
    if timers.calls.get("reference_forward", 0) < total_steps:
        sys.exit(f"bench_trl: the reference forward ran {timers.calls.get('reference_forward', 0)} times in {total_steps} steps")
    snaps = clock.snapshots
    steps, per_phase = [], {k: [] for k in ("generation", "reference_forward", "policy_forward_backward",
                                            "optimizer", "other")}
    details = {}
    for i in range(args.warmup, total_steps):
        dt = step_ends[i + 1] - step_ends[i]
        d = {k: snaps[i + 1].get(k, 0.0) - snaps[i].get(k, 0.0) for k in set(snaps[i + 1]) | set(snaps[i])}
        ph = {
            "generation": d.get("generation", 0.0),
            "reference_forward": d.get("reference_forward", 0.0),
            "policy_forward_backward": d.get("policy_forward", 0.0) + d.get("policy_backward", 0.0),
            "optimizer": d.get("grad_clip", 0.0) + d.get("optimizer_step", 0.0),
        }
        ph["other"] = dt - sum(ph.values())
        steps.append(dt)
        for k, v in ph.items():
            per_phase[k].append(v)
        for k, v in d.items():
            details.setdefault(k, []).append(v)

    median_step = statistics.median(steps)
    # Phases: the median over the timed steps of each phase (so they need not add up exactly to the
    # median step; "other" is computed per step as the remainder).
    phases = {k: round(statistics.median(v), 4) for k, v in per_phase.items()}
    timed_lengths = [x for s in completion_lengths[args.warmup:] for x in s]
    padded = sorted(set(prompt_padded[args.warmup:])) or [0]
    result = {
        "trl": trl.__version__,
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "threads": args.threads,
        "torch_threads_seen": threads_seen,
        "params": params,
        "prompts": args.num_prompts,
        "group": args.group,
        "max_completion_tokens": args.max_completion_tokens,
        "step_seconds_median": round(median_step, 4),
        "step_seconds": [round(s, 4) for s in steps],
        "step_cpu_seconds": [round(step_cpu[i + 1] - step_cpu[i], 4) for i in range(args.warmup, total_steps)],
        "phases": phases,
        "phase_fractions": {k: round(v / median_step, 4) for k, v in phases.items()},
        "phases_per_step": {k: [round(x, 4) for x in v] for k, v in per_phase.items()},
        "details": {k: round(statistics.median(v), 4) for k, v in sorted(details.items())},
        "completion_tokens_mean": round(statistics.mean(timed_lengths), 2) if timed_lengths else 0.0,
        "prompt_tokens_padded": padded[0] if len(padded) == 1 else statistics.mean(prompt_padded[args.warmup:]),
        "prompt_tokens": prompt_lengths,
        "prompt_ids": [pid for pid, _ in prompts],
        "prompt_source": prompt_source,
        "loss_type": grpo_args.loss_type,
        "optimizer_class": optim_name,
        "optim": str(grpo_args.optim),
        "gradient_checkpointing": gc_on,
        "bf16": bool(args.bf16),
        "micro_batch": micro,
        "lora_rank": args.lora_rank,
        "attn_implementation": model.config._attn_implementation,
        "steps_per_generation": grpo_args.steps_per_generation,
        "generation_batch_size": grpo_args.generation_batch_size,
        "per_device_train_batch_size": grpo_args.per_device_train_batch_size,
        "warmup_steps": args.warmup,
        "load_average": list(os.getloadavg()),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"TRL {result['trl']}, transformers {result['transformers']}, torch {result['torch']}, "
          f"{args.threads} thread(s) (torch reports {threads_seen})")
    print(f"model {params:,} params, attention {result['attn_implementation']}, loss_type {result['loss_type']}, "
          f"optimizer {optim_name} ({result['optim']}), gradient checkpointing {'on' if gc_on else 'off'}")
    print(f"{args.num_prompts} prompts x {args.group} completions, max {args.max_completion_tokens} new tokens; "
          f"prompts {prompt_source}: {min(prompt_lengths)}-{max(prompt_lengths)} tokens, padded to "
          f"{result['prompt_tokens_padded']}; completions mean {result['completion_tokens_mean']} tokens")
    print(f"steps (s): {', '.join(f'{s:.2f}' for s in steps)}  (after {args.warmup} warm-up); "
          f"process CPU s: {', '.join(f'{s:.2f}' for s in result['step_cpu_seconds'])}")
    print(f"{'phase':<26}{'seconds':>10}{'share':>9}")
    for k, v in phases.items():
        print(f"{k:<26}{v:>10.3f}{v / median_step:>8.1%}")
    print(f"{'step (median)':<26}{median_step:>10.3f}")
    print("details (median s): " + ", ".join(f"{k} {v:.3f}" for k, v in result["details"].items()))
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in result['load_average'])}")


if __name__ == "__main__":
    main()
