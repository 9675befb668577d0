#!/usr/bin/env bash
# SPIN beside `ucma-ha check` on the explore benchmark's configurations (default user
# endpoint, N remote views, no symmetry): pan on one core, BFS and DFS, safety only and
# the acceptance-cycle search for recovery_after_outage; each engine in its own process,
# timed and with its peak memory (GNU time). Asserts SPIN's `states, stored` equals
# check's count in the safety runs. Then, on the largest N, SPIN's scale path: multi-core
# (-DNCORE=2), hash-compact (-DHC4), bitstate (-DBITSTATE, -w) runs, and swarm-style
# bitstate runs with different seeds, hash polynomials and search orders (SWARM_SEEDS,
# SWARM_W). Every row names the pan command that produced it.
#
# Needs spin, gcc and GNU time (Debian: apt-get install -y spin gcc time).
# Usage: tools/spin-bench.sh [VIEWS...]   (default: 8 10 12 14)
#        SCALE_ONLY=1 tools/spin-bench.sh 14   (the scale path alone)
set -euo pipefail
cd "$(dirname "$0")/.."
views=("$@")
[ $# -eq 0 ] && views=(8 10 12 14)
# UCMA_HA names a built binary to use instead of building the release one.
if [ -z "${UCMA_HA:-}" ]; then
    cargo build -q --release
    UCMA_HA=$PWD/target/release/ucma-ha
fi
bin=$UCMA_HA
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

measure() { # LABEL COMMAND...: prints seconds and peak RSS (MiB) of COMMAND, keeps its output in out.txt
    /usr/bin/time -f '%e %M' -o time.txt "$@" > out.txt 2>&1 || true
    read -r secs kib < time.txt
    printf '%s %s\n' "$secs" "$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')"
}
stored() { awk '/states, stored/ { print $1 }' out.txt; }
errors() { sed -n 's/.*errors: \([0-9]*\).*/\1/p' out.txt; }

echo "| views | engine | search | states | errors | time (s) | peak RSS (MiB) |"
echo "|---:|---|---|---:|---|---:|---:|"
for n in "${views[@]}"; do
    config="{\"remote_views\": $n}"
    read -r secs mib < <(measure "$bin" check --config "$config" --no-symmetry)
    states=$(sed -n 's/^system .*: \([0-9]*\) states.*/\1/p' out.txt)
    # SCALE_ONLY=1: only the scale path below, on the last N.
    [ -n "${SCALE_ONLY:-}" ] && continue
    echo "| $n | ucma-ha check | graph search + properties | $states | | $secs | $mib |"
    "${UCMA_HA_EXPORT:-$bin}" export promela --config "$config" --no-symmetry > model.pml
    spin -a model.pml > /dev/null
    gcc -O2 -w -DBFS -DNOCLAIM -DNOREDUCE -DSAFETY -o pan_bfs pan.c
    gcc -O2 -w -DNOCLAIM -DNOREDUCE -DSAFETY -o pan_dfs pan.c
    for search in bfs dfs; do
        # DFS allocates its stack for the -m depth; the system's depth is far below 10^6.
        depth=100000000; [ "$search" = dfs ] && depth=1000000
        read -r secs mib < <(measure "./pan_$search" "-m$depth")
        echo "| $n | SPIN pan | $search safety | $(stored) | $(errors) | $secs | $mib |"
        if [ "$(stored)" != "$states" ] || [ "$(errors)" != 0 ]; then
            echo "count mismatch: SPIN $(stored) (errors $(errors)), check $states" >&2
            exit 1
        fi
    done
    # The liveness model also stores the fairness bookkeeping (many more states): only up
    # to LIVENESS_VIEWS views (default 8).
    if [ "$n" -le "${LIVENESS_VIEWS:-8}" ]; then
        spin -DLIVENESS -a model.pml > /dev/null
        gcc -O2 -w -DNOREDUCE -o pan_live pan.c
        read -r secs mib < <(measure ./pan_live -a -m1000000 -N recovery_after_outage)
        echo "| $n | SPIN pan | dfs acceptance cycles (liveness) | $(stored) | $(errors) | $secs | $mib |"
    fi
done

n=${views[-1]}
echo
echo "Scale path on $n views (safety, DFS; check: $states states):"
echo
echo "| build | run | states | errors | time (s) | CPU (s) | peak RSS (MiB) | what pan reports |"
echo "|---|---|---:|---|---:|---:|---:|---|"
"${UCMA_HA_EXPORT:-$bin}" export promela --config "{\"remote_views\": $n}" --no-symmetry > model.pml
spin -a model.pml > /dev/null
row() { # BUILD RUN SECS CPU MIB NOTE
    echo "| $1 | $2 | $(stored) | $(errors) | $3 | $4 | $5 | $6 |"
}
timed() { # like measure, with CPU seconds: prints secs cpu mib
    /usr/bin/time -f '%e %U %S %M' -o time.txt "$@" > out.txt 2>&1 || true
    read -r secs user sys kib < time.txt
    awk -v e="$secs" -v u="$user" -v s="$sys" -v k="$kib" 'BEGIN { printf "%s %.2f %.1f\n", e, u + s, k / 1024 }'
}
gcc -O2 -w -DNOCLAIM -DNOREDUCE -DSAFETY -o pan_dfs pan.c
read -r secs cpu mib < <(timed ./pan_dfs -m1000000)
row "plain" "./pan -m1000000" "$secs" "$cpu" "$mib" "exhaustive"
gcc -O2 -w -DNOCLAIM -DNOREDUCE -DSAFETY -DNCORE=2 -o pan_mc pan.c
read -r secs cpu mib < <(timed ./pan_mc -m1000000)
row "-DNCORE=2" "./pan -m1000000" "$secs" "$cpu" "$mib" "two worker processes, one shared hash table"
gcc -O2 -w -DNOCLAIM -DNOREDUCE -DSAFETY -DHC4 -o pan_hc pan.c
for w in 24 33; do
    # -w33 and above switch pan from its 32-bit hash to its 64-bit one (see docs/SPIN.md);
    # only when the machine has the memory for a 2^33-slot table (64 GiB).
    [ "$w" = 33 ] && [ "$(awk '/MemTotal/ { print $2 }' /proc/meminfo)" -lt 80000000 ] && continue
    read -r secs cpu mib < <(timed ./pan_hc -m1000000 "-w$w")
    row "-DHC4" "./pan -m1000000 -w$w" "$secs" "$cpu" "$mib" "$(grep -o 'hash conflicts:.*' out.txt | head -n 1)"
done
gcc -O2 -w -DNOCLAIM -DNOREDUCE -DSAFETY -DBITSTATE -o pan_bit pan.c
for w in 30 27 24; do
    read -r secs cpu mib < <(timed ./pan_bit -m1000000 "-w$w")
    row "-DBITSTATE" "./pan -m1000000 -w$w" "$secs" "$cpu" "$mib" "$(grep -o 'hash factor:.*' out.txt | head -n 1)"
done
# Swarm-style: several small bitstate runs, each with its own random seed, hash polynomial
# and process order (-RSn -rhash, which needs -DPERMUTED), half of them with the
# transitions in reverse order.
gcc -O2 -w -DNOCLAIM -DNOREDUCE -DSAFETY -DBITSTATE -DPERMUTED -o pan_bit pan.c
for seed in ${SWARM_SEEDS:-1 2 3 4 5 6 7 8}; do
    order=""; [ $((seed % 2)) -eq 0 ] && order="-t_reverse"
    read -r secs cpu mib < <(timed ./pan_bit -m1000000 "-w${SWARM_W:-22}" "-RS$seed" -rhash $order)
    row "-DBITSTATE -DPERMUTED (swarm)" "./pan -m1000000 -w${SWARM_W:-22} -RS$seed -rhash $order" "$secs" "$cpu" "$mib" "$(grep -o 'hash factor:.*' out.txt | head -n 1)"
done
