#!/usr/bin/env bash
# The 30-epoch Table 2 runs (results/*_e30_s1.json): baseline, Gaussian, LAT, ANL 0.03, CANL 0.03, in
# two lanes (at most 2 processes on the 2 cores). ~30 min on the shared 2-core machine.
set -u
cd "$(dirname "$0")"
mkdir -p logs
lane_a() {
  node table2.mjs --method none --epochs 30 --name none_e30_s1
  node table2.mjs --method canl --eps 0.03 --epochs 30 --name canl_0.03_e30_s1
  node table2.mjs --method lat --eps 0.03 --epochs 30 --name lat_0.03_e30_s1
}
lane_b() {
  node table2.mjs --method anl --eps 0.03 --epochs 30 --name anl_0.03_e30_s1
  node table2.mjs --method gaussian --eps 0.03 --epochs 30 --name gaussian_0.03_e30_s1
}
lane_a > logs/e30-lane-a.log 2>&1 &
lane_b > logs/e30-lane-b.log 2>&1 &
wait
