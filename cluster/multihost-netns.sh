#!/usr/bin/env bash
# A real multi-host run on one machine (`make test-multihost`). Two network namespaces joined by
# a veth pair play two hosts: mh1 (eth0 10.77.0.1) and mh2 (eth0 10.77.0.2), each with its own
# hostname. mpirun runs inside mh1 and starts the ranks on mh2 with no ssh: cluster/netns-agent.sh
# is its launch agent and enters mh2's namespace. The ranks see only lo and their eth0, and MPI's
# transports are held to 10.77.0.0/24 with no shared memory (`btl tcp,self`), so every byte
# between the hosts crosses the veth pair. Each check prints "PASS name" or "FAIL name: why";
# the exit code is the number of failures.
#   1. Placement: every multi-host run's ranks record their namespace and hostname; ranks 0-1
#      ran in mh1's and 2-3 in mh2's (2 x 1: rank 0 in mh1's, rank 1 in mh2's).
#   2. SFT (tiny model), 3 steps, on 2 hosts x 2 ranks and 2 hosts x 1 rank, equal to the same
#      run on one host (4 and 2 ranks, shared memory), within multirank-training.sh's tolerance.
#   3. EGPO from the shipped SFT checkpoint, 3 steps, 2 hosts x 2 ranks vs 4 ranks on one host;
#      its gradient all-reduces crossed the veth pair (bytes counted on mh2's eth0).
#   4. SIGTERM to the job (to cluster/mpirun.sh, as a scheduler would): the ranks on both hosts
#      stop after the same step, the checkpoint is written (ZeRO-1: with the Adam moments
#      gathered from mh2's ranks), the job exits 0; --resume latest across the hosts finishes
#      the run, bitwise equal to the uninterrupted one.
#   5. A rank on mh2 fails (an injected error) or is lost (SIGKILL): the job ends non-zero
#      within 60 s and, for the error, the message names the rank and its host.
# Without root, or where network namespaces or veth pairs cannot be made, it prints one
# "SKIP multihost: why" line and exits 0. The namespaces are removed on exit, failure or not.
# Usage: multihost-netns.sh LAUNCHER
# shellcheck disable=SC2317 # functions called through trap and timed
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIP multihost: $1"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces (ip netns add); run make test-multihost as root"
command -v ip > /dev/null || skip "no ip command (iproute2) to create network namespaces"
command -v unshare > /dev/null || skip "no unshare (util-linux) to give each namespace its own hostname"
# shellcheck source=multirank-lib.sh
source "$here/multirank-lib.sh" "$1"
tiny+=(--set data.trainTasks=64)

