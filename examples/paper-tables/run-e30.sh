#!/usr/bin/env bash
# The 30-epoch Table 2 runs, in two lanes (at most 2 processes on the 2 cores).
#   ./run-e30.sh          seed 1: baseline, Gaussian, LAT, ANL 0.03, CANL 0.03 (~30 min)
#   SEED=2 ./run-e30.sh   another seed: baseline, ANL 0.03, CANL 0.03 (~22 min)
# Results: results/<method>[_eps]_e30_s<seed>.json; then `node summarise.mjs --tag e30`.
set -u
cd "$(dirname "$0")"
mkdir -p logs
S=${SEED:-1}
lane_a() {
  node table2.mjs --method none --epochs 30 --seed "$S" --name "none_e30_s$S"
  node table2.mjs --method canl --eps 0.03 --epochs 30 --seed "$S" --name "canl_0.03_e30_s$S"
  if [ "$S" = 1 ]; then node table2.mjs --method lat --eps 0.03 --epochs 30 --name lat_0.03_e30_s1; fi
}
lane_b() {
  node table2.mjs --method anl --eps 0.03 --epochs 30 --seed "$S" --name "anl_0.03_e30_s$S"
  if [ "$S" = 1 ]; then node table2.mjs --method gaussian --eps 0.03 --epochs 30 --name gaussian_0.03_e30_s1; fi
}
lane_a > "logs/e30-s$S-lane-a.log" 2>&1 &
lane_b > "logs/e30-s$S-lane-b.log" 2>&1 &
wait
