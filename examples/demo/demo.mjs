// npm run demo — what noise training buys, in one command: LeNet-5 on the embedded Fashion-MNIST subset
// (no download) trained as the baseline, with ANL and with CANL (eps 0.03, the ANL paper's Table 2
// setting), from the same initial weights and batch order; then clean test error and FGSM / PGD
// accuracy side by side, each with its sampling noise (binomial standard error), and report.html with
// the plots. A thin call of `anl compare --report` (@anl/cli): any of its options can be added,
//
//   node examples/demo/demo.mjs [--epochs N] [--seeds 1,2,3] [--jobs N] [--backend wasm|cpu] [--out DIR]
//
// and a second run resumes (finished cells are kept; delete the folder to start over).
import { main } from '@anl/cli';

// Options given on the command line come after the defaults: node:util's parser keeps the last one.
const given = process.argv.slice(2);
let out = 'demo-results';
given.forEach((arg, i) => {
  if (arg === '--out') out = given[i + 1];
  else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
});

const compare = [
  'compare',
  '--out',
  out,
  '--methods',
  'none,anl,canl',
  '--eps',
  '0.03',
  '--seeds',
  '1',
  '--epochs',
  '4',
  '--attacks',
  'fgsm,pgd',
  '--attack-eps=0,0.03,0.06,0.1',
  '--attack-limit',
  '500',
  '--pgd-steps',
  '5',
  '--jobs',
  '2',
  '--report',
  '--title',
  'anl demo: baseline vs ANL vs CANL (LeNet-5, Fashion-MNIST subset)',
  ...given,
];
const started = Date.now();
const code = await main(compare);
if (code === 0) {
  console.log(
    `\nOpen ${out}/report/report.html for the plots. One seed and a short budget: read a difference smaller\n` +
      'than about two standard errors as no difference. Total: ' +
      `${Math.round((Date.now() - started) / 1000)} s.`,
  );
}
process.exitCode = code;
