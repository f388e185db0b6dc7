#!/usr/bin/env bash
# Creates ./.venv in the repository (if missing) with what the Python reference scripts need:
# CPU-only torch, transformers, tokenizers, h5py, numpy, trl==1.16.0 (whose GRPO loss code
# the EGPO loss goldens are checked against), and gguf (llama.cpp's gguf-py: the GGUF writer,
# quantisers and dequantisers the GGUF goldens come from; transformers also needs it to load a GGUF),
# and peft (the LoRA adapter golden). Idempotent and quiet: when the venv already
# imports all of them (trl at that version) it exits at once. Prints the venv's python path on
# success.
#
# Only the reference scripts use Python (golden fixtures, the PyTorch benchmark); the trainer
# never does. Override the interpreter with PYTHON=python3.11 and the location with VENV=dir.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VENV:-$root/.venv}"
python="${PYTHON:-python3}"
torchVersion="${TORCH_VERSION:-2.13.0+cpu}"
trlVersion="${TRL_VERSION:-1.16.0}"
modules="import torch, transformers, tokenizers, h5py, numpy, trl, gguf, peft; assert trl.__version__ == '$trlVersion', trl.__version__"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$modules" >/dev/null 2>&1; then
    echo "$venv/bin/python"
    exit 0
fi

command -v "$python" >/dev/null 2>&1 || { echo "python-env: $python not found; install Python 3.9+ (with venv)" >&2; exit 1; }
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv" || { echo "python-env: '$python -m venv $venv' failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
fi
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)

# A CPU-only torch wheel (about 0.9 GB). Plain `pip install torch` would pull the CUDA build
# and its libraries (over 5 GB), so never fall back to that silently.
if ! "$venv/bin/python" -c "import torch" >/dev/null 2>&1; then
    if ! "${pip[@]}" "torch==$torchVersion" 2>/tmp/python-env-torch.log; then
        echo "python-env: could not install torch==$torchVersion (see /tmp/python-env-torch.log)." >&2
        echo "  Install a CPU-only torch wheel into $venv yourself, e.g. from PyTorch's CPU wheel index" >&2
        echo "  or a local wheel directory (pip install --find-links DIR 'torch==$torchVersion'), then rerun." >&2
        echo "  Avoid a bare 'pip install torch': it pulls the CUDA build (over 5 GB)." >&2
        exit 1
    fi
fi
"${pip[@]}" transformers tokenizers h5py numpy "trl==$trlVersion" gguf peft || { echo "python-env: pip install transformers tokenizers h5py numpy trl==$trlVersion gguf peft failed" >&2; exit 1; }
"$venv/bin/python" -c "$modules" || { echo "python-env: $venv still cannot import torch/transformers/tokenizers/h5py/numpy/gguf/peft/trl==$trlVersion" >&2; exit 1; }
echo "$venv/bin/python"
