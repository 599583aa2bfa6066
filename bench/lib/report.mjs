import { round } from './stats.mjs';

const mb = (bytes) => (bytes === null || bytes === undefined ? '' : `${round(bytes / 2 ** 20, 1)} MB`);
const kb = (bytes) => (bytes ? (bytes >= 2 ** 20 ? mb(bytes) : `${round(bytes / 1024, 1)} KB`) : '0');
const ratio = (x, base) => (x && base ? `${round(x / base, 2)}×` : '');
const pct = (x) => (x === null || x === undefined ? '' : `${round(100 * x, 2)}%`);

/** Markdown tables of a results object (the same text goes into bench/README.md). */
export function toMarkdown(results) {
  const lines = [];
  const m = results.machine;
  lines.push(
    `Measured ${results.date} on ${m.cpuModel} (${m.cpus} cores, load avg ${m.loadAvg.join(' / ')} at start), ` +
      `Node ${m.node}, tfjs ${m.tfjs}${results.pytorch?.version ? `, PyTorch ${results.pytorch.version}` : ''}; ` +
      `\`node bench/run.mjs ${results.argv.join(' ')}\`.`,
  );
  lines.push('');
  lines.push('### Step time (median; momentum SGD; same weights and batches for every method)');
  lines.push('');
  lines.push(
    '| model | batch | backend | method | steps timed | step ms | × baseline (medians) | × baseline (paired) | p10–p90 ms | noise state kept | peak RSS |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const run of results.runs) {
    const base = run.steps.find((s) => s.method === 'none')?.medianMs;
    for (const s of run.steps) {
      lines.push(
        `| ${run.workload} | ${run.batchSize} | ${run.label ?? run.backend} | ${s.method} | ${s.steps} | ${round(s.medianMs, 1)} | ${ratio(s.medianMs, base)} | ` +
          `${s.pairedRatio == null ? '' : `${round(s.pairedRatio, 2)}×`} | ${round(s.p10Ms, 1)}–${round(s.p90Ms, 1)} | ${kb(s.stateBytes)} | ${mb(s.peakRssBytes)} |`,
      );
    }
  }
  lines.push(...gpuBesideWasm(results));
  const epochs = results.runs.filter((r) => r.epochs.length > 0);
  if (epochs.length > 0 || results.pytorch?.epochs) {
    lines.push('');
    lines.push('### Whole epoch (`trainWithNoise`, 1 epoch, batch 128; test accuracy after that one epoch)');
    lines.push('');
    lines.push('| model | backend | method | images | epoch s | × baseline | train loss | test acc |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const run of epochs) {
      const base = run.epochs.find((e) => e.method === 'none')?.seconds;
      for (const e of run.epochs) {
        lines.push(
          `| ${run.workload} | ${run.label ?? run.backend} | ${e.method} | ${e.samples} | ${round(e.seconds, 1)} | ${ratio(e.seconds, base)} | ` +
            `${round(e.trainLoss, 4)} | ${pct(e.testAcc)} |`,
        );
      }
    }
    if (results.pytorch?.epochs) {
      const base = results.pytorch.epochs.find((e) => e.method === 'none')?.seconds;
      for (const e of results.pytorch.epochs) {
        lines.push(
          `| lenet5 | PyTorch ${results.pytorch.version} cpu (${results.pytorch.threads} threads) | ${e.method} | ${e.samples} | ` +
            `${round(e.seconds, 1)} | ${ratio(e.seconds, base)} | ${round(e.trainLoss, 4)} | ${pct(e.testAcc)} |`,
        );
      }
    }
  }
  if (results.pytorch?.steps) {
    lines.push('');
    lines.push(`### PyTorch reference (same LeNet-5, same batches, ${results.pytorch.threads} threads)`);
    lines.push('');
    lines.push('| method | step ms | × baseline |');
    lines.push('|---|---|---|');
    const base = results.pytorch.steps.find((s) => s.method === 'none')?.medianMs;
    for (const s of results.pytorch.steps) {
      lines.push(`| ${s.method} | ${round(s.medianMs, 1)} | ${ratio(s.medianMs, base)} |`);
    }
  } else if (results.pytorch?.skipped) {
    lines.push('');
    lines.push(`PyTorch reference skipped: ${results.pytorch.skipped}`);
  }
  if (results.accuracy) {
    const a = results.accuracy;
    lines.push('');
    lines.push(
      `### cpu vs wasm, one baseline epoch from the same weights and seed: test accuracy cpu ${pct(a.cpu.testAcc)}, ` +
        `wasm ${pct(a.wasm.testAcc)} (difference ${round(100 * (a.wasm.testAcc - a.cpu.testAcc), 2)} points; ` +
        `epoch ${round(a.cpu.seconds, 1)} s vs ${round(a.wasm.seconds, 1)} s)`,
    );
  }
  lines.push('');
  lines.push('### Where the time goes (tf.profile of one step: top kernels, ms)');
  lines.push('');
  lines.push('| model | backend | method | kernel ms / step | top kernels |');
  lines.push('|---|---|---|---|---|');
  for (const run of results.runs) {
    for (const s of run.steps) {
      const top = s.profile.top
        .slice(0, 6)
        .map((k) => `${k.name} ${round(k.ms, 1)}`)
        .join(', ');
      lines.push(
        `| ${run.workload} | ${run.label ?? run.backend} | ${s.method} | ${round(s.profile.totalKernelMs, 1)} | ${top} |`,
      );
    }
  }
  for (const note of results.notes) {
    lines.push('');
    lines.push(`Note: ${note}`);
  }
  return lines.join('\n');
}

/** webgpu beside wasm, per model and method: step times, the GPU's speed-up, each backend's method overhead. */
function gpuBesideWasm(results) {
  const out = [];
  for (const gpu of results.runs.filter((r) => r.backend === 'webgpu')) {
    const cpuSide = results.runs.find((r) => r.backend === 'wasm' && r.workload === gpu.workload);
    if (!cpuSide) continue;
    if (out.length === 0) {
      out.push('', '### webgpu beside wasm (step medians; overhead = paired × baseline on that backend)', '');
      out.push('| model | method | wasm ms | webgpu ms | wasm ÷ webgpu | overhead wasm | overhead webgpu |');
      out.push('|---|---|---|---|---|---|---|');
    }
    for (const g of gpu.steps) {
      const w = cpuSide.steps.find((s) => s.method === g.method);
      if (!w) continue;
      const paired = (s) => (s.pairedRatio == null ? '' : `${round(s.pairedRatio, 2)}×`);
      out.push(
        `| ${gpu.workload} | ${g.method} | ${round(w.medianMs, 1)} | ${round(g.medianMs, 1)} | ${round(w.medianMs / g.medianMs, 2)}× | ${paired(w)} | ${paired(g)} |`,
      );
    }
  }
  return out;
}
