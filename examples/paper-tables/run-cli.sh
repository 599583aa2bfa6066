#!/usr/bin/env bash
# The reproduction through the `anl` command line, as run for the README, in two lanes of two cells at
# a time. Budget, fixed before the first run: LeNet-5, the first 20,000 Fashion-MNIST training images
# (the 2-core machine could not fit 3 seeds x 30 epochs of the full 60,000 next to the other work),
# all 10,000 test images, 30 epochs, batch 128, SGD + Nesterov 0.9, lr 0.05 divided by 5 every
# 5 epochs, noise for the first 15 epochs; FGSM and PGD at delta = 0, 2, 4, 6, 8 (/255) on the first
# 1,000 test images. From the repository root after `npm install && npx turbo run build`:
#   examples/paper-tables/run-cli.sh            # Table 2 (+ its negative-eps column), Table 3, Fig. 4
#   node examples/paper-tables/cli-summarise.mjs # results/cli-reproduction.md
#   npx anl report examples/paper-tables/results/cli-table2   (and cli-table3, cli-fig4)
# A rerun skips the cells already written (compare resumes), so an interrupted run can be continued.
set -eu
cd "$(dirname "$0")/../.."
ANL="nice -n 10 node packages/cli/bin/anl.mjs"
R=examples/paper-tables/results
COMMON="--data fashion-mnist --models lenet5 --batch 128 --optimizer sgd --lr 0.05 --backend wasm
  --attacks fgsm,pgd --attack-eps=0,0.00784,0.01569,0.02353,0.03137 --attack-limit 1000 --jobs 2"
T2="$COMMON --train-limit 20000 --epochs 30 --lr-drop-every 5 --noise-epochs 15"
lane_a() {
  # Table 2 (LeNet-5 row): baseline, Gaussian, ANL, CANL at eps 0.03, and ANL at eps -0.03; 3 seeds.
  $ANL compare --out $R/cli-table2 $T2 --seeds 1,2,3 --methods none,gaussian,anl,canl --eps 0.03
  $ANL compare --out $R/cli-table2 $T2 --seeds 1,2,3 --methods anl --eps=-0.03
}
lane_b() {
  # Fig. 4 (test error against eps), at a smaller budget so that it fit: the first 10,000 training
  # images, 10 epochs (lr / 5 every 2 epochs, noise for the first 5), seed 1, the baseline included.
  $ANL compare --out $R/cli-fig4 $COMMON --train-limit 10000 --epochs 10 --lr-drop-every 2 --noise-epochs 5 \
    --seeds 1 --methods none,anl,canl --eps 0.01,0.03,0.1
  # Table 3 protocol: noise for the first half, then off with the learning rate at its minimum (the
  # paper's baseline trains with its usual schedule: Table 2's baseline cells). Seeds 1 and 2 only.
  $ANL compare --out $R/cli-table3 $T2 --seeds 1,2 --methods anl,canl --eps 0.03 --lr-min-after-noise
}
mkdir -p examples/paper-tables/logs
lane_a > examples/paper-tables/logs/cli-lane-a.log 2>&1 &
lane_b > examples/paper-tables/logs/cli-lane-b.log 2>&1 &
wait
