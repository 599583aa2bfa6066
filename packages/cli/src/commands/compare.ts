import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { choiceListOption, choiceOption, integerListOption, integerOption, numberListOption } from '../args';
import { setUpBackend } from '../backend';
import { type CellSpec, cellArgs, cellId, isFinishedCell } from '../cell';
import { COMMON_OPTIONS, type Command, log } from '../command';
import { commandLines, EMIT_FORMATS, k8sManifest, slurmScript } from '../emit';
import { listMethods, methodTakesEps } from '../methods';
import { listModels } from '../models';
import { createProgressBar } from '../progress-bar';
import { readCellResults } from '../report/read-results';
import { formatTables } from '../report/tables';
import { parseTrainingOptions, TRAINING_OPTIONS } from '../train-options';

/** The `anl` entry point the worker processes run (bin/anl.mjs next to src/ and dist/). */
const BIN = fileURLToPath(new URL('../bin/anl.mjs', import.meta.url));

/** Every cell of models × methods × eps × seeds; the baseline takes no eps, so it has one cell per model and seed. */
export function sweepCells(
  grid: { models: string[]; methods: string[]; eps: number[]; seeds: number[] },
  training: Omit<CellSpec, 'model' | 'method' | 'eps' | 'seed'>,
): CellSpec[] {
  const cells: CellSpec[] = [];
  for (const model of grid.models)
    for (const method of grid.methods)
      for (const eps of methodTakesEps(method) ? grid.eps : [undefined])
        for (const seed of grid.seeds) cells.push({ model, method, eps, seed, ...training });
  return cells;
}

/** Runs one cell in a worker process; resolves to its exit code. */
function runWorker(args: string[], plain: boolean, children: Set<ChildProcess>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: plain ? { ...process.env, ANL_PLAIN_PROGRESS: '1' } : process.env,
    });
    children.add(child);
    child.on('error', () => resolve(1));
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

