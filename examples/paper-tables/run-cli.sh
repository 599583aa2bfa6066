#!/usr/bin/env bash
# The reproduction through the `anl` command line, as run for the README (one process per core).
# Budget, fixed before the first run: LeNet-5, the first 20,000 Fashion-MNIST training images (the
# 2-core machine could not fit 3 seeds x 30 epochs of the full 60,000 next to the other work),
# all 10,000 test images, 30 epochs, batch 128, SGD + Nesterov 0.9, lr 0.05 divided by 5 every
# 5 epochs, noise for the first 15 epochs; FGSM and PGD at delta = 0, 2, 4, 6, 8 (/255) on the first
# 1,000 test images. From the repository root after `npm install && npx turbo run build`:
#   examples/paper-tables/run-cli.sh            # Table 2, its negative-eps column, Table 3, Fig. 4
#   node examples/paper-tables/cli-summarise.mjs # results/cli-reproduction.md
#   npx anl report examples/paper-tables/results/cli-table2   (and cli-table3, cli-fig4)
# A rerun skips the cells already written (compare resumes), so an interrupted run can be continued.
set -eu
cd "$(dirname "$0")/../.."
ANL="nice -n 10 node packages/cli/bin/anl.mjs"
R=examples/paper-tables/results
COMMON="--data fashion-mnist --train-limit 20000 --models lenet5 --seeds 1,2,3 --epochs 30 --batch 128
  --optimizer sgd --lr 0.05 --lr-drop-every 5 --noise-epochs 15 --backend wasm --attacks fgsm,pgd
  --attack-eps=0,0.00784,0.01569,0.02353,0.03137 --attack-limit 1000 --jobs 2"
# Table 2 (LeNet-5 row): baseline, Gaussian, ANL, CANL at eps 0.03, and ANL at eps -0.03.
$ANL compare --out $R/cli-table2 $COMMON --methods none,gaussian,anl,canl --eps 0.03
$ANL compare --out $R/cli-table2 $COMMON --methods anl --eps=-0.03
# Table 3 protocol: noise for the first half, then off with the learning rate at its minimum (the
# paper's baseline trains with its usual schedule: Table 2's baseline cells).
# Seeds 1 and 2 only: the time the shared machine had.
$ANL compare --out $R/cli-table3 ${COMMON/--seeds 1,2,3/--seeds 1,2} --methods anl,canl --eps 0.03 --lr-min-after-noise
# Fig. 4 (test error against eps): ANL and CANL at two more eps, seed 1 (eps 0.03: Table 2's cells).
$ANL compare --out $R/cli-fig4 ${COMMON/--seeds 1,2,3/--seeds 1} --methods anl,canl --eps 0.01,0.1
