#!/usr/bin/env bash
# Turns a SPIN trail of a model written by `ucma-ha export promela` into a trace file
# (docs/CONTRACT.md section 4) that `ucma-ha replay` runs.
#
# Usage: tools/spin-trail-to-trace.sh DIR [PAN] > trace.json
#   DIR  the directory holding model.pml, model.pml.trail and the pan that wrote the trail
#   PAN  that pan's file name (default: pan; e.g. pan_live for the liveness search)
#
# The trail is replayed with pan itself (`./pan -r`; SPIN's own simulator does not run the
# model's C code). Each stimulus step prints `{"on": "NAME"},` before it runs, so the
# printout is the list of steps; for an acceptance cycle it is the prefix and one round
# of the cycle. The configuration is read from the model's header.
set -euo pipefail
dir=${1:?usage: $0 DIR [PAN]}
pan=${2:-pan}
cd "$dir"
config=$(sed -n 's/^ *config: //p' model.pml | head -n 1)
steps=$("./$pan" -r 2>/dev/null | grep '^{"on": ' | sed '$ s/,$//' || true)
printf '{"machine": "system", "config": %s, "steps": [\n%s\n]}\n' "$config" "$steps"