export const compareCommand: Command = {
  name: 'compare',
  summary:
    'a grid of methods × eps × seeds × models, one result file per cell; parallel, resumable, or emitted for a cluster',
  usage:
    'anl compare --out DIR [--methods none,anl,canl] [--eps 0.03] [--seeds 1,2,3] [--models lenet5] [--jobs N] [options]',
  description:
    'Trains every cell of the grid (as `anl train`) and writes DIR/cells/<cell>.json. Cells whose file\n' +
    'exists are skipped, so an interrupted sweep resumes where it stopped (files are written atomically).\n' +
    '--jobs N runs N cells at once in worker processes. --emit writes the unfinished cells for a scheduler\n' +
    'instead of running them: commands (DIR/commands.txt, one shell line per cell), slurm (DIR/sweep.slurm,\n' +
    'a job array) or k8s (DIR/sweep-job.yaml, an Indexed Job). `anl report DIR` merges the cell files.',
  options: {
    out: {
      type: 'string',
      default: 'anl-results',
      value: 'DIR',
      help: 'sweep folder (cells/ holds one JSON per cell)',
    },
    models: {
      type: 'string',
      default: 'lenet5',
      value: 'LIST',
      help: `comma-separated: ${listModels().join(', ')}`,
    },
    methods: {
      type: 'string',
      default: 'none,anl,canl',
      value: 'LIST',
      help: `comma-separated: ${listMethods().join(', ')}`,
    },
    eps: {
      type: 'string',
      default: '0.03',
      value: 'LIST',
      help: 'noise magnitudes (not used by none; negative: --eps=-0.03,0.03)',
    },
    seeds: {
      type: 'string',
      default: '1',
      value: 'LIST',
      help: 'seeds (each: initial weights, batch order, noise)',
    },
    ...TRAINING_OPTIONS,
    jobs: {
      type: 'string',
      default: '1',
      value: 'N',
      help: 'cells run at once, each in its own worker process',
    },
    emit: {
      type: 'string',
      value: 'FORMAT',
      help: `write the cells for a scheduler instead of running them: ${EMIT_FORMATS.join(', ')}`,
    },
    launcher: { type: 'string', default: 'npx anl', value: 'CMD', help: 'how emitted lines start anl' },
    image: {
      type: 'string',
      default: 'node:20',
      value: 'IMAGE',
      help: 'k8s: container image with this project installed',
    },
    claim: {
      type: 'string',
      default: 'anl-results',
      value: 'NAME',
      help: 'k8s: PersistentVolumeClaim mounted as the working folder',
    },
    workdir: {
      type: 'string',
      default: '/work',
      value: 'DIR',
      help: 'k8s: working folder in the container (the claim is mounted there)',
    },
    cpus: { type: 'string', default: '2', value: 'N', help: 'slurm / k8s: CPUs per cell' },
    report: {
      type: 'boolean',
      default: false,
      help: "then anl report DIR (tables on stdout, DIR/report/report.html, plots; --json: the report's JSON)",
    },
    title: { type: 'string', default: 'anl compare', value: 'TEXT', help: 'with --report: the page title' },
    time: { type: 'string', default: '02:00:00', value: 'HH:MM:SS', help: 'slurm: time limit per cell' },
    ...COMMON_OPTIONS,
  },
  async run({ values }) {
    const grid = {
      models: choiceListOption('models', String(values.models), listModels()),
      methods: choiceListOption('methods', String(values.methods), listMethods(), 'UNKNOWN_METHOD'),
      eps: numberListOption('eps', String(values.eps)),
      seeds: integerListOption('seeds', String(values.seeds)),
    };
    const training = parseTrainingOptions(values);
    const jobs = integerOption('jobs', String(values.jobs));
    const emit =
      values.emit === undefined ? undefined : choiceOption('emit', String(values.emit), EMIT_FORMATS);
    const cpus = integerOption('cpus', String(values.cpus));
    const out = String(values.out);
    const cellsDir = join(out, 'cells');
    mkdirSync(cellsDir, { recursive: true });
    // Temporary files of a killed run are never results: clear them before resuming.
    for (const f of readdirSync(cellsDir)) if (f.includes('.json.tmp-')) rmSync(join(cellsDir, f));
    const cells = sweepCells(grid, training).map((spec) => {
      const file = join(cellsDir, `${cellId(spec)}.json`);
      return { spec, file, done: isFinishedCell(file) };
    });
    const todo = cells.filter((c) => !c.done);
    const skipped = cells.filter((c) => c.done).map((c) => cellId(c.spec));
    log(`${cells.length} cells in ${out}: ${skipped.length} finished (skipped), ${todo.length} to run`);

    if (emit !== undefined) {
      const lines = commandLines(
        String(values.launcher),
        todo.map((c) => cellArgs(c.spec, c.file)),
      );
      const name = 'anl-sweep';
      const file =
        emit === 'commands'
          ? join(out, 'commands.txt')
          : emit === 'slurm'
            ? join(out, 'sweep.slurm')
            : join(out, 'sweep-job.yaml');
      const text =
        emit === 'commands'
          ? `${lines.join('\n')}\n`
          : emit === 'slurm'
            ? slurmScript(lines, { name, cpus, time: String(values.time) })
            : k8sManifest(lines, {
                name,
                image: String(values.image),
                claim: String(values.claim),
                workdir: String(values.workdir),
                parallelism: jobs,
                cpus,
              });
      if (lines.length > 0) writeFileSync(file, text, { mode: emit === 'k8s' ? 0o644 : 0o755 });
      log(
        lines.length > 0
          ? `wrote ${file} (${lines.length} cells); then: anl report ${out}`
          : 'nothing to emit: every cell is finished',
      );
      process.stdout.write(
        values.json
          ? `${JSON.stringify({ emit, file, cells: lines.length, skipped, lines })}\n`
          : emit === 'commands'
            ? text
            : `${file}\n`,
      );
      return 0;
    }

    const backend = todo.length > 0 ? await setUpBackend(values.backend) : undefined;
    const children = new Set<ChildProcess>();
    const stop = () => {
      for (const child of children) child.kill('SIGTERM');
      process.exit(130);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const failed: string[] = [];
    const ran: string[] = [];
    const bar = createProgressBar({ label: 'cells', total: todo.length, logEveryMs: 0 });
    let next = 0;
    let finished = 0;
    const lane = async () => {
      while (next < todo.length) {
        const cell = todo[next++];
        const args = [...cellArgs(cell.spec, cell.file), '--backend', String(backend)];
        const code = await runWorker(args, jobs > 1, children);
        finished++;
        if (code === 0 && existsSync(cell.file)) ran.push(cellId(cell.spec));
        else failed.push(cellId(cell.spec));
        bar.update(finished, `${cellId(cell.spec)} ${code === 0 ? 'done' : `failed (exit ${code})`}`);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(jobs, Math.max(todo.length, 1)) }, lane));
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    if (todo.length > 0) bar.finish(`${ran.length} done, ${failed.length} failed`);
    if (values.report && failed.length === 0) {
      const { reportCommand } = await import('./report');
      return reportCommand.run({ values: { title: values.title, json: values.json }, positionals: [out] });
    }
    const results = readCellResults([out]);
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ out, cells: cells.length, ran, skipped, failed, files: cells.map((c) => c.file) })}\n`,
      );
    } else {
      process.stdout.write(formatTables(results.cells));
      if (failed.length > 0) process.stdout.write(`failed cells: ${failed.join(', ')}\n`);
    }
    return failed.length > 0 ? 1 : 0;
  },
};
