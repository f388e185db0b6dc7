# Sourced by the multi-rank check scripts (multirank-*.sh LAUNCHER): the launcher's absolute
# path, mpirun, a temporary folder removed on exit, PASS/FAIL lines counted in $failures, and the
# tiny SFT model the checks train (add data.trainTasks and the rest per script).
launcher=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
MPIRUN=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d /tmp/egpo-multirank.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failures=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

tiny=(--set model.architecture.hidden_size=32 --set model.architecture.intermediate_size=64
      --set model.architecture.num_hidden_layers=2 --set model.architecture.num_attention_heads=2
      --set model.architecture.num_key_value_heads=1 --set model.architecture.vocab_size=300
      --set model.tokenizerVocabulary=300 --set sft.batchSize=8 --set sft.optimizer.warmupSteps=0
      --set rollout.microBatch=3)
