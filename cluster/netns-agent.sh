#!/usr/bin/env bash
# OpenMPI launch agent for the multi-host test (multihost-netns.sh), used instead of ssh
# (`--mca plm_rsh_agent cluster/netns-agent.sh`): mpirun calls it as `netns-agent.sh HOST COMMAND`
# to start its daemon (orted) on HOST, the command being one shell string as ssh would get. It
# runs the command inside the network namespace that plays HOST, in a UTS namespace of its own
# with HOST as the hostname, so the daemon and the ranks it starts see that host's address,
# interfaces and name (MPI_Get_processor_name, error messages).
# EGPO_NETNS_HOSTS names the map: one `HOST NAMESPACE` line per host.
set -euo pipefail
host=${1:?usage: netns-agent.sh HOST COMMAND}
shift
map=${EGPO_NETNS_HOSTS:?netns-agent.sh: EGPO_NETNS_HOSTS is not set (a file of HOST NAMESPACE lines)}
ns=$(awk -v h="$host" '$1 == h { print $2; exit }' "$map")
[ -n "$ns" ] || { echo "netns-agent.sh: host $host is not in $map (expected a line: $host NAMESPACE)" >&2; exit 1; }
# shellcheck disable=SC2016 # $0 and $1 belong to the inner shell
exec ip netns exec "$ns" unshare --uts /bin/sh -c 'hostname "$0" && exec /bin/sh -c "$1"' "$host" "$*"
