#!/usr/bin/env bash
# SPIN beside `ucma-ha check` on the explore benchmark's configurations (default user
# endpoint, N remote views, no symmetry): pan on one core, BFS and DFS, safety only and
# the acceptance-cycle search for recovery_after_outage; each engine in its own process,
# timed and with its peak memory (GNU time). Asserts SPIN's `states, stored` equals
# check's count in the safety runs. Then, on the largest N, SPIN's scale path: multi-core
# (-DNCORE=2), hash-compact (-DHC4) and bitstate (-DBITSTATE, -w) runs.
#
# Needs spin, gcc and GNU time (Debian: apt-get install -y spin gcc time).
# Usage: tools/spin-bench.sh [VIEWS...]   (default: 8 10 12 14)
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
echo "Scale path on $n views (safety, DFS):"
echo
echo "| build | states | errors | time (s) | peak RSS (MiB) | notes |"
echo "|---|---:|---|---:|---:|---|"
"${UCMA_HA_EXPORT:-$bin}" export promela --config "{\"remote_views\": $n}" --no-symmetry > model.pml
spin -a model.pml > /dev/null
gcc -O2 -w -DNOCLAIM -DNOREDUCE -DSAFETY -DNCORE=2 -o pan_mc pan.c
read -r secs mib < <(measure ./pan_mc -m1000000)
echo "| -DNCORE=2 | $(stored) | $(errors) | $secs | $mib | two worker processes sharing the hash table |"
gcc -O2 -w -DNOCLAIM -DNOREDUCE -DSAFETY -DHC4 -o pan_hc pan.c
read -r secs mib < <(measure ./pan_hc -m1000000)
echo "| -DHC4 | $(stored) | $(errors) | $secs | $mib | $(grep -o 'hash conflicts:.*' out.txt | head -n 1) |"
gcc -O2 -w -DNOCLAIM -DNOREDUCE -DSAFETY -DBITSTATE -o pan_bit pan.c
read -r secs mib < <(measure ./pan_bit -m1000000 -w30)
echo "| -DBITSTATE -w30 | $(stored) | $(errors) | $secs | $mib | $(grep -o 'hash factor.*' out.txt | head -n 1) |"
