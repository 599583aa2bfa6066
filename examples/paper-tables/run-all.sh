#!/usr/bin/env bash
# Every training run behind results/, in two lanes (the machine has 2 cores; at most 2 runs at once).
# Usage: ./run-all.sh   (from examples/paper-tables, after `npx turbo run build` at the repository root)
set -u
cd "$(dirname "$0")"
mkdir -p logs
E=${EPOCHS:-10}
lane_a() {
  node table2.mjs --method none --epochs "$E"
  node table2.mjs --method anl --eps 0.03 --epochs "$E"
  node table2.mjs --method canl --eps 0.03 --epochs "$E"
  node table2.mjs --method lat --eps 0.03 --epochs "$E"
  node table2.mjs --method anl --eps 0.05 --input-noise --epochs "$E"
}
lane_b() {
  node table2.mjs --method gaussian --eps 0.03 --epochs "$E"
  node table2.mjs --method anl --eps=-0.03 --epochs "$E"
  node table2.mjs --method fgsm-at --eps 0.05 --epochs "$E"
  node table2.mjs --method canl --eps 0.05 --input-noise --epochs "$E"
}
lane_a > logs/lane-a.log 2>&1 &
lane_b > logs/lane-b.log 2>&1 &
wait
