#!/usr/bin/env bash
# The full SPIN cross-check of `ucma-ha export promela` (CI runs a small part of it):
# every configuration shape with up to VIEWS remote views (default 3; `all` for up to 6),
# SPIN's `states, stored` equal to `ucma-ha check --no-symmetry`'s count with `errors: 0`
# and no acceptance cycle for recovery_after_outage; then MUTANTS single-row table
# mutants (default 40, chosen so every property is violated by at least one), on which
# SPIN and check must report the same violated properties. Prints Markdown tables
# (docs/SPIN.md has the last run's); exits 1 on any disagreement.
#
# Needs spin and gcc (Debian: apt-get install -y spin gcc).
# Usage: tools/spin-cross-check.sh [VIEWS|all] [MUTANTS]
set -euo pipefail
cd "$(dirname "$0")/.."
views=${1:-3}
mutants=${2:-40}
if [ "$views" = all ]; then
    set -- --configs all
else
    set -- --views "$views"
fi
cargo run -q --release --example spin_cross_check -- "$@" --mutants "$mutants"