# Names unique to this run, so two runs on one machine do not collide.
ns=("egpo$$mh1" "egpo$$mh2")
cleanup() {
    local n pids
    for n in "${ns[@]}"; do
        if [ -e "/var/run/netns/$n" ]; then
            # Only this test's daemons and ranks live in these namespaces.
            pids=$(ip netns pids "$n" 2>/dev/null)
            # shellcheck disable=SC2086
            [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
            ip netns del "$n" 2>/dev/null
        fi
        rm -rf "/etc/netns/$n"
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Two hosts joined by one veth pair, eth0 on each side; /etc/netns/NS/hosts (which `ip netns
# exec` mounts over /etc/hosts) names both.
setup() {
    local i
    for i in 0 1; do
        ip netns add "${ns[i]}" && ip -n "${ns[i]}" link set lo up || return 1
        mkdir -p "/etc/netns/${ns[i]}" || return 1
        printf '127.0.0.1 localhost\n10.77.0.1 mh1\n10.77.0.2 mh2\n' > "/etc/netns/${ns[i]}/hosts" || return 1
    done
    ip -n "${ns[0]}" link add eth0 type veth peer name eth0 netns "${ns[1]}" || return 1
    for i in 0 1; do
        ip -n "${ns[i]}" addr add "10.77.0.$((i + 1))/24" dev eth0 && ip -n "${ns[i]}" link set eth0 up || return 1
    done
}
if ! err=$(setup 2>&1); then
    skip "cannot build the two-host network here (ip netns / veth): $(tr '\n' ' ' <<< "$err")"
fi
printf 'mh1 %s\nmh2 %s\n' "${ns[0]}" "${ns[1]}" > "$tmp/hosts.map"
printf 'mh1 slots=2\nmh2 slots=2\n' > "$tmp/hostfile"
# Each "host" sees all of this machine's cores and so does not know it shares them with the other
# host's ranks: mpi_yield_when_idle, which mpirun sets by itself for an oversubscribed node, keeps
# waiting ranks from spinning (20 tiny SFT steps on 2 x 2 ranks, 2 cores: 34 s spinning, 21 s yielding).
# shellcheck disable=SC2054 # tcp,self is one value
multihost=(--hostfile "$tmp/hostfile" --mca plm_rsh_agent "$here/netns-agent.sh" --mca plm_rsh_no_tree_spawn 1
           --mca btl tcp,self --mca btl_tcp_if_include 10.77.0.0/24 --mca oob_tcp_if_include 10.77.0.0/24
           --mca mpi_yield_when_idle 1)
echo "== two hosts: mh1 ${ns[0]} 10.77.0.1, mh2 ${ns[1]} 10.77.0.2 (veth pair), mpirun inside mh1"

passes=0
pass() { echo "PASS $1"; passes=$((passes + 1)); }
timings=()
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
seconds_since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
# timed NAME COMMAND...: runs it, records its wall time, returns its exit code.
timed() {
    local name=$1 start code; shift
    start=$(now_ms)
    "$@"; code=$?
    timings+=("$name: $(seconds_since "$start") s")
    return "$code"
}

# on_hosts NAME MPIRUN-ARGS... -- LAUNCHER-ARGS...: cluster/mpirun.sh across the hosts from
# inside mh1, --run-dir $tmp/NAME, log in $tmp/NAME.log, mpirun.sh's pid in $tmp/NAME.pid. Each
# rank first appends "RANK HOSTNAME NAMESPACE" to $tmp/NAME.placement, then becomes the launcher.
on_hosts() {
    local name=$1; shift
    # shellcheck disable=SC2016 # expanded by the rank's shell
    printf '#!/bin/sh\necho "$OMPI_COMM_WORLD_RANK $(hostname) $(ip netns identify)" >> "%s"\nexec "%s" "$@"\n' \
        "$tmp/$name.placement" "$launcher" > "$tmp/$name.rank"
    chmod +x "$tmp/$name.rank"
    # shellcheck disable=SC2016 # $$, $0 and $@ belong to the inner shell
    EGPO_NETNS_HOSTS="$tmp/hosts.map" LAUNCHER="$tmp/$name.rank" \
        ip netns exec "${ns[0]}" unshare --uts /bin/sh -c 'hostname mh1 && echo $$ > "$0" && exec "$@"' "$tmp/$name.pid" \
        "$here/mpirun.sh" "${multihost[@]}" "$@" --run-dir "$tmp/$name" >> "$tmp/$name.log" 2>&1
}
# on_one_host NAME RANKS ARGS...: the same run on this machine (shared memory), into $tmp/NAME.
on_one_host() {
    local name=$1 n=$2; shift 2
    # shellcheck disable=SC2086
    $MPIRUN -n "$n" "$launcher" "$@" --run-dir "$tmp/$name" > "$tmp/$name.log" 2>&1
}

# placed NAME EXPECTED: the ranks of run NAME ran where EXPECTED says ("0:mh1 1:mh1 2:mh2 ...").
placed() {
    local name=$1 expected=$2 actual="" rank host netns want
    while read -r rank host netns; do
        want=${ns[0]}; [ "$host" = mh2 ] && want=${ns[1]}
        [ "$netns" = "$want" ] || { fail "$name-placement" "rank $rank on $host ran in namespace '$netns', not $want"; return; }
        actual+="$rank:$host "
    done < <(sort -n "$tmp/$name.placement" 2>/dev/null)
    if [ "${actual% }" = "$expected" ]; then pass "$name-placement ($expected, each in its host's namespace)"; else fail "$name-placement" "ranks at '${actual% }', expected '$expected'"; fi
}
# same NAME A B [TOLERANCE]: the final checkpoints of runs A and B agree (compare-models).
same() {
    local name=$1 a=$2 b=$3 tol=(); [ -n "${4:-}" ] && tol=(--tolerance "$4")
    local out
    if out=$("$launcher" compare-models "$tmp/$a/checkpoints/final.h5" "$tmp/$b/checkpoints/final.h5" "${tol[@]}" 2>&1); then
        pass "$name ($(tr '\n' ' ' <<< "$out"))"
    else
        fail "$name" "$(tr '\n' ' ' <<< "$out")"
    fi
}
ok() { local name=$1 code=$2; [ "$code" -eq 0 ] || fail "$name" "exit $code: $(tail -2 "$tmp/$name.log" | tr '\n' ' ')"; }
eth0_bytes() { ip netns exec "${ns[1]}" cat /sys/class/net/eth0/statistics/rx_bytes /sys/class/net/eth0/statistics/tx_bytes | paste -sd' '; }

echo "== SFT, 3 steps: 2 hosts x 2 ranks vs 4 ranks on one host, 2 hosts x 1 rank vs 2 ranks on one host"
timed sft-2x2 on_hosts sft-2x2 -n 4 -- sft "${tiny[@]}" --steps 3; ok sft-2x2 $?
placed sft-2x2 "0:mh1 1:mh1 2:mh2 3:mh2"
timed sft-1x4 on_one_host sft-1x4 4 sft "${tiny[@]}" --steps 3; ok sft-1x4 $?
same sft-2-hosts-x-2-equals-one-host sft-1x4 sft-2x2
timed sft-2x1 on_hosts sft-2x1 -n 2 --map-by node -- sft "${tiny[@]}" --steps 3; ok sft-2x1 $?
placed sft-2x1 "0:mh1 1:mh2"
timed sft-1x2 on_one_host sft-1x2 2 sft "${tiny[@]}" --steps 3; ok sft-1x2 $?
same sft-2-hosts-x-1-equals-one-host sft-1x2 sft-2x1

start=$(dirname "$launcher")/EGPOTrainer_EGPODistributed.resources/Resources/sft-demo.h5
if [ -f "$start" ]; then
    echo "== EGPO from the shipped SFT checkpoint, 3 steps: 2 hosts x 2 ranks vs 4 ranks on one host"
    # The settings (and Adam eps 1e-6, for why see there) of multirank-training.sh.
    egpo=(--set optimizer.eps=1e-6 --set rollout.prompts=4 --set rollout.groupSize=4 --set rollout.maxCompletionTokens=160 --set rollout.microBatch=4
          --set data.trainTasks=64 --set eval.before=false --set eval.after=false --set egpo.mu=2 --set optimizer.learningRate=1e-4)
    before=$(eth0_bytes)
    timed egpo-2x2 on_hosts egpo-2x2 -n 4 -- train "${egpo[@]}" --steps 3; ok egpo-2x2 $?
    read -r rx1 tx1 <<< "$(eth0_bytes)"; read -r rx0 tx0 <<< "$before"
    placed egpo-2x2 "0:mh1 1:mh1 2:mh2 3:mh2"
    timed egpo-1x4 on_one_host egpo-1x4 4 train "${egpo[@]}" --steps 3; ok egpo-1x4 $?
    same egpo-2-hosts-x-2-equals-one-host egpo-1x4 egpo-2x2
    # Each optimizer update all-reduces the gradient (4 bytes a parameter): whatever the
    # algorithm, at least a gradient's worth must reach mh2 and leave it per update.
    params=$("$launcher" inspect "$start" 2>/dev/null | sed -nE 's/^model: ([0-9]+) parameters.*/\1/p')
    updates=$((3 * 2))
    need=$((updates * 4 * ${params:-0}))
    rx=$((rx1 - rx0)); tx=$((tx1 - tx0))
    if [ "${params:-0}" -gt 0 ] && [ "$rx" -ge "$need" ] && [ "$tx" -ge "$need" ]; then
        pass "egpo-traffic-crossed-the-veth (mh2 eth0: $((rx / 1000000)) MB in, $((tx / 1000000)) MB out; $updates updates x $((4 * params / 1000000)) MB gradient)"
    else
        fail "egpo-traffic-crossed-the-veth" "mh2 eth0 saw $rx bytes in, $tx out; expected at least $need each way ($updates updates of $params parameters)"
    fi
else
    echo "SKIP egpo-multihost: no shipped SFT checkpoint at $start (make sft-checkpoint)"
fi

echo "== SIGTERM to the job across hosts (ZeRO-1): a checkpoint, exit 0, then --resume latest finishes it"
long=(--steps 20 --set sft.optimizer.schedule=cosine --set sft.optimizer.zero=1 --set sft.optimizer.gradientPath=reducescatter)
timed sft-long on_hosts sft-long -n 4 -- sft "${tiny[@]}" "${long[@]}"; ok sft-long $?
on_hosts sft-term -n 4 -- sft "${tiny[@]}" "${long[@]}" &
job=$!
for _ in $(seq 1 600); do
    [ -s "$tmp/sft-term/metrics.jsonl" ] && [ -s "$tmp/sft-term.pid" ] && break
    sleep 0.05
done
signalled=$(now_ms)
kill -TERM "$(cat "$tmp/sft-term.pid")"
wait "$job"; code=$?
timings+=("SIGTERM, until every rank saved and exited: $(seconds_since "$signalled") s")
stopped=$(grep -o 'stopped by SIGUSR1 after step [0-9]*' "$tmp/sft-term.log" | grep -o '[0-9]*$')
saved=$(find "$tmp/sft-term/checkpoints" -name 'step-*.h5' 2>/dev/null | wc -l)
if [ "$code" -eq 0 ] && [ "$saved" -ge 1 ] && [ -n "$stopped" ] && [ "$stopped" -lt 20 ]; then
    pass "multihost-sigterm-saves-and-exits-0 (stopped after step $stopped of 20, every rank on both hosts exited 0)"
else
    fail "multihost-sigterm-saves-and-exits-0" "exit $code, $saved step checkpoint(s): $(tail -3 "$tmp/sft-term.log" | tr '\n' ' ')"
fi
placed sft-term "0:mh1 1:mh1 2:mh2 3:mh2"
timed sft-resume on_hosts sft-term -n 4 -- sft "${tiny[@]}" "${long[@]}" --resume latest; ok sft-term $?
same multihost-sigterm-then-resume-equals-straight sft-long sft-term 0

echo "== a rank on mh2 fails, then one is lost: the job ends, non-zero, within 60 s"
# ends_within NAME SECONDS: waits for the background run $job; sets $code and $elapsed. A run
# still going after SECONDS is killed (everything it started lives in the two namespaces).
ends_within() {
    local name=$1 limit=$2 t0
    t0=$(now_ms)
    while kill -0 "$job" 2>/dev/null && [ $(( $(now_ms) - t0 )) -lt $((limit * 1000)) ]; do sleep 0.1; done
    elapsed=$(seconds_since "$t0")
    if kill -0 "$job" 2>/dev/null; then
        # shellcheck disable=SC2046
        kill -KILL $(ip netns pids "${ns[0]}") $(ip netns pids "${ns[1]}") 2>/dev/null
        wait "$job"; code=124
    else
        wait "$job"; code=$?
    fi
    timings+=("$name, until the job ended: $elapsed s")
}
on_hosts fault -n 4 -- sft "${tiny[@]}" --steps 5 --fail-on-rank 3 --fail-at-step 2 &
job=$!
ends_within failing-rank 60
if [ "$code" -eq 124 ] || [ "$code" -eq 0 ]; then
    fail "multihost-failing-rank-ends-job" "exit $code after $elapsed s (124: hung, killed)"
elif ! grep -q "rank 3 of 4 on mh2 failed.*injected failure" "$tmp/fault.log"; then
    fail "multihost-failing-rank-ends-job" "no message naming rank 3 on mh2: $(tail -3 "$tmp/fault.log" | tr '\n' ' ')"
else
    pass "multihost-failing-rank-ends-job (exit $code after $elapsed s: $(grep -m1 'rank 3 of 4 on mh2' "$tmp/fault.log"))"
fi

on_hosts lost -n 4 -- sft "${tiny[@]}" "${long[@]}" &
job=$!
for _ in $(seq 1 600); do [ -s "$tmp/lost/metrics.jsonl" ] && break; sleep 0.05; done
victim=""
for pid in $(ip netns pids "${ns[1]}"); do
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = launcher ] && tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=3; then
        victim=$pid
    fi
done
if [ -z "$victim" ]; then
    fail "multihost-lost-rank-ends-job" "rank 3's process not found in mh2's namespace"
    ends_within lost-rank 0
else
    kill -KILL "$victim"
    ends_within "SIGKILL to rank 3 on mh2" 60
    if [ "$code" -eq 124 ] || [ "$code" -eq 0 ]; then
        fail "multihost-lost-rank-ends-job" "exit $code after $elapsed s (124: hung, killed)"
    elif ! grep -q "process rank 3 .*on node mh2" "$tmp/lost.log"; then
        fail "multihost-lost-rank-ends-job" "no message naming rank 3 on mh2: $(tail -3 "$tmp/lost.log" | tr '\n' ' ')"
    else
        pass "multihost-lost-rank-ends-job (SIGKILL to rank 3 on mh2: exit $code after $elapsed s: $(grep -m1 'process rank 3 .*on node mh2' "$tmp/lost.log"))"
    fi
fi

echo "== timings (wall clock; debug build, this machine's $(nproc) cores shared by every rank)"
printf '  %s\n' "${timings[@]}"
echo "multihost: $passes passed, $failures failed"
exit "$failures"
